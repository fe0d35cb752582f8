// bendlines' MLP (mlp.py, optim.py, training.py) in JavaScript, same layout and arithmetic order:
// one flat Float64Array W_1 (fan_in x fan_out, row-major), b_1, W_2, ... (`layerViews`); hidden
// Z = A W + b, A = phi(Z), linear logits; losses write dL/dZ; SGD, Momentum, Adam update in place;
// `Trainer` cuts batches like training.train from numpy's default_rng(seed) (pcg64.js) or given
// permutations. tests/test_widgets_trainer.py checks 1 and 100 steps at float64.
// An activation is `{ name, apply(Z, A, D) }` (phi into A, phi' into D unless null).

import { BASIC_ACTIVATIONS, Workspace, backwardPass, checkSizes, crossEntropyLoss, deadFraction, forwardPass, frobenius, initWeights, layerViews, nParams } from "./layers.js";
import { PCG64 } from "./pcg64.js";

// --------------------------------------------------------------------------- the network

/** A fully connected net: `sizes`, an activation object and one flat parameter buffer. */
export class MLP {
  constructor(sizes, { activation = BASIC_ACTIVATIONS.relu, init = "he_uniform", seed = 0, biasInit = 0 } = {}) {
    this.sizes = checkSizes(sizes);
    this.activation = activation;
    this.layers = layerViews(this.sizes);
    this.flatParams = new Float64Array(nParams(this.sizes));
    const rng = new PCG64(seed);
    for (const { fanIn, fanOut, w, b } of this.layers) {
      initWeights(fanIn, fanOut, init, rng, this.flatParams.subarray(w, w + fanIn * fanOut));
      this.flatParams.fill(biasInit, b, b + fanOut);
    }
  }

  /** A net with given parameters (copied): `params` is `[[W rows...], [b...]]` per layer. */
  static fromParams(params, activation = BASIC_ACTIVATIONS.relu) {
    const sizes = [params[0][0].length];
    for (const [W] of params) sizes.push(W[0].length);
    const net = Object.create(MLP.prototype);
    net.sizes = checkSizes(sizes);
    net.activation = activation;
    net.layers = layerViews(sizes);
    net.flatParams = new Float64Array(nParams(sizes));
    params.forEach(([W, b], l) => {
      const { fanOut, w, b: bo } = net.layers[l];
      W.forEach((row, j) => {
        net.flatParams.set(row, w + j * fanOut);
      });
      net.flatParams.set(b, bo);
    });
    return net;
  }

  /** A net with these sizes whose parameters are a copy of `flat`. */
  static fromFlat(sizes, flat, activation = BASIC_ACTIVATIONS.relu) {
    const net = Object.create(MLP.prototype);
    net.sizes = checkSizes(sizes);
    net.activation = activation;
    net.layers = layerViews(net.sizes);
    if (flat.length !== nParams(net.sizes)) throw new RangeError("flat has the wrong length");
    net.flatParams = Float64Array.from(flat);
    return net;
  }

  copy() {
    return MLP.fromFlat(this.sizes, this.flatParams, this.activation);
  }

  /** Network outputs (n x sizes[-1]) for inputs X (n x sizes[0], row-major); `work` (a
   * Workspace for n rows) is reused when given, else allocated. */
  forward(X, n, work = new Workspace(this.sizes, n)) {
    forwardPass(this.layers, this.flatParams, this.activation, X, n, work, false);
    return work.pre[work.pre.length - 1];
  }
}

// ------------------------------------------------------------------------------ optimisers

function checkLr(lr) {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`lr must be positive and finite, got ${lr}`);
  return lr;
}

/** Plain gradient descent: p <- p - lr g. */
export class SGD {
  constructor(lr = 1e-2) {
    this.name = "sgd";
    this.lr = checkLr(lr);
    this.t = 0;
  }

  step(params, grads) {
    this.t += 1;
    const lr = this.lr;
    for (let i = 0; i < params.length; i++) params[i] -= grads[i] * lr;
  }
}

/** Heavy-ball momentum: v <- mu v + g, p <- p - lr v. */
export class Momentum {
  constructor(lr = 1e-2, { momentum = 0.9 } = {}) {
    this.name = "momentum";
    this.lr = checkLr(lr);
    this.momentum = momentum;
    this.t = 0;
    this.velocity = null;
  }

