// The activation explorer's settings: one table (see settings.js) of the function, its
// parameter (a value of the slider grid the build exports), the probe point and the depth L.

/** The probe's range and the depth's largest value. */
export const Z_RANGE = [-6, 6];
export const MAX_DEPTH = 100;

/** The index of `value` in `grid` (to rounding), or -1. */
export function gridIndex(grid, value) {
  return grid.findIndex((g) => Math.abs(g - value) < 1e-9);
}

/** The settings table for the registry `entries` of data/activations.json. */
export function activationSettings(entries) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const param = (settings) => byName.get(settings.name).params[0];
  return {
    name: { type: "choice", choices: [...byName.keys()], default: "relu", config: "name" },
    p: { type: "number", min: -1e6, max: 1e6, default: (s) => param(s)?.default,
      check: (v, s) => gridIndex(param(s)?.grid ?? [], v) >= 0 },
    z: { type: "number", min: Z_RANGE[0], max: Z_RANGE[1], default: 1 },
    depth: { type: "int", min: 1, max: MAX_DEPTH, default: 10 },
  };
}
