// Charts drawn as SVG: stacked bars per day, sparklines, a gauge and a line with a band.
// Each returns an <svg> element sized by its viewBox, so CSS scales it to its container.
// Colours come from CSS classes (series-0 ... series-5), not inline styles.

import { svg, h } from "./dom.js";
import { money, shortDate } from "./format.js";

/** A chart width that draws text at its natural size in `container` (viewBox = pixels). */
export function widthOf(container, fallback = 720) {
  const width = Math.round(container.clientWidth || 0);
  return width >= 200 ? width : fallback;
}

/** Rounds a maximum up to a readable axis top: 1, 2, 2.5, 5 × 10^n. */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/**
 * Stacked bars, one per day. `days` are labels (YYYY-MM-DD); `series` is
 * [{key, label, values: [number per day]}]. Values are dollars.
 */
export function stackedBars({ days, series, title, width = 720, height = 240 }) {
  const margin = { top: 12, right: 8, bottom: 28, left: 52 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const totals = days.map((_, index) => series.reduce((sum, s) => sum + Math.max(0, s.values[index] || 0), 0));
  const top = niceMax(Math.max(...totals, 0));
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(1, Math.min(28, slot * 0.72));
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "chart chart-bars", role: "img", "aria-label": title,
  });
  chart.append(svg("title", {}, title));
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (top * tick) / 4;
    const y = margin.top + plotHeight - (plotHeight * tick) / 4;
    chart.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: "grid" }));
    chart.append(svg("text", { x: margin.left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, axisMoney(value)));
  }
  const labelEvery = Math.ceil(days.length / Math.max(2, Math.floor(width / 90)));
  days.forEach((day, index) => {
    const x = margin.left + slot * index + (slot - barWidth) / 2;
    let y = margin.top + plotHeight;
    const group = svg("g", { class: "bar", dataset: { date: day, total: totals[index] } });
    const parts = [];
    series.forEach((s, seriesIndex) => {
      const value = Math.max(0, s.values[index] || 0);
      if (value <= 0) return;
      const barHeight = (value / top) * plotHeight;
      y -= barHeight;
      group.append(svg("rect", {
        x, y, width: barWidth, height: Math.max(barHeight, 0.5), class: `series-${seriesIndex}`,
      }));
      parts.push(`${s.label} ${money(value)}`);
    });
    const tip = `${day}: ${money(totals[index])}${parts.length ? ` (${parts.join(", ")})` : ""}`;
    group.append(svg("title", {}, tip));
    // A full-height transparent target so thin bars are easy to hover.
    group.prepend(svg("rect", { x: margin.left + slot * index, y: margin.top, width: slot, height: plotHeight, class: "hit" }));
    chart.append(group);
    if (index % labelEvery === 0) {
      chart.append(svg("text", {
        x: margin.left + slot * index + slot / 2, y: height - 8, class: "axis", "text-anchor": "middle",
      }, shortDate(day)));
    }
  });
  return chart;
}

function axisMoney(value) {
  if (value === 0) return "$0";
  if (value >= 1000) return `$${(value / 1000).toFixed(value >= 10000 ? 0 : 1)}k`;
  if (value >= 1) return `$${Number.isInteger(value) ? value : value.toFixed(1)}`;
  return `$${value.toPrecision(2).replace(/0+$/, "")}`;
}

/** A legend for series-N colours. */
export function legend(series) {
  return h("ul", { class: "legend" }, series.map((s, index) => h("li", {},
    h("span", { class: `swatch series-${index}`, "aria-hidden": "true" }), s.label)));
}

