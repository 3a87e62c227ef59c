// The dashboard shell: hash routing between pages, the time window they share, and the
// daemon's status in the sidebar. Each page module exports { title, render(main, context) };
// render may return a cleanup function, called when the user leaves the page.

import { getJSON } from "./lib/api.js";
import { count } from "./lib/format.js";
import overview from "./pages/overview.js";
import live from "./pages/live.js";
import sources from "./pages/sources.js";
import models from "./pages/models.js";
import waste from "./pages/waste.js";
import recommendations from "./pages/recommendations.js";
import anomalies from "./pages/anomalies.js";
import sessions from "./pages/sessions.js";
import health from "./pages/health.js";
import playground from "./pages/playground.js";
import settings from "./pages/settings.js";

const PAGES = { overview, live, sources, models, waste, recommendations, anomalies, sessions, health, playground, settings };
const DEFAULT_PAGE = "overview";
const DAYS_KEY = "tokenlens.days";

let cleanup = null;
let generation = 0;

function storedDays() {
  try {
    const value = Number(localStorage.getItem(DAYS_KEY));
    return [1, 7, 30, 90].includes(value) ? value : 30;
  } catch {
    return 30;
  }
}

function storeDays(days) {
  try {
    localStorage.setItem(DAYS_KEY, String(days));
  } catch {
    // Not persisted; the choice still holds until the page reloads.
  }
}

/** "#/settings/quotas" → { name: "settings", rest: ["quotas"] }. */
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const name = PAGES[parts[0]] ? parts[0] : DEFAULT_PAGE;
  return { name, rest: PAGES[parts[0]] ? parts.slice(1) : [] };
}

async function show() {
  const { name, rest } = parseHash();
  const page = PAGES[name];
  generation += 1;
  const mine = generation;
  if (cleanup) {
    try {
      cleanup();
    } catch (error) {
      console.warn("page cleanup failed", error);
    }
    cleanup = null;
  }
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${page.title} · TokenLens`;
  const main = document.getElementById("main");
  main.replaceChildren();
  main.dataset.page = name;
  main.dataset.state = "loading";
  const context = {
    days: storedDays(),
    rest,
    setDays(days) {
      storeDays(days);
      show();
    },
    isCurrent: () => mine === generation,
  };
  try {
    const result = await page.render(main, context);
    if (mine !== generation) {
      if (typeof result === "function") result();
      return;
    }
    cleanup = typeof result === "function" ? result : null;
    main.dataset.state = "ready";
  } catch (error) {
    if (mine !== generation) return;
    main.dataset.state = "error";
    const box = document.createElement("div");
    box.className = "state state-error";
    box.setAttribute("role", "alert");
    box.textContent = `This page failed to render: ${error && error.message ? error.message : error}`;
    main.append(box);
    console.error(error);
  }
}

async function refreshStatus() {
  const result = await getJSON("/api/status");
  const version = document.getElementById("status-version");
  const policy = document.getElementById("status-policy");
  const calls = document.getElementById("status-calls");
  if (!result.ok || !result.data) {
    version.textContent = "unreachable";
    version.className = "status-bad";
    return;
  }
  const status = result.data;
  version.textContent = `v${status.version}`;
  version.className = "";
  policy.textContent = status.policy?.version ?? "—";
  policy.dataset.value = status.policy?.version ?? "";
  policy.title = status.policy?.last_error ? `Last reload failed: ${status.policy.last_error.message}` : "Policy version in force";
  policy.className = status.policy?.last_error ? "status-bad" : "";
  calls.textContent = count(status.db?.calls ?? 0);
}

// The skip link must not change the hash, which is the router's.
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main").focus();
});
window.addEventListener("hashchange", show);
// Pages dispatch this after a settings save, so the sidebar shows the new version at once.
window.addEventListener("tokenlens:status", refreshStatus);
if (!location.hash) history.replaceState(null, "", `#/${DEFAULT_PAGE}`);
show();
refreshStatus();
setInterval(refreshStatus, 15000);
