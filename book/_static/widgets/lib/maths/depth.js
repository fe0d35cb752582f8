// Gradients through depth: per-layer gradient sizes, activation spread and dead units of
// a deep net at initialisation, as bendlines.experiments.choosing.gradient_profiles measures
// them (one cross-entropy backward pass on a batch of inputs).
//
// The work is cut into one piece per layer (generators) so that the page never runs a long
// task: a 50-layer net is computed over many short slices. tests/test_widgets_trainer.py
// checks the profile against bendlines' backward pass on identical weights and inputs.
//
// Random weights: numpy's PCG64 stream (pcg64.js), uniform draws for Xavier as numpy draws
// them, Box-Muller normals for He and LeCun (documented in pcg64.js; not numpy's normals).

import { affineLayer, backwardLayer, crossEntropyLoss, deadFraction, frobenius, initWeights, layerViews, nParams } from "./layers.js";
import { PCG64 } from "./pcg64.js";

/** The initialisations of the widget and the bendlines scheme each one scales. */
export const DEPTH_INITS = { xavier: "xavier_uniform", he: "he_normal", lecun: "lecun" };

/** Layer widths: nIn inputs, `depth` hidden layers of `width` units, nOut outputs. */
export function depthSizes(depth, width, nIn = 40, nOut = 10) {
  return [nIn, ...new Array(depth).fill(width), nOut];
}

/**
 * Draw every layer's weights (biases zero) with the scheme's spread times `gain`, one layer per
 * `next()`; the generator returns the flat parameter buffer.
 */
export function* drawWeights(sizes, { init = "he", gain = 1, seed = 0 } = {}) {
  const scheme = DEPTH_INITS[init];
  if (!scheme) throw new RangeError(`unknown init ${JSON.stringify(init)}; choose xavier, he or lecun`);
  if (!(Number.isFinite(gain) && gain > 0)) throw new RangeError(`gain must be positive, got ${gain}`);
  const rng = new PCG64(seed);
  const flat = new Float64Array(nParams(sizes));
  for (const { fanIn, fanOut, w } of layerViews(sizes)) {
    const W = flat.subarray(w, w + fanIn * fanOut);
    initWeights(fanIn, fanOut, scheme, rng, W);
    if (gain !== 1) for (let i = 0; i < W.length; i++) W[i] *= gain;
    yield;
  }
  return flat;
}

/** Each unit's standard deviation across the n inputs, averaged over the layer's units. */
function spread(A, n, width) {
  let total = 0;
  for (let k = 0; k < width; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += A[i * width + k];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (A[i * width + k] - mean) ** 2;
    total += Math.sqrt(ss / n);
  }
  return total / width;
}

/** The chapter's rule: a signal vanishes (explodes) when it drops (grows) by more than this
 * factor between the first and the last hidden layer (deep.md, "We call a signal vanishing"). */
export const SIGNAL_FACTOR = 10;
/** Beyond this factor the widget also calls the change severe. */
export const SEVERE_FACTOR = 1e6;

/**
 * The verdict on a net's gradients by the chapter's rule. `backward[l]` is the backward signal
 * of hidden layer l (root mean square of dL/dz): it vanishes when the first hidden layer's is
 * more than SIGNAL_FACTOR times smaller than the last's, and explodes when it is more than
 * SIGNAL_FACTOR times larger. `spread[l]` is the forward spread; its change is returned as
 * `forwardRatio` (last over first) and `forwardShrinks` (more than SIGNAL_FACTOR times smaller)
 * but does not set the status: a deep ReLU net's inputs grow alike while its gradients keep
 * their size. Returns `{status: "ok" | "vanishing" | "exploding", severe, backwardRatio,
 * forwardRatio, forwardShrinks}`, `severe` true when the backward ratio passes SEVERE_FACTOR.
 */
export function verdict(backward, spread) {
  const ratio = (a, b) => (a > 0 && b > 0 ? a / b : a > 0 ? Infinity : 0);
  const backwardRatio = backward.length ? ratio(backward[0], backward.at(-1)) : 1;
  const forwardRatio = spread.length ? ratio(spread.at(-1), spread[0]) : 1;
  let status = "ok";
  if (backwardRatio > SIGNAL_FACTOR) status = "exploding";
  else if (backwardRatio < 1 / SIGNAL_FACTOR) status = "vanishing";
  const severe = backwardRatio > SEVERE_FACTOR || backwardRatio < 1 / SEVERE_FACTOR;
  return { status, severe, backwardRatio, forwardRatio, forwardShrinks: forwardRatio < 1 / SIGNAL_FACTOR };
}

