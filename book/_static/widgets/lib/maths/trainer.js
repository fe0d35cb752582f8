// The trainer without the page: a session that steps and evaluates, for the worker, node
// tests and tests/test_widgets_trainer.py. Its settings live in ../state/trainer.js.

import { countRegions } from "./exact_regions.js";
import { Workspace, forwardPass } from "./layers.js";
import { MLP, Trainer, evaluate, patternIds } from "./nn.js";
import { netSizes } from "../state/trainer.js";

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

  /** A Workspace for `n` rows kept under `name` (no megabytes of garbage per snapshot). */
  workspace(name, n) {
    this.workspaces ??= new Map();
    let work = this.workspaces.get(name);
    if (!work || work.n !== n) {
      work = new Workspace(this.net.sizes, n);
      this.workspaces.set(name, work);
    }
    return work;
  }

  /** The cell centres of a res x res grid over `bounds` (rows go up in y), kept. */
  grid(bounds, res) {
    const key = `${bounds.join(",")}|${res}`;
    if (this.gridKey !== key) {
      const [xmin, xmax, ymin, ymax] = bounds;
      const X = new Float64Array(2 * res * res);
      for (let r = 0; r < res; r++) {
        const y = ymin + (ymax - ymin) * ((r + 0.5) / res);
        for (let c = 0; c < res; c++) {
          X[2 * (r * res + c)] = xmin + (xmax - xmin) * ((c + 0.5) / res);
          X[2 * (r * res + c) + 1] = y;
        }
      }
      this.gridKey = key;
      this.gridX = X;
    }
    return this.gridX;
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
    const tr = evaluate(this.net, this.train, this.workspace("train", this.train.n));
    const te = evaluate(this.net, this.test, this.workspace("test", this.test.n));
    if (!Number.isFinite(tr.loss)) {
      // e.g. sqrt or log of a negative pre-activation: a state to show, not a number
      this.trainer.diverged = true;
      this.trainer.divergedAt ??= this.steps;
      return this.history.at(-1) ?? null;
    }
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
    const work = this.workspace("train", n);
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
    const n = res * res;
    const X = this.grid(bounds, res);
    const work = this.workspace("grid", n);
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
    if (this.kinks) ({ labels: regions, count } = patternIds(work.pre, this.net.sizes.slice(1, -1), n, this.kinks));
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
