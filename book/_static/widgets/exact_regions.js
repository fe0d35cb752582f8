// Exact linear regions of a 2-input network in a box: bendlines.regions.linear_regions in
// JavaScript, step for step; the one port, used by the trainer (W5) and the unit-lines
// explorer (W2). Start from the box with the identity map; for each hidden layer
// and each convex cell, compose the layer with the cell's affine map, evaluate every unit at
// every vertex, cut the cell along the zero line of each unit whose sign changes on it, then
// scale the inactive units' columns by the activation's slope below the kink (0 for ReLU,
// a for leaky ReLU). Pre-activations within SNAP_ULPS ulps of their rounding scale count as
// zero and slivers of area <= AREA_RTOL * box area are dropped, as in Python.
// tests/test_widgets_trainer.py checks the count against regions.count_regions on deep nets,
// tests/test_widgets_regions.py each region's pattern and area on 500 random single layers.

export const AREA_RTOL = 1e-18;
export const SNAP_ULPS = 64;
const SNAP = SNAP_ULPS * Number.EPSILON;

/** Signed area of a polygon (vertices [[x, y], ...], relative to the first vertex);
 * positive when counter-clockwise. */
export function area(v) {
  // the same sums as regions._area, so that slivers at the AREA_RTOL threshold go the same way
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

/** Cut a convex polygon along the zero line of an affine function with values s at the vertices. */
function split(v, s) {
  const m = v.length;
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

/** Split one cell by every unit of a layer whose sign changes on it; [[polygon, mask], ...]. */
function splitCell(v, A1, c1, minArea) {
  const width = c1.length;
  const out = [];
  const stack = [[v, new Uint8Array(width), Array.from({ length: width }, (_, k) => k)]];
  while (stack.length) {
    const [p, mask, units] = stack.pop();
    const m = p.length;
    const z = units.map((k) => {
      const col = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        const [x, y] = p[i];
        const value = x * A1[0][k] + y * A1[1][k] + c1[k];
        const tol = SNAP * (Math.abs(x) * Math.abs(A1[0][k]) + Math.abs(y) * Math.abs(A1[1][k]) + Math.abs(c1[k]));
        col[i] = Math.abs(value) <= tol ? 0 : value;
      }
      return col;
    });
    let first = -1;
    const rest = [];
    units.forEach((k, u) => {
      let hi = -Infinity;
      let lo = Infinity;
      for (const value of z[u]) {
        hi = Math.max(hi, value);
        lo = Math.min(lo, value);
      }
      mask[k] = hi > 0 ? 1 : 0; // a unit that does not cross is active iff positive somewhere
      if (hi > 0 && lo < 0) {
        if (first < 0) first = u;
        else rest.push(k);
      }
    });
    if (first < 0) {
      out.push([p, mask]);
      continue;
    }
    const j = units[first];
    const parts = split(p, z[first]);
    [1, 0].forEach((active, side) => {
      if (area(parts[side]) > minArea) {
        const partMask = mask.slice();
        partMask[j] = active;
        stack.push([parts[side], partMask, rest]);
      }
    });
  }
  return out;
}

/** The regions of the hidden `layers` ([{fanIn, fanOut, w, b}] offsets into `flat`) in the box. */
function regionsOfLayers(layers, flat, bounds, negativeSlope, areaRtol) {
  const [xmin, xmax, ymin, ymax] = bounds;
  const x0 = [0.5 * (xmin + xmax), 0.5 * (ymin + ymax)];
  const hx = 0.5 * (xmax - xmin);
  const hy = 0.5 * (ymax - ymin);
  const box = [[-hx, -hy], [hx, -hy], [hx, hy], [-hx, hy]];
  const minArea = areaRtol * area(box);
  // Cells in coordinates u = x - x0: [polygon, A, c, masks so far], the net so far is u A + c.
  let cells = [[box, [[1, 0], [0, 1]], x0, []]];
  for (const { fanIn, fanOut, w, b } of layers) {
    const next = [];
    for (const [v, A, c, masks] of cells) {
      // A1 = A W (2 x fanOut), c1 = c W + b
      const A1 = [new Float64Array(fanOut), new Float64Array(fanOut)];
      const c1 = new Float64Array(fanOut);
      for (let k = 0; k < fanOut; k++) {
        let a0 = 0;
        let a1 = 0;
        let cc = 0;
        for (let j = 0; j < fanIn; j++) {
          const wjk = flat[w + j * fanOut + k];
          a0 += A[0][j] * wjk;
          a1 += A[1][j] * wjk;
          cc += c[j] * wjk;
        }
        A1[0][k] = a0;
        A1[1][k] = a1;
        c1[k] = cc + flat[b + k];
      }
      for (const [part, mask] of splitCell(v, A1, c1, minArea)) {
        const scale = Array.from(mask, (on) => (on ? 1 : negativeSlope));
        next.push([part, [A1[0].map((a, k) => a * scale[k]), A1[1].map((a, k) => a * scale[k])], c1.map((a, k) => a * scale[k]), [...masks, mask]]);
      }
    }
    cells = next;
  }
  return cells.map(([v, , , masks]) => ({
    vertices: v.map(([x, y]) => [x + x0[0], y + x0[1]]),
    pattern: masks.map((mask) => Array.from(mask, Boolean)),
    area: area(v),
  }));
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

/**
 * The linear regions of a net (`layers`: [{fanIn, fanOut, w, b}] offsets into `flat`, see
 * nn.js; the last layer is the output and makes no cuts) with activation slope 1 above 0 and
 * `negativeSlope` below, in the box [xmin, xmax, ymin, ymax]. Returns [{vertices, pattern,
 * area}] as regions.linear_regions: vertices in input coordinates, pattern[l][k] true where
 * unit k of hidden layer l is active (pre-activation > 0).
 */
export function linearRegions(layers, flat, bounds, { negativeSlope = 0, areaRtol = AREA_RTOL } = {}) {
  checkBounds(bounds);
  return regionsOfLayers(layers.slice(0, -1), flat, bounds, negativeSlope, areaRtol);
}

/** Number of linear regions in the box (regions.count_regions). */
export function countRegions(layers, flat, bounds, options = {}) {
  return linearRegions(layers, flat, bounds, options).length;
}

/**
 * The linear regions of one ReLU layer x -> relu(x W + b) (W: 2 rows of n weights, b: n
 * biases) in the box [xmin, xmax, ymin, ymax]: [{vertices, pattern, area}], pattern[i] true
 * where unit i is active.
 */
export function layerRegions(W, b, bounds, areaRtol = AREA_RTOL) {
  checkBounds(bounds);
  const n = b.length;
  if (W.length !== 2 || W[0].length !== n || W[1].length !== n) throw new Error("W must be 2 rows of one weight per unit");
  const flat = [...W[0], ...W[1], ...b];
  if (!flat.every(Number.isFinite)) throw new Error("weights must be finite");
  const layer = { fanIn: 2, fanOut: n, w: 0, b: 2 * n };
  return regionsOfLayers([layer], flat, bounds, 0, areaRtol).map((r) => ({ ...r, pattern: r.pattern[0] }));
}