/**
 * Forward and backward pass of the net on inputs X (n rows) with labels y, one layer per
 * `next()`. Returns `{actStd, dead, backward, gradNorm, loss, status, severe, overflowAt}`:
 * actStd[l], dead[l] and backward[l] for each hidden layer (the spread: each unit's standard
 * deviation across the inputs, averaged over the units, as bendlines.experiments.deep measures
 * it; the fraction of units with phi' = 0 on every input; the backward signal, root mean
 * square of dL/dz), gradNorm[l] for each weight matrix (Frobenius norm of dL/dW, the last one
 * the output layer's), and the status of `verdict` (the chapter's rule), or "overflow" when a
 * value stopped being finite (those entries are reported as null).
 */
export function* profile(sizes, flat, activation, X, y, n) {
  const layers = layerViews(sizes);
  const L = layers.length;
  const pre = [];
  const post = [];
  const slopes = [];
  const actStd = [];
  const dead = [];
  let A = X;
  let overflowAt = null;
  for (let l = 0; l < L; l++) {
    const Z = new Float64Array(n * layers[l].fanOut);
    affineLayer(layers[l], flat, A, n, Z);
    pre.push(Z);
    if (l < L - 1) {
      const Al = new Float64Array(Z.length);
      const D = new Float64Array(Z.length);
      activation.apply(Z, Al, D);
      post.push(Al);
      slopes.push(D);
      const s = spread(Al, n, layers[l].fanOut);
      actStd.push(Number.isFinite(s) ? s : null);
      dead.push(deadFraction(D, n, layers[l].fanOut));
      if (overflowAt === null && !Number.isFinite(s)) overflowAt = l;
      A = Al;
    }
    yield;
  }
  const C = sizes[sizes.length - 1];
  let dZ = new Float64Array(n * C);
  const loss = crossEntropyLoss(pre[L - 1], y, n, C, dZ);
  const grad = new Float64Array(flat.length);
  const gradNorm = new Array(L).fill(null);
  const backward = new Array(L - 1).fill(null);
  for (let l = L - 1; l >= 0; l--) {
    const Aprev = l === 0 ? X : post[l - 1];
    const next = l > 0 ? new Float64Array(n * layers[l].fanIn) : null;
    backwardLayer(layers[l], flat, Aprev, n, dZ, grad, l > 0 ? slopes[l - 1] : null, next);
    const { fanIn, fanOut, w } = layers[l];
    const g = frobenius(grad, w, w + fanIn * fanOut);
    gradNorm[l] = Number.isFinite(g) ? g : null;
    if (next) {
      const b = frobenius(next, 0, next.length) / Math.sqrt(next.length);
      backward[l - 1] = Number.isFinite(b) ? b : null;
    }
    dZ = next;
    yield;
  }
  const overflow = overflowAt !== null || !Number.isFinite(loss) || [...gradNorm, ...backward].some((g) => g === null);
  const { status, severe, forwardShrinks } = overflow
    ? { status: "overflow", severe: false, forwardShrinks: false }
    : verdict(backward, actStd);
  return { actStd, dead, backward, gradNorm, loss: Number.isFinite(loss) ? loss : null, status, severe, forwardShrinks, overflowAt };
}

/** Run a generator to its end and return its value (tests, small nets). */
export function runToEnd(gen) {
  for (;;) {
    const { value, done } = gen.next();
    if (done) return value;
  }
}

/**
 * Drive a generator in slices of at most `budgetMs` milliseconds, yielding to the page in
 * between (so no task is long). Resolves with the generator's value; `isCancelled()` stops it.
 */
export function runSliced(gen, { budgetMs = 5, isCancelled = () => false, schedule = (f) => setTimeout(f, 0) } = {}) {
  return new Promise((resolve, reject) => {
    const slice = () => {
      if (isCancelled()) return resolve(null);
      const start = performance.now();
      try {
        for (;;) {
          const { value, done } = gen.next();
          if (done) return resolve(value);
          if (performance.now() - start > budgetMs) break;
        }
      } catch (err) {
        return reject(err);
      }
      schedule(slice);
    };
    slice();
  });
}
