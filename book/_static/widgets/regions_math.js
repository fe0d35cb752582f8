// Bending Lines widgets: the exact linear regions of a one-hidden-layer ReLU net in a box,
// a port of bendlines.regions.linear_regions (split convex polygons along each unit's line;
// no grid). Checked against the package on 500 random layers (tests/test_widgets_regions.py).

/** Polygons with area at most AREA_RTOL * box area are dropped as round-off slivers. */
export const AREA_RTOL = 1e-18;
/** Pre-activations within SNAP_ULPS ulps of their rounding scale count as exactly zero. */
export const SNAP_ULPS = 64;
const SNAP = SNAP_ULPS * Number.EPSILON;

/** Signed area of polygon v ([[x, y], ...]); positive when counter-clockwise. */
export function polygonArea(v) {
  const m = v.length;
  const x0 = v[0][0];
  const y0 = v[0][1];
  let a = 0;
  let b = 0;
  for (let i = 0; i + 1 < m; i++) {
    a += (v[i][0] - x0) * (v[i + 1][1] - y0);
    b += (v[i + 1][0] - x0) * (v[i][1] - y0);
  }
  return 0.5 * (a - b + (v[m - 1][0] - x0) * (v[0][1] - y0) - (v[0][0] - x0) * (v[m - 1][1] - y0));
}

/** Cut convex polygon v along the zero line of an affine function with values s at the
 * vertices (both signs present): [part where s >= 0, part where s <= 0]. */
function split(v, s) {
  const m = s.length;
  const pos = [];
  const neg = [];
  for (let i = 0; i < m; i++) {
    const j = (i + 1) % m;
    if (s[i] >= 0) pos.push(v[i]);
    if (s[i] <= 0) neg.push(v[i]);
    if (s[i] * s[j] < 0) {
      const t = s[i] / (s[i] - s[j]);
      const p = [v[i][0] + t * (v[j][0] - v[i][0]), v[i][1] + t * (v[j][1] - v[i][1])];
      pos.push(p);
      neg.push(p);
    }
  }
  return [pos, neg];
}

/** Unit u's pre-activation at every vertex, zero where it is within round-off of zero. */
function snapped(v, A, c, u) {
  return v.map(([x, y]) => {
    const z = x * A[0][u] + y * A[1][u] + c[u];
    const tol = SNAP * (Math.abs(x) * Math.abs(A[0][u]) + Math.abs(y) * Math.abs(A[1][u]) + Math.abs(c[u]));
    return Math.abs(z) <= tol ? 0 : z;
  });
}

function checkBounds(bounds) {
  const ok =
    Array.isArray(bounds) &&
    bounds.length === 4 &&
    bounds.every(Number.isFinite) &&
    bounds[0] < bounds[1] &&
    bounds[2] < bounds[3];
  if (!ok) throw new Error("bounds must be [xmin, xmax, ymin, ymax], finite, with xmin < xmax and ymin < ymax");
}

/** The linear regions of the layer x -> relu(x W + b) (W: 2 rows of n weights, b: n biases)
 * inside the box [xmin, xmax, ymin, ymax]: [{vertices, pattern, area}], pattern[i] true where
 * unit i is active (pre-activation > 0). */
export function linearRegions(W, b, bounds, areaRtol = AREA_RTOL) {
  checkBounds(bounds);
  const n = b.length;
  if (W.length !== 2 || W[0].length !== n || W[1].length !== n) throw new Error("W must be 2 rows of one weight per unit");
  if (![...W[0], ...W[1], ...b].every(Number.isFinite)) throw new Error("weights must be finite");
  const [xmin, xmax, ymin, ymax] = bounds;
  const x0 = [0.5 * (xmin + xmax), 0.5 * (ymin + ymax)];
  const hx = 0.5 * (xmax - xmin);
  const hy = 0.5 * (ymax - ymin);
  const box = [[-hx, -hy], [hx, -hy], [hx, hy], [-hx, hy]];
  const minArea = areaRtol * polygonArea(box);
  // In coordinates u = x - x0 the layer's pre-activations are u W + (x0 W + b).
  const c = b.map((bj, j) => x0[0] * W[0][j] + x0[1] * W[1][j] + bj);
  const out = [];
  const stack = [[box, new Array(n).fill(false), [...Array(n).keys()]]];
  while (stack.length) {
    const [p, mask, units] = stack.pop();
    const z = units.map((u) => snapped(p, W, c, u));
    const crossing = z.map((col) => Math.max(...col) > 0 && Math.min(...col) < 0);
    units.forEach((u, i) => {
      mask[u] = Math.max(...z[i]) > 0;
    });
    const first = crossing.indexOf(true);
    if (first < 0) {
      out.push({ vertices: p.map(([x, y]) => [x + x0[0], y + x0[1]]), pattern: mask, area: polygonArea(p) });
      continue;
    }
    const j = units[first];
    const rest = units.slice(first + 1).filter((_, i) => crossing[first + 1 + i]);
    const parts = split(p, z[first]);
    [true, false].forEach((active, k) => {
      if (polygonArea(parts[k]) > minArea) {
        const partMask = mask.slice();
        partMask[j] = active;
        stack.push([parts[k], partMask, rest]);
      }
    });
  }
  return out;
}

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
