// Bending Lines widgets: native, labelled controls with <output> readouts.
// Every control is a real <input>, <select> or <button> with a <label>, so it works with the
// keyboard (Tab, arrow keys, Home/End, Page Up/Down) and screen readers out of the box.

let serial = 0;
const uid = (stem) => `bl-${stem}-${++serial}`;

/** An element with classes and text. */
export function el(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** A labelled range input with an <output> readout. `format(value)` writes the readout and
 * the accessible value text. Returns {root, input, output, value(), set(v)}. */
export function slider({ label, min, max, step, value, format = String, onInput }) {
  const root = el("div", "bl-control bl-slider");
  const id = uid("range");
  const lab = el("label", "", label);
  lab.htmlFor = id;
  const input = el("input");
  Object.assign(input, { type: "range", id, min: String(min), max: String(max), step: String(step) });
  input.value = String(value);
  const output = el("output");
  output.htmlFor = id;
  const show = () => {
    const text = format(Number(input.value));
    output.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };
  input.addEventListener("input", () => {
    show();
    onInput?.(Number(input.value));
  });
  show();
  root.append(lab, input, output);
  return {
    root,
    input,
    output,
    value: () => Number(input.value),
    set(v, notify = false) {
      input.value = String(v);
      show();
      if (notify) onInput?.(Number(input.value));
    },
  };
}

/** A labelled <select>. `options` is a list of [value, text]. */
export function select({ label, options, value, onChange }) {
  const root = el("div", "bl-control bl-select");
  const id = uid("select");
  const lab = el("label", "", label);
  lab.htmlFor = id;
  const input = el("select");
  input.id = id;
  for (const [v, text] of options) {
    const option = el("option", "", text);
    option.value = v;
    input.append(option);
  }
  input.value = value;
  input.addEventListener("change", () => onChange?.(input.value));
  root.append(lab, input);
  return { root, input, value: () => input.value, set: (v) => (input.value = v) };
}

/** A labelled number field that checks what is typed: `parse(text)` returns {value} or
 * {error}; an error is shown next to the field (and announced), the last good value stays. */
export function numberField({ label, value, min, max, step = "any", parse, onChange }) {
  const root = el("div", "bl-control bl-number");
  const id = uid("number");
  const lab = el("label", "", label);
  lab.htmlFor = id;
  const input = el("input");
  Object.assign(input, { type: "number", id, step: String(step) });
  if (min !== undefined) input.min = String(min);
  if (max !== undefined) input.max = String(max);
  input.value = String(value);
  const error = el("span", "bl-error");
  error.id = uid("error");
  error.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", error.id);
  const check = () => {
    const result = parse(input.value);
    if (result.error) {
      error.textContent = result.error;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    onChange?.(result.value);
  };
  input.addEventListener("change", check);
  input.addEventListener("input", check);
  root.append(lab, input, error);
  return {
    root,
    input,
    error,
    set(v) {
      input.value = String(v);
      error.textContent = "";
      input.removeAttribute("aria-invalid");
    },
  };
}

/** Parse typed text as a finite number within [min, max]; a clear message otherwise. */
export function parseNumber(text, min, max, what = "the value", integer = false) {
  const trimmed = String(text).trim();
  const x = trimmed === "" ? NaN : Number(trimmed);
  const kind = integer ? "a whole number" : "a number";
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < min || x > max) {
    return { error: `Enter ${kind} from ${min} to ${max} for ${what}.` };
  }
  return { value: x };
}

/** A <button type="button">. */
export function button(text, onClick, className = "bl-button") {
  const b = el("button", className, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

/** A readout line: a <dt>/<dd> pair appended to a <dl>; returns the <dd>. */
export function readout(dl, label) {
  dl.append(el("dt", "", label));
  const dd = el("dd");
  dl.append(dd);
  return dd;
}
