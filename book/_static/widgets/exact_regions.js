// Exact linear regions of a 2-input network in a box: bendlines.regions.linear_regions in
// JavaScript, step for step; the one port, used by the trainer (W5) and the unit-lines
// explorer (W2). Start from the box with the identity map; for each hidden layer and each
// convex cell, compose the layer with the cell's affine map, decide the sign of every unit at
// every vertex, cut the cell along the zero line of each unit whose sign changes strictly on
// it, then scale the inactive units' columns by the activation's slope below the kink (0 for
// ReLU, a for leaky ReLU).
//
// Exactness, as in Python: a line is a row (a, b, c), the function a x + b y + c, with bounds
// on the rounding errors of its coefficients. A polygon is its list of edge lines in
// counter-clockwise order; its vertex i, where edges i and i + 1 meet, is kept in homogeneous
// form p = l_i x l_{i+1} (cross product) scaled to p_z > 0, so the sign of a line L there is
// the sign of p . L. Each sign is computed in floating point with a rigorous error bound;
// when the bound cannot settle it (a line through a vertex, three lines through one point, a
// region far below round-off), it is recomputed in exact rational arithmetic (rational.js)
// from the network's weights. Nothing is decided by a tolerance and no sliver is dropped.
// tests/test_widgets_trainer.py checks the count against regions.count_regions on deep nets,
// tests/test_widgets_regions.py each region's pattern and area on 500 random single layers
// and on adversarial arrangements where the float bound cannot decide.

import { ONE, Rational, ZERO, dot } from "./rational.js";

/** Unit round-off of float64 and the generous multiple charged per rounded operation. */
const U = Number.EPSILON / 2;
const ROUND = 8 * U;

/** Signed area of a polygon (vertices [[x, y], ...], relative to the first vertex);
 * positive when counter-clockwise. The same sums as regions._area. */
