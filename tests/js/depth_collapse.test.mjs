// node --test: the depth profile and the collapse of linear layers on their own.
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyLayers, product, pushSegment, rank, singularValues, straightness, COLLAPSE_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/collapse.js";
import { depthSizes, drawWeights, profile, runSliced, runToEnd, verdict } from "../../book/_static/widgets/lib/maths/depth.js";
import { BASIC_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/layers.js";
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";

function inputs(n, d, seed) {
  const rng = new PCG64(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.standardNormal());
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  return { X, y };
}

test("Box-Muller normals have mean 0 and variance 1", () => {
  const rng = new PCG64(5);
  let s = 0;
  let ss = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) {
    const z = rng.standardNormal();
    s += z;
    ss += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(ss / n - 1) < 0.01);
});

test("sigmoid gradients vanish through 30 layers, ReLU with He init keeps them", () => {
  const { X, y } = inputs(32, 40, 1);
  const sizes = depthSizes(30, 32);
  const sig = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "xavier", seed: 2 })), BASIC_ACTIVATIONS.sigmoid, X, y, 32));
  const relu = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "he", seed: 2 })), BASIC_ACTIVATIONS.relu, X, y, 32));
  assert.equal(sig.status, "vanishing");
  assert.equal(relu.status, "ok");
  assert.ok(sig.gradNorm[0] < 1e-6 * sig.gradNorm.at(-1));
  assert.ok(relu.dead.every((f) => f >= 0 && f <= 1));
});

test("the chapter's rule: sigmoid with Xavier weights vanishes at depth 4 already", () => {
  const { X, y } = inputs(32, 40, 1);
  const sizes = depthSizes(4, 32);
  const sig = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "xavier", seed: 0 })), BASIC_ACTIVATIONS.sigmoid, X, y, 32));
  assert.equal(sig.status, "vanishing");
  assert.equal(sig.severe, false);
  assert.ok(sig.backward[0] < sig.backward.at(-1) / 10);
});

test("the verdict: a backward signal changed more than 10 times vanishes or explodes, a million times is severe", () => {
  assert.equal(verdict([1, 0.5], [1, 1]).status, "ok");
  assert.equal(verdict([0.09, 1], [1, 1]).status, "vanishing"); // first 11 times smaller
  assert.equal(verdict([0.11, 1], [1, 1]).status, "ok");
  assert.equal(verdict([11, 1], [1, 1]).status, "exploding");
  assert.equal(verdict([1e-7, 1], [1, 1]).severe, true);
  assert.equal(verdict([1e-5, 1], [1, 1]).severe, false);
  assert.equal(verdict([0, 1], [1, 1]).status, "vanishing"); // nothing flows back
  // the forward spread is reported, not judged
  const alike = verdict([1, 1], [1, 0.05]);
  assert.equal(alike.status, "ok");
  assert.equal(alike.forwardShrinks, true);
});

test("ReLU with a gain of 3 explodes and huge gains overflow without NaN", () => {
  const { X, y } = inputs(16, 40, 3);
  const sizes = depthSizes(50, 32);
  const big = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "he", gain: 3, seed: 0 })), BASIC_ACTIVATIONS.relu, X, y, 16));
  assert.equal(big.status, "exploding");
  const huge = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "he", gain: 1e8, seed: 0 })), BASIC_ACTIVATIONS.relu, X, y, 16));
  assert.equal(huge.status, "overflow");
  for (const v of [...huge.actStd, ...huge.gradNorm]) assert.ok(v === null || Number.isFinite(v));
});

test("a sliced run gives the same profile as a run in one go", async () => {
  const { X, y } = inputs(16, 40, 4);
  const sizes = depthSizes(12, 16);
  const flat = runToEnd(drawWeights(sizes, { init: "lecun", seed: 1 }));
  const whole = runToEnd(profile(sizes, flat, BASIC_ACTIVATIONS.tanh, X, y, 16));
  const sliced = await runSliced(profile(sizes, flat, BASIC_ACTIVATIONS.tanh, X, y, 16), { budgetMs: 0 });
  assert.deepEqual(sliced, whole);
});

test("bad init names and gains are refused", () => {
  assert.throws(() => runToEnd(drawWeights([2, 2], { init: "nope" })), /unknown init/);
  assert.throws(() => runToEnd(drawWeights([2, 2], { gain: 0 })), /gain must be positive/);
});

test("identity layers equal their product to 1e-12 and keep lines straight", () => {
  const rng = new PCG64(7);
  for (let k = 2; k <= 5; k++) {
    const weights = Array.from({ length: k }, () => [[rng.uniform(-2, 2), rng.uniform(-2, 2)], [rng.uniform(-2, 2), rng.uniform(-2, 2)]]);
    const P = product(weights);
    for (let i = 0; i < 20; i++) {
      const p = [rng.uniform(-3, 3), rng.uniform(-3, 3)];
      const [u, v] = applyLayers(weights, COLLAPSE_ACTIVATIONS.identity, p);
      assert.ok(Math.abs(u - (p[0] * P[0][0] + p[1] * P[1][0])) < 1e-12 * (1 + Math.abs(u)));
      assert.ok(Math.abs(v - (p[0] * P[0][1] + p[1] * P[1][1])) < 1e-12 * (1 + Math.abs(v)));
    }
    assert.ok(straightness(pushSegment(weights, COLLAPSE_ACTIVATIONS.identity, [-2, -1], [2, 1.5])) < 1e-12);
  }
});

test("ReLU and tanh bend a line that crosses the kink", () => {
  const turn = [[1, 0.3], [0.2, 1]];
  for (const name of ["relu", "tanh", "leaky_relu"]) {
    const bend = straightness(pushSegment([turn, turn], COLLAPSE_ACTIVATIONS[name], [-2, -1], [2, 1.5]));
    assert.ok(bend > 1e-3, `${name}: ${bend}`);
  }
});

test("rank and singular values of 2x2 matrices", () => {
  assert.equal(rank([[1, 2], [2, 4]]), 1);
  assert.equal(rank([[0, 0], [0, 0]]), 0);
  assert.equal(rank([[2, 0], [0, 3]]), 2);
  const [s1, s2] = singularValues([[3, 0], [0, -2]]);
  assert.ok(Math.abs(s1 - 3) < 1e-15 && Math.abs(s2 - 2) < 1e-15);
});
