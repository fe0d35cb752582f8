// The unit-lines explorer's exact regions (layerRegions in book/_static/widgets/exact_regions.js)
// and its line-arrangement counts (book/_static/widgets/regions_math.js).
import assert from "node:assert/strict";
import test from "node:test";

import { area, layerRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";
import { arrangementCount, explain } from "../../book/_static/widgets/lib/maths/arrangement.js";

const BOX = [-1, 1, -1, 1];

test("no unit: the whole box is one region", () => {
  const r = layerRegions([[], []], [], BOX);
  assert.equal(r.length, 1);
  assert.equal(r[0].area, 4);
});

test("the two axes cut the square into four quarters with the right patterns", () => {
  const r = layerRegions([[1, 0], [0, 1]], [0, 0], BOX);
  assert.equal(r.length, 4);
  const keys = r.map((x) => x.pattern.map(Number).join("")).sort();
  assert.deepEqual(keys, ["00", "01", "10", "11"]);
  for (const x of r) assert.ok(Math.abs(x.area - 1) < 1e-15);
});

test("three lines through one point give 6 regions, not 7", () => {
  const W = [[1, 0, 1], [0, 1, 1]];
  const r = layerRegions(W, [0, 0, 0], BOX);
  assert.equal(r.length, 6);
  assert.equal(arrangementCount(3), 7);
  const e = explain(W, [0, 0, 0], BOX);
  assert.equal(e.multiple, 1);
  assert.equal(e.predicted, 6);
});

test("areas tile the box; the formula is 1 + n + n(n-1)/2", () => {
  const W = [[0.3, -1.2, 0.8, 0.1], [1, 0.4, -0.7, -1.1]];
  const b = [0.1, -0.2, 0.05, 0.3];
  const r = layerRegions(W, b, BOX);
  const total = r.reduce((s, x) => s + x.area, 0);
  assert.ok(Math.abs(total - 4) < 1e-12);
  assert.deepEqual([0, 1, 2, 3, 12].map(arrangementCount), [1, 2, 4, 7, 79]);
  assert.equal(area([[0, 0], [1, 0], [1, 1], [0, 1]]), 1);
});

test("bad input is refused with a clear message", () => {
  assert.throws(() => layerRegions([[1], [0]], [0], [1, -1, 0, 1]), /xmin < xmax/);
  assert.throws(() => layerRegions([[1], [0]], [NaN], BOX), /finite/);
  assert.throws(() => layerRegions([[1, 2], [0]], [0], BOX), /one weight per unit/);
});