  step(params, grads) {
    if (!this.velocity) this.velocity = new Float64Array(params.length);
    this.t += 1;
    const v = this.velocity;
    for (let i = 0; i < params.length; i++) {
      v[i] = v[i] * this.momentum + grads[i];
      params[i] -= v[i] * this.lr;
    }
  }
}

/** Adam with bias correction, in the operation order of bendlines.optim.Adam. */
export class Adam {
  constructor(lr = 1e-3, { beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}) {
    this.name = "adam";
    this.lr = checkLr(lr);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.t = 0;
    this.m = null;
    this.v = null;
  }

  step(params, grads) {
    if (!this.m) {
      this.m = new Float64Array(params.length);
      this.v = new Float64Array(params.length);
    }
    this.t += 1;
    const { beta1: b1, beta2: b2, m, v, eps } = this;
    const c1 = 1.0 - b1 ** this.t;
    const c2 = 1.0 - b2 ** this.t;
    const invSqrtC2 = 1.0 / Math.sqrt(c2);
    const rate = this.lr / c1;
    const g1 = 1.0 - b1;
    const g2 = 1.0 - b2;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] += (g - m[i]) * g1; // m = b1 m + (1 - b1) g
      v[i] += (g * g - v[i]) * g2; // v = b2 v + (1 - b2) g^2
      params[i] -= (m[i] / (Math.sqrt(v[i]) * invSqrtC2 + eps)) * rate;
    }
  }
}

export const OPTIMIZERS = { sgd: SGD, momentum: Momentum, adam: Adam };

/** An optimiser by name ("sgd", "momentum", "adam"). */
export function makeOptimizer(name, lr, options = {}) {
  const Cls = OPTIMIZERS[name];
  if (!Cls) throw new RangeError(`unknown optimizer ${JSON.stringify(name)}; choose one of sgd, momentum, adam`);
  return new Cls(lr, options);
}

// -------------------------------------------------------------------------------- training

function allFinite(a) {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}


/**
 * Trains one net in place, one update per `step()`, like bendlines.training.train.
 * Data: `{X: Float64Array (n x d), y: Int32Array (n), n}`.
 * Options: optimizer, lr, batchSize (null = full batch), seed, loss ("cross_entropy"),
 * order (optional list of permutations used instead of the seeded generator).
 */
