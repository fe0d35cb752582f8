// The hinge builder's math (book/_static/widgets/hinge_math.js).
import assert from "node:assert/strict";
import test from "node:test";

import { hingeSum, interpolant, interpolationBound, maxError, maxErrorOfSum, snap, uniformKnots } from "../../book/_static/widgets/lib/maths/hinges.js";

test("the interpolant of |x| on -1, 0, 1 is -1 relu(x + 1) + 2 relu(x)", () => {
  const g = interpolant([-1, 0, 1], [1, 0, 1]);
  assert.deepEqual(g.weights, [-1, 2]);
  assert.equal(g.bias, 1);
  assert.equal(g.evaluate(-0.5), 0.5);
  assert.equal(g.evaluate(0.25), 0.25);
});

test("uniform knots end exactly at the domain's ends", () => {
  const k = uniformKnots(0, 2 * Math.PI, 7);
  assert.equal(k.length, 8);
  assert.equal(k[0], 0);
  assert.equal(k[7], 2 * Math.PI);
  assert.throws(() => uniformKnots(0, 1, 0), /whole number >= 1/);
  assert.throws(() => uniformKnots(0, 1, 2.5), /whole number >= 1/);
});

test("bad knots or values are refused with a clear message", () => {
  assert.throws(() => interpolant([0], [1]), /at least 2 knots/);
  assert.throws(() => interpolant([0, 0, 1], [1, 2, 3]), /strictly increasing/);
  assert.throws(() => interpolant([0, 1], [1, NaN]), /finite at every knot/);
});

test("snapped interpolants meet the bound h^2/8 max|f''| and quarter the error when n doubles", () => {
  const f = Math.sin;
  const domain = [0, 2 * Math.PI];
  let previous = Infinity;
  for (const n of [8, 16, 32, 64]) {
    const err = maxError(snap("sin", domain, n).evaluate, f, domain);
    assert.ok(err <= interpolationBound(1, (2 * Math.PI) / n) * (1 + 1e-12), `n = ${n}`);
    if (previous < Infinity) assert.ok(Math.abs(previous / err - 4) < 0.3, `ratio ${previous / err}`);
    previous = err;
  }
});

test("a hinge sum with no hinges is its constant; terms add up to the sum", () => {
  assert.equal(hingeSum(0.3, [], []).evaluate(5), 0.3);
  const g = hingeSum(1, [0, 1], [2, -3]);
  for (const x of [-1, 0.5, 2]) assert.equal(g.evaluate(x), 1 + g.term(0, x) + g.term(1, x));
});

test("the one-sweep error equals the hinge-by-hinge error, hinges in any order", () => {
  const f = (x) => Math.sin(3 * x);
  const kinks = [0.9, -0.2, 0.4, -1.5, 1.1];
  const weights = [1.5, -2, 0.7, 0.3, -1.1];
  const g = hingeSum(0.2, kinks, weights);
  const a = maxError(g.evaluate, f, [-1, 1.2], 5001);
  const b = maxErrorOfSum(0.2, kinks, weights, f, [-1, 1.2], 5001);
  assert.ok(Math.abs(a - b) <= 1e-13 * a, `${a} vs ${b}`);
});
