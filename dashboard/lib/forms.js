// Form controls for the settings editors. Every control and list row carries `data-path`, the
// JSON path of the value it edits (`source_limits[0].daily_usd`), which is also how the policy
// compiler names values in its messages: that is how an error finds its field.

import { h, uid, replace } from "./dom.js";

/** A labelled input. kind: text | number | password | select | checkbox | list (comma-separated). */
export function control({ path, label, value, kind = "text", options = [], hint, placeholder, step, wide }) {
  const id = uid("f");
  let input;
  if (kind === "select") {
    input = h("select", { id }, options.map((option) => {
      const [optionValue, optionLabel] = Array.isArray(option) ? option : [option, option];
      return h("option", { value: optionValue, selected: String(value ?? "") === String(optionValue) }, optionLabel);
    }));
  } else if (kind === "checkbox") {
    input = h("input", { id, type: "checkbox", checked: Boolean(value) });
  } else {
    const type = kind === "number" ? "number" : kind === "password" ? "password" : "text";
    const text = kind === "list" ? (value || []).join(", ") : value ?? "";
    input = h("input", {
      id, type, value: String(text), placeholder, step: kind === "number" ? step || "any" : null,
      inputmode: kind === "number" ? "decimal" : null, autocomplete: kind === "password" ? "new-password" : "off",
      spellcheck: "false",
    });
  }
  input.dataset.kind = kind;
  input.dataset.path = path;
  input.classList.add("input");
  const hintNode = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) input.setAttribute("aria-describedby", hintNode.id);
  const wrapper = kind === "checkbox"
    ? h("div", { class: ["field", "field-check", wide ? "wide" : null] }, input, h("label", { for: id }, label), hintNode)
    : h("div", { class: ["field", wide ? "wide" : null] }, h("label", { for: id }, label), input, hintNode);
  wrapper.dataset.fieldFor = path;
  return wrapper;
}

