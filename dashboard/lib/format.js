// Number, money, token and time formatting, always in en-US so every screen (and the browser
// tests) reads the same.

const LOCALE = "en-US";
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

/** Dollars with the precision the amount needs: $1,234.56, $0.12, $0.0123, $0.000042. */
export function money(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  const amount = Number(value);
  const size = Math.abs(amount);
  let digits = 2;
  if (size > 0 && size < 0.001) digits = 6;
  else if (size > 0 && size < 0.1) digits = 4;
  return new Intl.NumberFormat(LOCALE, {
    style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: digits,
  }).format(amount);
}

/** Whole numbers with separators: 12,345. */
export function count(value) {
  if (value === null || value === undefined) return "—";
  return integer.format(Number(value));
}

/** Token counts, compact past ten thousand: 950, 12.3K, 4.1M. */
export function tokens(value) {
  if (value === null || value === undefined) return "—";
  const amount = Number(value);
  return Math.abs(amount) < 10000 ? integer.format(amount) : compact.format(amount);
}

/** A share 0..1 as a percentage: 42.5%. */
export function percent(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  return `${(Number(value) * 100).toFixed(digits)}%`;
}

/** Milliseconds: 850 ms, 2.4 s. */
export function duration(ms) {
  if (ms === null || ms === undefined) return "—";
  const value = Number(ms);
  if (value < 1000) return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
  if (value < 60000) return `${(value / 1000).toFixed(1)} s`;
  return `${(value / 60000).toFixed(1)} min`;
}

/** A timestamp as local date and time: 2026-05-04 14:03:12. */
export function dateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Just the local time of a timestamp: 14:03:12. */
export function time(iso) {
  const text = dateTime(iso);
  return text.includes(" ") ? text.split(" ")[1] : text;
}

/** "3 min ago", for last-seen columns. */
export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A day label 2026-05-04 → "May 4". */
export function shortDate(day) {
  const [year, month, date] = String(day).split("-").map(Number);
  if (!year || !month || !date) return String(day);
  return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString(LOCALE, {
    month: "short", day: "numeric", timeZone: "UTC",
  });
}

/** snake_case or camelCase key → "Sentence case" label. */
export function label(key) {
  const words = String(key).replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").trim();
  const text = words.replace(/\busd\b/gi, "USD").replace(/\bms\b/g, "ms").replace(/\bp(\d\d)\b/gi, "P$1");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Formats a value by what its key says it is (`*_usd` money, `*_ms` durations, `*rate*`
 * shares, `*tokens*` token counts, `ts`/`*_at` times), for tables of endpoints whose exact
 * shape this page does not pin.
 */
export function byKey(key, value) {
  if (value === null || value === undefined) return "—";
  const name = String(key).toLowerCase();
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map((item) => (typeof item === "object" ? JSON.stringify(item) : item)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "number") {
    if (name.endsWith("usd") || name.includes("cost") || name.includes("saving") || name.includes("spend")) return money(value);
    if (name.endsWith("_ms") || name.startsWith("p50") || name.startsWith("p95") || name.startsWith("p99")) return duration(value);
    if (name.includes("rate") || name.includes("ratio") || name.includes("share") || name.endsWith("pct")) {
      return name.endsWith("pct") ? `${value.toFixed(1)}%` : percent(value);
    }
    if (name.includes("token")) return tokens(value);
    return Number.isInteger(value) ? count(value) : value.toFixed(2);
  }
  if (name === "ts" || name.endsWith("_at") || name === "start" || name === "end" || name.endsWith("_ts")) return dateTime(value);
  return String(value);
}
