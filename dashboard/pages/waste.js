// Waste: prompt tokens that carry nothing (whitespace bloat, polite filler, repeated text) and
// empty messages, with what removing them would save, in total, by kind and by source.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, tokens, percent } from "../lib/format.js";
import { shareBar } from "../lib/charts.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, kpi, empty, fromResult } from "../lib/panels.js";

const KINDS = {
  whitespace: "Runs of spaces, tabs and blank lines beyond what the text needs.",
  filler: "Politeness and padding (\"please\", \"I would like you to\") the model does not need.",
  repeated: "The same instruction or passage sent more than once in a prompt.",
};

export default {
  title: "Waste",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Waste", subtitle: "Prompt tokens you pay for that carry nothing, and what removing them saves.",
      days, onDays: context.setDays,
    }));
    const result = await getJSON(`/api/usage/waste-summary?days=${days}`, { optional: true });
    if (!context.isCurrent()) return;
    main.append(fromResult(result, "Waste detection", "/api/usage/waste-summary", render));
  },
};

function render(data) {
  if (!data.analysed_calls) {
    return card("Waste", empty("No analysed calls in this window",
      "TokenLens measures the prompt of every chat call it relays; make a few calls and come back."));
  }
  const tiles = h("section", { class: "kpi-grid", "aria-label": "Waste in figures" },
    kpi({ id: "waste-cost", label: "Saving if removed", value: money(data.cost_usd), raw: data.cost_usd, tone: "good" }),
    kpi({ id: "waste-tokens", label: "Wasted tokens", value: tokens(data.waste_tokens), raw: data.waste_tokens,
      note: `${percent(data.waste_share)} of ${tokens(data.prompt_tokens)} prompt tokens` }),
    kpi({ label: "Calls analysed", value: count(data.analysed_calls), raw: data.analysed_calls }),
    kpi({ label: "Empty messages", value: count(data.empty_messages), raw: data.empty_messages }));
  const byType = Object.entries(data.by_type || {});
  const totalTokens = byType.reduce((sum, [, item]) => sum + (item.tokens || 0), 0);
  const kinds = card("By kind", h("ul", { class: "waste-kinds", id: "waste-kinds" }, byType.map(([name, item]) => h("li", {
    dataset: { kind: name },
  },
  h("div", { class: "waste-kind-head" }, h("strong", {}, name[0].toUpperCase() + name.slice(1)),
    h("span", { class: "num saving", dataset: { value: item.cost_usd } }, `${money(item.cost_usd)} saving`)),
  shareBar(totalTokens ? item.tokens / totalTokens : 0, `${tokens(item.tokens)} tokens`),
  h("p", { class: "muted" }, `${tokens(item.tokens)} tokens · `, KINDS[name] || "")))));
  const sources = data.sources || [];
  const bySource = card("By source", sortableTable({
    id: "waste-sources",
    rows: sources,
    sort: { key: "cost", descending: true },
    emptyText: "No source had waste in this window.",
    columns: [
      { key: "source", label: "Source", header: true, value: (row) => row.source },
      { key: "waste", label: "Wasted tokens", numeric: true, value: (row) => row.waste_tokens, cell: (row) => tokens(row.waste_tokens) },
      { key: "share", label: "Of prompt", numeric: true, value: (row) => row.waste_share, cell: (row) => percent(row.waste_share) },
      { key: "cost", label: "Saving", numeric: true, value: (row) => row.cost_usd, cell: (row) => money(row.cost_usd),
        dataValue: (row) => row.cost_usd },
      { key: "calls", label: "Calls", numeric: true, value: (row) => row.analysed_calls, cell: (row) => count(row.analysed_calls) },
    ],
  }));
  return [tiles, h("div", { class: "grid-2" }, kinds, bySource)];
}
