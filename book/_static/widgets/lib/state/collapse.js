// The layer stacker's settings: one table (see settings.js) of the number of layers, the
// activation between them, the layer being edited and every layer's 2 x 2 weights (flat:
// layer l's row r, column c at 4 l + 2 r + c).

import { COLLAPSE_ACTIVATIONS } from "../maths/collapse.js";

/** Arrow tips live in [-RANGE, RANGE]² on a STEP grid. */
export const RANGE = 2;
export const STEP = 0.05;
export const MAX_LAYERS = 5;
/** The starting weights of the five layers, flat. */
export const DEFAULT_WEIGHTS = [1, 0.5, -0.3, 1, 0.8, -0.6, 0.6, 0.8, 1.2, 0, 0.4, 0.7, 0.9, 0.3, 0.2, -1, 1, -0.4, 0.5, 0.6];

/** The settings table. */
export const COLLAPSE_SETTINGS = {
  k: { type: "int", min: 2, max: MAX_LAYERS, default: 3, config: "layers" },
  act: { type: "choice", choices: Object.keys(COLLAPSE_ACTIVATIONS), default: "identity", config: "activation" },
  sel: { type: "int", min: 1, max: MAX_LAYERS, default: 1, check: (v, s) => v <= s.k },
  w: { type: "numbers", min: -RANGE, max: RANGE, maxLength: 4 * MAX_LAYERS, default: (s) => DEFAULT_WEIGHTS.slice(0, 4 * s.k),
    check: (v, s) => v.length === 4 * s.k },
};

/** The first `k` layers' weights as 2 x 2 matrices [[a, b], [c, d]] from the flat list. */
export function matrices(flat, k) {
  return Array.from({ length: k }, (_, l) => [[flat[4 * l], flat[4 * l + 1]], [flat[4 * l + 2], flat[4 * l + 3]]]);
}

/** A tip coordinate snapped to the grid and the range. */
export function snap(v) {
  return Number(Math.max(-RANGE, Math.min(RANGE, Math.round(v / STEP) * STEP)).toFixed(2));
}

/** The flat weights for `k` layers: the current ones, then the defaults for new layers. */
export function resize(flat, k) {
  return [...flat.slice(0, 4 * k), ...DEFAULT_WEIGHTS.slice(flat.length, 4 * k)];
}
