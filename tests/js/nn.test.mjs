// node --test: the trainer's math on its own (gradients against finite differences, the
// optimisers on a quadratic, numpy's generator on known draws, full batches draw nothing).
import assert from "node:assert/strict";
import { test } from "node:test";
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";
import { BASIC_ACTIVATIONS, Workspace, backwardPass, crossEntropyLoss, forwardPass } from "../../book/_static/widgets/lib/maths/layers.js";
import { MLP, Trainer, makeOptimizer } from "../../book/_static/widgets/lib/maths/nn.js";

function lossOf(net, X, y, n) {
  const work = new Workspace(net.sizes, n);
  forwardPass(net.layers, net.flatParams, net.activation, X, n, work, true);
  const C = net.sizes.at(-1);
  const dZ = new Float64Array(n * C);
  const loss = crossEntropyLoss(work.pre.at(-1), y, n, C, dZ);
  return { loss, work, dZ };
}

for (const name of ["tanh", "sigmoid", "relu"]) {
  test(`backprop equals central differences (${name})`, () => {
    const net = new MLP([3, 5, 4, 3], { activation: BASIC_ACTIVATIONS[name], init: "xavier", seed: 2 });
    const rng = new PCG64(9);
    const n = 7;
    const X = Float64Array.from({ length: n * 3 }, () => rng.uniform(-1, 1));
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const { work, dZ } = lossOf(net, X, y, n);
    const grad = new Float64Array(net.flatParams.length);
    backwardPass(net.layers, net.flatParams, X, n, work, dZ, grad);
    const h = 1e-6;
    for (let p = 0; p < grad.length; p++) {
      const keep = net.flatParams[p];
      net.flatParams[p] = keep + h;
      const up = lossOf(net, X, y, n).loss;
      net.flatParams[p] = keep - h;
      const down = lossOf(net, X, y, n).loss;
      net.flatParams[p] = keep;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - grad[p]) <= 1e-7 + 1e-5 * Math.abs(fd), `param ${p}: ${fd} vs ${grad[p]}`);
    }
  });
}

for (const name of ["sgd", "momentum", "adam"]) {
  test(`${name} minimises a quadratic`, () => {
    const p = Float64Array.from([3, -2, 0.5]);
    const opt = makeOptimizer(name, name === "adam" ? 0.05 : 0.05);
    for (let t = 0; t < 2000; t++) opt.step(p, Float64Array.from(p, (v) => 2 * v));
    for (const v of p) assert.ok(Math.abs(v) < 1e-3, `${name}: ${p}`);
  });
}

test("PCG64(0) gives numpy's first draws", () => {
  const g = new PCG64(0);
  const [hi, lo] = g.nextUint64();
  assert.equal(((BigInt(hi) << 32n) | BigInt(lo)).toString(), "11749869230777074271");
  assert.equal(new PCG64(0).random(), 0.6369616873214543);
  assert.deepEqual(Array.from(new PCG64(0).permutation(10)), [4, 6, 2, 7, 3, 5, 9, 0, 8, 1]);
});

test("seeds outside 0..2**53 are refused with a clear error", () => {
  assert.throws(() => new PCG64(-1), /seed must be an integer/);
  assert.throws(() => new PCG64(2 ** 53 + 2), /seed must be an integer/);
  assert.throws(() => new PCG64(0.5), /seed must be an integer/);
  assert.doesNotThrow(() => new PCG64(2 ** 53));
});

test("a full batch draws no random numbers and training lowers the loss", () => {
  const rng = new PCG64(1);
  const n = 40;
  const X = Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
  const y = Int32Array.from({ length: n }, (_, i) => (X[2 * i] * X[2 * i + 1] > 0 ? 1 : 0));
  const net = new MLP([2, 8, 2], { activation: BASIC_ACTIVATIONS.tanh, init: "xavier", seed: 0 });
  const tr = new Trainer(net, { X, y, n }, null, { optimizer: "adam", lr: 0.05, batchSize: null, seed: 3 });
  const before = tr.evaluate(tr.train).loss;
  for (let t = 0; t < 300; t++) tr.step();
  assert.equal(tr.epoch, 0);
  assert.ok(tr.evaluate(tr.train).loss < 0.5 * before);
});
