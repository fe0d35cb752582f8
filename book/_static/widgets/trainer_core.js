// The trainer widget (W5) without the page: its settings (validated, from and to the URL
// hash), a training session that steps, evaluates and draws nothing, and the "Copy as Python"
// snippet that reproduces a session with bendlines. Runs in the Web Worker
// (trainer_worker.js), in node tests and in tests/test_widgets_trainer.py.

import { countRegions } from "./exact_regions.js";
import { MLP, Trainer, Workspace, evaluate, forwardPass } from "./nn.js";
import { MAX_SEED } from "./pcg64.js";

/** The book's 2-D data sets, as the build exports them (data.load(name, **DATA_PARAMS)). */
export const DATASETS = ["xor", "circles", "moons", "spiral"];
export const DATA_PARAMS = { n_train: 200, n_test: 200, seed: 0 };
/** Initialisations numpy draws from uniform distributions: the widget reproduces them exactly. */
export const TRAINER_INITS = ["he_uniform", "xavier"];
export const OPTIMIZER_NAMES = ["adam", "sgd", "momentum"];
export const LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10];
export const BATCH_SIZES = [1, 5, 10, 25, 50, 100, "all"];
export const MAX_LAYERS = 3;
export const MAX_UNITS = 16;
export const MAX_ADDED = 60;
/** Activations whose pieces are linear: their nets cut the plane into linear regions. */
export const PIECEWISE_LINEAR = ["identity", "relu", "leaky_relu", "prelu", "relu6", "hard_sigmoid", "step"];

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

/** `{X, y, n}` typed arrays from exported rows, with the reader's added points appended. */
export function makeData(X, y, added = []) {
  const n = y.length + added.length;
  const Xf = new Float64Array(2 * n);
  const yi = new Int32Array(n);
  X.forEach((row, i) => {
    Xf[2 * i] = row[0];
    Xf[2 * i + 1] = row[1];
    yi[i] = y[i];
  });
  added.forEach((p, j) => {
    const i = y.length + j;
    Xf[2 * i] = p[0];
    Xf[2 * i + 1] = p[1];
    yi[i] = p[2];
  });
  return { X: Xf, y: yi, n };
}

/**
 * One training session: a seeded net, its Trainer and what the widget shows.
 * `activation` is the nn.js activation object of `settings.activation`.
 */
export class Session {
  constructor(settings, trainSet, testSet, activation, { kinks = null, negativeSlope = null } = {}) {
    this.settings = settings;
    this.train = makeData(trainSet.X, trainSet.y, settings.added);
    this.test = makeData(testSet.X, testSet.y);
    this.kinks = kinks;
    this.negativeSlope = negativeSlope; // slope below the kink at 0 (ReLU 0), or null: no exact count
    this.net = new MLP(netSizes(settings), { activation, init: settings.init, seed: settings.seed });
    this.trainer = new Trainer(this.net, this.train, this.test, {
      optimizer: settings.optimizer, lr: settings.lr,
      batchSize: settings.batch === "all" ? null : settings.batch, seed: settings.seed,
    });
    this.initialLoss = evaluate(this.net, this.train).loss;
    this.history = [];
    this.record();
  }

  get steps() {
    return this.trainer.t;
  }

  /** Up to `count` updates, stopping early after `budgetMs` ms; returns the updates done. */
  run(count, budgetMs = Infinity) {
    const start = performance.now();
    let done = 0;
    while (done < count && !this.trainer.diverged) {
      this.trainer.step();
      done += 1;
      if ((done & 15) === 0 && performance.now() - start > budgetMs) break;
    }
    return done;
  }

  /** Evaluate on the training and test sets and append to the history. */
  record() {
    this.trainer.checkFinite();
    const status = this.status();
    if (status === "diverged") return this.history.at(-1) ?? null;
    const tr = evaluate(this.net, this.train);
    const te = evaluate(this.net, this.test);
    const entry = { step: this.steps, trainLoss: tr.loss, testLoss: te.loss, trainAcc: tr.accuracy, testAcc: te.accuracy };
    if (this.history.length && this.history.at(-1).step === entry.step) this.history[this.history.length - 1] = entry;
    else this.history.push(entry);
    if (this.history.length > 400) this.history = this.history.filter((_, i) => i % 2 === 0 || i === this.history.length - 1);
    return entry;
  }

  /**
   * "diverged" (a loss or weight stopped being finite), "diverging" (training loss over ten
   * times its starting value) or "training".
   */
  status() {
    if (this.trainer.diverged) return "diverged";
    const last = this.history.at(-1);
    if (last && last.trainLoss > 10 * this.initialLoss && last.trainLoss > 5) return "diverging";
    return "training";
  }

