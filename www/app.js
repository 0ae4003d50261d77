// The playground: every keystroke runs the event through barg's own core
// (validate, sanitize, format, route) compiled to WebAssembly.
import init, { validate, sanitize, format, route, Pipeline } from "./pkg/barg.js";
import { PRESETS, presetText } from "./presets.js";

const $ = (selector) => document.querySelector(selector);
const editor = $("#editor");
const marks = $("#marks");
const settings = { level: $("#level"), mode: $("#mode"), card: $("#card"), keys: $("#keys") };
const FORMATS = ["simple", "verbose", "json"];

/** The editor's text as events: one JSON document, or one per line. A
 * document written over several lines (its first line a lone `{` or `[`,
 * as the presets are) stays one, broken or not, so that its error is found
 * where it is. */
export function splitEvents(text) {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const whole = () => {
    const start = text.indexOf(trimmed);
    return [{ text: trimmed, start, line: text.slice(0, start).split("\n").length }];
  };
  try {
    JSON.parse(trimmed);
    return whole();
  } catch {
    if (/^[{[]$/.test(trimmed.split("\n", 1)[0].trim())) return whole();
    const items = [];
    let offset = 0;
    text.split("\n").forEach((line, index) => {
      if (line.trim()) items.push({ text: line, start: offset, line: index + 1 });
      offset += line.length + 1;
    });
    return items;
  }
}

/** Where a JSON Pointer's value stands in `text`: [start, end), or the
 * nearest ancestor's place when the value is missing. */
export function locate(text, pointer) {
  const target = pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let i = 0;
  let best = [0, text.length];
  let bestDepth = -1;
  const n = text.length;
  const space = () => { while (i < n && /\s/.test(text[i])) i++; };
  const string = () => {
    const start = i++;
    while (i < n && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return [start, Math.min(i, n)];
  };
  const matches = (path) => path.length <= target.length && path.every((key, k) => key === target[k]);
  const value = (path, keySpan) => {
    space();
    const start = keySpan ? keySpan[0] : i;
    const open = text[i];
    if (open === "{" || open === "[") {
      i++;
      let index = 0;
      space();
      while (i < n && text[i] !== (open === "{" ? "}" : "]")) {
        const before = i;
        if (open === "{") {
          space();
          if (text[i] !== '"') break;
          const span = string();
          let key;
          try { key = JSON.parse(text.slice(span[0], span[1])); } catch { key = ""; }
          space();
          if (text[i] === ":") i++;
          value([...path, key], span);
        } else {
          value([...path, String(index++)]);
        }
        space();
        if (text[i] === ",") i++;
        space();
        if (i === before) break;
      }
      i++;
    } else if (open === '"') {
      string();
    } else {
      while (i < n && !/[,\]}\s]/.test(text[i])) i++;
    }
    if (matches(path) && path.length > bestDepth) {
      bestDepth = path.length;
      // A missing child marks its parent's opening only, not all of it.
      best = path.length === target.length ? [start, Math.min(i, n)] : [start, start + 1];
    }
  };
  try {
    value([]);
  } catch (error) {
    // Nesting deeper than the JS stack (the validator reports it): the
    // whole text is the place.
    if (!(error instanceof RangeError)) throw error;
    return [0, n];
  }
  return best;
}

/** JSON text with the characters that can make it read other than it is
 * (bidirectional controls, line separators) written as `\uXXXX` escapes,
 * which mean the same in JSON. */
function visibleJson(json) {
  return json.replace(/[\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** The editor's underlay: the same text, with the places of violations marked. */
function drawMarks(text, ranges) {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let html = "";
  let at = 0;
  for (const [start, end, title] of sorted) {
    if (start < at) continue;
    html += escapeHtml(text.slice(at, start));
    html += `<mark title="${escapeHtml(title)}">${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  marks.innerHTML = html + escapeHtml(text.slice(at)) + "\n";
}

/** JSON pretty-printed as HTML, with the values at `redacted` pointers marked. */
function renderJson(value, redacted, pointer = "", indent = "") {
  const rule = redacted.get(pointer);
  let html;
  if (Array.isArray(value)) {
    html = value.length === 0 ? "[]" : "[\n" + value.map((v, k) => indent + "  " + renderJson(v, redacted, `${pointer}/${k}`, indent + "  ")).join(",\n") + "\n" + indent + "]";
  } else if (value && typeof value === "object") {
    const keys = Object.keys(value);
    html = keys.length === 0 ? "{}" : "{\n" + keys.map((key) => {
      const child = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      return `${indent}  ${escapeHtml(visibleJson(JSON.stringify(key)))}: ${renderJson(value[key], redacted, child, indent + "  ")}`;
    }).join(",\n") + "\n" + indent + "}";
  } else {
    html = escapeHtml(visibleJson(JSON.stringify(value)));
  }
  return rule ? `<span class="redacted" data-pointer="${escapeHtml(pointer)}" title="${escapeHtml(rule)}">${html}</span>` : html;
}

function sanitizerConfig() {
  const keys = settings.keys.value.split(",").map((k) => k.trim()).filter(Boolean);
  return { extra_keys: keys, card_display: settings.card.value };
}

function item(list, html, attributes = {}) {
  const li = document.createElement("li");
  li.innerHTML = html;
  for (const [key, value] of Object.entries(attributes)) li.dataset[key] = value;
  list.append(li);
}

/** Everything barg does with one event, shown in its card, with `tools`
 * made once for all the events (see `update`). */
function show(entry, index, total, tools) {
  const card = $("#event-template").content.firstElementChild.cloneNode(true);
  card.querySelector(".event-title").textContent = total > 1 ? `Event ${index + 1} (line ${entry.line})` : "The event";
  const verdict = validate(entry.text, { mode: settings.mode.value });
  const ranges = [];

  const violations = card.querySelector(".violations");
  for (const [kind, list] of [["violation", verdict.violations], ["warning", verdict.warnings]]) {
    for (const v of list) {
      const [start, end] = locate(entry.text, v.pointer);
      ranges.push([entry.start + start, entry.start + end, `${v.pointer || "/"}: ${v.message}`]);
      item(violations, `<span class="badge ${kind}">${kind}</span> <code>${escapeHtml(v.pointer || "/")}</code> <span class="code">${escapeHtml(v.code)}</span> ${escapeHtml(v.message)}`, { pointer: v.pointer, code: v.code, kind });
    }
  }
  if (verdict.valid && verdict.violations.length === 0 && verdict.warnings.length === 0) {
    item(violations, '<span class="badge ok">valid</span> A correct barg event.');
  }
  card.classList.toggle("invalid", !verdict.valid);

  // Rejected events are sanitized too before the writer keeps them.
  let sanitized = null;
  const redactions = card.querySelector(".redactions");
  try {
    const input = verdict.valid ? verdict.event : JSON.parse(entry.text);
    sanitized = sanitize(input, tools.sanitizer);
  } catch {
    item(redactions, "Not JSON: nothing to sanitize.");
  }
  if (sanitized) {
    const redacted = new Map(sanitized.redactions.map((r) => [r.path, r.rule]));
    for (const r of sanitized.redactions) {
      item(redactions, `<code>${escapeHtml(r.path)}</code> <span class="code">${escapeHtml(r.rule)}</span>`, { path: r.path, rule: r.rule });
    }
    if (sanitized.redactions.length === 0) item(redactions, "No secrets found.");
    card.querySelector(".sanitized").innerHTML = renderJson(sanitized.value, redacted);
  }

  // The lines from the text itself, as the writer writes them: a JS object
  // would put integer-like keys first and round integers past 2^53. The
  // JSON line is the sanitized event's text, which the other formats read.
  // The pipeline checks by the same rules: an invalid event has no line.
  const json = verdict.valid ? tools.pipeline.prepare(entry.text).line : undefined;
  for (const name of FORMATS) {
    const pre = card.querySelector(`.line[data-format="${name}"]`);
    pre.textContent = json === undefined ? "— not written: the event is invalid —" : name === "json" ? json : format(json, name);
    pre.classList.toggle("muted", !verdict.valid);
  }

  const routes = card.querySelector(".routes");
  const files = verdict.valid ? route(verdict.event, { level: settings.level.value }) : ["rejected.log"];
  for (const file of files) item(routes, `<code>logs/${escapeHtml(file)}</code>`, { file });
  if (files.length === 0) item(routes, `None: below the ${escapeHtml(settings.level.value)} threshold.`, { file: "" });

  return { card, ranges, valid: verdict.valid };
}

function state() {
  const params = new URLSearchParams();
  params.set("e", editor.value);
  for (const [key, control] of Object.entries(settings)) params.set(key, control.value);
  return params;
}

/** The sanitizer's configuration and a JSON pipeline, from the settings;
 * extra keys the sanitizer refuses are left out and said why. */
function makeTools() {
  const validation = { mode: settings.mode.value };
  let sanitizer = sanitizerConfig();
  let problem = null;
  let pipeline;
  try {
    pipeline = new Pipeline({ format: "json", sanitizer, validation });
  } catch (error) {
    problem = `Extra sensitive keys: ${error.message}. Shown without them.`;
    sanitizer = { ...sanitizer, extra_keys: [] };
    pipeline = new Pipeline({ format: "json", sanitizer, validation });
  }
  settings.keys.setAttribute("aria-invalid", String(problem !== null));
  return { sanitizer, pipeline, problem };
}

function update() {
  const text = editor.value;
  const entries = splitEvents(text);
  const tools = makeTools();
  let results;
  try {
    results = entries.map((entry, index) => show(entry, index, entries.length, tools));
  } finally {
    tools.pipeline.free();
  }
  $("#events").replaceChildren(...results.map((r) => r.card));
  drawMarks(text, results.flatMap((r) => r.ranges));
  const invalid = results.filter((r) => !r.valid).length;
  $("#summary").textContent = (tools.problem ? `${tools.problem} ` : "") + (entries.length === 0
    ? "Type or paste an event, or pick a preset."
    : `${entries.length} event${entries.length === 1 ? "" : "s"}: ${entries.length - invalid} valid, ${invalid} invalid.`);
  const url = `#${state()}`;
  history.replaceState(null, "", url);
  $("#share").href = url;
}

/** Whether a URL's hash holds the page's state, rather than a place in
 * it (the skip link's `#results`). */
function holdsState(hash) {
  return new URLSearchParams(hash.replace(/^#/, "")).has("e");
}

function load(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  editor.value = params.get("e") ?? presetText("story");
  for (const [key, control] of Object.entries(settings)) {
    if (!params.has(key)) continue;
    const value = params.get(key);
    // A list takes only one of its options; anything else keeps the default.
    if (control.options && ![...control.options].some((option) => option.value === value)) continue;
    control.value = value;
  }
}

function syncScroll() {
  marks.parentElement.scrollTop = editor.scrollTop;
  marks.parentElement.scrollLeft = editor.scrollLeft;
}

async function main() {
  await init();
  load(location.hash);
  for (const button of document.querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      editor.value = presetText(button.dataset.preset);
      update();
      editor.focus();
    });
  }
  editor.addEventListener("input", update);
  editor.addEventListener("scroll", syncScroll);
  for (const control of Object.values(settings)) control.addEventListener("input", update);
  window.addEventListener("hashchange", () => {
    if (!holdsState(location.hash)) return;
    load(location.hash);
    update();
  });
  update();
  document.body.dataset.ready = "true";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(() => {});
  }
}

if (PRESETS) main();
