// Sources: who calls (tools, agents, scripts), with spend, tokens, cache use, problems and a
// daily spend sparkline, sortable by any column.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, tokens, percent, ago, dateTime } from "../lib/format.js";
import { sparkline, shareBar } from "../lib/charts.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, empty, failure } from "../lib/panels.js";

export default {
  title: "Sources",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Sources", subtitle: "Each tool, agent or script that calls through the proxy.", days, onDays: context.setDays,
    }));
    const [sourcesResult, seriesResult] = await Promise.all([
      getJSON(`/api/usage/sources?days=${days}`),
      getJSON(`/api/usage/breakdown?by=source&days=${days}`),
    ]);
    if (!context.isCurrent()) return;
    if (!sourcesResult.ok) {
      main.append(failure(sourcesResult, "sources"));
      return;
    }
    const list = sourcesResult.data;
    if (!list.length) {
      main.append(card("Sources", empty("No calls in this window",
        "Sources appear as soon as something calls through the proxy. Name yours with the X-TokenLens-Source header.")));
      return;
    }
    const trends = new Map((seriesResult.ok ? seriesResult.data.rows : []).map((row) => [row.key, row.daily_cost_usd]));
    const total = list.reduce((sum, row) => sum + (row.cost_usd || 0), 0);
    const table = sortableTable({
      id: "sources-table",
      caption: `${list.length} sources, ${money(total)} in total`,
      rows: list,
      sort: { key: "cost", descending: true },
      columns: [
        { key: "source", label: "Source", header: true, value: (row) => row.source, cell: (row) => row.source },
        { key: "calls", label: "Calls", numeric: true, value: (row) => row.calls, cell: (row) => count(row.calls),
          dataValue: (row) => row.calls },
        { key: "cost", label: "Spend", numeric: true, value: (row) => row.cost_usd || 0, cell: (row) => money(row.cost_usd),
          dataValue: (row) => row.cost_usd },
        { key: "share", label: "Share", sortable: false,
          cell: (row) => shareBar(total ? (row.cost_usd || 0) / total : 0, `${percent(total ? row.cost_usd / total : 0)} of spend`) },
        { key: "trend", label: "Spend per day", sortable: false,
          cell: (row) => sparkline(trends.get(row.source) || [], { label: `Daily spend of ${row.source}` }) },
        { key: "tokens", label: "Tokens in / out", numeric: true, value: (row) => row.input_tokens + row.cache_read_tokens + row.cache_write_tokens,
          cell: (row) => `${tokens(row.input_tokens + row.cache_read_tokens + row.cache_write_tokens)} / ${tokens(row.output_tokens)}` },
        { key: "cache", label: "Cache hit", numeric: true, value: (row) => row.cache_hit_rate, cell: (row) => percent(row.cache_hit_rate) },
        { key: "problems", label: "Errors / blocked", numeric: true, value: (row) => row.errors + row.blocked,
          cell: (row) => `${count(row.errors)} / ${count(row.blocked)}` },
        { key: "last", label: "Last call", value: (row) => row.last_seen, cell: (row) => h("span", { title: dateTime(row.last_seen) }, ago(row.last_seen)) },
        { key: "models", label: "Models", sortable: false, cell: (row) => modelList(row.models || []) },
      ],
    });
    main.append(card("Sources", table));
  },
};

function modelList(models) {
  if (!models.length) return "—";
  const shown = models.slice(0, 2);
  return h("span", { class: "model-list", title: models.join(", ") },
    shown.map((model, index) => [index ? ", " : "", h("code", {}, model)]),
    models.length > shown.length ? ` +${models.length - shown.length}` : "");
}
