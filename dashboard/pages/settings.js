// Settings: the gateway rules (quotas and kill switches, routing, guardrails) and the daemon's
// settings (budget, alerts, pricing, webhooks), each saved through the config API with the
// version it was read at. The compiler's errors appear next to the field they concern; a save
// shows the new policy version.

import { getJSON, putJSON, adminToken, setAdminToken } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { count } from "../lib/format.js";
import { control, listEditor, valueAt, showErrors, clearErrors, where, messageNodes } from "../lib/forms.js";
import { pageHeader, failure, loading } from "../lib/panels.js";

const ACTIONS = [["block", "Block"], ["warn", "Warn only"]];
const GUARD_ACTIONS = [["warn", "Warn only"], ["block", "Block"]];
const SCOPES = [["both", "Prompt and answer"], ["request", "Prompt only"], ["response", "Answer only"]];
const PII_TYPES = [["email", "Email"], ["phone", "Phone"], ["ssn", "SSN"], ["credit_card", "Credit card"], ["iban", "IBAN"]];
const WEBHOOK_EVENTS = [["call_recorded", "Every recorded call"], ["cost_alert", "Cost alerts"], ["weekly_digest", "Weekly digest"]];

const SECTIONS = {
  quotas: {
    title: "Quotas & kill switches",
    endpoint: "/api/config/quotas",
    intro: "Stop a source outright, or cap what a source may spend and how often a model may be called.",
    build: buildQuotas,
  },
  routing: {
    title: "Routing",
    endpoint: "/api/config/routing",
    intro: "Swap models by alias, retry on failures with fallbacks, split a source's traffic, or route by latency.",
    build: buildRouting,
  },
  guardrails: {
    title: "Guardrails",
    endpoint: "/api/config/guardrails",
    intro: "Scan prompts and answers for personal data, prompt injection and your own patterns.",
    build: buildGuardrails,
  },
  budget: {
    title: "Budget",
    endpoint: "/api/settings/budget",
    strip: "budget",
    intro: "Global daily and monthly spend caps for every call through the proxy.",
    build: buildBudget,
  },
  alerts: {
    title: "Alerts",
    endpoint: "/api/settings/alerts",
    strip: "alerts",
    intro: "A live alert (and a cost_alert webhook) when a day's spend passes a threshold.",
    build: buildAlerts,
  },
  pricing: {
    title: "Pricing",
    endpoint: "/api/settings/pricing",
    strip: "pricing",
    intro: "Your own rates for a model, in USD per million tokens, over the shipped price table.",
    build: buildPricing,
  },
  webhooks: {
    title: "Webhooks",
    endpoint: "/api/settings/webhooks",
    strip: "webhooks",
    intro: "HTTP callbacks on recorded calls, cost alerts and the weekly digest.",
    build: buildWebhooks,
  },
};

export default {
  title: "Settings",
  async render(main, context) {
    const name = SECTIONS[context.rest[0]] ? context.rest[0] : "quotas";
    const section = SECTIONS[name];
    const version = h("code", { id: "settings-version" }, "…");
    main.append(pageHeader({
      title: "Settings",
      subtitle: h("span", {}, "Policy version in force: ", version),
      actions: [tokenBox()],
    }));
    main.append(h("nav", { class: "tabs", "aria-label": "Settings sections" },
      Object.entries(SECTIONS).map(([key, value]) => h("a", {
        href: `#/settings/${key}`, "aria-current": key === name ? "page" : null, dataset: { section: key },
      }, value.title))));
    const holder = h("div", { class: "settings-body" }, loading());
    main.append(holder);

    const [result, status] = await Promise.all([getJSON(section.endpoint), getJSON("/api/status")]);
    if (!context.isCurrent()) return;
    const current = result.etag ? unquote(result.etag) : status.data?.policy?.version;
    setVersion(version, current);
    if (!result.ok) {
      replace(holder, failure(result, section.title.toLowerCase()));
      return;
    }
    mountSection(holder, name, section, result.data, result.etag, version);
  },
};

