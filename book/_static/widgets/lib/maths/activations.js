// Bending Lines widgets: every activation of the registry (bendlines.activations), value and
// derivative, written operation for operation like the Python so the two agree to rounding.
// A parity test (tests/test_widgets_parity.py) compares them on a grid that includes the
// kinks, extreme inputs, infinities and NaN; it fails when the registry has an entry this
// module lacks. Conventions at kinks are the registry's (one-sided derivatives).

export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;
const GELU_TANH_K = 0.044715;
const SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
const SQRT_HALF = Math.sqrt(0.5);
const INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

// --- the error function: JavaScript has no Math.erf --------------------------------------------
// W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
// error function", Math. Comp. 23, 1969, 631-638; the coefficients of his CALERF routine).
// Relative error near 1e-16 over the whole line, including the far tail of erfc, where
// exp(-x^2) is evaluated as exp(-s^2) exp(-(x - s)(x + s)) with s = x rounded down to 1/16.
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const SQRPI = 0.56418958354775628695; // 1 / sqrt(pi)

/** erf(x) for |x| <= 0.46875 (the small-argument rational function). */
function erfSmall(x) {
  const ysq = Math.abs(x) > 1.11e-16 ? x * x : 0;
  let num = A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * ysq;
    den = (den + B[i]) * ysq;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** erfc(y) for y > 0.46875. */
function erfcLarge(y) {
  let r;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    r = (num + C[7]) / (den + D[7]);
  } else {
    if (y >= 27.3) return 0; // erfc(27.3) < 2^-1074: below the smallest double
    const ysq = 1 / (y * y);
    let num = P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * ysq;
      den = (den + Q[i]) * ysq;
    }
    r = (ysq * (num + P[4])) / (den + Q[4]);
    r = (SQRPI - r) / y;
  }
  const s = Math.trunc(y * 16) / 16;
  const del = (y - s) * (y + s);
  return Math.exp(-s * s) * Math.exp(-del) * r;
}

/** The error function erf(x) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to x. */
export function erf(x) {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 0.5 - erfcLarge(y) + 0.5;
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate in both tails. */
export function erfc(x) {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcLarge(y);
  return x < 0 ? 2 - r : r;
}

// --- shared pieces, as in the Python module ---------------------------------------------------
function sigmoid(x) {
  // exp(min(x, 0)) / (1 + exp(-|x|)): no overflow, both tails to full relative precision
  const d = Math.exp(-Math.abs(x)) + 1.0;
  return Math.exp(Math.min(x, 0.0)) / d;
}

function softplusUnit(z) {
  return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0.0);
}

const clip = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

function normalCdf(x) {
  return erfc(x * -SQRT_HALF) * 0.5;
}

function normalPdf(x) {
  return Math.exp(x * x * -0.5) * INV_SQRT_2PI;
}

function leakyValue(x, a) {
  return Math.min(x, 0.0) * a + Math.max(x, 0.0);
}

function eluValue(x, alpha) {
  return Math.expm1(Math.min(x, 0.0)) * alpha + Math.max(x, 0.0);
}

function eluGrad(x, alpha) {
  return x > 0 ? 1.0 : Math.exp(Math.min(x, 0.0)) * alpha;
}

function geluTanhArg(x) {
  return (x * x * (2.0 * SQRT_2_OVER_PI * GELU_TANH_K) + 2.0 * SQRT_2_OVER_PI) * x;
}

function copysignSqrt(x) {
  const r = Math.sqrt(Math.abs(x));
  return x < 0 || Object.is(x, -0) ? -r : r;
}

