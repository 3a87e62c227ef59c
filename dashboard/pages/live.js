// Live: every call as it is recorded (the /api/live WebSocket), newest first, with its cost;
// blocked calls stand out. Pausing keeps the list still and counts what arrives meanwhile.

import { getJSON } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { money, tokens, duration, time, dateTime, count } from "../lib/format.js";
import { connectLive } from "../lib/live.js";
import { pageHeader, card, badge, failure } from "../lib/panels.js";

const MAX_ROWS = 200;

export default {
  title: "Live",
  async render(main) {
    const state = { paused: false, held: [], rows: 0, calls: 0, cost: 0 };
    const connection = h("span", { class: "live-state", id: "live-state", role: "status" }, "connecting…");
    const pause = h("button", { type: "button", class: "button", id: "live-pause", "aria-pressed": "false" }, "Pause");
    const clear = h("button", { type: "button", class: "button secondary", id: "live-clear" }, "Clear");
    main.append(pageHeader({
      title: "Live",
      subtitle: "Every call as TokenLens records it, newest first.",
      actions: [connection, pause, clear],
    }));
    const heldNote = h("p", { class: "notice", id: "live-held", hidden: true });
    const alerts = h("div", { class: "alerts", id: "live-alerts", "aria-live": "assertive" });
    const tally = h("p", { class: "muted", id: "live-tally" }, "No calls since this page opened.");
    const body = h("tbody", { id: "live-body" });
    const table = h("table", { class: "data live", id: "live-table" },
      h("caption", { class: "visually-hidden" }, "Recorded calls, newest first"),
      h("thead", {}, h("tr", {},
        ["Time", "Source", "Model", "Tokens in / out", "Cost", "Latency", "Outcome"].map((label, index) =>
          h("th", { scope: "col", class: index >= 3 && index <= 5 ? "num" : null }, label)))),
      body);
    main.append(alerts, heldNote, card("Calls", tally, h("div", { class: "table-wrap" }, table)));

    const recent = await getJSON("/api/usage/recent?limit=50");
    if (recent.ok) {
      for (const call of [...recent.data].reverse()) addRow(body, call, false);
      if (!recent.data.length) body.append(emptyRow());
    } else {
      main.append(failure(recent, "recent calls"));
    }

    pause.addEventListener("click", () => {
      state.paused = !state.paused;
      pause.setAttribute("aria-pressed", String(state.paused));
      pause.textContent = state.paused ? "Resume" : "Pause";
      if (!state.paused) {
        for (const call of state.held) addRow(body, call, true);
        state.held = [];
      }
      showHeld(heldNote, state);
    });
    clear.addEventListener("click", () => {
      body.replaceChildren(emptyRow());
      state.held = [];
      showHeld(heldNote, state);
    });

    const close = connectLive({
      onState(value) {
        connection.textContent = { open: "● connected", connecting: "connecting…", closed: "○ reconnecting…" }[value];
        connection.dataset.state = value;
      },
      onEvent(event) {
        if (event.type === "call" && event.call) {
          state.calls += 1;
          state.cost += event.call.cost_usd || 0;
          tally.textContent = `${count(state.calls)} calls since this page opened · ${money(state.cost)}`;
          if (state.paused) state.held.push(event.call);
          else addRow(body, event.call, true);
          showHeld(heldNote, state);
        } else if (event.type === "alert" && event.alert) {
          alerts.prepend(h("div", { class: "notice notice-bad", role: "alert" },
            h("strong", {}, "Cost alert "), event.alert.message || `spend reached ${money(event.alert.spend_usd)}`));
        }
      },
    });
    return close;
  },
};

function showHeld(note, state) {
  note.hidden = !state.paused || !state.held.length;
  note.textContent = `Paused: ${count(state.held.length)} new call${state.held.length === 1 ? "" : "s"} waiting. Resume to show them.`;
}

function emptyRow() {
  return h("tr", { class: "empty-row" }, h("td", { colspan: 7 }, "Waiting for calls… make one through the proxy and it appears here."));
}

function addRow(body, call, fresh) {
  const placeholder = body.querySelector(".empty-row");
  if (placeholder) placeholder.remove();
  body.prepend(callRow(call, fresh));
  while (body.rows.length > MAX_ROWS) body.lastElementChild.remove();
}

function callRow(call, fresh) {
  const blocked = call.outcome === "blocked";
  const failed = call.outcome === "upstream_error";
  const model = call.model || call.requested_model || "—";
  const routed = call.requested_model && call.model && call.requested_model !== call.model;
  return h("tr", {
    class: [blocked ? "row-blocked" : null, failed ? "row-failed" : null, fresh ? "row-fresh" : null],
    dataset: { id: call.id, outcome: call.outcome },
  },
  h("td", { title: dateTime(call.ts) }, time(call.ts)),
  h("td", {}, call.source),
  h("td", {}, h("span", { class: "provider" }, call.provider), " ", h("code", {}, model),
    routed ? h("span", { class: "muted" }, ` (asked ${call.requested_model})`) : null),
  h("td", { class: "num" }, `${tokens(call.input_tokens + call.cache_read_tokens + call.cache_write_tokens)} / ${tokens(call.output_tokens)}`),
  h("td", { class: "num cost", dataset: { value: call.cost_usd ?? "" } }, call.priced ? money(call.cost_usd) : "unpriced"),
  h("td", { class: "num" }, duration(call.latency_ms)),
  h("td", {}, outcomeBadge(call)));
}

function outcomeBadge(call) {
  switch (call.outcome) {
    case "ok": return badge(String(call.status_code), "good");
    case "blocked": return [badge("blocked", "bad"), call.blocked_by ? h("span", { class: "muted" }, ` ${call.blocked_by}`) : null];
    case "guardrail_warned": return badge("warned", "warn");
    case "client_cancelled": return badge("cancelled", "neutral");
    default: {
      const label = badge(`error ${call.status_code}`, "bad");
      if (call.error) label.title = call.error;
      return label;
    }
  }
}
