// The layers of a fully connected net in flat Float64Array buffers: activations, layout,
// initialisation, forward and backward passes, losses and per-layer measures. Shared by
// the trainer (nn.js) and the depth explorer (depth.js), which needs nothing else.

// ------------------------------------------------------------------ activations (interface)

/** ReLU in one loop (the same values as the registry's max(z, 0) and z > 0): the common case. */
const RELU = {
  name: "relu",
  apply(Z, A, D) {
    const n = Z.length;
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      const on = z > 0;
      A[i] = on ? z : Math.max(z, 0); // max keeps -0 and NaN exactly as Math.max does
      if (D) D[i] = on ? 1 : 0;
    }
  },
};

/** An activation from scalar functions `value(z)` and `grad(z)` (ReLU gets a fused loop). */
export function pointwise(name, value, grad) {
  if (name === "relu") return RELU;
  return {
    name,
    apply(Z, A, D) {
      const n = Z.length;
      for (let i = 0; i < n; i++) A[i] = value(Z[i]);
      if (D) for (let i = 0; i < n; i++) D[i] = grad(Z[i]);
    },
  };
}

function sigmoid(x) {
  // exp(min(x, 0)) / (1 + exp(-|x|)), as bendlines.activations: no overflow in either tail
  return Math.exp(Math.min(x, 0)) / (1 + Math.exp(-Math.abs(x)));
}

/** The activations the math tests need; the trainer uses the full registry port. */
export const BASIC_ACTIVATIONS = {
  identity: pointwise("identity", (z) => z, () => 1),
  relu: pointwise("relu", (z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)),
  tanh: pointwise("tanh", Math.tanh, (z) => {
    const t = Math.tanh(z);
    return 1 - t * t;
  }),
  sigmoid: pointwise("sigmoid", sigmoid, (z) => {
    const s = sigmoid(z);
    return (1 - s) * s;
  }),
};

// ------------------------------------------------------------------------------ layout

/** Offsets of each layer's W and b in the flat buffer: `[{fanIn, fanOut, w, b}]`. */
export function layerViews(sizes) {
  const views = [];
  let start = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    views.push({ fanIn, fanOut, w: start, b: start + fanIn * fanOut });
    start += (fanIn + 1) * fanOut;
  }
  return views;
}

/** Number of weights and biases of a net with these layer widths. */
export function nParams(sizes) {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += (sizes[l] + 1) * sizes[l + 1];
  return total;
}

export function checkSizes(sizes) {
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new RangeError(`sizes must be at least two positive integers, got ${JSON.stringify(sizes)}`);
  }
  return sizes.slice();
}

// ----------------------------------------------------------------------- initialisation

/** Schemes drawn exactly as numpy draws them (uniform distributions). */
export const EXACT_INITS = ["xavier", "glorot", "xavier_uniform", "he_uniform"];
/** Normal schemes: Box-Muller draws (pcg64.js), reproducible but not numpy's. */
export const NORMAL_INITS = ["xavier_normal", "he", "kaiming", "he_normal", "lecun"];
export const INITS = [...EXACT_INITS, ...NORMAL_INITS];

/**
 * One weight matrix (fanIn x fanOut, row-major) as bendlines.mlp.init_weights draws it.
 * Uniform schemes reproduce numpy's `Generator.uniform(-a, a)` draw for draw.
 */
export function initWeights(fanIn, fanOut, init, rng, out = new Float64Array(fanIn * fanOut)) {
  const size = fanIn * fanOut;
  if (typeof init === "number") {
    if (!(Number.isFinite(init) && init > 0)) throw new RangeError(`init scale must be positive, got ${init}`);
    for (let i = 0; i < size; i++) out[i] = init * rng.standardNormal();
    return out;
  }
  let bound = 0;
  let std = 0;
  switch (init) {
    case "xavier":
    case "glorot":
    case "xavier_uniform":
      bound = Math.sqrt(6.0 / (fanIn + fanOut));
      break;
    case "he_uniform":
      bound = Math.sqrt(6.0 / fanIn);
      break;
    case "xavier_normal":
      std = Math.sqrt(2.0 / (fanIn + fanOut));
      break;
    case "he":
    case "kaiming":
    case "he_normal":
      std = Math.sqrt(2.0 / fanIn);
      break;
    case "lecun":
      std = Math.sqrt(1.0 / fanIn);
      break;
    default:
      throw new RangeError(`unknown init ${JSON.stringify(init)}; choose one of ${INITS.join(", ")}`);
  }
  if (bound > 0) for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  else for (let i = 0; i < size; i++) out[i] = std * rng.standardNormal();
  return out;
}

/** Buffers of one forward and backward pass at batch size n. */
export class Workspace {
  constructor(sizes, n) {
    this.n = n;
    const L = sizes.length - 1;
    this.pre = [];
    this.post = [];
    this.slopes = [];
    for (let l = 0; l < L; l++) {
      const z = new Float64Array(n * sizes[l + 1]);
      this.pre.push(z);
      this.post.push(l < L - 1 ? new Float64Array(n * sizes[l + 1]) : z);
      if (l < L - 1) this.slopes.push(new Float64Array(n * sizes[l + 1]));
    }
    let widest = 0;
    for (const s of sizes) widest = Math.max(widest, s);
    this.dZ = new Float64Array(n * widest);
    this.dA = new Float64Array(n * widest);
  }
}

// ------------------------------------------------------------------- forward and backward