// --- the registry ---------------------------------------------------------------------------------
/** name -> {params: [names], value(x, p), grad(x, p)}; `p` maps parameter names to numbers. */
export const FUNCTIONS = {
  identity: { params: [], value: (x) => x, grad: () => 1.0 },
  relu: { params: [], value: (x) => Math.max(x, 0.0), grad: (x) => (x > 0 ? 1.0 : 0.0) },
  leaky_relu: {
    params: ["negative_slope"],
    value: (x, p) => leakyValue(x, p.negative_slope),
    grad: (x, p) => (x > 0 ? 1.0 : p.negative_slope),
  },
  prelu: {
    params: ["negative_slope"],
    value: (x, p) => leakyValue(x, p.negative_slope),
    grad: (x, p) => (x > 0 ? 1.0 : p.negative_slope),
  },
  elu: { params: ["alpha"], value: (x, p) => eluValue(x, p.alpha), grad: (x, p) => eluGrad(x, p.alpha) },
  selu: {
    params: [],
    value: (x) => eluValue(x, SELU_ALPHA) * SELU_LAMBDA,
    grad: (x) => eluGrad(x, SELU_ALPHA) * SELU_LAMBDA,
  },
  gelu: {
    params: [],
    value: (x) => normalCdf(x) * x,
    grad: (x) => normalPdf(x) * x + normalCdf(x),
  },
  gelu_tanh: {
    params: [],
    value: (x) => sigmoid(geluTanhArg(x)) * x,
    grad: (x) => {
      const s = sigmoid(geluTanhArg(x));
      const dv = x * x * (6.0 * SQRT_2_OVER_PI * GELU_TANH_K) + 2.0 * SQRT_2_OVER_PI;
      return (1.0 - s) * (s * x) * dv + s;
    },
  },
  silu: {
    params: [],
    value: (x) => sigmoid(x) * x,
    grad: (x) => {
      const s = sigmoid(x);
      return (1.0 - s) * (s * x) + s;
    },
  },
  swish_beta: {
    params: ["beta"],
    value: (x, p) => (p.beta === 0.0 ? x * 0.5 : sigmoid(x * p.beta) * x),
    grad: (x, p) => {
      const bx = x * p.beta;
      const s = sigmoid(bx);
      return (1.0 - s) * s * bx + s;
    },
  },
  mish: {
    params: [],
    value: (x) => Math.tanh(softplusUnit(x)) * x,
    grad: (x) => {
      const t = Math.tanh(softplusUnit(x));
      return (1.0 - t * t) * x * sigmoid(x) + t;
    },
  },
  softplus: {
    params: ["beta"],
    value: (x, p) => (p.beta === 1.0 ? softplusUnit(x) : softplusUnit(x * p.beta) / p.beta),
    grad: (x, p) => sigmoid(p.beta === 1.0 ? x : x * p.beta),
  },
  sigmoid: {
    params: [],
    value: sigmoid,
    grad: (x) => {
      const s = sigmoid(x);
      return (1.0 - s) * s;
    },
  },
  tanh: {
    params: [],
    value: Math.tanh,
    grad: (x) => {
      const t = Math.tanh(x);
      return 1.0 - t * t;
    },
  },
  hard_sigmoid: {
    params: [],
    value: (x) => clip(x + 3.0, 0.0, 6.0) / 6.0,
    grad: (x) => (x > -3.0 && x < 3.0 ? 1.0 / 6.0 : 0.0),
  },
  hard_swish: {
    params: [],
    value: (x) => (clip(x + 3.0, 0.0, 6.0) * x) / 6.0,
    grad: (x) => (x < -3.0 ? 0.0 : x > 3.0 ? 1.0 : x / 3.0 + 0.5),
  },
  relu6: { params: [], value: (x) => clip(x, 0.0, 6.0), grad: (x) => (x > 0.0 && x < 6.0 ? 1.0 : 0.0) },
  softsign: {
    params: [],
    value: (x) => x / (Math.abs(x) + 1.0),
    grad: (x) => {
      const d = Math.abs(x) + 1.0;
      return 1.0 / (d * d);
    },
  },
  step: { params: [], value: (x) => (x > 0 ? 1.0 : 0.0), grad: () => 0.0 },
  square: { params: [], value: (x) => x * x, grad: (x) => x * 2.0 },
  sqrt: {
    params: [],
    value: Math.sqrt,
    grad: (x) => (x === 0 ? Infinity : 1.0 / (Math.sqrt(x) * 2.0)),
  },
  log: {
    params: [],
    value: Math.log,
    grad: (x) => (x < 0 ? NaN : x === 0 ? Infinity : 1.0 / x),
  },
  signed_sqrt: {
    params: [],
    value: copysignSqrt,
    grad: (x) => 1.0 / (Math.sqrt(Math.abs(x)) * 2.0),
  },
};

/** The entry `name` with parameters `params` bound: {value(x), grad(x)}; throws for an unknown
 * name, a missing parameter or a parameter that is not a finite number. */
export function bind(name, params = {}) {
  const entry = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!entry) throw new Error(`unknown activation ${JSON.stringify(name)}`);
  const p = {};
  for (const key of entry.params) {
    if (!Number.isFinite(params[key])) throw new Error(`${name}: ${key} must be a finite number`);
    p[key] = params[key];
  }
  return { value: (x) => entry.value(x, p), grad: (x) => entry.grad(x, p) };
}

/** E[f(Z)] for a standard normal Z: composite Simpson's rule on [-12, 12], split at the
 * kinks so every piece is smooth. NaN when f is undefined somewhere (sqrt, log). */
export function normalMean(f, kinks = [], intervals = 2000) {
  const cuts = [-12, ...kinks.filter((k) => k > -12 && k < 12).sort((a, b) => a - b), 12];
  let total = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    const lo = cuts[c];
    const hi = cuts[c + 1];
    const n = Math.max(2, 2 * Math.ceil((intervals * (hi - lo)) / 48));
    const h = (hi - lo) / n;
    // The ends are taken just inside the piece: at a jump (step at 0) the value at the cut
    // itself belongs to one side only, and the rule needs each piece's own limit there.
    const nudge = 1e-12 * (hi - lo);
    const at = (i) => {
      const z = i === 0 ? lo + nudge : i === n ? hi - nudge : lo + i * h;
      return f(z) * normalPdf(z);
    };
    let s = at(0) + at(n);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * at(i);
    total += (s * h) / 3;
  }
  return total;
}

/** The largest |f'(z)| on [lo, hi]: sampled every `step` and on both sides of each kink and
 * singularity, then refined around the best sample by golden-section search (so a coarse
 * grid suffices: 1,601 samples instead of 16,001 keeps opening the explorer light). Every
 * value it reports is one f' takes; Infinity when f' is unbounded there. */
export function maxAbsSlope(grad, lo, hi, kinks = [], step = 1e-2) {
  let best = 0;
  let at = NaN;
  const look = (z) => {
    const g = Math.abs(grad(z));
    if (g > best) {
      best = g;
      at = z;
    }
  };
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) look(lo + i * step);
  for (const k of kinks) {
    if (k < lo || k > hi) continue;
    look(k);
    look(k - 1e-9);
    look(k + 1e-9);
  }
  if (Number.isFinite(best) && Number.isFinite(at)) {
    // Golden-section search for a local maximum of |f'| on [at - step, at + step].
    const r = (Math.sqrt(5) - 1) / 2;
    let a = Math.max(lo, at - step);
    let b = Math.min(hi, at + step);
    for (let i = 0; i < 60 && b - a > 1e-12; i++) {
      const c = b - r * (b - a);
      const d = a + r * (b - a);
      const gc = Math.abs(grad(c));
      const gd = Math.abs(grad(d));
      if (gc > best) best = gc;
      if (gd > best) best = gd;
      if (gc >= gd) b = d;
      else a = c;
    }
  }
  return best;
}
