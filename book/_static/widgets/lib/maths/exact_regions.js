// Exact linear regions in a box: regions.linear_regions step for step (see its comments).
// A line a x + b y + c is a row [v, |v|, |v| + e, e], v = (a, b, c), e: error bounds.

import { ONE, Rational, ZERO, dot } from "./rational.js";

const ROUND = 4 * Number.EPSILON; // 8 unit round-offs per operation

/** Signed area of a polygon [[x, y], ...], relative to its first vertex. */
export function area(v) {
  const [x0, y0] = v[0];
  let s = 0;
  v.forEach(([x, y], i) => {
    const [u, w] = v[(i + 1) % v.length];
    s += (x - x0) * (w - y0) - (u - x0) * (y - y0);
  });
  return s / 2;
}

const R = (x) => Rational.fromNumber(x);
const id = (masks, n) => masks.slice(0, n).join("|");

// Exact lines by key: {box: k} or {cell: {layer, masks}, unit}.
class Exact {
  constructor(hidden, flat, box, slope) {
    Object.assign(this, { hidden, flat, box: box.map((l) => l.map(R)), slope: R(slope), n: 0, c: {} });
  }

  /** The value cached under `key`, made by `make()` the first time. */
  memo(key, make) {
    if (!(key in this.c)) this.c[key] = make();
    return this.c[key];
  }

  /** Layer l's input map [A row x, A row y, c] on a pattern prefix. */
  map(l, masks) {
    if (!l) return [[ONE, ZERO], [ZERO, ONE], [ZERO, ZERO]];
    return this.memo(`m${l}:${id(masks, l)}`, () => [0, 1, 2].map((r) =>
      Array.from(masks[l - 1], (on, k) => this.line({ cell: { layer: l - 1, masks }, unit: k })[r].mul(on ? ONE : this.slope))));
  }

  line({ box, cell, unit }) {
    if (box !== undefined) return this.box[box];
    const { layer, masks } = cell;
    const { fanIn, fanOut, w, b } = this.hidden[layer];
    return this.memo(`l${layer}:${unit}:${id(masks, layer)}`, () => this.map(layer, masks).map((row, r) =>
      dot(row, Array.from({ length: fanIn }, (_, j) => R(this.flat[w + j * fanOut + unit])), r === 2 ? R(this.flat[b + unit]) : ZERO)));
  }

  cross(k1, k2) {
    const [a, b] = [this.line(k1), this.line(k2)];
    return [1, 2, 0].map((i, r) => a[i].mul(b[(r + 2) % 3]).sub(a[(r + 2) % 3].mul(b[i])));
  }

  /** Sign of line `key` at vertex v (exact coordinates, z > 0, cached on v). */
  sign(v, key) {
    this.n++;
    if (!v.q) {
      const q = this.cross(v.k1, v.k2);
      v.q = q[2].sign() < 0 ? q.map((x) => x.neg()) : q;
    }
    return dot(v.q, this.line(key)).sign();
  }
}

/** Where lines l1, l2 (keys k1, k2) meet: f = [p, |p|, |p| + e], p = l1 x l2 with p_z > 0. */
function vertex(l1, l2, k1, k2, exact) {
  const f = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    const i = (r + 1) % 3;
    const j = (r + 2) % 3;
    const lo = l1[3 + i] * l2[3 + j] + l1[3 + j] * l2[3 + i];
    const hi = l1[6 + i] * l2[6 + j] + l1[6 + j] * l2[6 + i];
    f[r] = l1[i] * l2[j] - l1[j] * l2[i];
    f[6 + r] = (hi - lo) * (1 + ROUND) + ROUND * hi;
  }
  const sz = Math.abs(f[2]) > f[8] ? Math.sign(f[2]) : exact.cross(k1, k2)[2].sign();
  if (!sz) throw new Error("internal error: parallel adjacent edges");
  for (let r = 0; r < 3; r++) {
    f[r] *= sz;
    f[3 + r] = Math.abs(f[r]);
    f[6 + r] += f[3 + r];
  }
  return { f, k1, k2, q: null };
}