function unquote(etag) {
  return String(etag || "").replace(/^W\//, "").replace(/"/g, "");
}

function setVersion(node, value) {
  node.textContent = value || "—";
  node.dataset.value = value || "";
}

function tokenBox() {
  const input = h("input", { type: "password", id: "admin-token", autocomplete: "off", value: adminToken(),
    placeholder: "only if [server] admin_token is set" });
  input.addEventListener("change", () => setAdminToken(input.value.trim()));
  return h("details", { class: "token-box" }, h("summary", {}, "Admin token"),
    h("label", { for: "admin-token" }, "Admin token for changes"), input,
    h("p", { class: "hint" }, "Kept for this browser tab only."));
}

/** Renders a section's form from its JSON and wires Save. */
function mountSection(holder, name, section, data, etag, versionNode) {
  const state = { etag };
  const fields = h("div", { class: "section-fields" });
  const reader = section.build(fields, data);
  const summary = h("div", { class: "form-summary", id: "settings-summary", "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "button", id: "settings-save" }, "Save");
  const form = h("form", { class: "card settings-form", id: `settings-${name}`, novalidate: true, dataset: { section: name } },
    h("h2", {}, section.title), h("p", { class: "muted" }, section.intro), fields,
    h("div", { class: "form-actions" }, save), summary);
  replace(holder, form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    save.textContent = "Saving…";
    clearErrors(form);
    replace(summary);
    const result = await putJSON(section.endpoint, reader(), { ifMatch: state.etag });
    save.disabled = false;
    save.textContent = "Save";
    if (result.ok) {
      const version = result.data.version || unquote(result.etag);
      state.etag = result.etag || `"${version}"`;
      setVersion(versionNode, version);
      window.dispatchEvent(new Event("tokenlens:status"));
      mountSection(holder, name, section, result.data.config, state.etag, versionNode);
      const files = (result.data.changed_files || []).map((file) => file.split("/").pop());
      replace(document.getElementById("settings-summary"), h("p", { class: "notice notice-good", id: "settings-saved", role: "status" },
        `Saved. Policy version ${version} is in force`,
        files.length ? ` (changed ${files.join(", ")}).` : " (nothing needed to change)."));
      return;
    }
    if (result.status === 412) {
      const now = result.data?.version;
      replace(summary, h("div", { class: "notice notice-bad", role: "alert", id: "settings-stale" },
        `Someone changed the policy since this page loaded${now ? ` (now ${now})` : ""}. Nothing was saved. `,
        h("button", { type: "button", class: "button secondary small", onclick: () => window.dispatchEvent(new HashChangeEvent("hashchange")) },
          "Reload this section")));
      return;
    }
    const errors = result.data?.errors;
    if (result.status === 422 && Array.isArray(errors)) {
      const unplaced = showErrors(form, errors, section.strip);
      replace(summary, h("div", { class: "notice notice-bad", role: "alert", id: "settings-errors" },
        h("p", {}, `${count(errors.length)} problem${errors.length === 1 ? "" : "s"}: nothing was saved.`),
        unplaced.length ? h("ul", {}, unplaced.map((error) => h("li", {}, messageNodes(error.message), h("span", { class: "error-where" }, ` (${where(error)})`)))) : null));
      const first = form.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    replace(summary, h("p", { class: "notice notice-bad", role: "alert", id: "settings-failed" }, result.error || "Saving failed."));
  });
}

// ---------------------------------------------------------------- sections

function group(title, ...children) {
  return h("fieldset", { class: "group" }, h("legend", {}, title), ...children);
}

function buildQuotas(root, data) {
  const kills = listEditor({
    path: "kill_switches", title: "Kill switches", items: data.kill_switches || [], scalar: true,
    columns: [{ label: "Source", placeholder: "e.g. my-agent" }],
    addLabel: "Stop a source", emptyText: "No source is stopped.",
  });
  const sources = listEditor({
    path: "source_limits", title: "Per-source spend caps", items: data.source_limits || [],
    columns: [
      { key: "source", label: "Source", placeholder: "my-agent" },
      { key: "daily_usd", label: "Daily USD", kind: "number" },
      { key: "monthly_usd", label: "Monthly USD", kind: "number" },
      { key: "action", label: "When reached", kind: "select", options: ACTIONS, default: "block" },
    ],
    addLabel: "Add a cap", emptyText: "No source has a cap.",
  });
  const models = listEditor({
    path: "model_limits", title: "Per-model daily call limits", items: data.model_limits || [],
    columns: [
      { key: "model", label: "Model", placeholder: "claude-opus-4-6" },
      { key: "daily_calls", label: "Calls a day", kind: "number", step: "1" },
      { key: "action", label: "When reached", kind: "select", options: ACTIONS, default: "block" },
    ],
    addLabel: "Add a limit", emptyText: "No model has a call limit.",
  });
  root.append(kills, sources, models);
  return () => ({ kill_switches: kills.read(), source_limits: sources.read(), model_limits: models.read() });
}

function buildRouting(root, data) {
  const aliases = listEditor({
    path: "aliases", title: "Aliases", items: data.aliases || [],
    columns: [{ key: "from", label: "Requests for", placeholder: "gpt-4" }, { key: "to", label: "Are sent as", placeholder: "gpt-4.1" }],
    addLabel: "Add an alias", emptyText: "No aliases.",
  });
  const chains = listEditor({
    path: "fallback_chains", title: "Fallback chains", items: data.fallback_chains || [],
    columns: [
      { key: "trigger_model", label: "When this model fails", placeholder: "claude-opus-4-6" },
      { key: "fallbacks", label: "Try, in order (comma-separated)", kind: "list", wide: true },
    ],
    addLabel: "Add a chain", emptyText: "No fallback chains.",
  });
  const weights = listEditor({
    path: "weights", title: "Weighted routing", items: data.weights || [],
    columns: [
      { key: "source", label: "Source", placeholder: "my-agent" },
      { key: "rules", label: "Models and weights (model=weight, …)", wide: true, placeholder: "claude-haiku-4-5=70, claude-sonnet-4-6=30",
        get: (item) => (item.rules || []).map((rule) => `${rule.model}=${rule.weight}`).join(", "), put: parseWeights },
    ],
    addLabel: "Add a split", emptyText: "No weighted routing.",
  });
  const latency = data.latency_routing || {};
  const routes = listEditor({
    path: "latency_routing.routes", title: "Latency routes", items: latency.routes || [],
    columns: [
      { key: "model", label: "Requests for", placeholder: "fast" },
      { key: "candidates", label: "Candidates (comma-separated)", kind: "list", wide: true },
    ],
    addLabel: "Add a route", emptyText: "No latency routes.",
  });
  root.append(aliases, chains, weights, group("Latency routing",
    h("div", { class: "field-row" },
      control({ path: "latency_routing.enabled", label: "Route by recent latency", kind: "checkbox", value: latency.enabled }),
      control({ path: "latency_routing.window_seconds", label: "Window (seconds)", kind: "number", step: "1", value: latency.window_seconds })),
    routes));
  return () => ({
    aliases: aliases.read(),
    fallback_chains: chains.read(),
    weights: weights.read(),
    latency_routing: {
      enabled: valueAt(root, "latency_routing.enabled"),
      window_seconds: valueAt(root, "latency_routing.window_seconds"),
      routes: routes.read(),
    },
  });
}

/** "a=70, b=30" → [{model: "a", weight: 70}, ...]; a weight that is not a number is sent as typed, for the compiler to point at. */
function parseWeights(text) {
  if (!text) return [];
  return String(text).split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    const [model, weight = ""] = part.split("=").map((piece) => piece.trim());
    const number = Number(weight);
    return { model, weight: weight !== "" && Number.isFinite(number) ? number : weight };
  });
}

function buildGuardrails(root, data) {
  const pii = data.pii_detection || {};
  const injection = data.injection_detection || {};
  const types = new Set(pii.types || []);
  const rules = listEditor({
    path: "custom_rules", title: "Custom rules", items: data.custom_rules || [],
    columns: [
      { key: "name", label: "Name", placeholder: "no-internal-hosts" },
      { key: "pattern", label: "Pattern (PCRE2)", wide: true, placeholder: "\\b[a-z]+\\.corp\\.example\\.com\\b" },
      { key: "case_insensitive", label: "Ignore case", kind: "checkbox", default: false },
      { key: "action", label: "On match", kind: "select", options: GUARD_ACTIONS, default: "warn" },
      { key: "scope", label: "Scan", kind: "select", options: SCOPES, default: "both" },
    ],
    addLabel: "Add a rule", emptyText: "No custom rules.",
  });
  root.append(
    group("Personal data",
      h("div", { class: "field-row" },
        control({ path: "pii_detection.enabled", label: "Detect personal data", kind: "checkbox", value: pii.enabled }),
        control({ path: "pii_detection.action", label: "On match", kind: "select", options: GUARD_ACTIONS, value: pii.action }),
        control({ path: "pii_detection.scope", label: "Scan", kind: "select", options: SCOPES, value: pii.scope })),
      h("div", { class: "field-row checks", dataset: { path: "pii_detection.types" } },
        PII_TYPES.map(([value, text]) => control({ path: `pii_detection.types.${value}`, label: text, kind: "checkbox", value: types.has(value) })))),
    group("Prompt injection",
      h("div", { class: "field-row" },
        control({ path: "injection_detection.enabled", label: "Detect injection attempts", kind: "checkbox", value: injection.enabled }),
        control({ path: "injection_detection.action", label: "On match", kind: "select", options: GUARD_ACTIONS, value: injection.action }))),
    rules);
  return () => ({
    pii_detection: {
      enabled: valueAt(root, "pii_detection.enabled"),
      action: valueAt(root, "pii_detection.action"),
      scope: valueAt(root, "pii_detection.scope"),
      types: PII_TYPES.map(([value]) => value).filter((value) => valueAt(root, `pii_detection.types.${value}`)),
    },
    injection_detection: {
      enabled: valueAt(root, "injection_detection.enabled"),
      action: valueAt(root, "injection_detection.action"),
    },
    custom_rules: rules.read(),
  });
}

function buildBudget(root, data) {
  root.append(h("div", { class: "field-row" },
    control({ path: "enabled", label: "Enforce the budget", kind: "checkbox", value: data.enabled }),
    control({ path: "daily_limit_usd", label: "Daily limit (USD)", kind: "number", value: data.daily_limit_usd }),
    control({ path: "monthly_limit_usd", label: "Monthly limit (USD)", kind: "number", value: data.monthly_limit_usd }),
    control({ path: "action", label: "When reached", kind: "select", options: ACTIONS, value: data.action }),
    control({ path: "timezone", label: "Time zone of the windows", value: data.timezone, placeholder: "UTC",
      hint: "An IANA name such as Europe/Paris." })));
  return () => ({
    enabled: valueAt(root, "enabled"),
    daily_limit_usd: valueAt(root, "daily_limit_usd"),
    monthly_limit_usd: valueAt(root, "monthly_limit_usd"),
    action: valueAt(root, "action"),
    timezone: valueAt(root, "timezone") || "UTC",
  });
}

function buildAlerts(root, data) {
  root.append(h("div", { class: "field-row" },
    control({ path: "enabled", label: "Send cost alerts", kind: "checkbox", value: data.enabled }),
    control({ path: "daily_cost_threshold", label: "Alert when a day's spend passes (USD)", kind: "number", value: data.daily_cost_threshold })));
  return () => ({ enabled: valueAt(root, "enabled"), daily_cost_threshold: valueAt(root, "daily_cost_threshold") });
}

const RATE_KEYS = [
  ["input_per_mtok", "Input"], ["output_per_mtok", "Output"], ["cache_read_per_mtok", "Cache read"],
  ["cache_write_per_mtok", "Cache write"],
];

function buildPricing(root, data) {
  const overrides = Object.entries(data.overrides || {}).map(([model, rates]) => ({ model, ...rates }));
  const list = listEditor({
    path: "overrides", title: "Price overrides (USD per million tokens)", items: overrides,
    columns: [
      { key: "model", label: "Model", placeholder: "my-finetuned-model" },
      { key: "provider", label: "Provider", kind: "select", options: [["", "any"], ["openai", "OpenAI"], ["anthropic", "Anthropic"], ["gemini", "Gemini"]], default: "" },
      ...RATE_KEYS.map(([key, text]) => ({ key, label: text, kind: "number" })),
    ],
    addLabel: "Add an override", emptyText: "No overrides: the shipped price table applies.",
  });
  root.append(h("p", { class: "muted" }, `${count(data.models_priced ?? 0)} models are priced.`), list);
  // Compiler messages name overrides `pricing."model".key`; rows are keyed by model for them.
  list.dataset.path = "overrides";
  const keyRows = () => {
    for (const row of list.querySelectorAll(".list-row")) {
      const model = valueAt(row, `${row.dataset.path}.model`);
      row.dataset.modelPath = model ? JSON.stringify(model) : "";
    }
  };
  return () => {
    keyRows();
    const body = {};
    for (const row of list.read()) {
      const { model, ...rates } = row;
      if (model) body[model] = rates;
    }
    retargetPricingErrors(list);
    return { overrides: body };
  };
}

/** Pricing errors name `"model".key`: give each row and its fields those paths as well. */
function retargetPricingErrors(list) {
  for (const row of list.querySelectorAll(".list-row")) {
    const model = row.dataset.modelPath;
    if (!model) continue;
    row.dataset.path = model;
    for (const input of row.querySelectorAll("[data-kind]")) input.dataset.path = `${model}${input.dataset.suffix}`;
  }
}

function buildWebhooks(root, data) {
  const events = new Set(data.events || []);
  root.append(
    h("div", { class: "field-row" },
      control({ path: "enabled", label: "Send webhooks", kind: "checkbox", value: data.enabled }),
      control({ path: "url", label: "URL", value: data.url, placeholder: "https://hooks.example.com/tokenlens", wide: true })),
    h("div", { class: "field-row checks", dataset: { path: "events" } },
      WEBHOOK_EVENTS.map(([value, text]) => control({ path: `events.${value}`, label: text, kind: "checkbox", value: events.has(value) }))),
    h("div", { class: "field-row" },
      control({ path: "secret", label: "Signing secret", kind: "password",
        placeholder: data.secret_set ? "set; leave empty to keep it" : "optional", hint: "Signs each delivery (HMAC-SHA256); never shown again." }),
      control({ path: "allow_hosts", label: "Allowed hosts (comma-separated)", kind: "list", value: data.allow_hosts, wide: true })),
    "max_attempts" in data || "timeout_seconds" in data ? h("div", { class: "field-row" },
      "max_attempts" in data ? control({ path: "max_attempts", label: "Attempts per delivery", kind: "number", step: "1", value: data.max_attempts }) : null,
      "timeout_seconds" in data ? control({ path: "timeout_seconds", label: "Timeout (seconds)", kind: "number", value: data.timeout_seconds }) : null) : null);
  return () => {
    const body = {
      enabled: valueAt(root, "enabled"),
      url: valueAt(root, "url") || null,
      events: WEBHOOK_EVENTS.map(([value]) => value).filter((value) => valueAt(root, `events.${value}`)),
      allow_hosts: valueAt(root, "allow_hosts"),
    };
    const secret = valueAt(root, "secret");
    if (secret) body.secret = secret;
    if ("max_attempts" in data) body.max_attempts = valueAt(root, "max_attempts");
    if ("timeout_seconds" in data) body.timeout_seconds = valueAt(root, "timeout_seconds");
    return body;
  };
}
