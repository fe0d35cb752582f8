// The hinge builder's settings: one table (see settings.js) of the target and either a snapped
// count n (the interpolant of n evenly spaced hinges) or an edited list of hinges (kinks k,
// slope changes a and the start value c), each checked against the target's ranges.

import { TARGETS, snap } from "../maths/hinges.js";

export const MAX_HINGES = 64;
const cache = new Map();

/** A target's ranges: its domain [lo, hi], the largest slope change a, the start values c
 * and the y range y of the chart. `info` is the target's entry of data/targets.json. */
export function limits(info) {
  if (!cache.has(info.name)) {
    const f = TARGETS[info.name];
    const [lo, hi] = info.domain;
    const slope = Math.max(...snap(info.name, info.domain, MAX_HINGES).slopes.map(Math.abs));
    const ys = Array.from({ length: 401 }, (_, i) => f(lo + ((hi - lo) * i) / 400));
    const [fmin, fmax] = [Math.min(...ys), Math.max(...ys)];
    const pad = Math.max(0.25, 0.25 * (fmax - fmin));
    cache.set(info.name, {
      lo, hi, a: Math.max(1, Math.ceil(2 * slope)),
      c: [Math.floor((fmin - pad) * 10) / 10, Math.ceil((fmax + pad) * 10) / 10], y: [fmin - pad, fmax + pad],
    });
  }
  return cache.get(info.name);
}

/** The settings table for the targets `byName` (name -> entry of data/targets.json). */
export function hingeSettings(byName) {
  const lim = (s) => limits(byName.get(s.target));
  const within = (lo, hi) => (v) => v.every((x) => x >= lo && x <= hi);
  return {
    target: { type: "choice", choices: [...byName.keys()], default: "sin", config: "target" },
    n: { type: "int", min: 1, max: MAX_HINGES, default: undefined },
    c: { type: "number", min: -1e6, max: 1e6, default: undefined, check: (v, s) => v >= lim(s).c[0] && v <= lim(s).c[1] },
    k: { type: "numbers", min: -1e6, max: 1e6, maxLength: MAX_HINGES, default: undefined, check: (v, s) => within(lim(s).lo, lim(s).hi)(v) },
    a: { type: "numbers", min: -1e6, max: 1e6, maxLength: MAX_HINGES, default: undefined,
      check: (v, s) => within(-lim(s).a, lim(s).a)(v) && v.length === (s.k ?? []).length },
  };
}

/** A new hinge for `model`: in the middle of the widest gap between kinks (and the ends). */
export function newHinge(model, lim) {
  const ks = model.hinges.map((h) => h.k).concat([lim.lo, lim.hi]).sort((x, y) => x - y);
  let best = 0;
  for (let i = 1; i < ks.length; i++) if (ks[i] - ks[i - 1] > ks[best + 1] - ks[best]) best = i - 1;
  return { k: (ks[best] + ks[best + 1]) / 2, a: lim.a / 4 };
}

/** The model g(x) = bias + sum a_i relu(x - k_i) of n evenly spaced hinges on the target. */
export function snapped(info, n) {
  const g = snap(info.name, info.domain, n);
  return { bias: g.bias, hinges: g.kinks.map((k, i) => ({ k, a: g.weights[i] })) };
}

/** The settings that record a model: the snapped n, or the edited hinges (8 digits, so a
 * shared address shows the same numbers). */
export function modelSettings(target, model, n) {
  const round4 = (v) => Number(v.toPrecision(8));
  if (n) return { target, n };
  return { target, c: round4(model.bias), k: model.hinges.map((h) => round4(h.k)), a: model.hinges.map((h) => round4(h.a)) };
}