export function area(v) {
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

// ------------------------------------------------------------------ exact arithmetic
//
// A line's key says how to recompute it exactly: {box: k} for edge k of the box, or
// {cell, unit} for a unit of the layer cell.layer on a cell, whose affine input map is fixed
// by the activation masks of the earlier layers, cell.masks.

function maskId(masks, upto) {
  let id = "";
  for (let l = 0; l < upto; l++) id += (l ? "|" : "") + masks[l].join("");
  return id;
}

class Exact {
  constructor(hidden, flat, boxLines, negativeSlope) {
    this.hidden = hidden;
    this.flat = flat;
    this.box = boxLines.map((row) => row.map((v) => Rational.fromNumber(v)));
    this.slope = negativeSlope === 0 ? null : Rational.fromNumber(negativeSlope);
    this.weights = new Map();
    this.maps = new Map();
    this.lines = new Map();
    this.decisions = 0; // signs the float bound left open (for tests and benchmarks)
  }

  /** The exact value of flat[i]. */
  number(i) {
    let r = this.weights.get(i);
    if (r === undefined) {
      r = Rational.fromNumber(this.flat[i]);
      this.weights.set(i, r);
    }
    return r;
  }

  /** Exact input map {A: [row x, row y], c} of hidden layer `layer` on a pattern prefix. */
  map(layer, masks) {
    const key = `${layer}:${maskId(masks, layer)}`;
    let out = this.maps.get(key);
    if (out !== undefined) return out;
    if (layer === 0) {
      out = { A: [[ONE, ZERO], [ZERO, ONE]], c: [ZERO, ZERO] };
    } else {
      const prev = this.map(layer - 1, masks);
      const { fanIn, fanOut, w, b } = this.hidden[layer - 1];
      const mask = masks[layer - 1];
      const A = [[], []];
      const c = [];
      for (let k = 0; k < fanOut; k++) {
        if (!mask[k] && this.slope === null) {
          A[0].push(ZERO);
          A[1].push(ZERO);
          c.push(ZERO);
          continue;
        }
        const col = Array.from({ length: fanIn }, (_, j) => this.number(w + j * fanOut + k));
        const scale = mask[k] ? ONE : this.slope;
        A[0].push(dot(prev.A[0], col).mul(scale));
        A[1].push(dot(prev.A[1], col).mul(scale));
        c.push(dot(prev.c, col, this.number(b + k)).mul(scale));
      }
      out = { A, c };
    }
    this.maps.set(key, out);
    return out;
  }

  /** Exact [a, b, c] of a line key. */
  line(key) {
    if (key.box !== undefined) return this.box[key.box];
    const { cell, unit } = key;
    if (cell.id === null) cell.id = maskId(cell.masks, cell.layer);
    const id = `${cell.layer}:${unit}:${cell.id}`;
    let out = this.lines.get(id);
    if (out === undefined) {
      const { A, c } = this.map(cell.layer, cell.masks);
      const { fanIn, fanOut, w, b } = this.hidden[cell.layer];
      const col = Array.from({ length: fanIn }, (_, j) => this.number(w + j * fanOut + unit));
      out = [dot(A[0], col), dot(A[1], col), dot(c, col, this.number(b + unit))];
      this.lines.set(id, out);
    }
    return out;
  }

  /** Exact cross product of two lines given by their keys. */
  cross(k1, k2) {
    const [a1, b1, c1] = this.line(k1);
    const [a2, b2, c2] = this.line(k2);
    return [b1.mul(c2).sub(c1.mul(b2)), c1.mul(a2).sub(a1.mul(c2)), a1.mul(b2).sub(b1.mul(a2))];
  }

  /** Exact homogeneous coordinates of a vertex, scaled to q_z > 0 (cached on the vertex). */
  vertex(v) {
    if (v.q === null) {
      const q = this.cross(v.k1, v.k2);
      v.q = q[2].sign() < 0 ? q.map((x) => x.neg()) : q;
    }
    return v.q;
  }

  /** Exact sign of the line with key `key` at vertex v. */
  sign(v, key) {
    this.decisions++;
    const q = this.vertex(v);
    const L = this.line(key);
    return q[0].mul(L[0]).add(q[1].mul(L[1])).add(q[2].mul(L[2])).sign();
  }
}

// ------------------------------------------------------------------ floating point with bounds

/**
 * The homogeneous vertex where lines l1 and l2 (Float64Array [a, b, c, ea, eb, ec]: the
 * coefficients and bounds on their errors) meet, scaled to p_z > 0: {p0..2: p, a0..2: |p|,
 * h0..2: |p| + error bound, k1, k2: the lines' keys, q: exact coordinates once needed}.
 * An uncertain sign of p_z is settled exactly (regions._vertex).
 */
function makeVertex(l1, l2, k1, k2, exact) {
  const a1 = l1[0], b1 = l1[1], c1 = l1[2];
  const a2 = l2[0], b2 = l2[1], c2 = l2[2];
  let p0 = b1 * c2 - c1 * b2;
  let p1 = c1 * a2 - a1 * c2;
  let p2 = a1 * b2 - b1 * a2;
  const x1 = Math.abs(a1), y1 = Math.abs(b1), z1 = Math.abs(c1);
  const x2 = Math.abs(a2), y2 = Math.abs(b2), z2 = Math.abs(c2);
  const X1 = x1 + l1[3], Y1 = y1 + l1[4], Z1 = z1 + l1[5];
  const X2 = x2 + l2[3], Y2 = y2 + l2[4], Z2 = z2 + l2[5];
  const hi0 = Y1 * Z2 + Z1 * Y2, hi1 = Z1 * X2 + X1 * Z2, hi2 = X1 * Y2 + Y1 * X2;
  const e0 = (hi0 - (y1 * z2 + z1 * y2)) * (1 + ROUND) + ROUND * hi0;
  const e1 = (hi1 - (z1 * x2 + x1 * z2)) * (1 + ROUND) + ROUND * hi1;
  const e2 = (hi2 - (x1 * y2 + y1 * x2)) * (1 + ROUND) + ROUND * hi2;
  let sz;
  if (Math.abs(p2) > e2) sz = p2 > 0 ? 1 : -1;
  else {
    sz = exact.cross(k1, k2)[2].sign();
    if (sz === 0) throw new Error("internal error: adjacent edges of a region are parallel");
  }
  if (sz < 0) {
    p0 = -p0;
    p1 = -p1;
    p2 = -p2;
  }
  const a0 = Math.abs(p0), aa1 = Math.abs(p1), aa2 = Math.abs(p2);
  return { p0, p1, p2, a0, a1: aa1, a2: aa2, h0: a0 + e0, h1: aa1 + e1, h2: aa2 + e2, k1, k2, q: null };
}

/**
 * Sign of unit k at vertex v: 1, -1, 0, or 2 when the float bound cannot decide. `V` holds per
 * unit [a, b, c, |a|, |b|, |c|, |a| + ea, |b| + eb, |c| + ec] (regions._signs).
 */
function floatSign(v, V, k) {
  const o = 9 * k;
  const s = v.p0 * V[o] + v.p1 * V[o + 1] + v.p2 * V[o + 2];
  const lo = v.a0 * V[o + 3] + v.a1 * V[o + 4] + v.a2 * V[o + 5];
  const hi = v.h0 * V[o + 6] + v.h1 * V[o + 7] + v.h2 * V[o + 8];
  const bound = (hi - lo) * (1 + ROUND) + ROUND * hi;
  if (s > bound) return 1;
  if (s < -bound) return -1;
  if (s === 0 && bound === 0) return 0; // an exact zero with no possible error is certain
  return 2;
}

/**
 * Split one convex cell by every unit of one layer whose sign changes on it (regions._split_cell).
 * Depth-first: decide the sign of the still-undecided units at the piece's vertices, record the
 * activity of those that do not cross it, cut it along the first unit that does (vertices
 * strictly on both sides), and hand each half the remaining crossing units. A line through a
 * vertex or along an edge does not cut. Returns [[piece, mask], ...].
 */
function splitCell(poly, UE, ukeys, exact) {
  const width = ukeys.length;
  const V = new Float64Array(9 * width);
  for (let k = 0; k < width; k++) {
    const l = UE[k];
    for (let r = 0; r < 3; r++) {
      V[9 * k + r] = l[r];
      V[9 * k + 3 + r] = Math.abs(l[r]);
      V[9 * k + 6 + r] = Math.abs(l[r]) + l[3 + r];
    }
  }
  const out = [];
  const stack = [[poly, new Uint8Array(width), Array.from({ length: width }, (_, k) => k)]];
  while (stack.length) {
    const [piece, mask, units] = stack.pop();
    const { E, keys, P } = piece;
    const m = P.length;
    let first = -1;
    let cut = null; // the signs of the first crossing unit at the vertices
    const rest = [];
    let signs = new Int8Array(m);
    for (const k of units) {
      let seen = 0;
      let unsure = false;
      for (let i = 0; i < m; i++) {
        const s = floatSign(P[i], V, k);
        signs[i] = s;
        if (s === 1) seen |= 1;
        else if (s === -1) seen |= 2;
        else if (s === 2) unsure = true;
        if (seen === 3 && first >= 0) break; // a later crossing unit: its crossing is all that counts
      }
      // undecided signs matter unless the unit crosses anyway and only its crossing counts
      if (unsure && !(seen === 3 && first >= 0)) {
        for (let i = 0; i < m; i++) {
          if (signs[i] !== 2) continue;
          const s = exact.sign(P[i], ukeys[k]);
          signs[i] = s;
          if (s > 0) seen |= 1;
          else if (s < 0) seen |= 2;
        }
      }
      mask[k] = seen & 1; // a unit that does not cross is active iff positive somewhere
      if (seen === 3) {
        if (first < 0) {
          first = k;
          cut = signs;
          signs = new Int8Array(m);
        } else rest.push(k);
      }
    }
    if (first < 0) {
      out.push([piece, mask]);
      continue;
    }
    const j = first;
    const line = UE[j];
    for (const [want, active] of [[1, 1], [-1, 0]]) {
      // edge k joins vertices k - 1 and k; it keeps a part on this side iff an end does
      let start = -1;
      let count = 0;
      for (let k = 0; k < m; k++) {
        const here = cut[k] === want;
        const before = cut[(k + m - 1) % m] === want;
        if (here || before) count++;
        if (here && !before && start < 0) start = k; // the run starts where the side does
      }
      const run = Array.from({ length: count }, (_, t) => (start + t) % m);
      const firstEdge = run[0];
      const lastEdge = run[count - 1];
      // vertices between consecutive run edges are kept; two new ones lie on the unit
      const pOut = makeVertex(E[lastEdge], line, keys[lastEdge], ukeys[j], exact);
      const pIn = makeVertex(line, E[firstEdge], ukeys[j], keys[firstEdge], exact);
      const part = {
        E: [...run.map((k) => E[k]), line],
        keys: [...run.map((k) => keys[k]), ukeys[j]],
        P: [...run.slice(0, -1).map((k) => P[k]), pOut, pIn],
      };
      const partMask = mask.slice();
      partMask[j] = active;
      stack.push([part, partMask, rest]);
    }
  }
  return out;
}

/** The regions of the hidden `layers` ([{fanIn, fanOut, w, b}] offsets into `flat`) in the box. */
function regionsOfLayers(layers, flat, bounds, negativeSlope, stats) {
  const [xmin, xmax, ymin, ymax] = bounds;
  // Edges bottom, right, top, left: vertex i = edge i meets edge i + 1, counter-clockwise.
  const boxLines = [[0, 1, -ymin], [-1, 0, xmax], [0, -1, ymax], [1, 0, -xmin]];
  const exact = new Exact(layers, flat, boxLines, negativeSlope);
  const E = boxLines.map((row) => Float64Array.from([...row, 0, 0, 0]));
  const keys = [0, 1, 2, 3].map((k) => ({ box: k }));
  const P = [0, 1, 2, 3].map((i) => makeVertex(E[i], E[(i + 1) % 4], keys[i], keys[(i + 1) % 4], exact));
  const slope = Math.abs(negativeSlope);
  // Each cell: the polygon, M (3 x width, row-major) = [A; c]: the features on the cell are
  // (x, y, 1) M; EM bounds the rounding error of M; masks: the patterns of the layers so far.
  let cells = [{ poly: { E, keys, P }, M: Float64Array.from([1, 0, 0, 1, 0, 0]), EM: new Float64Array(6), masks: [] }];
  layers.forEach(({ fanIn, fanOut, w, b }, layer) => {
    const gamma = (fanIn + 2) * ROUND;
    const next = [];
    for (const { poly, M, EM, masks } of cells) {
      // M1 = M W, M1[2] += b; EM1 = EM |W| + gamma |M| |W|, EM1[2] += gamma |b| (exact at layer 0)
      const M1 = new Float64Array(3 * fanOut);
      const EM1 = new Float64Array(3 * fanOut);
      for (let k = 0; k < fanOut; k++) {
        for (let r = 0; r < 3; r++) {
          let s = 0;
          let e = 0;
          let g = 0;
          for (let j = 0; j < fanIn; j++) {
            const wjk = flat[w + j * fanOut + k];
            s += M[r * fanIn + j] * wjk;
            if (layer > 0) {
              e += EM[r * fanIn + j] * Math.abs(wjk);
              g += Math.abs(M[r * fanIn + j]) * Math.abs(wjk);
            }
          }
          M1[r * fanOut + k] = s;
          EM1[r * fanOut + k] = layer > 0 ? e + gamma * g : 0;
        }
        M1[2 * fanOut + k] += flat[b + k];
        if (layer > 0) EM1[2 * fanOut + k] += gamma * Math.abs(flat[b + k]);
      }
      const cell = { layer, masks, id: null };
      const ukeys = [];
      const UE = [];
      for (let k = 0; k < fanOut; k++) {
        ukeys.push({ cell, unit: k });
        UE.push(Float64Array.from([M1[k], M1[fanOut + k], M1[2 * fanOut + k], EM1[k], EM1[fanOut + k], EM1[2 * fanOut + k]]));
      }
      for (const [part, mask] of splitCell(poly, UE, ukeys, exact)) {
        const Mp = M1.slice();
        const EMp = EM1.slice();
        for (let k = 0; k < fanOut; k++) {
          if (mask[k]) continue;
          for (let r = 0; r < 3; r++) {
            const i = r * fanOut + k;
            Mp[i] = M1[i] * negativeSlope;
            // |fl(m s) - m_exact s| <= |s| EM1 + u |m s|, charged generously
            EMp[i] = negativeSlope === 0 ? 0 : EM1[i] * slope * (1 + ROUND) + ROUND * Math.abs(Mp[i]);
          }
        }
        next.push({ poly: part, M: Mp, EM: EMp, masks: [...masks, mask] });
      }
    }
    cells = next;
  });
  if (stats) stats.exact = (stats.exact ?? 0) + exact.decisions;
  return cells.map(({ poly, masks }) => {
    const vertices = poly.P.map((v) => [v.p0 / v.p2, v.p1 / v.p2]);
    return { vertices, pattern: masks.map((mask) => Array.from(mask, Boolean)), area: area(vertices) };
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

function finiteParameters(layers, flat, negativeSlope) {
  if (!Number.isFinite(negativeSlope)) return false;
  for (const { fanIn, fanOut, w, b } of layers) {
    for (let i = w; i < w + fanIn * fanOut; i++) if (!Number.isFinite(flat[i])) return false;
    for (let i = b; i < b + fanOut; i++) if (!Number.isFinite(flat[i])) return false;
  }
  return true;
}

/**
 * The linear regions of a net (`layers`: [{fanIn, fanOut, w, b}] offsets into `flat`, see
 * nn.js; the last layer is the output and makes no cuts) with activation slope 1 above 0 and
 * `negativeSlope` below, in the box [xmin, xmax, ymin, ymax]. Returns [{vertices, pattern,
 * area}] as regions.linear_regions: vertices in input coordinates, counter-clockwise,
 * pattern[l][k] true where unit k of hidden layer l is active (pre-activation > 0).
 * Throws on non-finite parameters (a diverged net has no regions to count). If `stats` is an
 * object, stats.exact is increased by the number of signs settled in rational arithmetic.
 */
export function linearRegions(layers, flat, bounds, { negativeSlope = 0, stats = null } = {}) {
  checkBounds(bounds);
  const hidden = layers.slice(0, -1);
  if (!finiteParameters(hidden, flat, negativeSlope)) throw new RangeError("weights, biases and negativeSlope must be finite");
  return regionsOfLayers(hidden, flat, bounds, negativeSlope, stats);
}

/** Number of linear regions in the box (regions.count_regions); null when a parameter is not
 * finite (a diverged net: no count to show). */
export function countRegions(layers, flat, bounds, { negativeSlope = 0, stats = null } = {}) {
  checkBounds(bounds);
  if (!finiteParameters(layers.slice(0, -1), flat, negativeSlope)) return null;
  return linearRegions(layers, flat, bounds, { negativeSlope, stats }).length;
}

/**
 * The linear regions of one ReLU layer x -> relu(x W + b) (W: 2 rows of n weights, b: n
 * biases) in the box [xmin, xmax, ymin, ymax]: [{vertices, pattern, area}], pattern[i] true
 * where unit i is active. `stats` as in linearRegions.
 */
export function layerRegions(W, b, bounds, { stats = null } = {}) {
  checkBounds(bounds);
  const n = b.length;
  if (W.length !== 2 || W[0].length !== n || W[1].length !== n) throw new Error("W must be 2 rows of one weight per unit");
  const flat = [...W[0], ...W[1], ...b];
  if (!flat.every(Number.isFinite)) throw new Error("weights must be finite");
  const layer = { fanIn: 2, fanOut: n, w: 0, b: 2 * n };
  return regionsOfLayers([layer], flat, bounds, 0, stats).map((r) => ({ ...r, pattern: r.pattern[0] }));
}
