// Provider health: latency percentiles, time to first byte, error and rate-limit rates per
// provider and per model, and the 429s hour by hour.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { count, percent, duration, dateTime } from "../lib/format.js";
import { shareBar } from "../lib/charts.js";
import { sortableTable } from "../lib/table.js";
import { pageHeader, card, kpi, empty, fromResult, badge, PROVIDER_NAMES } from "../lib/panels.js";

export default {
  title: "Provider health",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Provider health", subtitle: "How fast and how reliably each provider answers.", days, onDays: context.setDays,
    }));
    const [health, limits] = await Promise.all([
      getJSON(`/api/usage/provider-health?days=${days}`, { optional: true }),
      getJSON(`/api/usage/rate-limits?days=${days}`, { optional: true }),
    ]);
    if (!context.isCurrent()) return;
    main.append(fromResult(health, "Provider health", "/api/usage/provider-health", renderHealth));
    if (!limits.unavailable) main.append(fromResult(limits, "Rate limits", "/api/usage/rate-limits", renderLimits));
  },
};

function renderHealth(data) {
  const providers = data.providers || [];
  if (!providers.length) {
    return card("Providers", empty("No calls reached a provider in this window", "Latency and error rates appear after the first calls."));
  }
  return h("div", { class: "provider-grid", id: "providers" }, providers.map(providerCard));
}

function providerCard(provider) {
  const latency = provider.latency_ms || {};
  const ttft = provider.ttft_ms || {};
  const tone = provider.error_rate >= 0.05 ? "bad" : provider.error_rate > 0 ? "warn" : "good";
  const slowest = Math.max(latency.p99 || 0, 1);
  const bars = ["p50", "p95", "p99"].map((key) => h("div", { class: "latency-row" },
    h("span", { class: "latency-label" }, key.toUpperCase()),
    shareBar((latency[key] || 0) / slowest, `${key} ${duration(latency[key])}`),
    h("span", { class: "num", dataset: { value: latency[key] ?? "" } }, duration(latency[key]))));
  return h("section", { class: "card provider-card", dataset: { provider: provider.provider }, "aria-label": provider.provider },
    h("div", { class: "rec-head" }, h("h2", {}, PROVIDER_NAMES[provider.provider] || provider.provider),
      badge(provider.error_rate ? `${percent(provider.error_rate)} errors` : "no errors", tone)),
    h("div", { class: "kpi-grid small" },
      kpi({ label: "Calls", value: count(provider.calls), raw: provider.calls }),
      kpi({ label: "Errors", value: count(provider.errors), raw: provider.errors }),
      kpi({ label: "Rate-limited", value: count(provider.rate_limited), raw: provider.rate_limited }),
      kpi({ label: "First byte (P50)", value: duration(ttft.p50) })),
    h("h3", {}, "Latency"), bars,
    (provider.models || []).length ? h("details", {}, h("summary", {}, `By model (${provider.models.length})`), modelTable(provider)) : null);
}

function modelTable(provider) {
  return sortableTable({
    rows: provider.models,
    sort: { key: "calls", descending: true },
    columns: [
      { key: "model", label: "Model", header: true, value: (row) => row.model || "", cell: (row) => h("code", {}, row.model || "(none)") },
      { key: "calls", label: "Calls", numeric: true, value: (row) => row.calls, cell: (row) => count(row.calls) },
      { key: "errors", label: "Error rate", numeric: true, value: (row) => row.error_rate, cell: (row) => percent(row.error_rate) },
      { key: "p50", label: "P50", numeric: true, value: (row) => row.latency_ms?.p50, cell: (row) => duration(row.latency_ms?.p50) },
      { key: "p95", label: "P95", numeric: true, value: (row) => row.latency_ms?.p95, cell: (row) => duration(row.latency_ms?.p95) },
      { key: "p99", label: "P99", numeric: true, value: (row) => row.latency_ms?.p99, cell: (row) => duration(row.latency_ms?.p99) },
    ],
  });
}

function renderLimits(data) {
  const hourly = data.hourly || [];
  const summary = h("p", { class: "muted" },
    `${count(data.total ?? 0)} rate-limit answers (429) from providers`,
    data.refused_by_tokenlens ? `, and ${count(data.refused_by_tokenlens)} calls TokenLens itself held back for budgets and quotas.` : ".");
  if (!hourly.length) return card("Rate limits", summary);
  return card("Rate limits", summary, sortableTable({
    rows: hourly,
    sort: { key: "hour", descending: true },
    columns: [
      { key: "hour", label: "Hour", value: (row) => row.hour, cell: (row) => dateTime(row.hour) },
      { key: "provider", label: "Provider", value: (row) => row.provider },
      { key: "count", label: "429s", numeric: true, value: (row) => row.count, cell: (row) => count(row.count) },
    ],
  }));
}