export class Trainer {
  constructor(net, train, test = null, { optimizer = "adam", lr = 1e-2, batchSize = 100, seed = 0,
    loss = "cross_entropy", order = null, optimizerOptions = {} } = {}) {
    if (loss !== "cross_entropy") throw new RangeError("the trainer supports the cross_entropy loss");
    this.net = net;
    this.train = train;
    this.test = test;
    this.opt = makeOptimizer(optimizer, lr, optimizerOptions);
    this.batchSize = batchSize === null || batchSize >= train.n ? train.n : batchSize;
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1)) throw new RangeError("batchSize must be an integer >= 1");
    this.rng = new PCG64(seed);
    this.order = order;
    this.epoch = 0;
    this.perm = null;
    this.start = 0;
    this.t = 0;
    this.diverged = false;
    this.divergedAt = null;
    this.lastLoss = NaN;
    const d = net.sizes[0];
    this.Xb = new Float64Array(this.batchSize * d);
    this.yb = new Int32Array(this.batchSize);
    this.work = new Workspace(net.sizes, this.batchSize);
    this.grad = new Float64Array(net.flatParams.length);
    this.initial = Float64Array.from(net.flatParams);
  }

  /** The next mini-batch (X rows and labels), as bendlines.training._batches cuts them. */
  nextBatch() {
    const { train, batchSize: bs } = this;
    if (bs >= train.n) return [train.X, train.y];
    if (this.perm === null || this.start + bs > train.n) {
      if (this.order) {
        if (this.epoch >= this.order.length) throw new RangeError("the given batch order is used up");
        this.perm = this.order[this.epoch];
      } else {
        this.perm = this.rng.permutation(train.n);
      }
      this.epoch += 1;
      this.start = 0;
    }
    const d = this.net.sizes[0];
    for (let r = 0; r < bs; r++) {
      const src = this.perm[this.start + r];
      for (let c = 0; c < d; c++) this.Xb[r * d + c] = train.X[src * d + c];
      this.yb[r] = train.y[src];
    }
    this.start += bs;
    return [this.Xb, this.yb];
  }

  /** Draw the next batch and compute its loss and gradient (no update). Returns the loss. */
  computeGradient() {
    const { net, work, grad } = this;
    const [Xb, yb] = this.nextBatch();
    const n = this.batchSize;
    const C = net.sizes[net.sizes.length - 1];
    forwardPass(net.layers, net.flatParams, net.activation, Xb, n, work, true);
    const loss = crossEntropyLoss(work.pre[work.pre.length - 1], yb, n, C, work.dZ);
    backwardPass(net.layers, net.flatParams, Xb, n, work, work.dZ, grad);
    return loss;
  }

  /** Apply the optimiser to the gradient of the last `computeGradient()`. */
  applyUpdate() {
    this.opt.step(this.net.flatParams, this.grad);
    this.t += 1;
  }

  /**
   * One update (batch, forward, loss, backward, optimiser step); returns the batch loss. A
   * non-finite loss stops training: `diverged` and `divergedAt` say when. (A non-finite weight
   * makes the next loss non-finite; `checkFinite()` finds it at once.)
   */
  step() {
    if (this.diverged) return this.lastLoss;
    const loss = this.computeGradient();
    this.lastLoss = loss;
    if (!Number.isFinite(loss)) {
      this.diverged = true;
      this.divergedAt = this.t;
      return loss;
    }
    this.applyUpdate();
    return loss;
  }

  /** Stop training if a weight is no longer finite; returns whether training can go on. */
  checkFinite() {
    if (!this.diverged && !allFinite(this.net.flatParams)) {
      this.diverged = true;
      this.divergedAt = this.t;
    }
    return !this.diverged;
  }

  /** Loss and accuracy on a whole data set (`{X, y, n}`). */
  evaluate(data) {
    return evaluate(this.net, data);
  }

  /** Per-layer Frobenius norms of the last batch's weight gradients. */
  gradNorms() {
    return this.net.layers.map(({ fanIn, fanOut, w }) => frobenius(this.grad, w, w + fanIn * fanOut));
  }

  /** Per-layer ||W - W_init|| / ||W_init||. */
  weightChange() {
    const p = this.net.flatParams;
    return this.net.layers.map(({ fanIn, fanOut, w }) => {
      let num = 0;
      for (let i = w; i < w + fanIn * fanOut; i++) num += (p[i] - this.initial[i]) ** 2;
      return Math.sqrt(num) / frobenius(this.initial, w, w + fanIn * fanOut);
    });
  }

  /** Fraction of each hidden layer's units with phi'(z) = 0 on every sample of the last batch. */
  deadFraction() {
    return deadFractions(this.net, this.work.slopes, this.batchSize);
  }
}

function deadFractions(net, slopes, n) {
  return slopes.map((D, l) => deadFraction(D, n, net.sizes[l + 1]));
}

/** Dead fraction per hidden layer over a whole data set (units with phi' = 0 on every point). */
export function deadFractionOn(net, data) {
  const work = new Workspace(net.sizes, data.n);
  forwardPass(net.layers, net.flatParams, net.activation, data.X, data.n, work, true);
  return deadFractions(net, work.slopes, data.n);
}

/** `{loss, accuracy}` of a net on `{X, y, n}` (cross-entropy; argmax, first maximum on ties);
 * `work`, a Workspace for data.n rows, is reused when given. */
export function evaluate(net, data, work = undefined) {
  const C = net.sizes[net.sizes.length - 1];
  const out = net.forward(data.X, data.n, work);
  const loss = crossEntropyLoss(out, data.y, data.n, C, null);
  let hits = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (out[i * C + c] > out[i * C + best]) best = c;
    if (best === data.y[i]) hits += 1;
  }
  return { loss, accuracy: hits / data.n };
}

/**
 * bendlines.training.train for one net: `steps` updates, evaluations at 0, every `evalEvery`
 * steps and the last step (training and test loss and accuracy, and the gradient norms and
 * dead fractions of that step's batch). Returns the History fields in camelCase.
 */