/** Sign of line L at vertex f: 1, -1, 0, or 2 if undecided. */
function floatSign(f, L) {
  let s = 0;
  let lo = 0;
  let hi = 0;
  for (let r = 0; r < 3; r++) {
    s += f[r] * L[r];
    lo += f[3 + r] * L[3 + r];
    hi += f[6 + r] * L[6 + r];
  }
  const bound = (hi - lo) * (1 + ROUND) + ROUND * hi;
  return s > bound ? 1 : s < -bound ? -1 : s === 0 && bound === 0 ? 0 : 2;
}

/** Cut a cell along each unit whose sign changes strictly on it (regions._split_cell). */
function splitCell(poly, lines, keys, exact) {
  const out = [];
  const stack = [[poly, new Uint8Array(lines.length), [...lines.keys()]]];
  while (stack.length) {
    const [piece, mask, units] = stack.pop();
    const { E, K, P } = piece;
    const m = P.length;
    let [j, cut] = [-1, null];
    const rest = [];
    const signs = new Int8Array(m);
    for (const k of units) {
      let seen = 0;
      for (let i = 0; i < m && !(seen === 3 && j >= 0); i++) {
        signs[i] = floatSign(P[i].f, lines[k]);
        seen |= signs[i] === 1 ? 1 : signs[i] === -1 ? 2 : 0;
      }
      for (let i = 0; i < m && !(seen === 3 && j >= 0); i++) {
        if (signs[i] === 2) signs[i] = exact.sign(P[i], keys[k]);
        seen |= signs[i] === 1 ? 1 : signs[i] === -1 ? 2 : 0;
      }
      mask[k] = seen & 1;
      if (seen === 3 && j < 0) [j, cut] = [k, signs.slice()];
      else if (seen === 3) rest.push(k);
    }
    if (j < 0) {
      out.push([piece, mask]);
      continue;
    }
    for (const side of [1, -1]) {
      // the run of edges (k joins vertices k - 1 and k) with an end on this side
      const here = (k) => cut[(k + m) % m] === side;
      let start = 0;
      while (!here(start) || here(start - 1)) start++;
      const run = [];
      for (let k = start; k < start + m && (here(k) || here(k - 1)); k++) run.push(k % m);
      const [a, z] = [run[0], run.at(-1)];
      const part = mask.slice();
      part[j] = side > 0;
      stack.push([{
        E: [...run.map((k) => E[k]), lines[j]],
        K: [...run.map((k) => K[k]), keys[j]],
        P: [...run.slice(0, -1).map((k) => P[k]), vertex(E[z], lines[j], K[z], keys[j], exact), vertex(lines[j], E[a], keys[j], K[a], exact)],
      }, part, rest]);
    }
  }
  return out;
}

const OFF = new Float64Array(12);

function row(v, e = OFF) {
  const L = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    L[r] = v[r];
    L[3 + r] = Math.abs(v[r]);
    L[6 + r] = L[3 + r] + e[r];
    L[9 + r] = e[r];
  }
  return L;
}

