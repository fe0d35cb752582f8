// The trainer widget's settings: their allowed values, checked field by field from
// untrusted input and the URL hash, and the "Copy as Python" snippet that reproduces a run
// with bendlines. No training code: this is all the page itself loads (the training runs in
// trainer_worker.js). The data sets' load parameters and which activations are piecewise
// linear come from the JSON the build writes (bendlines_widgets.py DATA), not from here.

import { MAX_SEED } from "../maths/pcg64.js";
import { checkValue, readSettings, writeSettings } from "./settings.js";

/** The book's 2-D data sets, as the build exports them (data/trainer_NAME.json). */
export const DATASETS = ["xor", "circles", "moons", "spiral"];
/** Initialisations numpy draws from uniform distributions: the widget reproduces them exactly. */
export const TRAINER_INITS = ["he_uniform", "xavier"];
export const OPTIMIZER_NAMES = ["adam", "sgd", "momentum"];
export const LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10];
export const BATCH_SIZES = [1, 5, 10, 25, 50, 100, "all"];
export const MAX_LAYERS = 3;
export const MAX_UNITS = 16;
export const MAX_ADDED = 60;
/** Updates a second while playing: one a frame (the default, to watch), more, or as fast as
 * it goes ("max"). */
export const SPEEDS = [60, 600, 6000, "max"];

/** The settings table (see settings.js) for the registry's activation `names`. Added points
 * are [x, y, class] triples, flat in the table and the hash ("pts"), nested in the settings. */
export function trainerSettings(names) {
  return {
    data: { type: "choice", choices: DATASETS, default: "spiral", config: "data" },
    activation: { type: "choice", key: "act", choices: names, default: "relu", config: "activation" },
    layers: { type: "numbers", separator: "-", min: 1, max: MAX_UNITS, maxLength: MAX_LAYERS, default: [16, 16],
      check: (v) => v.every(Number.isInteger) },
    init: { type: "choice", choices: TRAINER_INITS, default: "he_uniform" },
    optimizer: { type: "choice", key: "opt", choices: OPTIMIZER_NAMES, default: "adam" },
    lr: { type: "choice", choices: LEARNING_RATES, default: 1e-2 },
    batch: { type: "choice", choices: BATCH_SIZES, default: 10 },
    seed: { type: "int", min: 0, max: MAX_SEED, default: 0 },
    speed: { type: "choice", choices: SPEEDS, default: 60 },
    added: { type: "numbers", key: "pts", min: -10, max: 10, maxLength: 3 * MAX_ADDED, default: [],
      check: (v) => v.length % 3 === 0 && v.every((x, i) => i % 3 !== 2 || x === 0 || x === 1) },
  };
}

/** The defaults of every setting. */
export const DEFAULTS = Object.freeze(readSettings(trainerSettings(["relu"])).settings);

/** Coordinates of added points keep 3 decimals (so the hash and the snippet hold them exactly). */
export function roundCoord(v) {
  return Math.round(v * 1000) / 1000;
}

const triples = (flat) => Array.from({ length: flat.length / 3 }, (_, i) => [roundCoord(flat[3 * i]), roundCoord(flat[3 * i + 1]), flat[3 * i + 2]]);

/**
 * Settings from untrusted input (form values, a test's object): every field is checked against
 * the table and an invalid one falls back to its default. `activations` lists the names allowed.
 */
export function validSettings(raw, activations) {
  const s = raw && typeof raw === "object" ? raw : {};
  const table = trainerSettings(activations);
  const out = {};
  for (const [name, spec] of Object.entries(table)) {
    const value = name === "added" && Array.isArray(s.added) && s.added.every(Array.isArray) ? s.added.flat() : s[name];
    out[name] = (value === undefined ? undefined : checkValue(spec, value, out)) ?? spec.default;
    if (Array.isArray(out[name])) out[name] = out[name].slice();
  }
  out.added = triples(out.added);
  return out;
}

