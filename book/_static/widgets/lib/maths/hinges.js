// Bending Lines widgets: sums of ReLU hinges in 1-D, mirroring bendlines.approx and
// bendlines.targets operation for operation (checked by tests/test_widgets_hinges.py).

const BUMP_WIDTH = 0.25;

/** The chapter's 1-D targets (bendlines.targets.TARGETS), value functions only. */
export const TARGETS = {
  sin: (x) => Math.sin(x),
  bump: (x) => Math.exp(-0.5 * (x / BUMP_WIDTH) ** 2),
  abs: (x) => Math.abs(x),
  nielsen: (x) => 0.2 + 0.4 * x * x + 0.3 * x * Math.sin(15.0 * x) + 0.05 * Math.cos(50.0 * x),
};

/** n + 1 equally spaced knots on [lo, hi], like numpy.linspace(lo, hi, n + 1). */
export function uniformKnots(lo, hi, n) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a whole number >= 1; got ${n}`);
  const step = (hi - lo) / n;
  const knots = Array.from({ length: n + 1 }, (_, i) => i * step + lo);
  knots[n] = hi;
  return knots;
}

/** A sum of hinges g(x) = bias + sum_i weights[i] * relu(x - kinks[i]), evaluated in the
 * order of bendlines.approx.HingeNet (one pass per hinge). */
export function hingeSum(bias, kinks, weights) {
  const evaluate = (x) => {
    let out = bias;
    for (let i = 0; i < kinks.length; i++) out += Math.max(x - kinks[i], 0.0) * weights[i];
    return out;
  };
  const term = (i, x) => Math.max(x - kinks[i], 0.0) * weights[i];
  return { bias, kinks, weights, evaluate, term };
}

/** The piecewise-linear interpolant of values on knots as a hinge sum, like
 * approx.hinge_interpolant: bias f(k_0), kinks k_0..k_{n-1}, weights s_0, s_1 - s_0, ... */
export function interpolant(knots, values) {
  const n = knots.length - 1;
  if (n < 1) throw new Error("at least 2 knots are needed");
  for (let i = 0; i < n; i++) {
    if (!(knots[i + 1] > knots[i])) throw new Error("knots must be strictly increasing");
  }
  if (!values.every(Number.isFinite)) throw new Error("the target must be finite at every knot");
  const slopes = Array.from({ length: n }, (_, i) => (values[i + 1] - values[i]) / (knots[i + 1] - knots[i]));
  const weights = slopes.map((s, i) => (i === 0 ? s - 0.0 : s - slopes[i - 1]));
  return { ...hingeSum(values[0], knots.slice(0, n), weights), knots, values, slopes };
}

/** The interpolant of target `name` with n evenly spaced hinges on `domain`. */
export function snap(name, domain, n) {
  const knots = uniformKnots(domain[0], domain[1], n);
  return interpolant(knots, knots.map(TARGETS[name]));
}

/** max |g(x) - f(x)| on n_eval equally spaced points of the domain, like approx.max_error. */
export function maxError(g, f, domain, nEval = 20001) {
  const step = (domain[1] - domain[0]) / (nEval - 1);
  let worst = 0;
  for (let i = 0; i < nEval; i++) {
    const x = i === nEval - 1 ? domain[1] : i * step + domain[0];
    const e = Math.abs(g(x) - f(x));
    if (e > worst || Number.isNaN(e)) worst = e;
  }
  return worst;
}

/** max |g(x) - f(x)| for a hinge sum g on the same grid as maxError, in one sweep: sorted
 * by kink, g(x) = bias + S1 x - S2 with S1, S2 the sums of w_i and w_i k_i over the hinges
 * left of x. O(nEval + n log n) instead of O(nEval n), so dragging among 64 hinges stays
 * smooth; it agrees with maxError(g.evaluate) to rounding (checked against approx.max_error). */
export function maxErrorOfSum(bias, kinks, weights, f, domain, nEval = 20001) {
  const order = kinks.map((_, i) => i).sort((a, b) => kinks[a] - kinks[b]);
  const step = (domain[1] - domain[0]) / (nEval - 1);
  let s1 = 0;
  let s2 = 0;
  let p = 0;
  let worst = 0;
  for (let i = 0; i < nEval; i++) {
    const x = i === nEval - 1 ? domain[1] : i * step + domain[0];
    while (p < order.length && kinks[order[p]] < x) {
      s1 += weights[order[p]];
      s2 += weights[order[p]] * kinks[order[p]];
      p++;
    }
    const e = Math.abs(bias + (s1 * x - s2) - f(x));
    if (e > worst || Number.isNaN(e)) worst = e;
  }
  return worst;
}

/** The interpolation bound h^2 / 8 * max|f''| (approx.interpolation_bound). */
export function interpolationBound(maxAbsF2, h) {
  return ((h ** 2) / 8.0) * maxAbsF2;
}