/** A small line of `values` (no axes), with the last point marked. */
export function sparkline(values, { label = "trend", width = 120, height = 28 } = {}) {
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "sparkline", role: "img", "aria-label": label,
    preserveAspectRatio: "none",
  });
  chart.append(svg("title", {}, label));
  if (!values.length) return chart;
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const point = (value, index) => [index * step, height - 2 - (max > 0 ? (value / max) * (height - 4) : 0)];
  const points = values.map(point);
  const line = points.map(([x, y], index) => `${index ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const area = `${line} L${width},${height} L0,${height} Z`;
  chart.append(svg("path", { d: area, class: "spark-area" }));
  chart.append(svg("path", { d: line, class: "spark-line" }));
  const [lastX, lastY] = points[points.length - 1];
  chart.append(svg("circle", { cx: lastX, cy: lastY, r: 2, class: "spark-dot" }));
  return chart;
}

/**
 * A half-circle gauge of `value` against `max`; `reserved` (money held by calls in flight)
 * is drawn after it. Turns amber past 80% and red at 100%.
 */
export function gauge({ value, reserved = 0, max, label }) {
  const share = max > 0 ? Math.min(1, value / max) : 0;
  const heldShare = max > 0 ? Math.min(1 - share, reserved / max) : 0;
  const level = max > 0 && (value + reserved) / max >= 1 ? "over" : share >= 0.8 ? "warn" : "ok";
  const chart = svg("svg", { viewBox: "0 0 200 116", class: `gauge gauge-${level}`, role: "img",
    "aria-label": `${label}: ${money(value)} of ${money(max)}` });
  chart.append(svg("title", {}, `${label}: ${money(value)} spent, ${money(reserved)} reserved, limit ${money(max)}`));
  chart.append(svg("path", { d: arc(0, 1), class: "gauge-track" }));
  if (heldShare > 0) chart.append(svg("path", { d: arc(share, share + heldShare), class: "gauge-held" }));
  if (share > 0) chart.append(svg("path", { d: arc(0, share), class: "gauge-fill" }));
  chart.append(svg("text", { x: 100, y: 92, "text-anchor": "middle", class: "gauge-value" }, `${Math.round((max > 0 ? value / max : 0) * 100)}%`));
  chart.append(svg("text", { x: 100, y: 110, "text-anchor": "middle", class: "gauge-caption" }, `of ${money(max)}`));
  return chart;
}

function arc(from, to) {
  const radius = 80;
  const center = [100, 96];
  const angle = (share) => Math.PI * (1 - share);
  const point = (share) => [center[0] + radius * Math.cos(angle(share)), center[1] - radius * Math.sin(angle(share))];
  const [x1, y1] = point(from);
  const [x2, y2] = point(Math.max(from + 0.0001, to));
  return `M${x1.toFixed(2)},${y1.toFixed(2)} A${radius},${radius} 0 0 1 ${x2.toFixed(2)},${y2.toFixed(2)}`;
}

/**
 * A line of daily dollars: `actual` values, then `projected` ones drawn dashed, with an
 * optional band [{low, high}] around the projection.
 */
export function projectionChart({ labels, actual, projected = [], band = [], title, width = 720, height = 200 }) {
  const margin = { top: 12, right: 8, bottom: 28, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const all = [...actual, ...projected, ...band.map((b) => b.high)].filter((v) => Number.isFinite(v));
  const top = niceMax(Math.max(...all, 0));
  const count = Math.max(labels.length, 2);
  const x = (index) => margin.left + (plotWidth * index) / (count - 1);
  const y = (value) => margin.top + plotHeight - (Math.max(0, value) / top) * plotHeight;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart chart-line", role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (top * tick) / 4;
    chart.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value), class: "grid" }));
    chart.append(svg("text", { x: margin.left - 6, y: y(value) + 4, class: "axis", "text-anchor": "end" }, axisMoney(value)));
  }
  const offset = actual.length;
  if (band.length) {
    const upper = band.map((b, i) => `${i ? "L" : "M"}${x(offset + i - 1)},${y(b.high)}`).join(" ");
    const lower = band.map((b, i) => `L${x(offset + band.length - 2 - i)},${y(band[band.length - 1 - i].low)}`).join(" ");
    chart.append(svg("path", { d: `${upper} ${lower} Z`, class: "band" }));
  }
  if (actual.length) {
    chart.append(svg("path", { d: actual.map((v, i) => `${i ? "L" : "M"}${x(i)},${y(v)}`).join(" "), class: "line-actual" }));
  }
  if (projected.length) {
    const start = actual.length ? [`M${x(offset - 1)},${y(actual[offset - 1])}`] : [];
    const rest = projected.map((v, i) => `${start.length || i ? "L" : "M"}${x(offset + i)},${y(v)}`);
    chart.append(svg("path", { d: [...start, ...rest].join(" "), class: "line-projected" }));
  }
  const labelEvery = Math.ceil(labels.length / Math.max(2, Math.floor(width / 90)));
  labels.forEach((text, index) => {
    if (index % labelEvery) return;
    chart.append(svg("text", { x: x(index), y: height - 8, class: "axis", "text-anchor": "middle" }, shortDate(text)));
  });
  return chart;
}

/** A horizontal share bar (0..1), e.g. a source's part of total spend. */
export function shareBar(share, label) {
  const bar = h("span", { class: "share-bar", role: "img", "aria-label": label, title: label });
  const fill = h("span", { class: "share-fill" });
  fill.style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  bar.append(fill);
  return bar;
}
