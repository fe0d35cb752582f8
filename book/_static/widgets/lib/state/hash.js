// Bending Lines widgets: reader-shareable state in the URL hash, "#w-KIND?key=value&...".
// Parsing never throws: a hash for another widget, a plain anchor, or anything malformed or
// hostile yields {ok: false} and the widget keeps its defaults.

const MAX_HASH = 2000;
const KEY = /^[a-z][a-z0-9_]{0,31}$/;
const VALUE = /^[A-Za-z0-9_.,+-]{0,400}$/;

/** The state in `hash` for widget `kind`: {found, ok, state}. */
export function parseHash(hash, kind) {
  const prefix = `#w-${kind}?`;
  if (typeof hash !== "string" || !hash.startsWith(prefix)) {
    return { found: hash === `#w-${kind}`, ok: true, state: {} };
  }
  if (hash.length > MAX_HASH) return { found: true, ok: false, state: {} };
  const state = Object.create(null);
  for (const part of hash.slice(prefix.length).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 1) return { found: true, ok: false, state: {} };
    let key, value;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return { found: true, ok: false, state: {} };
    }
    if (!KEY.test(key) || !VALUE.test(value) || key in state) {
      return { found: true, ok: false, state: {} };
    }
    state[key] = value;
  }
  return { found: true, ok: true, state: { ...state } };
}

/** The hash that records `state` (an object of numbers and strings) for widget `kind`. */
export function formatHash(kind, state) {
  const parts = Object.entries(state).map(
    ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`,
  );
  return `#w-${kind}?${parts.join("&")}`;
}

/** A finite number parsed from a hash value, within [lo, hi], else undefined. */
export function readNumber(value, lo, hi) {
  if (typeof value !== "string" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value)) {
    return undefined;
  }
  const x = Number(value);
  return Number.isFinite(x) && x >= lo && x <= hi ? x : undefined;
}
