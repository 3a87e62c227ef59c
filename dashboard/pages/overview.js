// Overview: the window's KPIs, spend per day stacked by token type, the month's forecast, the
// budget gauges and the top sources.

import { getJSON } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { money, count, tokens, percent, duration, shortDate } from "../lib/format.js";
import { stackedBars, legend, gauge, shareBar, projectionChart, widthOf } from "../lib/charts.js";
import { pageHeader, card, kpi, empty, failure, unavailable, loading, badge } from "../lib/panels.js";

export const COST_TYPES = [
  { key: "input", label: "Input" },
  { key: "output", label: "Output" },
  { key: "reasoning", label: "Reasoning" },
  { key: "cache_read", label: "Cache read" },
  { key: "cache_write", label: "Cache write" },
];

export default {
  title: "Overview",
  async render(main, context) {
    const { days } = context;
    main.append(pageHeader({
      title: "Overview",
      subtitle: days === 1 ? "Today (UTC)" : `The last ${days} days (UTC)`,
      days, onDays: context.setDays,
    }));
    const kpis = h("section", { class: "kpis", "aria-label": "Key figures" }, loading());
    const spend = card("Spend per day by token type", loading());
    const forecast = card("Forecast", loading());
    const budget = card("Budget", loading());
    const sources = card("Top sources", loading());
    main.append(kpis, spend, h("div", { class: "grid-2" }, forecast, budget), sources);

    const [kpiResult, dailyResult, forecastResult, budgetResult, sourcesResult] = await Promise.all([
      getJSON(`/api/usage/kpi?days=${days}`),
      getJSON(`/api/usage/daily?days=${days}`),
      getJSON("/api/usage/forecast", { optional: true }),
      getJSON("/api/usage/budget-status"),
      getJSON(`/api/usage/sources?days=${days}`),
    ]);
    if (!context.isCurrent()) return;
    replace(kpis, kpiResult.ok ? renderKpis(kpiResult.data) : failure(kpiResult, "the key figures"));
    const chartWidth = (panel) => widthOf(panel.querySelector(".state") || panel) - 4;
    replace(spend, spend.firstChild, dailyResult.ok ? renderDaily(dailyResult.data, chartWidth(spend)) : failure(dailyResult, "daily spend"));
    replace(forecast, forecast.firstChild, renderForecast(forecastResult, chartWidth(forecast)));
    replace(budget, budget.firstChild, budgetResult.ok ? renderBudget(budgetResult.data) : failure(budgetResult, "the budget"));
    replace(sources, sources.firstChild, sourcesResult.ok ? renderTopSources(sourcesResult.data) : failure(sourcesResult, "sources"));
  },
};

function renderKpis(data) {
  const problems = (data.errors || 0) + (data.blocked || 0);
  const tiles = [
    kpi({ id: "kpi-cost", label: "Spend", value: money(data.cost_usd), raw: data.cost_usd,
      note: data.unpriced_calls ? `${count(data.unpriced_calls)} unpriced calls not counted` : "priced calls" }),
    kpi({ id: "kpi-calls", label: "Calls", value: count(data.calls), raw: data.calls,
      note: data.calls ? `${money((data.cost_usd || 0) / data.calls)} per call` : null }),
    kpi({ id: "kpi-savings", label: "Cache savings", value: money(data.savings_usd), raw: data.savings_usd, tone: "good" }),
    kpi({ id: "kpi-input", label: "Input tokens", value: tokens(data.input_tokens), raw: data.input_tokens }),
    kpi({ id: "kpi-output", label: "Output tokens", value: tokens(data.output_tokens), raw: data.output_tokens,
      note: data.reasoning_tokens ? `${tokens(data.reasoning_tokens)} reasoning` : null }),
    kpi({ id: "kpi-cache", label: "Cache hit rate", value: percent(data.cache_hit_rate), raw: data.cache_hit_rate,
      note: `${tokens(data.cache_read_tokens)} read · ${tokens(data.cache_write_tokens)} written` }),
    kpi({ id: "kpi-problems", label: "Failed or refused", value: count(problems), raw: problems, tone: problems ? "warn" : null,
      note: `${count(data.errors)} upstream errors · ${count(data.blocked)} blocked` }),
    kpi({ id: "kpi-latency", label: "Average latency", value: data.calls ? duration(data.avg_latency_ms) : "—", raw: data.avg_latency_ms }),
  ];
  const unpriced = (data.unpriced_models || []).length
    ? h("p", { class: "notice" }, "Not in the price table (cost unknown): ",
      data.unpriced_models.map((model, index) => [index ? ", " : "", h("code", {}, model)]),
      ". Add them under Settings → Pricing.")
    : null;
  return [h("div", { class: "kpi-grid" }, tiles), unpriced];
}

