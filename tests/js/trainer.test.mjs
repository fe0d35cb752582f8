// node --test: the trainer's settings (hash state checked field by field) and its session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASIC_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/layers.js";
import { MLP, gridPatterns } from "../../book/_static/widgets/lib/maths/nn.js";
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";
import { Session } from "../../book/_static/widgets/lib/maths/trainer.js";
import { trainerRuns } from "../../book/_static/widgets/lib/trainer_runs.js";
import { DEFAULTS, pythonSnippet, settingsFromState, settingsToState, validSettings } from "../../book/_static/widgets/lib/state/trainer.js";

const NAMES = ["identity", "relu", "tanh", "sigmoid"];

function toyData(n, seed) {
  const g = new PCG64(seed);
  const X = Array.from({ length: n }, () => [g.uniform(-1, 1), g.uniform(-1, 1)]);
  return { X, y: X.map(([a, b]) => (a * b > 0 ? 1 : 0)) };
}

test("settings survive a round trip through the hash", () => {
  const s = validSettings({ data: "moons", activation: "tanh", layers: [3, 16], init: "xavier", optimizer: "sgd",
    lr: 0.3, batch: "all", seed: 2 ** 53, added: [[0.5, -1.25, 1]] }, NAMES);
  const back = settingsFromState(settingsToState(s), NAMES);
  assert.deepEqual(back.settings, s);
  assert.equal(back.problem, false);
});

test("a malformed or hostile hash falls back to defaults, field by field", () => {
  const cases = [
    { data: "mnist" }, { act: "eval" }, { layers: "4-4-4-4" }, { layers: "17" }, { layers: "a" },
    { lr: "1e999" }, { lr: "0.02" }, { batch: "-1" }, { seed: "9007199254740993" }, { seed: "1.5" },
    { pts: "1,2" }, { pts: "0,0,2" }, { pts: "99,0,1" }, { opt: "lbfgs" }, { init: "he" }, { zzz: "1" },
  ];
  for (const state of cases) {
    const { settings, problem } = settingsFromState(state, NAMES);
    assert.equal(problem, true, JSON.stringify(state));
    const expected = validSettings({}, NAMES);
    assert.deepEqual(settings, expected, JSON.stringify(state));
  }
  const partly = settingsFromState({ data: "xor", lr: "banana" }, NAMES);
  assert.equal(partly.settings.data, "xor");
  assert.equal(partly.settings.lr, DEFAULTS.lr);
  assert.equal(partly.problem, true);
});

test("the session's region grid equals gridPatterns for ReLU", () => {
  const { X, y } = toyData(60, 1);
  const settings = validSettings({ layers: [6, 5], seed: 3 }, NAMES);
  const session = new Session(settings, { X, y }, { X, y }, BASIC_ACTIVATIONS.relu, { kinks: [0] });
  session.run(20);
  const bounds = [-1.5, 1.5, -1.2, 1.4];
  const field = session.field(bounds, 37);
  const net = MLP.fromFlat(session.net.sizes, session.net.flatParams, BASIC_ACTIVATIONS.relu);
  const ref = gridPatterns(net, bounds, 37);
  assert.equal(field.count, ref.count);
  const pairs = new Set(Array.from(field.regions, (id, i) => `${id}:${ref.labels[i]}`));
  assert.equal(pairs.size, ref.count);
  for (const p of field.prob) assert.ok(p >= 0 && p <= 1);
});

test("the top learning rate gives a clear state, never NaN on screen", () => {
  const { X, y } = toyData(80, 2);
  const settings = validSettings({ activation: "relu", layers: [16, 16, 16], optimizer: "sgd", lr: 10, batch: 1 }, NAMES);
  const session = new Session(settings, { X, y }, { X, y }, BASIC_ACTIVATIONS.relu, { kinks: [0] });
  session.run(3000);
  session.record();
  assert.ok(["diverged", "diverging", "training"].includes(session.status()));
  for (const e of session.history) for (const v of [e.trainLoss, e.testLoss, e.trainAcc, e.testAcc]) assert.ok(Number.isFinite(v));
  const field = session.field([-1, 1, -1, 1], 8);
  for (const p of field.prob) assert.ok(!Number.isNaN(p));
});

test("sigmoid with huge weights stops as diverged, not NaN", () => {
  const { X, y } = toyData(40, 3);
  const settings = validSettings({ activation: "sigmoid", layers: [4], optimizer: "sgd", lr: 10, batch: "all" }, NAMES);
  const session = new Session(settings, { X, y }, { X, y }, BASIC_ACTIVATIONS.sigmoid);
  session.net.flatParams.fill(1e308); // the logits overflow to infinity
  session.run(5);
  assert.equal(session.status(), "diverged");
  assert.ok(session.history.every((e) => Number.isFinite(e.trainLoss)));
});

test("the snippet names the same data, net and training", () => {
  const s = validSettings({ data: "circles", activation: "tanh", layers: [], init: "xavier", lr: 0.03, batch: 25, seed: 7 }, NAMES);
  const text = pythonSnippet(s, 123, { n_train: 200, n_test: 200, seed: 0 });
  assert.match(text, /data\.load\("circles", n_train=200, n_test=200, seed=0\)/);
  assert.match(text, /MLP\(\[2, 2\], activation="tanh", init="xavier", seed=7\)/);
  assert.match(text, /optimizer="adam", lr=0\.03,\n\s+batch_size=25, steps=123, seed=7/);
  assert.doesNotMatch(text, /import numpy/);
});

test("an activation undefined for negative inputs gives the diverged state at once", async () => {
  const { pointwise } = await import("../../book/_static/widgets/lib/maths/layers.js");
  const sqrt = pointwise("sqrt", Math.sqrt, (x) => 1 / (2 * Math.sqrt(x)));
  const { X, y } = toyData(30, 4);
  const settings = validSettings({ activation: "sqrt", layers: [4] }, [...NAMES, "sqrt"]);
  const session = new Session(settings, { X, y }, { X, y }, sqrt);
  assert.equal(session.status(), "diverged");
  assert.equal(session.history.length, 0);
  session.run(10);
  assert.equal(session.steps, 0);
});

test("only the newest start's replies reach the page, and the widget is busy until the first", () => {
  const worker = { sent: [], postMessage(msg) { this.sent.push(msg); } };
  const attributes = new Map();
  const busy = { setAttribute: (k, v) => attributes.set(k, v), removeAttribute: (k) => attributes.delete(k) };
  const shown = [];
  const errors = [];
  const runs = trainerRuns(worker, busy, { snapshot: (msg) => shown.push(msg.steps), error: (text) => errors.push(text) });
  const first = runs.begin();
  const second = runs.begin(); // a quick second change, before the worker answered the first
  assert.equal(attributes.get("aria-busy"), "true");
  assert.equal(runs.isNewest(first), false);
  assert.equal(runs.isNewest(second), true);
  runs.send({ type: "init", run: second });
  assert.deepEqual(worker.sent, [{ type: "init", run: second }]);
  worker.onmessage({ data: { type: "snapshot", run: first, steps: 1 } }); // late: dropped
  assert.deepEqual(shown, []);
  assert.equal(attributes.get("aria-busy"), "true");
  worker.onmessage({ data: { type: "snapshot", run: second, steps: 2 } });
  assert.deepEqual(shown, [2]);
  assert.equal(attributes.has("aria-busy"), false);
  worker.onmessage({ data: { type: "error", message: "boom" } });
  worker.onerror({ message: "no module" });
  assert.deepEqual(errors, ["Training stopped: boom", "The training worker failed to start (no module)."]);
});
