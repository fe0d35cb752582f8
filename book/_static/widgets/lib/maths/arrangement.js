// Bending Lines widgets: the line arrangement of a one-hidden-layer ReLU net in a box, for the
// unit-lines explorer: the general-position count and why a layer's exact count
// (exact_regions.js) differs from it. Checked against the package (tests/test_widgets_regions.py).

import { Rational } from "./rational.js";

/** Regions of the plane cut by n lines in general position: 1 + n + n(n - 1)/2. */
export function arrangementCount(n) {
  return 1 + n + (n * (n - 1)) / 2;
}

/** Why a layer's count differs from the formula, inside the box: lines that miss the box,
 * pairs of parallel lines, pairs that cross outside the box, and points where three or more
 * lines meet. For lines w_i . x + b_i = 0 (w as [wx, wy]). The count inside the box is
 * 1 + (distinct lines through the box) + sum over crossing points inside of (lines there - 1).
 * Every test is exact (rational.js, on the floats' exact values), as
 * regions.arrangement_regions does in Python, so `predicted` is the exact count of
 * exact_regions.js: lines that nearly meet in one point do not. A line that coincides with an
 * earlier one counts as a parallel pair and adds nothing (`repeated`). */
export function explain(W, b, bounds) {
  const n = b.length;
  const R = (v) => Rational.fromNumber(v);
  const [xmin, xmax, ymin, ymax] = bounds.map(R);
  const corners = [[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]];
  const through = []; // {i, a, b, c, id}: id names the distinct line
  const ids = new Map();
  let missing = 0;
  let repeated = 0;
  for (let i = 0; i < n; i++) {
    const [a, bb, c] = [R(W[0][i]), R(W[1][i]), R(b[i])];
    const signs = corners.map(([x, y]) => a.mul(x).add(bb.mul(y)).add(c).sign());
    if (!(Math.max(...signs) > 0 && Math.min(...signs) < 0)) {
      missing += 1; // misses the open box (or is no line: w = 0)
      continue;
    }
    const s = a.sign() !== 0 ? a : bb; // one representative per line, whatever its scaling
    const key = [a, bb, c].map((v) => v.div(s).toString()).join(",");
    if (ids.has(key)) repeated += 1;
    else ids.set(key, ids.size);
    through.push({ i, a, b: bb, c, id: ids.get(key) });
  }
  let parallel = 0;
  let outside = 0;
  const points = new Map();
  for (let u = 0; u < through.length; u++) {
    for (let v = u + 1; v < through.length; v++) {
      const { a: a1, b: b1, c: c1 } = through[u];
      const { a: a2, b: b2, c: c2 } = through[v];
      const det = a1.mul(b2).sub(a2.mul(b1));
      if (det.sign() === 0) {
        parallel += 1;
        continue;
      }
      const x = b1.mul(c2).sub(b2.mul(c1)).div(det);
      const y = a2.mul(c1).sub(a1.mul(c2)).div(det);
      if (!(xmin.cmp(x) < 0 && x.cmp(xmax) < 0 && ymin.cmp(y) < 0 && y.cmp(ymax) < 0)) {
        outside += 1;
        continue;
      }
      const key = `${x},${y}`;
      if (!points.has(key)) points.set(key, new Set());
      points.get(key).add(through[u].id).add(through[v].id);
    }
  }
  const sizes = [...points.values()].map((lines) => lines.size).filter((k) => k >= 2);
  const multiple = sizes.filter((k) => k >= 3);
  // A point where k lines meet takes the place of k(k-1)/2 crossings but adds only k - 1 regions.
  const lostAtPoints = multiple.reduce((t, k) => t + (k * (k - 1)) / 2 - (k - 1), 0);
  const predicted = 1 + ids.size + sizes.reduce((t, k) => t + k - 1, 0);
  return { missing, parallel, outside, multiple: multiple.length, lostAtPoints, predicted, linesThrough: through.length, repeated };
}
