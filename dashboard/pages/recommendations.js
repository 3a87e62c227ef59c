// Recommendations: what the checks found (cache use, right-sizing, prompt size, retries, ...),
// largest monthly saving first, each with its evidence.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, count, label } from "../lib/format.js";
import { pageHeader, card, kpi, empty, fromResult, badge } from "../lib/panels.js";

const SEVERITY_TONE = { high: "bad", medium: "warn", low: "neutral", info: "neutral" };

export default {
  title: "Recommendations",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Recommendations", subtitle: "Changes that would cut your bill, with the saving each is worth.",
      days, onDays: context.setDays,
    }));
    const result = await getJSON(`/api/usage/recommendations?days=${days}`, { optional: true });
    if (!context.isCurrent()) return;
    main.append(fromResult(result, "Recommendations", "/api/usage/recommendations", render));
  },
};

function render(data) {
  const items = [...(data.recommendations || [])].sort((a, b) => (b.monthly_saving_usd || 0) - (a.monthly_saving_usd || 0));
  const checks = data.checks || [];
  const summary = h("section", { class: "kpi-grid small", "aria-label": "Summary" },
    kpi({ id: "rec-saving", label: "Possible saving a month", value: money(data.monthly_saving_usd), raw: data.monthly_saving_usd, tone: "good" }),
    kpi({ id: "rec-count", label: "Recommendations", value: count(items.length), raw: items.length }),
    kpi({ label: "Checks run", value: count(checks.length), note: data.span_days ? `over ${data.span_days} days of data` : null }));
  if (!items.length) {
    return [summary, card("Recommendations", empty("Nothing to recommend",
      `All ${checks.length || "the"} checks passed over this window. Come back when there is more traffic.`))];
  }
  return [summary, h("ol", { class: "recommendations", id: "recommendations" }, items.map(recommendation))];
}

function recommendation(item) {
  const figures = Object.entries(item.evidence || {}).filter(([key, value]) => key !== "call_ids" && typeof value === "number");
  const callIds = (item.evidence || {}).call_ids || [];
  const scope = [
    item.source ? ["source ", h("strong", {}, item.source)] : null,
    item.model ? ["model ", h("code", {}, item.model)] : null,
    item.suggested_model ? ["try ", h("code", {}, item.suggested_model)] : null,
  ].filter(Boolean);
  return h("li", { class: "card recommendation", dataset: { check: item.check, saving: item.monthly_saving_usd ?? 0 } },
    h("div", { class: "rec-head" },
      h("div", {}, badge(item.severity || "info", SEVERITY_TONE[item.severity] || "neutral"), " ",
        h("span", { class: "muted" }, label(item.check || "check"))),
      h("div", { class: "rec-saving" },
        h("span", { class: "saving", dataset: { value: item.monthly_saving_usd ?? 0 } }, money(item.monthly_saving_usd || 0)),
        h("span", { class: "muted" }, " a month"))),
    h("h3", {}, item.title || label(item.check)),
    item.detail ? h("p", {}, item.detail) : null,
    scope.length ? h("p", { class: "muted" }, scope.map((part, index) => [index ? " · " : "", part])) : null,
    figures.length || callIds.length ? h("details", {}, h("summary", {}, "Evidence"),
      h("dl", { class: "figures" }, figures.map(([key, value]) => h("div", {},
        h("dt", {}, label(key)), h("dd", {}, Number.isInteger(value) ? count(value) : value.toFixed(4))))),
      callIds.length ? h("p", { class: "muted" }, `Example calls: `, callIds.slice(0, 5).map((id, index) => [index ? ", " : "", h("code", {}, id)])) : null)
      : null);
}
