// A widget's settings as one table: for each setting its type, range or choices and default,
// the key it has in the address hash ("#w-KIND?key=value&...", see hash.js) and the key it has
// in the chapter's `:config:`. Reading and writing the hash go through this table for every
// kind, so a value is checked the same way wherever it comes from.
//
// A setting: {type, default, key?, config?, min?, max?, choices?, maxLength?, check?}
//   type       "int" | "number" | "choice" | "numbers" (a list of numbers, in the hash
//              joined by `separator`, "," unless given)
//   default    a value, or a function of the settings read before it (table order); a setting
//              whose default is undefined (and that nothing set) is left out of the hash
//   key        its name in the hash (default: the setting's name)
//   config     its name in the chapter's :config: (default: none)
//   check      an extra test (value, settings read so far) => boolean

import { readNumber } from "./hash.js";

/** The integer a decimal text names, or undefined when a double cannot hold it exactly
 * ("9007199254740993" would round to another number). */
function exactInteger(text) {
  const value = readNumber(text, -Infinity, Infinity);
  return /^[+-]?\d{1,16}$/.test(text) && BigInt(text) === BigInt(value) ? value : undefined;
}

function parseText(spec, text) {
  switch (spec.type) {
    case "int": {
      const value = exactInteger(text);
      return value >= spec.min && value <= spec.max ? value : undefined;
    }
    case "number":
      return readNumber(text, spec.min, spec.max);
    case "numbers": {
      if (text === "") return [];
      const parts = text.split(spec.separator ?? ",");
      const values = parts.map((part) => readNumber(part, spec.min, spec.max));
      return parts.length <= (spec.maxLength ?? 64) && values.every((v) => v !== undefined) ? values : undefined;
    }
    case "choice":
      return spec.choices.find((choice) => String(choice) === text);
    default:
      throw new Error(`unknown setting type ${spec.type}`);
  }
}

/** `value` if it is allowed for `spec` (given the settings read so far), else undefined. */
export function checkValue(spec, value, settings = {}) {
  let ok;
  switch (spec.type) {
    case "int":
      ok = Number.isInteger(value) && value >= spec.min && value <= spec.max;
      break;
    case "number":
      ok = typeof value === "number" && Number.isFinite(value) && value >= spec.min && value <= spec.max;
      break;
    case "numbers":
      ok = Array.isArray(value) && value.length <= (spec.maxLength ?? 64)
        && value.every((v) => typeof v === "number" && Number.isFinite(v) && v >= spec.min && v <= spec.max);
      break;
    case "choice":
      ok = spec.choices.includes(value);
      break;
    default:
      throw new Error(`unknown setting type ${spec.type}`);
  }
  return ok && (spec.check?.(value, settings) ?? true) ? value : undefined;
}

/**
 * The settings of a widget: each one's default, then the chapter's `config` value, then the
 * hash `state` value (strings), each kept only when the table allows it. Returns
 * `{settings, problem}`; `problem` is true when the hash held a value or key the table refuses.
 */
export function readSettings(table, { config = {}, state = {} } = {}) {
  const settings = {};
  let problem = false;
  for (const [name, spec] of Object.entries(table)) {
    const fallback = typeof spec.default === "function" ? spec.default(settings) : spec.default;
    settings[name] = Array.isArray(fallback) ? fallback.slice() : fallback;
    if (spec.config !== undefined && config[spec.config] !== undefined) {
      const value = checkValue(spec, config[spec.config], settings);
      if (value !== undefined) settings[name] = value;
    }
    const text = state[spec.key ?? name];
    if (text !== undefined) {
      const value = checkValue(spec, parseText(spec, text), settings);
      if (value === undefined) problem = true;
      else settings[name] = value;
    }
  }
  const keys = new Set(Object.entries(table).map(([name, spec]) => spec.key ?? name));
  if (Object.keys(state).some((key) => !keys.has(key))) problem = true;
  return { settings, problem };
}

/** The hash state (strings) that records `settings`: the inverse of readSettings. */
export function writeSettings(table, settings) {
  return Object.fromEntries(
    Object.entries(table)
      .filter(([name]) => settings[name] !== undefined)
      .map(([name, spec]) => {
        const value = settings[name];
        return [spec.key ?? name, Array.isArray(value) ? value.join(spec.separator ?? ",") : String(value)];
      }),
  );
}
