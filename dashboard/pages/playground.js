// Playground: run a prompt against any priced chat model through the proxy (recorded as
// source "playground"), with a cost preview before running. API keys typed here are sent with
// the run and never stored.

import { getJSON, postJSON } from "../lib/api.js";
import { h, replace, uid } from "../lib/dom.js";
import { money, tokens, count, duration } from "../lib/format.js";
import { pageHeader, card, failure, badge } from "../lib/panels.js";

const CHOICE_KEY = "tokenlens.playground";

export default {
  title: "Playground",
  async render(main, context) {
    main.append(pageHeader({
      title: "Playground",
      subtitle: "Try a prompt on any model. It runs through the proxy, so it is checked, recorded and priced like any call.",
    }));
    const catalog = await getJSON("/api/playground/models");
    if (!context.isCurrent()) return;
    if (!catalog.ok) {
      main.append(failure(catalog, "the model list"));
      return;
    }
    return mountForm(main, catalog.data);
  },
};

function field(labelText, control, hint) {
  const id = control.id || uid("field");
  control.id = id;
  const hintNode = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "field" }, h("label", { for: id }, labelText), control, hintNode);
}

function savedChoice() {
  try {
    return JSON.parse(localStorage.getItem(CHOICE_KEY) || "{}");
  } catch {
    return {};
  }
}

function saveChoice(choice) {
  try {
    localStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Not remembered; harmless.
  }
}

function mountForm(main, catalog) {
  const saved = savedChoice();
  const providers = catalog.providers || [];
  const models = catalog.models || [];
  const provider = h("select", { id: "pg-provider", name: "provider" },
    providers.map((p) => h("option", { value: p.id }, p.name)));
  const model = h("select", { id: "pg-model", name: "model" });
  const temperature = h("input", { id: "pg-temperature", name: "temperature", type: "range", min: "0", max: "2", step: "0.1", value: "1" });
  const temperatureValue = h("output", { id: "pg-temperature-value", for: "pg-temperature" }, "1.0");
  const maxTokens = h("input", { id: "pg-max-tokens", name: "max_tokens", type: "number", min: "1", step: "1",
    value: String(saved.max_tokens || catalog.default_max_tokens || 1024), inputmode: "numeric" });
  const system = h("textarea", { id: "pg-system", name: "system", rows: "2", placeholder: "Optional: how the model should behave" });
  const prompt = h("textarea", { id: "pg-prompt", name: "prompt", rows: "6", required: true, placeholder: "Ask something…" });
  const apiKey = h("input", { id: "pg-api-key", name: "api_key", type: "password", autocomplete: "off", spellcheck: "false",
    placeholder: "sk-…" });
  const keyHint = h("span", {});
  const rates = h("p", { class: "hint", id: "pg-rates" });
  const temperatureNote = h("p", { class: "hint", id: "pg-temperature-note" });
  const preview = h("div", { class: "preview", id: "pg-preview", "aria-live": "polite" }, "Write a prompt to see its cost.");
  const run = h("button", { type: "submit", class: "button", id: "pg-run" }, "Run");
  const formError = h("p", { class: "field-error", id: "pg-error", role: "alert", hidden: true });
  const output = h("div", { class: "playground-output", id: "pg-output", "aria-live": "polite" });

  const form = h("form", { class: "playground-form", id: "playground-form", novalidate: true },
    h("div", { class: "grid-3" },
      field("Provider", provider),
      field("Model", model),
      field("Max output tokens", maxTokens)),
    h("div", { class: "field" },
      h("label", { for: "pg-temperature" }, "Temperature ", temperatureValue),
      temperature, temperatureNote),
    rates,
    h("details", {}, h("summary", {}, "System prompt"), field("System prompt", system)),
    field("Prompt", prompt),
    field("API key (optional)", apiKey, keyHint),
    preview,
    h("div", { class: "form-actions" }, run),
    formError);
  main.append(h("div", { class: "grid-2 playground" }, card("Prompt", form), card("Answer", output)));
  replace(output, h("p", { class: "muted" }, "The answer, its tokens and its cost appear here."));

  function fillModels() {
    const list = models.filter((m) => m.provider === provider.value);
    replace(model, list.map((m) => h("option", { value: m.id }, m.id)));
    const wanted = saved.provider === provider.value ? saved.model : null;
    if (wanted && list.some((m) => m.id === wanted)) model.value = wanted;
    const info = providers.find((p) => p.id === provider.value) || {};
    temperature.max = String(info.max_temperature ?? 2);
    if (Number(temperature.value) > Number(temperature.max)) temperature.value = temperature.max;
    keyHint.textContent = info.key_configured
      ? `Leave empty to use ${info.environment_keys?.[0] || "the key"} from the daemon's environment.`
      : `Required: the daemon has no ${(info.environment_keys || []).join(" or ")} in its environment.`;
    describeModel();
  }

  function describeModel() {
    const chosen = models.find((m) => m.id === model.value && m.provider === provider.value);
    replace(rates, chosen
      ? `${money(chosen.input_per_mtok)} / ${money(chosen.output_per_mtok)} per million input / output tokens`
        + (chosen.max_output_tokens ? ` · up to ${count(chosen.max_output_tokens)} output tokens` : "")
      : "");
    const applies = chosen ? chosen.temperature !== false : true;
    temperature.disabled = !applies;
    temperatureNote.textContent = applies ? `0 is focused and repeatable, ${temperature.max} is most varied.`
      : "This model only runs at its default temperature; the slider does not apply.";
    temperatureValue.textContent = Number(temperature.value).toFixed(1);
  }

  function body() {
    return {
      provider: provider.value,
      model: model.value,
      prompt: prompt.value,
      system: system.value || null,
      temperature: temperature.disabled ? null : Number(temperature.value),
      max_tokens: Number(maxTokens.value) || null,
    };
  }

  let previewTimer = null;
  let previewController = null;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(updatePreview, 250);
  }

  async function updatePreview() {
    if (previewController) previewController.abort();
    previewController = new AbortController();
    const result = await postJSON("/api/playground/preview", body(), { signal: previewController.signal });
    if (result.aborted) return;
    if (!result.ok) {
      replace(preview, h("span", { class: "muted" }, result.error));
      return;
    }
    const data = result.data;
    if (!data.priced) {
      replace(preview, `About ${tokens(data.estimated_input_tokens)} input tokens; this model is not in the price table, so its cost is unknown.`);
      return;
    }
    replace(preview,
      h("span", { class: "preview-cost", id: "pg-preview-cost", dataset: { value: data.max_total_cost_usd } },
        `Up to ${money(data.max_total_cost_usd)}`),
      h("span", { class: "muted" },
        ` · about ${tokens(data.estimated_input_tokens)} input tokens (${money(data.input_cost_usd)}) + at most `
        + `${tokens(data.max_output_tokens)} output tokens (${money(data.max_output_cost_usd)})`));
  }

  async function submit(event) {
    event.preventDefault();
    formError.hidden = true;
    for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
    const request = body();
    if (apiKey.value.trim()) request.api_key = apiKey.value.trim();
    saveChoice({ provider: request.provider, model: request.model, max_tokens: request.max_tokens });
    run.disabled = true;
    run.textContent = "Running…";
    replace(output, h("p", { class: "state state-loading", role: "status" }, `Waiting for ${request.model}…`));
    const result = await postJSON("/api/playground/run", request);
    run.disabled = false;
    run.textContent = "Run";
    if (!result.ok) {
      showError(result);
      replace(output, h("p", { class: "muted" }, "Nothing ran."));
      return;
    }
    replace(output, answer(result.data));
  }

  function showError(result) {
    formError.hidden = false;
    formError.textContent = result.error || "The run failed.";
    const fieldName = result.data?.error?.field;
    const control = fieldName ? form.querySelector(`[name="${CSS.escape(fieldName)}"]`) : null;
    if (control) {
      control.setAttribute("aria-invalid", "true");
      control.focus();
    }
  }

  provider.addEventListener("change", () => {
    fillModels();
    schedulePreview();
  });
  model.addEventListener("change", () => {
    describeModel();
    schedulePreview();
  });
  temperature.addEventListener("input", () => {
    temperatureValue.textContent = Number(temperature.value).toFixed(1);
  });
  for (const control of [prompt, system, maxTokens]) control.addEventListener("input", schedulePreview);
  form.addEventListener("submit", submit);

  if (saved.provider && providers.some((p) => p.id === saved.provider)) provider.value = saved.provider;
  fillModels();
  updatePreview();
  return () => {
    clearTimeout(previewTimer);
    if (previewController) previewController.abort();
  };
}