/** One layer forward: Z = A W + b for n rows of A (row-major), written into Z. */
export function affineLayer(layer, flat, A, n, Z) {
  const { fanIn, fanOut, w, b } = layer;
  for (let i = 0; i < n; i++) {
    const zi = i * fanOut;
    const ai = i * fanIn;
    for (let k = 0; k < fanOut; k++) Z[zi + k] = 0;
    for (let j = 0; j < fanIn; j++) {
      const a = A[ai + j];
      if (a === 0) continue; // adds only zeros (parameters are checked finite elsewhere)
      const wj = w + j * fanOut;
      for (let k = 0; k < fanOut; k++) Z[zi + k] += a * flat[wj + k];
    }
    for (let k = 0; k < fanOut; k++) Z[zi + k] += flat[b + k];
  }
}

/**
 * Run the net forward on X (n rows), filling work.pre, work.post and (withSlopes) work.slopes.
 * Z = A_prev W + b for every layer, A = phi(Z) for the hidden layers, a linear output.
 */
export function forwardPass(layers, flat, activation, X, n, work, withSlopes = true) {
  let A = X;
  const L = layers.length;
  for (let l = 0; l < L; l++) {
    affineLayer(layers[l], flat, A, n, work.pre[l]);
    if (l < L - 1) {
      activation.apply(work.pre[l], work.post[l], withSlopes ? work.slopes[l] : null);
      A = work.post[l];
    }
  }
}

/**
 * One layer backward: from dZ (n x fanOut) and the layer's input Aprev, write dW and db into
 * `grad`; if `slope` (phi' of the previous layer, n x fanIn) is given, write
 * dZ_prev = (dZ W^T) * slope into `dZprev`.
 */
export function backwardLayer(layer, flat, Aprev, n, dZ, grad, slope, dZprev) {
  const { fanIn, fanOut, w, b } = layer;
  grad.fill(0, w, b + fanOut);
  for (let i = 0; i < n; i++) {
    const di = i * fanOut;
    const ai = i * fanIn;
    for (let j = 0; j < fanIn; j++) {
      const a = Aprev[ai + j];
      if (a === 0) continue;
      const gj = w + j * fanOut;
      for (let k = 0; k < fanOut; k++) grad[gj + k] += a * dZ[di + k];
    }
    for (let k = 0; k < fanOut; k++) grad[b + k] += dZ[di + k];
  }
  if (!slope) return;
  for (let i = 0; i < n; i++) {
    const di = i * fanOut;
    for (let j = 0; j < fanIn; j++) {
      const s = slope[i * fanIn + j];
      if (s === 0) {
        dZprev[i * fanIn + j] = 0;
        continue;
      }
      const wj = w + j * fanOut;
      let acc = 0;
      for (let k = 0; k < fanOut; k++) acc += dZ[di + k] * flat[wj + k];
      dZprev[i * fanIn + j] = acc * s;
    }
  }
}

/**
 * Backpropagate dZ (dL/d output, n x n_out) through the layers, writing dW and db into
 * `grad` (a flat buffer laid out like the parameters).
 */
export function backwardPass(layers, flat, X, n, work, dZout, grad) {
  let dZ = dZout;
  for (let l = layers.length - 1; l >= 0; l--) {
    const Aprev = l === 0 ? X : work.post[l - 1];
    const next = dZ === work.dZ ? work.dA : work.dZ;
    backwardLayer(layers[l], flat, Aprev, n, dZ, grad, l > 0 ? work.slopes[l - 1] : null, next);
    dZ = next;
  }
}

// ---------------------------------------------------------------------------------- losses

/**
 * Softmax cross-entropy averaged over samples (nats) for integer labels, and its gradient
 * (softmax(z) - t) / n written into dZ. Uses the shift z - max_c z like bendlines.
 */
export function crossEntropyLoss(logits, labels, n, C, dZ) {
  let sumLog = 0;
  let sumTarget = 0;
  const invN = 1.0 / n;
  for (let i = 0; i < n; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (logits[o + c] > m) m = logits[o + c];
    let total = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[o + c] - m);
      if (dZ) dZ[o + c] = e;
      total += e;
    }
    sumLog += Math.log(total);
    sumTarget += logits[o + labels[i]] - m;
    if (dZ) {
      for (let c = 0; c < C; c++) dZ[o + c] /= total;
      dZ[o + labels[i]] -= 1;
      for (let c = 0; c < C; c++) dZ[o + c] *= invN;
    }
  }
  return (sumLog - sumTarget) / n;
}

/** Mean squared error over samples and outputs, gradient 2 (outputs - targets) / (n n_out). */
export function mseLoss(outputs, targets, n, nOut, dZ) {
  const count = n * nOut;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const e = outputs[i] - targets[i];
    total += e * e;
    if (dZ) dZ[i] = e * (2.0 / count);
  }
  return total / count;
}

export const LOSSES = { cross_entropy: crossEntropyLoss, mse: mseLoss };

// ------------------------------------------------------------------------------ measures

/** The Frobenius (Euclidean) norm of a[start:stop]. */
export function frobenius(a, start, stop) {
  let s = 0;
  for (let i = start; i < stop; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Fraction of a layer's `width` units whose slopes D (n x width, row-major) are 0 on every
 * one of the n inputs: the dead units. */
export function deadFraction(D, n, width) {
  let dead = 0;
  for (let k = 0; k < width; k++) {
    let allZero = true;
    for (let i = 0; i < n && allZero; i++) if (D[i * width + k] !== 0) allZero = false;
    if (allZero) dead += 1;
  }
  return dead / width;
}
