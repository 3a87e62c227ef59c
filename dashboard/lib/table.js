// A sortable table. Columns say how to read a row's sort value and how to render its cell;
// headers are buttons (keyboard-operable) and carry aria-sort. Long lists are cut at `limit`
// rows with a note, so ten thousand rows never reach the DOM at once.

import { h, replace } from "./dom.js";
import { count } from "./format.js";

/**
 * columns: [{key, label, value: row => sortable, cell: row => node|string, numeric, sortable}]
 * Returns the wrapper element; `update(rows)` re-renders with the current sort.
 */
export function sortableTable({ columns, rows, caption, sort, emptyText = "Nothing to show yet.", limit = 500, id, rowClass }) {
  const state = { key: sort?.key ?? columns[0].key, descending: sort?.descending ?? true, rows };
  const table = h("table", { class: "data", id });
  if (caption) table.append(h("caption", {}, caption));
  const head = h("thead");
  const body = h("tbody");
  const note = h("p", { class: "table-note", hidden: true });
  table.append(head, body);
  const wrapper = h("div", { class: "table-wrap" }, table);
  const container = h("div", { class: "table-block" }, wrapper, note);

  function header() {
    const row = h("tr");
    for (const column of columns) {
      const active = column.key === state.key;
      const th = h("th", {
        scope: "col", class: column.numeric ? "num" : null,
        "aria-sort": column.sortable === false ? null : active ? (state.descending ? "descending" : "ascending") : "none",
      });
      if (column.sortable === false) {
        th.append(column.label);
      } else {
        th.append(h("button", {
          type: "button", class: "sort", dataset: { key: column.key },
          onclick: () => toggle(column),
        }, column.label, h("span", { class: "sort-mark", "aria-hidden": "true" }, active ? (state.descending ? "▼" : "▲") : "")));
      }
      row.append(th);
    }
    replace(head, row);
  }

  function toggle(column) {
    if (state.key === column.key) state.descending = !state.descending;
    else {
      state.key = column.key;
      state.descending = Boolean(column.numeric);
    }
    render();
    const button = head.querySelector(`button[data-key="${CSS.escape(column.key)}"]`);
    if (button) button.focus();
  }

  function sorted() {
    const column = columns.find((c) => c.key === state.key) || columns[0];
    const read = column.value || ((row) => row[column.key]);
    const direction = state.descending ? -1 : 1;
    return [...state.rows].sort((a, b) => {
      const left = read(a);
      const right = read(b);
      if (left === right) return 0;
      if (left === null || left === undefined) return 1;
      if (right === null || right === undefined) return -1;
      if (typeof left === "number" && typeof right === "number") return (left - right) * direction;
      return String(left).localeCompare(String(right), "en") * direction;
    });
  }

  function render() {
    header();
    const all = sorted();
    const shown = all.slice(0, limit);
    if (!all.length) {
      replace(body, h("tr", { class: "empty-row" }, h("td", { colspan: columns.length }, emptyText)));
    } else {
      replace(body, shown.map((row) => h("tr", { class: rowClass ? rowClass(row) : null },
        columns.map((column) => h(column.header ? "th" : "td", {
          class: column.numeric ? "num" : null, scope: column.header ? "row" : null,
          dataset: column.dataValue ? { value: column.dataValue(row), col: column.key } : { col: column.key },
        }, column.cell ? column.cell(row) : String(row[column.key] ?? "—"))))));
    }
    note.hidden = all.length <= limit;
    note.textContent = all.length > limit ? `Showing the first ${count(limit)} of ${count(all.length)} rows.` : "";
  }

  container.update = (rows) => {
    state.rows = rows;
    render();
  };
  render();
  return container;
}