function cellsOf(layers, flat, [xmin, xmax, ymin, ymax], slope, stats) {
  const box = [[0, 1, -ymin], [-1, 0, xmax], [0, -1, ymax], [1, 0, -xmin]];
  const exact = new Exact(layers, flat, box, slope);
  const E = box.map((v) => row(v));
  const K = [0, 1, 2, 3].map((k) => ({ box: k }));
  const P = K.map((k, i) => vertex(E[i], E[(i + 1) % 4], k, K[(i + 1) % 4], exact));
  // a cell's inputs are lines too: x, y, then the last layer's units
  let cells = [{ poly: { E, K, P }, rows: [row([1, 0, 0]), row([0, 1, 0])], masks: [] }];
  layers.forEach(({ fanIn, fanOut, w, b }, layer) => {
    const gamma = (fanIn + 2) * ROUND;
    cells = cells.flatMap(({ poly, rows, masks }) => {
      const cell = { layer, masks };
      const lines = Array.from({ length: fanOut }, (_, k) => {
        const [v, e] = [[0, 0, flat[b + k]], [0, 0, gamma * Math.abs(flat[b + k])]];
        rows.forEach((L, j) => {
          const wjk = flat[w + j * fanOut + k];
          for (let r = 0; L !== OFF && r < 3; r++) {
            v[r] += L[r] * wjk;
            e[r] += (L[9 + r] + gamma * L[3 + r]) * Math.abs(wjk);
          }
        });
        return row(v, layer ? e : OFF);
      });
      const keys = lines.map((_, unit) => ({ cell, unit }));
      return splitCell(poly, lines, keys, exact).map(([part, mask]) => ({
        poly: part,
        masks: [...masks, mask],
        rows: lines.map((L, k) => mask[k] ? L : !slope ? OFF : row([0, 1, 2].map((r) => L[r] * slope),
          [0, 1, 2].map((r) => L[9 + r] * Math.abs(slope) * (1 + ROUND) + ROUND * Math.abs(L[r] * slope)))),
      }));
    });
  });
  if (stats) stats.exact = (stats.exact ?? 0) + exact.n;
  return cells;
}

function regions(cells) {
  return cells.map(({ poly, masks }) => {
    const vertices = poly.P.map(({ f }) => [f[0] / f[2], f[1] / f[2]]);
    return { vertices, pattern: masks.map((mask) => Array.from(mask, Boolean)), area: area(vertices) };
  });
}

function checkBounds(bounds) {
  const ok = Array.isArray(bounds) && bounds.length === 4 && bounds.every(Number.isFinite) && bounds[0] < bounds[1] && bounds[2] < bounds[3];
  if (!ok) throw new Error("bounds must be [xmin, xmax, ymin, ymax], finite, with xmin < xmax and ymin < ymax");
}

function finite(layers, flat, slope) {
  let s = slope * 0; // NaN once a value is not finite
  for (const { fanIn, fanOut, w, b } of layers) {
    for (let i = 0; i < fanIn * fanOut; i++) s += flat[w + i] * 0;
    for (let i = 0; i < fanOut; i++) s += flat[b + i] * 0;
  }
  return s === 0;
}

/** Regions [{vertices, pattern, area}] of a net (nn.js layers) with slope `negativeSlope`
 * below 0 in [xmin, xmax, ymin, ymax]; stats.exact counts signs settled in rationals. */
export function linearRegions(layers, flat, bounds, options = {}) {
  const cells = cellsFor(layers, flat, bounds, options);
  if (!cells) throw new RangeError("weights, biases and negativeSlope must be finite");
  return regions(cells);
}

/** Number of regions (regions.count_regions); null for a diverged net. */
export function countRegions(layers, flat, bounds, options = {}) {
  return cellsFor(layers, flat, bounds, options)?.length ?? null;
}

function cellsFor(layers, flat, bounds, { negativeSlope = 0, stats = null }) {
  checkBounds(bounds);
  const hidden = layers.slice(0, -1);
  return finite(hidden, flat, negativeSlope) ? cellsOf(hidden, flat, bounds, negativeSlope, stats) : null;
}

/** Regions of one layer relu(x W + b) (W: 2 rows, b: n biases); pattern[i]: unit i on. */
export function layerRegions(W, b, bounds, { stats = null } = {}) {
  const n = b.length;
  if (W.length !== 2 || W[0].length !== n || W[1].length !== n) throw new Error("W must be 2 rows of one weight per unit");
  const cells = cellsFor([{ fanIn: 2, fanOut: n, w: 0, b: 2 * n }, null], [...W[0], ...W[1], ...b], bounds, { stats });
  if (!cells) throw new Error("weights must be finite");
  return regions(cells).map((r) => ({ ...r, pattern: r.pattern[0] }));
}
