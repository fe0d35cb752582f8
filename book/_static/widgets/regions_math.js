// Bending Lines widgets: the line arrangement of a one-hidden-layer ReLU net in a box, for the
// unit-lines explorer (W2): the general-position count and why a layer's exact count
// (exact_regions.js) differs from it. Checked against the package (tests/test_widgets_regions.py).

/** Regions of the plane cut by n lines in general position: 1 + n + n(n - 1)/2. */
export function arrangementCount(n) {
  return 1 + n + (n * (n - 1)) / 2;
}

/** Why a layer's count differs from the formula, inside the box: lines that miss the box,
 * pairs of parallel lines, pairs that cross outside the box, and points where three or more
 * lines meet. For lines w_i . x + b_i = 0 (w as [wx, wy]). The count inside the box is
 * 1 + (lines through the box) + sum over crossing points inside of (lines there - 1). */
export function explain(W, b, bounds, tol = 1e-9) {
  const n = b.length;
  const [xmin, xmax, ymin, ymax] = bounds;
  const corners = [[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]];
  const w = (i) => [W[0][i], W[1][i]];
  const scale = Math.max(xmax - xmin, ymax - ymin);
  const through = [];
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const vals = corners.map(([x, y]) => x * W[0][i] + y * W[1][i] + b[i]);
    const norm = Math.hypot(...w(i)) || 1;
    const cuts = Math.max(...vals) > tol * norm * scale && Math.min(...vals) < -tol * norm * scale;
    if (cuts) through.push(i);
    else missing += 1;
  }
  let parallel = 0;
  let outside = 0;
  const points = [];
  for (let a = 0; a < through.length; a++) {
    for (let c = a + 1; c < through.length; c++) {
      const [i, j] = [through[a], through[c]];
      const [p, q] = [w(i), w(j)];
      const det = p[0] * q[1] - p[1] * q[0];
      if (Math.abs(det) <= tol * Math.hypot(...p) * Math.hypot(...q)) {
        parallel += 1;
        continue;
      }
      const x = (-b[i] * q[1] + b[j] * p[1]) / det;
      const y = (-p[0] * b[j] + q[0] * b[i]) / det;
      const inside = x > xmin + tol * scale && x < xmax - tol * scale && y > ymin + tol * scale && y < ymax - tol * scale;
      if (!inside) {
        outside += 1;
        continue;
      }
      const found = points.find((pt) => Math.hypot(pt.x - x, pt.y - y) <= 1e-7 * scale);
      if (found) found.lines.add(i).add(j);
      else points.push({ x, y, lines: new Set([i, j]) });
    }
  }
  const multiple = points.filter((pt) => pt.lines.size >= 3);
  // A point where k lines meet takes the place of k(k-1)/2 crossings but adds only k - 1 regions.
  const lostAtPoints = multiple.reduce((s, pt) => s + (pt.lines.size * (pt.lines.size - 1)) / 2 - (pt.lines.size - 1), 0);
  const predicted = 1 + through.length + points.reduce((s, pt) => s + pt.lines.size - 1, 0);
  return { missing, parallel, outside, multiple: multiple.length, lostAtPoints, predicted, linesThrough: through.length };
}
