// The depth explorer's settings: one table (see settings.js) of the activation, the
// initialisation and a gain on its spread, the depth, the width and the seed.

import { MAX_SEED } from "../maths/pcg64.js";

/** The initialisations the explorer offers, with their names for readers. */
export const INITS = { xavier: "Xavier (variance 2/(n_in + n_out))", he: "He (variance 2/n_in)", lecun: "LeCun (variance 1/n_in)" };
/** Units per layer: at 64, each layer's slice of work stays a few milliseconds. */
export const WIDTHS = [8, 16, 32, 64];

/** The settings table for the usable activations `names` (the registry's, counterexamples left out). */
export function depthSettings(names) {
  return {
    act: { type: "choice", choices: names, default: "sigmoid", config: "activation" },
    init: { type: "choice", choices: Object.keys(INITS), default: "xavier", config: "init" },
    gain: { type: "number", min: 0.25, max: 3, default: 1 },
    depth: { type: "int", min: 1, max: 50, default: 10, config: "depth" },
    width: { type: "choice", choices: WIDTHS, default: 64 },
    seed: { type: "int", min: 0, max: MAX_SEED, default: 0 },
  };
}
