// Building blocks every page uses: page header with the time window, cards, KPI tiles, and the
// loading, empty, error and "not available" states.

import { h, append } from "./dom.js";

export const WINDOWS = [1, 7, 30, 90];

/** The page's title row; `onDays` adds the window picker (last N days). */
export function pageHeader({ title, subtitle, days, onDays, actions = [] }) {
  const right = h("div", { class: "page-actions" }, actions);
  if (onDays) right.prepend(windowPicker(days, onDays));
  return h("header", { class: "page-header" },
    h("div", {}, h("h1", {}, title), subtitle ? h("p", { class: "subtitle" }, subtitle) : null),
    right);
}

function windowPicker(days, onDays) {
  const group = h("div", { class: "segmented", role: "group", "aria-label": "Time window" });
  for (const value of WINDOWS) {
    group.append(h("button", {
      type: "button", "aria-pressed": value === days ? "true" : "false", dataset: { days: value },
      onclick: () => onDays(value),
    }, value === 1 ? "Today" : `${value} days`));
  }
  return group;
}

/** A titled section of a page. */
export function card(title, ...children) {
  const id = `card-${String(title).toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return h("section", { class: "card", "aria-labelledby": id },
    h("h2", { id }, title), ...children);
}

/** A KPI tile: label, big value (with its raw number in data-value for tests and tools), note. */
export function kpi({ id, label, value, raw, note, tone }) {
  return h("div", { class: ["kpi", tone ? `tone-${tone}` : null], id, dataset: raw === undefined ? {} : { value: raw } },
    h("span", { class: "kpi-label" }, label),
    h("span", { class: "kpi-value" }, value),
    note ? h("span", { class: "kpi-note" }, note) : null);
}

export function loading(text = "Loading…") {
  return h("p", { class: "state state-loading", role: "status" }, text);
}

export function empty(title, text, action) {
  return h("div", { class: "state state-empty" },
    h("p", { class: "state-title" }, title), text ? h("p", {}, text) : null, action || null);
}

export function failure(result, what) {
  return h("div", { class: "state state-error", role: "alert" },
    h("p", { class: "state-title" }, `Could not load ${what}`),
    h("p", {}, result.error || `HTTP ${result.status}`));
}

/** What a page shows for an endpoint this daemon does not offer (yet). */
export function unavailable(what, endpoint) {
  return h("div", { class: "state state-unavailable", dataset: { unavailable: endpoint } },
    h("p", { class: "state-title" }, `${what} is not available`),
    h("p", {}, "This daemon does not offer ", h("code", {}, endpoint),
      " yet. It comes with a later TokenLens version; everything else keeps working."));
}

/** Either the content a successful result renders, or the right state for a failed one. */
export function fromResult(result, what, endpoint, render) {
  if (result.unavailable) return unavailable(what, endpoint);
  if (!result.ok) return failure(result, what);
  return append(document.createDocumentFragment(), [render(result.data)]);
}

/** How the providers are named on screen. */
export const PROVIDER_NAMES = { openai: "OpenAI", anthropic: "Anthropic", google: "Google Gemini" };

/** A small coloured label: outcome, severity, action. */
export function badge(text, tone = "neutral") {
  return h("span", { class: `badge badge-${tone}` }, text);
}
