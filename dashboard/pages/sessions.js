// Sessions: calls grouped into working sessions (an explicit session id, or a source's calls
// close together in time), with their cost and the patterns found in them.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, tokens, percent, dateTime, duration, label } from "../lib/format.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, kpi, empty, fromResult, badge } from "../lib/panels.js";

export default {
  title: "Sessions",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Sessions", subtitle: "Calls grouped into working sessions, newest first.", days, onDays: context.setDays,
    }));
    const result = await getJSON(`/api/usage/sessions?days=${days}&limit=500`, { optional: true });
    if (!context.isCurrent()) return;
    main.append(fromResult(result, "Session detection", "/api/usage/sessions", render));
  },
};

function render(data) {
  const sessions = data.sessions || [];
  const patterns = Object.entries(data.pattern_counts || {});
  const cost = sessions.reduce((sum, session) => sum + (session.cost_usd || 0), 0);
  const summary = h("section", { class: "kpi-grid small", "aria-label": "Summary" },
    kpi({ id: "session-count", label: "Sessions", value: count(data.count ?? sessions.length), raw: data.count ?? sessions.length,
      note: sessions.length < (data.count ?? 0) ? `the newest ${count(sessions.length)} shown` : null }),
    kpi({ label: "Spend in shown sessions", value: money(cost), raw: cost }),
    kpi({ label: "Patterns found", value: count(patterns.reduce((sum, [, n]) => sum + n, 0)),
      note: patterns.filter(([, n]) => n).map(([name, n]) => `${n} ${label(name).toLowerCase()}`).join(" · ") || "none" }));
  if (!sessions.length) {
    return [summary, card("Sessions", empty("No sessions in this window",
      "Send X-TokenLens-Session with your calls to group them yourself; otherwise calls from a source within a few minutes of each other form a session."))];
  }
  const table = sortableTable({
    id: "sessions-table",
    rows: sessions,
    sort: { key: "start", descending: true },
    columns: [
      { key: "start", label: "Started", value: (row) => row.start, cell: (row) => dateTime(row.start) },
      { key: "source", label: "Source", header: true, value: (row) => row.source,
        cell: (row) => [row.source, row.explicit ? h("span", { class: "muted", title: `session ${row.id}` }, " (named)") : null] },
      { key: "duration", label: "Length", numeric: true, value: (row) => row.duration_s, cell: (row) => duration((row.duration_s || 0) * 1000) },
      { key: "calls", label: "Calls", numeric: true, value: (row) => row.calls, cell: (row) => count(row.calls), dataValue: (row) => row.calls },
      { key: "cost", label: "Spend", numeric: true, value: (row) => row.cost_usd || 0, cell: (row) => money(row.cost_usd),
        dataValue: (row) => row.cost_usd },
      { key: "tokens", label: "Tokens in / out", numeric: true, value: (row) => row.input_tokens + row.output_tokens,
        cell: (row) => `${tokens(row.input_tokens + (row.cache_read_tokens || 0) + (row.cache_write_tokens || 0))} / ${tokens(row.output_tokens)}` },
      { key: "cache", label: "Cache hit", numeric: true, value: (row) => row.cache_hit_rate, cell: (row) => percent(row.cache_hit_rate) },
      { key: "models", label: "Models", sortable: false, cell: (row) => (row.models || []).map((model, index) => [index ? ", " : "", h("code", {}, model)]) },
      { key: "patterns", label: "Patterns", value: (row) => (row.patterns || []).length,
        cell: (row) => (row.patterns || []).length
          ? (row.patterns || []).map((pattern) => h("span", { title: pattern.detail || "" }, badge(label(pattern.type), "warn"), " "))
          : h("span", { class: "muted" }, "—") },
    ],
  });
  return [summary, card("Sessions", table)];
}
