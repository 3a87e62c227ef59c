// Anomalies: days on which a source's spend, calls or tokens per call rose well above its
// rolling baseline (mean + 2σ).

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, tokens, shortDate } from "../lib/format.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, kpi, empty, fromResult, badge } from "../lib/panels.js";

export default {
  title: "Anomalies",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Anomalies", subtitle: "Spikes in a source's spend, calls or tokens against its own recent days.",
      days, onDays: context.setDays,
    }));
    const result = await getJSON(`/api/usage/anomalies?days=${days}`, { optional: true });
    if (!context.isCurrent()) return;
    main.append(fromResult(result, "Anomaly detection", "/api/usage/anomalies", render));
  },
};

function amount(unit, value) {
  if (value === null || value === undefined) return "—";
  if (unit === "usd") return money(value);
  if (unit === "tokens") return tokens(value);
  return count(value);
}

function render(data) {
  const anomalies = data.anomalies || [];
  const summary = h("section", { class: "kpi-grid small", "aria-label": "Summary" },
    kpi({ id: "anomaly-count", label: "Anomalies", value: count(anomalies.length), raw: anomalies.length, tone: anomalies.length ? "warn" : null }),
    kpi({ label: "Sources checked", value: count(data.sources_checked ?? 0) }),
    kpi({ label: "Rule", value: `mean + ${data.sigma ?? 2}σ`, note: `over ${data.rolling_days ?? 14} days, at least ${data.min_baseline_days ?? 7} days of history` }));
  if (!anomalies.length) {
    return [summary, card("Anomalies", empty("No anomalies in this window",
      "A source needs about a week of history before a spike can stand out against it."))];
  }
  const table = sortableTable({
    id: "anomalies-table",
    rows: anomalies,
    sort: { key: "date", descending: true },
    columns: [
      { key: "date", label: "Day", value: (row) => row.date, cell: (row) => shortDate(row.date) },
      { key: "source", label: "Source", header: true, value: (row) => row.source },
      { key: "metric", label: "Metric", value: (row) => row.metric, cell: (row) => badge(row.metric, "warn") },
      { key: "value", label: "Value", numeric: true, value: (row) => row.value, cell: (row) => amount(row.unit, row.value),
        dataValue: (row) => row.value },
      { key: "mean", label: "Usual", numeric: true, value: (row) => row.mean, cell: (row) => amount(row.unit, row.mean) },
      { key: "threshold", label: "Threshold", numeric: true, value: (row) => row.threshold, cell: (row) => amount(row.unit, row.threshold) },
      { key: "z", label: "σ above", numeric: true, value: (row) => row.z_score ?? 0, cell: (row) => (row.z_score === null || row.z_score === undefined ? "—" : row.z_score.toFixed(1)) },
    ],
  });
  return [summary, card("Anomalies", table)];
}