function renderDaily(daysData, width) {
  const total = daysData.reduce((sum, day) => sum + (day.cost_usd || 0), 0);
  if (!daysData.length || total <= 0) {
    return empty("No spend in this window yet",
      "Point an SDK at the proxy (see the README) and calls will show up here as they are made.");
  }
  const labels = daysData.map((day) => day.date);
  const series = COST_TYPES.map((type) => ({
    key: type.key, label: type.label, values: daysData.map((day) => (day.cost_by_type || {})[type.key] || 0),
  })).filter((s) => s.values.some((value) => value > 0));
  const chart = stackedBars({ days: labels, series, title: `Spend per day, ${money(total)} in total`, width,
    height: width < 500 ? 200 : 240 });
  const table = h("table", { class: "data compact", id: "daily-table" },
    h("caption", {}, "Spend per day by token type"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"),
      series.map((s) => h("th", { scope: "col", class: "num" }, s.label)),
      h("th", { scope: "col", class: "num" }, "Total"))),
    h("tbody", {}, daysData.filter((day) => day.calls > 0).reverse().map((day) => h("tr", { dataset: { date: day.date } },
      h("th", { scope: "row" }, shortDate(day.date)),
      series.map((s) => h("td", { class: "num" }, money((day.cost_by_type || {})[s.key] || 0))),
      h("td", { class: "num", dataset: { value: day.cost_usd } }, money(day.cost_usd))))));
  return [
    h("div", { class: "chart-frame", id: "daily-chart" }, chart),
    legend(series),
    h("details", { class: "as-table" }, h("summary", {}, "Show as a table"), h("div", { class: "table-wrap" }, table)),
  ];
}

function renderForecast(result, width) {
  if (result.unavailable) return unavailable("The spend forecast", "/api/usage/forecast");
  if (!result.ok) return failure(result, "the forecast");
  const data = result.data || {};
  const trend = data.trend || {};
  const budget = data.budget || {};
  const arrow = { up: "↗ rising", down: "↘ falling", flat: "→ flat" }[trend.direction] || trend.direction || "—";
  const tiles = h("div", { class: "kpi-grid small" },
    kpi({ id: "forecast-projected", label: `Projected ${data.month || "this month"}`, value: money(data.projected_month_usd),
      raw: data.projected_month_usd, tone: budget.projected_over ? "bad" : null }),
    kpi({ id: "forecast-to-date", label: "Spent so far", value: money(data.spend_to_date_usd), raw: data.spend_to_date_usd,
      note: data.day_of_month ? `day ${data.day_of_month} of ${data.days_in_month}` : null }),
    kpi({ label: "Trend", value: arrow,
      note: trend.slope_usd_per_day !== undefined ? `${money(trend.slope_usd_per_day)} a day` : null }),
    kpi({ label: "Confidence", value: percent(data.confidence, 0), raw: data.confidence }));
  const parts = [tiles];
  if (budget.monthly_limit_usd) {
    parts.push(h("p", { class: budget.projected_over ? "notice notice-bad" : "notice" },
      budget.projected_over ? "On this trend the month ends over its budget: " : "Monthly budget: ",
      `${money(data.projected_month_usd)} projected against ${money(budget.monthly_limit_usd)}`,
      budget.projected_share !== null && budget.projected_share !== undefined ? ` (${percent(budget.projected_share, 0)}).` : "."));
  }
  const chart = forecastChart(data, width);
  if (chart) parts.push(h("div", { class: "chart-frame" }, chart));
  return parts;
}