  /** Fraction of hidden units that are off (phi' = 0) on every training point, all layers. */
  deadFraction() {
    const n = this.train.n;
    const work = new Workspace(this.net.sizes, n);
    forwardPass(this.net.layers, this.net.flatParams, this.net.activation, this.train.X, n, work, true);
    let dead = 0;
    let units = 0;
    work.slopes.forEach((D, l) => {
      const width = this.net.sizes[l + 1];
      for (let k = 0; k < width; k++) {
        let allZero = true;
        for (let i = 0; i < n && allZero; i++) if (D[i * width + k] !== 0) allZero = false;
        if (allZero) dead += 1;
      }
      units += width;
    });
    return units ? dead / units : 0;
  }

  /**
   * The picture on a res x res grid over `bounds` (rows go up in y): the probability of class 1
   * at every cell centre, and, for piecewise-linear activations, the linear region of every
   * cell (which piece each unit is on) and the number of regions the grid sees.
   */
  field(bounds, res) {
    const [xmin, xmax, ymin, ymax] = bounds;
    const n = res * res;
    const X = new Float64Array(2 * n);
    for (let r = 0; r < res; r++) {
      const y = ymin + (ymax - ymin) * ((r + 0.5) / res);
      for (let c = 0; c < res; c++) {
        X[2 * (r * res + c)] = xmin + (xmax - xmin) * ((c + 0.5) / res);
        X[2 * (r * res + c) + 1] = y;
      }
    }
    const work = new Workspace(this.net.sizes, n);
    forwardPass(this.net.layers, this.net.flatParams, this.net.activation, X, n, work, false);
    const out = work.pre.at(-1);
    const C = this.net.sizes.at(-1);
    const prob = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = out[i * C + 1] - out[i * C]; // softmax of two logits: sigmoid of their difference
      prob[i] = d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
    }
    let regions = null;
    let count = null;
    if (this.kinks) {
      regions = new Int32Array(n);
      const ids = new Map();
      const hidden = this.net.sizes.slice(1, -1);
      const kinks = this.kinks;
      const base = kinks.length + 1;
      // a pattern is a number in base (kinks + 1), one digit per unit; chunks of units whose
      // digits fit exactly in a double are joined into a string only when there are several
      const perChunk = Math.max(1, Math.floor(52 / Math.log2(base)));
      for (let i = 0; i < n; i++) {
        let key = 0;
        let text = "";
        let digits = 0;
        for (let l = 0; l < hidden.length; l++) {
          const Z = work.pre[l];
          const width = hidden[l];
          for (let k = 0; k < width; k++) {
            const z = Z[i * width + k];
            let piece = 0;
            for (let q = 0; q < kinks.length; q++) if (z > kinks[q]) piece += 1;
            key = key * base + piece;
            if (++digits === perChunk) {
              text += `${key},`;
              key = 0;
              digits = 0;
            }
          }
        }
        const full = text === "" ? key : `${text}${key}`;
        let id = ids.get(full);
        if (id === undefined) {
          id = ids.size;
          ids.set(full, id);
        }
        regions[i] = id;
      }
      count = ids.size;
    }
    return { prob, regions, count };
  }

  /** The exact number of linear regions in the box (ReLU-like activations), else null. */
  exactCount(bounds) {
    if (this.negativeSlope === null || this.net.sizes.length < 3) return this.negativeSlope === null ? null : 1;
    return countRegions(this.net.layers, this.net.flatParams, bounds, { negativeSlope: this.negativeSlope });
  }

  /** Weights of the first layer's units: normals (w1, w2) and offsets b of w . x + b = 0. */
  firstLayer() {
    const { fanOut, w, b } = this.net.layers[0];
    const p = this.net.flatParams;
    return Array.from({ length: fanOut }, (_, k) => [p[w + k], p[w + fanOut + k], p[b + k]]);
  }
}

function pyFloat(v) {
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * A Python snippet that rebuilds the session with bendlines and trains it for `steps` updates;
 * it prints the training loss the widget shows after the same number of steps.
 * `activationCall` is the Python expression of the activation (a name or activations.get(...)).
 */
export function pythonSnippet(settings, steps, activationCall = JSON.stringify(settings.activation)) {
  const lines = [
    ...(settings.added.length ? ["import numpy as np", ""] : []),
    activationCall.startsWith("activations.") ? "from bendlines import activations, data" : "from bendlines import data",
    "from bendlines.mlp import MLP",
    "from bendlines.training import train",
    "",
    `(X, y), (X_test, y_test) = data.load("${settings.data}", n_train=${DATA_PARAMS.n_train}, `
      + `n_test=${DATA_PARAMS.n_test}, seed=${DATA_PARAMS.seed})`,
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
  return lines.join("\n") + "\n";
}
