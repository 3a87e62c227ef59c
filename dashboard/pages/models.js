// Models: spend, calls, tokens, cache use and latency per model (as served, after routing),
// with a daily spend sparkline, sortable by any column.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, tokens, percent, duration, ago, dateTime } from "../lib/format.js";
import { sparkline, shareBar } from "../lib/charts.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, empty, failure } from "../lib/panels.js";

export default {
  title: "Models",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Models", subtitle: "What each model served, after aliases and routing.", days, onDays: context.setDays,
    }));
    const result = await getJSON(`/api/usage/breakdown?by=model&days=${days}`);
    if (!context.isCurrent()) return;
    if (!result.ok) {
      main.append(failure(result, "models"));
      return;
    }
    const rows = result.data.rows || [];
    if (!rows.length) {
      main.append(card("Models", empty("No calls in this window", "Models appear once calls go through the proxy.")));
      return;
    }
    const total = rows.reduce((sum, row) => sum + (row.cost_usd || 0), 0);
    const table = sortableTable({
      id: "models-table",
      caption: `${rows.length} models, ${money(total)} in total`,
      rows,
      sort: { key: "cost", descending: true },
      columns: [
        { key: "model", label: "Model", header: true, value: (row) => row.key,
          cell: (row) => [h("code", {}, row.key || "(none)"), row.unpriced_calls ? h("span", { class: "badge badge-warn", title: "Not in the price table" }, "unpriced") : null] },
        { key: "provider", label: "Provider", value: (row) => row.provider || "", cell: (row) => row.provider || "several" },
        { key: "calls", label: "Calls", numeric: true, value: (row) => row.calls, cell: (row) => count(row.calls),
          dataValue: (row) => row.calls },
        { key: "cost", label: "Spend", numeric: true, value: (row) => row.cost_usd || 0, cell: (row) => money(row.cost_usd),
          dataValue: (row) => row.cost_usd },
        { key: "share", label: "Share", sortable: false,
          cell: (row) => shareBar(total ? (row.cost_usd || 0) / total : 0, `${percent(total ? row.cost_usd / total : 0)} of spend`) },
        { key: "trend", label: "Spend per day", sortable: false,
          cell: (row) => sparkline(row.daily_cost_usd || [], { label: `Daily spend on ${row.key}` }) },
        { key: "per_call", label: "Per call", numeric: true, value: (row) => (row.priced_calls ? row.cost_usd / row.priced_calls : 0),
          cell: (row) => (row.priced_calls ? money(row.cost_usd / row.priced_calls) : "—") },
        { key: "tokens", label: "Tokens in / out", numeric: true, value: (row) => row.input_tokens + row.cache_read_tokens + row.cache_write_tokens,
          cell: (row) => `${tokens(row.input_tokens + row.cache_read_tokens + row.cache_write_tokens)} / ${tokens(row.output_tokens)}` },
        { key: "cache", label: "Cache hit", numeric: true, value: (row) => row.cache_hit_rate, cell: (row) => percent(row.cache_hit_rate) },
        { key: "latency", label: "Avg latency", numeric: true, value: (row) => row.avg_latency_ms, cell: (row) => duration(row.avg_latency_ms) },
        { key: "last", label: "Last call", value: (row) => row.last_seen, cell: (row) => h("span", { title: dateTime(row.last_seen) }, ago(row.last_seen)) },
      ],
    });
    main.append(card("Models", table));
  },
};
