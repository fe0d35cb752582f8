// The exact regions port (book/_static/widgets/exact_regions.js) on cases that floating point
// alone gets wrong, and the unit-lines explorer's explanation of the count (regions_math.js),
// which must agree with it exactly.
import assert from "node:assert/strict";
import test from "node:test";

import { countRegions, layerRegions, linearRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";
import { explain } from "../../book/_static/widgets/lib/maths/arrangement.js";

const BOX = [-1, 1, -1, 1];

test("three lines that miss a common point by 2^-60 leave a tiny seventh region", () => {
  // x = 0, y = 0 and x + y = 2^-60: a triangle of area 2^-121 that no grid and no area
  // threshold would keep
  const W = [[1, 0, 1], [0, 1, 1]];
  const stats = {};
  const r = layerRegions(W, [0, 0, -(2 ** -60)], BOX, { stats });
  assert.equal(r.length, 7);
  const tiny = r.find((x) => x.pattern.join() === "true,true,false");
  assert.ok(Math.abs(tiny.area - 2 ** -121) <= 2 ** -150);
  const e = explain(W, [0, 0, -(2 ** -60)], BOX);
  assert.equal(e.predicted, 7);
  assert.equal(e.multiple, 0);
  // and exactly through one point: six regions, one meeting point
  assert.equal(layerRegions(W, [0, 0, 0], BOX).length, 6);
  assert.equal(explain(W, [0, 0, 0], BOX).multiple, 1);
});

test("lines through one point with inexact crossings are settled exactly", () => {
  // b = w_x / 2: every line passes exactly through (-1/2, 0), but its crossings with the others
  // are computed with rounding, so the float bound cannot decide and rationals must
  const wx = [0.1, 0.7, -0.3, 0.9, 0.45, -0.6];
  const wy = [0.2, -0.35, 0.8, 0.15, -0.9, -0.25];
  const b = wx.map((v) => v / 2);
  const stats = {};
  const r = layerRegions([wx, wy], b, BOX, { stats });
  assert.equal(r.length, 12); // 6 lines through one point: 2 x 6 sectors
  assert.ok(stats.exact > 0);
  assert.equal(explain([wx, wy], b, BOX).predicted, 12);
  const total = r.reduce((s, x) => s + x.area, 0);
  assert.ok(Math.abs(total - 4) < 1e-12);
  for (const x of r) assert.ok(x.area > 1e-3); // sectors, no slivers
});

test("a repeated, reversed or rescaled line adds no region", () => {
  const W = [[1, 1, -1, 2, 0.5], [0.5, 0.5, -0.5, 1, -1]];
  const b = [0.25, 0.25, -0.25, 0.5, 0.125];
  const r = layerRegions(W, b, BOX);
  assert.equal(r.length, 4); // two distinct lines crossing inside
  const e = explain(W, b, BOX);
  assert.equal(e.predicted, 4);
  assert.equal(e.repeated, 3);
});

test("a line along a box edge or through a corner only does not cut", () => {
  const W = [[1, 0, 1], [0, 1, 1]];
  const r = layerRegions(W, [1, -1, -2], BOX); // x = -1, y = 1, x + y = 2
  assert.equal(r.length, 1);
  assert.deepEqual(r[0].pattern, [true, false, false]);
  assert.equal(r[0].area, 4);
  assert.equal(explain(W, [1, -1, -2], BOX).predicted, 1);
});

test("a second-layer unit that copies a first-layer unit makes no new cut", () => {
  // 2-2-3-1: hidden layer 2 is relu(h0), -relu(h1) and relu(h0) - 1/4 (parallel to h0's line)
  const sizes = [2, 2, 3, 1];
  const flat = [1, 0, 0, 1, 0, 0, /* second weights */ 1, 0, 1, 0, -1, 0, /* b2 */ 0, 0, -0.25, /* out */ 1, 1, 1, 0];
  let offset = 0;
  const layers = sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l];
    const layer = { fanIn, fanOut, w: offset, b: offset + fanIn * fanOut };
    offset += fanIn * fanOut + fanOut;
    return layer;
  });
  const r = linearRegions(layers, flat, BOX);
  // the 4 quadrants; relu(x) and -relu(y) cut nothing more (zero on a whole half, never
  // crossing), x = 1/4 cuts each of the two quadrants with x > 0
  assert.equal(r.length, 6);
  assert.equal(countRegions(layers, flat, BOX), 6);
  const areas = r.map((x) => x.area).sort((p, q) => p - q);
  assert.deepEqual(areas, [0.25, 0.25, 0.75, 0.75, 1, 1]);
  // a leaky slope of 1/2 below the kink changes nothing about where the cuts are
  assert.equal(countRegions(layers, flat, BOX, { negativeSlope: 0.5 }), 6);
  // a diverged net has no count; linearRegions says why
  const bad = flat.slice();
  bad[0] = NaN;
  assert.equal(countRegions(layers, bad, BOX), null);
  assert.throws(() => linearRegions(layers, bad, BOX), /finite/);
});