/** The settings as hash state (strings of [A-Za-z0-9_.,+-]): see loader.js and hash.js. */
export function settingsToState(settings, activations = [settings.activation]) {
  return writeSettings(trainerSettings(activations), { ...settings, added: settings.added.flat() });
}

/**
 * Settings from hash state (strings) over the chapter's `config`; every field is checked and a
 * bad one keeps its default. Returns `{settings, problem}`, `problem` true when something had
 * to be dropped.
 */
export function settingsFromState(state, activations, config = {}) {
  const { settings, problem } = readSettings(trainerSettings(activations), { state, config });
  return { settings: { ...settings, added: triples(settings.added) }, problem };
}

/**
 * The worker's "init" message for `settings`: the activation's registry `entry` (its default
 * parameters; its kinks when piecewise linear, for the region picture; the negative slope of
 * ReLU-like functions, for the exact region count), the data `set` as the build exports it,
 * and the pictured `box` at `res` cells a side.
 */
export function workerStart(settings, entry, set, box, res) {
  const p = entry.params[0];
  const params = Object.fromEntries(entry.params.map((q) => [q.name, q.default]));
  const props = p ? p.properties[p.grid.indexOf(p.default)] : entry.properties;
  const negativeSlope = settings.activation === "relu" ? 0 : ["leaky_relu", "prelu"].includes(settings.activation) ? params.negative_slope : null;
  return { type: "init", settings, activation: { name: settings.activation, params }, train: { X: set.X, y: set.y },
    test: { X: set.X_test, y: set.y_test }, kinks: entry.piecewise_linear ? props.kinks.map(Number) : null, bounds: box, res, negativeSlope };
}

/** Layer widths of the net: 2 inputs, the hidden layers, one output per class. */
export function netSizes(settings, nClasses = 2) {
  return [2, ...settings.layers, nClasses];
}

function pyFloat(v) {
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * A Python snippet that rebuilds the session with bendlines and trains it for `steps` updates;
 * it prints the training loss the widget shows after the same number of steps. `dataParams` is
 * the data set's load parameters as the build exported them (`params` of trainer_NAME.json);
 * `activationCall` is the Python expression of the activation (a name or activations.get(...)).
 */
export function pythonSnippet(settings, steps, dataParams, activationCall = JSON.stringify(settings.activation)) {
  const lines = [
    ...(settings.added.length ? ["import numpy as np", ""] : []),
    activationCall.startsWith("activations.") ? "from bendlines import activations, data" : "from bendlines import data",
    "from bendlines.mlp import MLP",
    "from bendlines.training import train",
    "",
    `(X, y), (X_test, y_test) = data.load("${settings.data}", n_train=${dataParams.n_train}, `
      + `n_test=${dataParams.n_test}, seed=${dataParams.seed})`,
  ];
  if (settings.added.length) {
    const pts = settings.added.map((p) => `[${pyFloat(p[0])}, ${pyFloat(p[1])}]`).join(", ");
    const labels = settings.added.map((p) => p[2]).join(", ");
    lines.push("# the points you added");
    lines.push(`X = np.vstack([X, [${pts}]])`);
    lines.push(`y = np.concatenate([y, [${labels}]])`);
  }
  const sizes = netSizes(settings).join(", ");
  const batch = settings.batch === "all" ? "None" : String(settings.batch);
  lines.push(
    `net = MLP([${sizes}], activation=${activationCall}, init="${settings.init}", seed=${settings.seed})`,
    `history = train(net, (X, y), (X_test, y_test), optimizer="${settings.optimizer}", lr=${settings.lr},`,
    `                batch_size=${batch}, steps=${steps}, seed=${settings.seed}, eval_every=${Math.max(steps, 1)})`,
    'print(f"after {history.steps[-1]} steps: training loss {history.train_loss[-1]:.6f}, "',
    '      f"test accuracy {history.test_acc[-1]:.1%} ({history.status})")',
  );
  return `${lines.join("\n")}\n`;
}
