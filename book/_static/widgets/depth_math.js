// Gradients through depth (W4): per-layer gradient sizes, activation spread and dead units of
// a deep net at initialisation, as bendlines.experiments.choosing.gradient_profiles measures
// them (one cross-entropy backward pass on a batch of inputs).
//
// The work is cut into one piece per layer (generators) so that the page never runs a long
// task: a 50-layer net is computed over many short slices. tests/test_widgets_trainer.py
// checks the profile against bendlines' backward pass on identical weights and inputs.
//
// Random weights: numpy's PCG64 stream (pcg64.js), uniform draws for Xavier as numpy draws
// them, Box-Muller normals for He and LeCun (documented in pcg64.js; not numpy's normals).

import { affineLayer, backwardLayer, crossEntropyLoss, deadFraction, initWeights, layerViews, nParams } from "./nn.js";
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

function frobenius(a, start, stop) {
  let s = 0;
  for (let i = start; i < stop; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Forward and backward pass of the net on inputs X (n rows) with labels y, one layer per
 * `next()`. Returns `{actStd, dead, gradNorm, loss, status}`:
 * actStd[l] and dead[l] for each hidden layer (the spread: each unit's standard deviation
 * across the inputs, averaged over the units, as bendlines.experiments.deep measures it; the
 * fraction of units with phi' = 0 on every input), gradNorm[l] for each weight matrix
 * (Frobenius norm of dL/dW, the last one the output layer's), and a status: "ok",
 * "exploding" (the first layer's gradient over 1e6 times the last's, or the last hidden
 * layer's spread over 1e6 times the first's), "vanishing" (either ratio under 1e-6) or
 * "overflow" (a value stopped being finite; those entries are reported as null).
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
  for (let l = L - 1; l >= 0; l--) {
    const Aprev = l === 0 ? X : post[l - 1];
    const next = l > 0 ? new Float64Array(n * layers[l].fanIn) : null;
    backwardLayer(layers[l], flat, Aprev, n, dZ, grad, l > 0 ? slopes[l - 1] : null, next);
    const { fanIn, fanOut, w } = layers[l];
    const g = frobenius(grad, w, w + fanIn * fanOut);
    gradNorm[l] = Number.isFinite(g) ? g : null;
    dZ = next;
    yield;
  }
  let status = "ok";
  if (overflowAt !== null || !Number.isFinite(loss) || gradNorm.some((g) => g === null)) status = "overflow";
  else if (!(gradNorm[L - 1] > 0) || !(gradNorm[0] > 0)) status = "vanishing"; // nothing flows back
  else {
    const gradRatio = gradNorm[0] / gradNorm[L - 1];
    const a0 = actStd.length ? actStd[0] : 1;
    const actRatio = a0 > 0 ? actStd[actStd.length - 1] / a0 : 1;
    if (gradRatio > 1e6 || actRatio > 1e6) status = "exploding";
    else if (gradRatio < 1e-6 || actRatio < 1e-6) status = "vanishing";
  }
  return { actStd, dead, gradNorm, loss: Number.isFinite(loss) ? loss : null, status, overflowAt };
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
