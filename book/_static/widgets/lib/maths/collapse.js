// The collapse of linear layers: 2 to 5 layers of 2x2 weights, x -> phi(x W_1) -> ...
// -> x' W_k, with the book's convention that points are rows (bendlines.experiments.
// nonlinearity.collapse): a layer sends (1, 0) to the first row of W and (0, 1) to the second,
// the two "basis arrows" the reader drags. With the identity activation the stack equals the
// single matrix W_1 W_2 ... W_k; with a bending activation it does not.
//
// Checked in tests/js (node) and tests/test_widgets_trainer.py (against bendlines).

/** 2x2 matrices are [[a, b], [c, d]]: rows are the images of (1, 0) and (0, 1). */
export function matmul(A, B) {
  return [
    [A[0][0] * B[0][0] + A[0][1] * B[1][0], A[0][0] * B[0][1] + A[0][1] * B[1][1]],
    [A[1][0] * B[0][0] + A[1][1] * B[1][0], A[1][0] * B[0][1] + A[1][1] * B[1][1]],
  ];
}

/** The product W_1 W_2 ... W_k: the single layer a stack of linear layers equals. */
export function product(weights) {
  let P = [[1, 0], [0, 1]];
  for (const W of weights) P = matmul(P, W);
  return P;
}

/** Singular values (largest first) of a 2x2 matrix, in closed form. */
export function singularValues(M) {
  const [[a, b], [c, d]] = M;
  const s = a * a + b * b + c * c + d * d; // sum of squared singular values
  const det = Math.abs(a * d - b * c); // their product
  const root = Math.sqrt(Math.max(s * s - 4 * det * det, 0));
  const big = Math.sqrt((s + root) / 2);
  return [big, big > 0 ? det / big : 0];
}

/** Rank of a 2x2 matrix: singular values above `rtol` times the largest count. */
export function rank(M, rtol = 1e-9) {
  const [s1, s2] = singularValues(M);
  if (!(s1 > 0)) return 0;
  return s2 > rtol * s1 ? 2 : 1;
}

/** The activations of the widget: value functions. */
export const COLLAPSE_ACTIVATIONS = {
  identity: (z) => z,
  relu: (z) => Math.max(z, 0),
  tanh: Math.tanh,
  leaky_relu: (z) => (z > 0 ? z : 0.1 * z),
};

/** Push one point [x, y] through the layers; phi after every layer but the last. */
export function applyLayers(weights, phi, point) {
  let [x, y] = point;
  weights.forEach((W, l) => {
    let u = x * W[0][0] + y * W[1][0];
    let v = x * W[0][1] + y * W[1][1];
    if (l < weights.length - 1) {
      u = phi(u);
      v = phi(v);
    }
    x = u;
    y = v;
  });
  return [x, y];
}

/** Points evenly spaced on the segment from p to q, pushed through the layers. */
export function pushSegment(weights, phi, p, q, count = 64) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    out.push(applyLayers(weights, phi, [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]));
  }
  return out;
}

/**
 * How far a curve strays from a straight line: the largest distance of its points from the
 * best-fitting line (total least squares), divided by the curve's extent. 0 for collinear
 * points (and for a curve that collapsed to one point).
 */
export function straightness(points) {
  const n = points.length;
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x / n;
    my += y / n;
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
    sxy += (x - mx) * (y - my);
  }
  const extent = Math.sqrt(sxx + syy);
  if (!(extent > 0)) return 0;
  // direction of largest spread; distances are measured along its normal
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  let worst = 0;
  let span = 0;
  for (const [x, y] of points) {
    worst = Math.max(worst, Math.abs((x - mx) * nx + (y - my) * ny));
    span = Math.max(span, Math.hypot(x - mx, y - my));
  }
  return span > 0 ? worst / span : 0;
}