/** Month so far at the daily average, then the projection to the month's end. */
function forecastChart(data, width) {
  const dayOfMonth = Number(data.day_of_month);
  const daysInMonth = Number(data.days_in_month);
  if (!(dayOfMonth > 0 && daysInMonth >= dayOfMonth) || !data.month) return null;
  const labels = Array.from({ length: daysInMonth }, (_, index) => `${data.month}-${String(index + 1).padStart(2, "0")}`);
  const spent = Number(data.spend_to_date_usd) || 0;
  const projected = Number(data.projected_month_usd) || spent;
  const actual = labels.slice(0, dayOfMonth).map((_, index) => (spent * (index + 1)) / dayOfMonth);
  const perDay = daysInMonth > dayOfMonth ? (projected - spent) / (daysInMonth - dayOfMonth) : 0;
  const future = labels.slice(dayOfMonth).map((_, index) => spent + perDay * (index + 1));
  const confidence = Math.max(0, Math.min(1, Number(data.confidence) || 0));
  const spread = 1 - confidence;
  const band = [spent, ...future].map((value) => ({ low: spent + (value - spent) * (1 - spread), high: spent + (value - spent) * (1 + spread) }));
  return projectionChart({
    labels, actual, projected: future, band: future.length ? band : [], width, height: 180,
    title: `Cumulative spend this month: ${money(spent)} so far, ${money(projected)} projected`,
  });
}

function renderBudget(data) {
  const limits = data.limits || [];
  if (!limits.length) {
    return empty("No budget or limits set",
      "Set a daily or monthly budget, or per-source caps, to see how much of them is used.",
      h("a", { href: "#/settings/budget", class: "button secondary" }, "Set a budget"));
  }
  const money_limits = limits.filter((limit) => limit.kind === "usd");
  const call_limits = limits.filter((limit) => limit.kind === "calls");
  const gauges = h("div", { class: "gauges" }, money_limits.map((limit) => h("figure", {
    class: "gauge-box", dataset: { rule: limit.rule, spent: limit.spent, limit: limit.limit },
  },
  gauge({ value: limit.spent, reserved: limit.reserved, max: limit.limit, label: ruleLabel(limit.rule) }),
  h("figcaption", {}, ruleLabel(limit.rule), " ", limit.exceeded ? badge(limit.action === "warn" ? "over (warn)" : "blocking", "bad") : null,
    h("span", { class: "muted" }, ` ${money(limit.spent)} spent · ${money(limit.remaining)} left`)))));
  const calls = call_limits.length ? h("ul", { class: "limit-list" }, call_limits.map((limit) => h("li", {},
    h("span", {}, ruleLabel(limit.rule)),
    shareBar(limit.limit ? (limit.used + limit.reserved) / limit.limit : 0, `${limit.used} of ${limit.limit} calls`),
    h("span", { class: "num" }, `${count(limit.used)} / ${count(limit.limit)} calls`)))) : null;
  return [
    h("p", { class: "muted" }, data.budget_enabled ? "Global budget enforced" : "Global budget off",
      ` · windows in ${data.timezone} · day ${data.day}`),
    gauges, calls,
  ];
}

function ruleLabel(rule) {
  if (rule === "budget.daily") return "Daily budget";
  if (rule === "budget.monthly") return "Monthly budget";
  const source = /^source_limit:(.*)\.(daily|monthly)$/.exec(rule);
  if (source) return `${source[1]} (${source[2]})`;
  const model = /^model_limit:(.*)$/.exec(rule);
  if (model) return `${model[1]} calls today`;
  return rule;
}

function renderTopSources(list) {
  if (!list.length) return empty("No sources yet", "Each tool or agent that calls through the proxy appears here.");
  const total = list.reduce((sum, source) => sum + (source.cost_usd || 0), 0);
  const top = list.slice(0, 6);
  return [
    h("ul", { class: "top-list", id: "top-sources" }, top.map((source) => h("li", { dataset: { source: source.source } },
      h("a", { href: "#/sources", class: "top-name" }, source.source),
      shareBar(total ? (source.cost_usd || 0) / total : 0, `${percent(total ? source.cost_usd / total : 0)} of spend`),
      h("span", { class: "num", dataset: { value: source.cost_usd } }, money(source.cost_usd)),
      h("span", { class: "num muted" }, `${count(source.calls)} calls`)))),
    list.length > top.length ? h("p", { class: "muted" }, h("a", { href: "#/sources" }, `All ${list.length} sources →`)) : null,
  ];
}
