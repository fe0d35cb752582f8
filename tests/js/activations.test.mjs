// The activation mirror: closed forms, the error function, and the explorer's summaries.
import assert from "node:assert/strict";
import test from "node:test";

import { bind, erf, erfc, FUNCTIONS, maxAbsSlope, normalMean } from "../../book/_static/widgets/lib/maths/activations.js";

const near = (a, b, rel = 1e-14) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test("erf and erfc hit known values, both tails included", () => {
  near(erf(1), 0.8427007929497149);
  near(erf(-0.3), -0.3286267594591274);
  near(erfc(0.3), 0.6713732405408726);
  near(erfc(5), 1.5374597944280349e-12);
  near(erfc(10), 2.088487583762545e-45);
  near(erfc(26), 5.663192408856143e-296, 1e-13);
  near(erfc(-2), 1.9953222650189528);
  assert.equal(erf(0), 0);
  assert.ok(Object.is(erf(-0), -0));
  assert.equal(erf(Infinity), 1);
  assert.equal(erfc(-Infinity), 2);
  assert.equal(erfc(40), 0);
  assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)));
});

test("prelu and swish_beta follow the registry's formulas", () => {
  const prelu = bind("prelu", { negative_slope: 0.25 });
  assert.equal(prelu.value(-2), -0.5);
  assert.equal(prelu.value(3), 3);
  assert.equal(prelu.grad(0), 0.25); // one-sided at the kink, like leaky_relu
  assert.equal(prelu.grad(1e-9), 1);
  const swish = bind("swish_beta", { beta: 2 });
  const s = 1 / (1 + Math.exp(-2 * 1.5));
  near(swish.value(1.5), 1.5 * s);
  near(swish.grad(1.5), s + 2 * 1.5 * s * (1 - s));
  const flat = bind("swish_beta", { beta: 0 });
  assert.equal(flat.value(3), 1.5); // beta = 0: z / 2
  assert.equal(flat.grad(-7), 0.5);
  const silu = bind("silu");
  for (const z of [-5, -1.2, 0, 0.7, 9]) near(bind("swish_beta", { beta: 1 }).value(z), silu.value(z), 1e-15);
});

test("bind refuses unknown names and bad parameters", () => {
  assert.throws(() => bind("relu7"), /unknown activation "relu7"/);
  assert.throws(() => bind("__proto__"), /unknown activation/);
  assert.throws(() => bind("elu", {}), /alpha must be a finite number/);
  assert.throws(() => bind("elu", { alpha: NaN }), /alpha must be a finite number/);
  assert.throws(() => bind("softplus", { beta: "1" }), /beta must be a finite number/);
});

test("every entry is finite at ordinary inputs where it is defined", () => {
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const p = Object.fromEntries(entry.params.map((k) => [k, 0.5]));
    const f = bind(name, p);
    for (const z of [0.5, 1, 2.5]) {
      assert.ok(Number.isFinite(f.value(z)) && Number.isFinite(f.grad(z)), `${name}(${z})`);
    }
  }
});

test("normalMean matches closed forms for a standard normal input (to 1e-9: 2,000 Simpson steps)", () => {
  const mean = (name, p = {}, kinks = []) => normalMean(bind(name, p).value, kinks);
  assert.ok(Math.abs(mean("identity")) < 1e-15);
  near(mean("relu", {}, [0]), 1 / Math.sqrt(2 * Math.PI), 1e-9);
  near(mean("square"), 1, 1e-9);
  assert.ok(Math.abs(mean("tanh")) < 1e-15);
  near(mean("sigmoid"), 0.5, 1e-9);
  // leaky ReLU: (1 - a) / sqrt(2 pi); hard_sigmoid is symmetric about (0, 1/2)
  near(mean("leaky_relu", { negative_slope: 0.1 }, [0]), 0.9 / Math.sqrt(2 * Math.PI), 1e-9);
  near(mean("hard_sigmoid", {}, [-3, 3]), 0.5, 1e-9);
  near(mean("step", {}, [0]), 0.5, 1e-9); // a jump at the cut: each side's own limit
  assert.ok(Number.isNaN(mean("sqrt", {}, [0])));
});

test("maxAbsSlope finds the steepest slope, infinite where it is unbounded", () => {
  near(maxAbsSlope(bind("sigmoid").grad, -8, 8), 0.25, 1e-11);
  near(maxAbsSlope(bind("tanh").grad, -8, 8), 1, 1e-11);
  assert.equal(maxAbsSlope(bind("relu").grad, -8, 8, [0]), 1);
  near(maxAbsSlope(bind("hard_sigmoid").grad, -8, 8, [-3, 3]), 1 / 6, 1e-15);
  near(maxAbsSlope(bind("gelu").grad, -8, 8), 1.1289, 1e-4);
  assert.equal(maxAbsSlope(bind("sqrt").grad, -8, 8, [0]), Infinity);
  assert.equal(maxAbsSlope(bind("step").grad, -8, 8, [0]), 0);
});
