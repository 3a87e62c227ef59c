// The daemon's HTTP API. Every call resolves to a result object and never throws: pages
// check `ok` before using `data`, and endpoints this daemon lacks come back `unavailable`.

const TOKEN_KEY = "tokenlens.adminToken";

/** The admin token, if the user gave one this session (needed only with [server] admin_token). */
export function adminToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

export function setAdminToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled; the token then lasts only for this page.
  }
}

/**
 * GET a JSON endpoint. `optional` marks endpoints a daemon may not have yet: the daemon then
 * answers 204 (not an error) and the result has `unavailable: true`.
 */
export async function getJSON(path, { optional = false, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (optional) headers["X-TokenLens-Optional"] = "1";
  return request(path, { headers, signal });
}

/** PUT a config section with the version it was read at; the result carries the new ETag. */
export async function putJSON(path, body, { ifMatch } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (ifMatch) headers["If-Match"] = ifMatch;
  return request(path, { method: "PUT", headers, body: JSON.stringify(body) });
}

export async function postJSON(path, body, { signal } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  return request(path, { method: "POST", headers, body: JSON.stringify(body), signal });
}

async function request(path, init) {
  const token = adminToken();
  if (token && init.method && init.method !== "GET") init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
  } catch (error) {
    if (error && error.name === "AbortError") return { ok: false, aborted: true, status: 0, data: null };
    return { ok: false, status: 0, data: null, error: "The daemon cannot be reached. Is it still running?" };
  }
  const result = { ok: response.ok, status: response.status, etag: response.headers.get("ETag"), data: null };
  if (response.status === 204 && response.headers.get("X-TokenLens-Unavailable")) {
    return { ...result, ok: false, unavailable: true, error: response.headers.get("X-TokenLens-Unavailable") };
  }
  if (response.status === 404 || response.status === 501) {
    return { ...result, unavailable: true, error: "This daemon does not offer this yet." };
  }
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) {
    try {
      result.data = await response.json();
    } catch {
      return { ...result, ok: false, error: "The daemon sent a reply that is not valid JSON." };
    }
  }
  if (!response.ok) result.error = errorMessage(result.data, response.status);
  return result;
}

function errorMessage(data, status) {
  if (data && data.error) {
    if (typeof data.error === "string") return data.error;
    if (data.error.message) return data.error.message;
  }
  if (data && Array.isArray(data.errors) && data.errors.length) return data.errors.map((e) => e.message).join("; ");
  return `The daemon answered HTTP ${status}.`;
}

/** Finds the list in a reply that is either a list or an object holding one under a known key. */
export function listIn(data, keys = []) {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== "object") return [];
  for (const key of keys) if (Array.isArray(data[key])) return data[key];
  const first = Object.values(data).find(Array.isArray);
  return first || [];
}

/** The first present field among several spellings. */
export function pick(object, keys, fallback = null) {
  if (!object || typeof object !== "object") return fallback;
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return fallback;
}