export function train(net, trainData, testData = null, { steps = 6000, evalEvery = 100, ...options } = {}) {
  const trainer = new Trainer(net, trainData, testData, options);
  const h = { steps: [], trainLoss: [], trainAcc: [], testLoss: [], testAcc: [], batchLoss: [],
    gradNorms: [], deadFraction: [], weightChange: [], diverged: false, divergedAt: null };
  for (let t = 0; t <= steps; t++) {
    const loss = trainer.computeGradient();
    const evaluateNow = t % evalEvery === 0 || t === steps;
    if (!Number.isFinite(loss) || (evaluateNow && !allFinite(net.flatParams))) {
      h.diverged = true;
      h.divergedAt = t;
      break;
    }
    if (evaluateNow) {
      record(h, t, net, trainData, testData);
      h.gradNorms.push(trainer.gradNorms());
      h.deadFraction.push(trainer.deadFraction());
      h.weightChange.push(trainer.weightChange());
    }
    if (t === steps) break;
    h.batchLoss.push(loss);
    trainer.applyUpdate();
  }
  h.status = h.diverged ? `diverged at step ${h.divergedAt}` : `completed ${steps} steps`;
  return h;
}

function record(h, t, net, trainData, testData) {
  const tr = evaluate(net, trainData);
  h.steps.push(t);
  h.trainLoss.push(tr.loss);
  h.trainAcc.push(tr.accuracy);
  const te = testData ? evaluate(net, testData) : { loss: NaN, accuracy: NaN };
  h.testLoss.push(te.loss);
  h.testAcc.push(te.accuracy);
}

// ------------------------------------------------------------------------ regions on a grid

/**
 * Activation-pattern label of every cell centre of a resolution x resolution grid (rows go up
 * in y), like bendlines.regions.grid_patterns: a unit is on where its pre-activation is > 0.
 * Labels are small integers in order of first appearance; equal labels mean equal patterns.
 */
export function gridPatterns(net, bounds, resolution) {
  const [xmin, xmax, ymin, ymax] = bounds;
  const res = resolution;
  const xs = new Float64Array(res);
  const ys = new Float64Array(res);
  for (let i = 0; i < res; i++) {
    const c = (i + 0.5) / res;
    xs[i] = xmin + (xmax - xmin) * c;
    ys[i] = ymin + (ymax - ymin) * c;
  }
  const n = res * res;
  const X = new Float64Array(2 * n);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      X[2 * (r * res + c)] = xs[c];
      X[2 * (r * res + c) + 1] = ys[r];
    }
  }
  return patternLabels(net, X, n);
}

/**
 * Activation-pattern ids of n points from their hidden pre-activations `pre` (one array per
 * hidden layer of `hidden` widths): a unit's piece is how many of `kinks` its pre-activation
 * passes. Ids are small integers in order of first appearance; equal ids mean equal patterns.
 * Returns `{labels: Int32Array(n), count}`.
 */
export function patternIds(pre, hidden, n, kinks) {
  const labels = new Int32Array(n);
  const ids = new Map();
  const base = kinks.length + 1;
  // a pattern is a number in base (kinks + 1), one digit per unit; chunks of units whose
  // digits fit exactly in a double are joined into a string only when there are several
  const perChunk = Math.max(1, Math.floor(52 / Math.log2(base)));
  for (let i = 0; i < n; i++) {
    let key = 0;
    let text = "";
    let digits = 0;
    for (let l = 0; l < hidden.length; l++) {
      const Z = pre[l];
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
    labels[i] = id;
  }
  return { labels, count: ids.size };
}

/** Pattern labels (Int32Array) of n points X, and the number of distinct patterns (a unit is
 * on where its pre-activation is > 0). */
export function patternLabels(net, X, n) {
  const work = new Workspace(net.sizes, n);
  forwardPass(net.layers, net.flatParams, net.activation, X, n, work, false);
  return patternIds(work.pre, net.sizes.slice(1, -1), n, [0]);
}

/** Number of distinct activation patterns at the cell centres (regions.grid_count). */
export function gridCount(net, bounds, resolution) {
  return gridPatterns(net, bounds, resolution).count;
}