/** The value a control holds, typed: numbers (null when empty), booleans, lists, strings. */
export function readControl(input) {
  const kind = input.dataset.kind;
  if (kind === "checkbox") return input.checked;
  const text = input.value.trim();
  if (kind === "number") {
    if (text === "") return null;
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (kind === "list") return text ? text.split(",").map((item) => item.trim()).filter(Boolean) : [];
  return text;
}

/** Finds the control editing `path` inside `root`. */
export function controlAt(root, path) {
  return [...root.querySelectorAll("[data-path]")].find((node) => node.dataset.path === path && node.dataset.kind);
}

export function valueAt(root, path) {
  const input = controlAt(root, path);
  return input ? readControl(input) : undefined;
}

/**
 * An editable list of rows: each row is a set of controls built by `columns`, with a Remove
 * button; "Add" appends an empty row. Rows are renumbered on removal so paths stay right.
 * `read()` returns the rows' values (objects, or strings when `scalar`); rows whose text and
 * number fields are all empty are dropped.
 */
export function listEditor({ path, title, items, columns, addLabel, emptyText, scalar = false }) {
  const rows = h("div", { class: "list-rows" });
  const emptyNote = h("p", { class: "muted list-empty" }, emptyText || "None yet.");
  const add = h("button", { type: "button", class: "button secondary small" }, addLabel || "Add");
  const block = h("fieldset", { class: "list-editor", dataset: { path } },
    h("legend", {}, title), emptyNote, rows, h("div", { class: "list-actions" }, add));

  function renumber() {
    [...rows.children].forEach((row, index) => {
      const rowPath = `${path}[${index}]`;
      row.dataset.path = rowPath;
      for (const input of row.querySelectorAll("[data-kind]")) {
        input.dataset.path = rowPath + input.dataset.suffix;
        input.closest(".field").dataset.fieldFor = input.dataset.path;
      }
    });
    emptyNote.hidden = rows.children.length > 0;
  }

  function addRow(item) {
    const rowPath = `${path}[${rows.children.length}]`;
    const fields = scalar
      ? [control({ ...columns[0], path: rowPath, value: item ?? "" })]
      : columns.map((column) => control({
        ...column, path: `${rowPath}.${column.key}`,
        value: item ? (column.get ? column.get(item) : item[column.key]) : column.default,
      }));
    for (const field of fields) {
      const input = field.querySelector("[data-kind]");
      input.dataset.suffix = input.dataset.path.slice(rowPath.length);
    }
    const remove = h("button", { type: "button", class: "button link remove" }, "Remove");
    const row = h("div", { class: "list-row", dataset: { path: rowPath } },
      h("div", { class: "row-fields" }, fields), remove, h("div", { class: "row-errors" }));
    remove.setAttribute("aria-label", `Remove this ${title.toLowerCase().replace(/s$/, "")}`);
    remove.addEventListener("click", () => {
      row.remove();
      renumber();
    });
    rows.append(row);
    emptyNote.hidden = true;
    return row;
  }

  for (const item of items || []) addRow(item);
  emptyNote.hidden = rows.children.length > 0;
  add.addEventListener("click", () => {
    const row = addRow(null);
    const first = row.querySelector("input, select");
    if (first) first.focus();
  });

  block.read = () => [...rows.children].filter(hasContent).map((row) => {
    const rowPath = row.dataset.path;
    if (scalar) return valueAt(row, rowPath);
    const value = {};
    for (const column of columns) {
      const raw = valueAt(row, `${rowPath}.${column.key}`);
      const converted = column.put ? column.put(raw) : raw;
      if (converted !== null && converted !== undefined && converted !== "") value[column.key] = converted;
    }
    return value;
  });
  return block;
}

function hasContent(row) {
  const typed = [...row.querySelectorAll("[data-kind=text], [data-kind=number], [data-kind=list]")];
  return typed.some((input) => input.value.trim() !== "");
}

// ---------------------------------------------------------------- errors next to fields

/** Splits `source_limits[0].daily_usd` or `pricing."gpt-4.1".input_per_mtok` into segments. */
export function parsePath(text) {
  const segments = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|\[(\d+)\]|([^.[\]"]+)/g;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    if (match[1] !== undefined) segments.push(match[1].replace(/\\(.)/g, "$1"));
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[3]);
  }
  return segments;
}

/** The JSON paths a compiler message names in backticks, in order. */
export function pathsInMessage(message) {
  return [...String(message).matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}

/**
 * The element that should show an error: the control or row whose path is the longest prefix
 * of a path the message names (after dropping `strip`, e.g. "budget" for [budget] keys).
 */
export function targetFor(root, message, strip = null) {
  const candidates = [...root.querySelectorAll("[data-path]")].map((node) => ({ node, segments: parsePath(node.dataset.path) }));
  let best = null;
  for (const text of pathsInMessage(message)) {
    let segments = parsePath(text);
    if (strip && segments[0] === strip) segments = segments.slice(1);
    for (const candidate of candidates) {
      const prefix = candidate.segments.length <= segments.length
        && candidate.segments.every((segment, index) => segment === segments[index]);
      if (prefix && (!best || candidate.segments.length > best.segments.length)) best = candidate;
    }
    if (best) break;
  }
  return best ? best.node : null;
}

/** Removes every error shown in `root`. */
export function clearErrors(root) {
  for (const node of root.querySelectorAll(".field-error.mapped")) node.remove();
  for (const node of root.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    const ids = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.startsWith("err-"));
    if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
    else node.removeAttribute("aria-describedby");
  }
}

/**
 * Shows each compiler error next to the field it concerns; returns the errors no field
 * matched, for the form's summary.
 */
export function showErrors(root, errors, strip = null) {
  clearErrors(root);
  const unplaced = [];
  for (const error of errors) {
    const target = targetFor(root, error.message, strip);
    if (!target) {
      unplaced.push(error);
      continue;
    }
    const id = uid("err");
    const note = h("p", { class: "field-error mapped", id, role: "alert", dataset: { code: error.code || "" } },
      messageNodes(error.message), h("span", { class: "error-where" }, ` (${where(error)})`));
    const input = target.dataset.kind ? target : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${id}`.trim());
      input.closest(".field").append(note);
    } else {
      const slot = target.querySelector(":scope > .row-errors") || target;
      slot.append(note);
      const first = target.querySelector("input, select");
      if (first) first.setAttribute("aria-invalid", "true");
    }
  }
  return unplaced;
}

/** A compiler message with its `quoted` names as code. */
export function messageNodes(message) {
  return String(message).split(/(`[^`]+`)/).map((part) => (part.startsWith("`") && part.endsWith("`") && part.length > 2
    ? h("code", {}, part.slice(1, -1)) : part));
}

export function where(error) {
  const file = String(error.file || "").split("/").pop();
  return error.line ? `${file}:${error.line}:${error.column || 1}` : file;
}

export { replace };