function answer(data) {
  const record = data.record;
  const facts = record ? h("dl", { class: "facts", id: "pg-facts" },
    fact("Model", h("code", {}, record.model || record.requested_model || "—")),
    fact("Tokens in", tokens(record.input_tokens + record.cache_read_tokens + record.cache_write_tokens), "pg-input-tokens", record.input_tokens),
    fact("Tokens out", tokens(record.output_tokens), "pg-output-tokens", record.output_tokens),
    fact("Cost", record.priced ? money(record.cost_usd) : "unpriced", "pg-cost", record.cost_usd ?? ""),
    fact("Latency", duration(record.latency_ms)),
    fact("Record", h("code", {}, record.id), "pg-record-id", record.id))
    : h("p", { class: "muted" }, "The call's record was not written yet; see it on the Live page.");
  const status = data.ok ? badge(`HTTP ${data.status}`, "good") : badge(`HTTP ${data.status}`, "bad");
  return [
    h("div", { class: "rec-head" }, status, record && record.outcome === "blocked" ? badge(`blocked by ${record.blocked_by}`, "bad") : null),
    data.ok
      ? h("div", { class: "answer-text", id: "pg-answer" }, data.text || h("span", { class: "muted" }, "(the model returned no text)"))
      : h("p", { class: "field-error", id: "pg-answer-error", role: "alert" }, data.error || "The call failed."),
    facts,
  ];
}

function fact(term, value, id, raw) {
  return h("div", {}, h("dt", {}, term), h("dd", { id, dataset: raw === undefined ? {} : { value: raw } }, value));
}
