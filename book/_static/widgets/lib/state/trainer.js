// The trainer widget's settings: their allowed values, checked field by field from
// untrusted input and the URL hash, and the "Copy as Python" snippet that reproduces a run
// with bendlines. No training code: this is all the page itself loads (the training runs in
// trainer_worker.js). The data sets' load parameters and which activations are piecewise
// linear come from the JSON the build writes (bendlines_widgets.py DATA), not from here.

import { MAX_SEED } from "../maths/pcg64.js";

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

export const DEFAULTS = Object.freeze({
  data: "spiral",
  activation: "relu",
  layers: Object.freeze([16, 16]),
  init: "he_uniform",
  optimizer: "adam",
  lr: 1e-2,
  batch: 10,
  seed: 0,
  added: Object.freeze([]),
});

function oneOf(value, allowed, fallback) {
  return allowed.includes(value) ? value : fallback;
}

/**
 * Settings from untrusted input (a parsed hash, form values): every field is checked and an
 * invalid one falls back to its default. `activations` lists the registry names allowed.
 */
export function validSettings(raw, activations) {
  const s = raw && typeof raw === "object" ? raw : {};
  const layers = Array.isArray(s.layers) && s.layers.length <= MAX_LAYERS
    && s.layers.every((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS) ? s.layers.slice() : DEFAULTS.layers.slice();
  const seed = Number.isInteger(s.seed) && s.seed >= 0 && s.seed <= MAX_SEED ? s.seed : DEFAULTS.seed;
  const added = Array.isArray(s.added) && s.added.length <= MAX_ADDED
    && s.added.every((p) => Array.isArray(p) && p.length === 3 && Number.isFinite(p[0]) && Number.isFinite(p[1])
      && Math.abs(p[0]) <= 10 && Math.abs(p[1]) <= 10 && (p[2] === 0 || p[2] === 1))
    ? s.added.map((p) => [roundCoord(p[0]), roundCoord(p[1]), p[2]]) : [];
  return {
    data: oneOf(s.data, DATASETS, DEFAULTS.data),
    activation: oneOf(s.activation, activations, DEFAULTS.activation),
    layers,
    init: oneOf(s.init, TRAINER_INITS, DEFAULTS.init),
    optimizer: oneOf(s.optimizer, OPTIMIZER_NAMES, DEFAULTS.optimizer),
    lr: oneOf(s.lr, LEARNING_RATES, DEFAULTS.lr),
    batch: oneOf(s.batch, BATCH_SIZES, DEFAULTS.batch),
    seed,
    added,
  };
}

/** Coordinates of added points keep 3 decimals (so the hash and the snippet hold them exactly). */
export function roundCoord(v) {
  return Math.round(v * 1000) / 1000;
}

/** The settings as hash state (strings of [A-Za-z0-9_.,+-]): see loader.js and state.js. */
export function settingsToState(s) {
  const state = {
    data: s.data, act: s.activation, layers: s.layers.length ? s.layers.join("-") : "0", init: s.init,
    opt: s.optimizer, lr: String(s.lr), batch: String(s.batch), seed: String(s.seed),
  };
  if (s.added.length) state.pts = s.added.flat().join(",");
  return state;
}

/**
 * Settings from hash state (strings); every field is checked and a bad one keeps its default.
 * Returns `{settings, problem}`, `problem` true when something had to be dropped.
 */
export function settingsFromState(state, activations) {
  const raw = {};
  const st = state && typeof state === "object" ? state : {};
  if (st.data !== undefined) raw.data = st.data;
  if (st.act !== undefined) raw.activation = st.act;
  if (st.layers !== undefined) raw.layers = st.layers === "0" ? [] : String(st.layers).split("-").map(strictInt);
  if (st.init !== undefined) raw.init = st.init;
  if (st.opt !== undefined) raw.optimizer = st.opt;
  if (st.lr !== undefined) raw.lr = strictNumber(st.lr);
  if (st.batch !== undefined) raw.batch = st.batch === "all" ? "all" : strictInt(st.batch);
  if (st.seed !== undefined) raw.seed = strictInt(st.seed);
  if (st.pts !== undefined) {
    const v = String(st.pts).split(",").map(strictNumber);
    raw.added = v.length % 3 === 0 ? Array.from({ length: v.length / 3 }, (_, i) => v.slice(3 * i, 3 * i + 3)) : null;
  }
  const settings = validSettings(raw, activations);
  const known = ["data", "act", "layers", "init", "opt", "lr", "batch", "seed", "pts"];
  const problem = Object.keys(st).some((k) => !known.includes(k))
    || Object.keys(raw).some((k) => JSON.stringify(raw[k]) !== JSON.stringify(settings[k]));
  return { settings, problem };
}

function strictNumber(text) {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(String(text)) ? Number(text) : NaN;
}

function strictInt(text) {
  const t = String(text);
  // exact integers only: "9007199254740993" would round to another number, so it is refused
  return /^\d{1,16}$/.test(t) && BigInt(t) === BigInt(Number(t)) ? Number(t) : NaN;
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
