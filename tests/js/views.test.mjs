// node --test: every kind's views drawn for fixed states and compared with committed snapshots
// (tests/js/snapshots, see snapshot.mjs), through a tiny DOM (dom_shim.mjs).
import { test } from "node:test";
import { bind } from "../../book/_static/widgets/lib/maths/activations.js";
import { COLLAPSE_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/collapse.js";
import { depthSizes, drawWeights, profile, runToEnd } from "../../book/_static/widgets/lib/maths/depth.js";
import { BASIC_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/layers.js";
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";
import { matrices, DEFAULT_WEIGHTS } from "../../book/_static/widgets/lib/state/collapse.js";
import { limits, snapped } from "../../book/_static/widgets/lib/state/hinges.js";
import * as activations from "../../book/_static/widgets/lib/views/activations.js";
import * as collapse from "../../book/_static/widgets/lib/views/collapse.js";
import * as depth from "../../book/_static/widgets/lib/views/depth.js";
import * as hinges from "../../book/_static/widgets/lib/views/hinges.js";
import * as trainer from "../../book/_static/widgets/lib/views/trainer.js";
import * as unitLines from "../../book/_static/widgets/lib/views/unit-lines.js";
import { installDom } from "./dom_shim.mjs";
import { assertSnapshot } from "./snapshot.mjs";

installDom();
const el = (tag) => document.createElement(tag);

test("activations: relu and gelu with a probe", () => {
  for (const [name, z] of [["relu", 1], ["gelu", -1.5]]) {
    const parts = activations.chart();
    const act = bind(name, {});
    const kinks = name === "relu" ? [0] : [];
    activations.drawCurves(parts, act, kinks);
    activations.drawProbe(parts, name, z, act.value(z), act.grad(z));
    assertSnapshot(`activations-${name}`, parts.plot);
  }
});

test("depth: sigmoid with Xavier weights, 6 layers", () => {
  const rng = new PCG64(1);
  const n = 16;
  const X = Float64Array.from({ length: n * 40 }, () => rng.standardNormal());
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  const sizes = depthSizes(6, 16);
  const result = runToEnd(profile(sizes, runToEnd(drawWeights(sizes, { init: "xavier", seed: 0 })), BASIC_ACTIVATIONS.sigmoid, X, y, n));
  const box = el("div");
  const [grad, dead] = [depth.chart("Gradient size per layer"), depth.chart("Fraction of dead units per layer")];
  depth.drawLogChart(grad, result.gradNorm, null, "‖∂L/∂W‖", 1);
  depth.drawDeadChart(dead, result.dead, 6);
  const words = el("p");
  words.textContent = `${depth.statusText(result)} ${JSON.stringify(depth.readouts(result))}`;
  box.append(grad.plot, dead.plot, words);
  assertSnapshot("depth-sigmoid-xavier-6", box);
});

test("collapse: three default layers, identity and ReLU", () => {
  for (const act of ["identity", "relu"]) {
    const weights = matrices(DEFAULT_WEIGHTS, 3);
    const out = collapse.outputPicture();
    const texts = collapse.readoutTexts(weights, act, COLLAPSE_ACTIVATIONS[act], collapse.drawOutput(out, weights, COLLAPSE_ACTIVATIONS[act]));
    const layer = collapse.layerPicture(0);
    collapse.drawLayer(layer, 0, weights[0], true);
    const words = el("p");
    words.textContent = JSON.stringify(texts);
    const box = el("div");
    box.append(layer.box, out.out, words);
    assertSnapshot(`collapse-${act}`, box);
  }
});

test("unit-lines: three lines, one pair parallel", () => {
  const parts = unitLines.square([-1.5, 1.5, -1.5, 1.5]);
  const units = [{ angle: 0, offset: 0.2 }, { angle: 0, offset: -0.5 }, { angle: 60, offset: 0.1 }];
  const texts = unitLines.drawSquare(parts, units, 2, 1.5);
  const words = el("p");
  words.textContent = JSON.stringify(texts);
  const box = el("div");
  box.append(parts.plot, words);
  assertSnapshot("unit-lines-three", box);
});

test("hinges: 5 snapped hinges on sin, and an edited model on |x|", () => {
  const targets = {
    sin: { description: "sin(x) on [0, 2π]", domain: [0, 2 * Math.PI], max_abs_f2: 1, name: "sin" },
    abs: { description: "|x| on [-1, 1] (kink at 0, no f'')", domain: [-1, 1], max_abs_f2: null, name: "abs" },
  };
  for (const [name, model, n] of [["sin", snapped(targets.sin, 5), 5], ["abs", { bias: 0.5, hinges: [{ k: -0.2, a: 1 }] }, null]]) {
    const info = targets[name];
    const p = hinges.charts();
    const g = hinges.drawMain(p, info, limits(info), model, 0, true, () => {});
    const texts = hinges.readoutTexts(info, limits(info), g, model.hinges.length, n);
    hinges.drawInset(p, info, limits(info), model.hinges.length, texts.values.error);
    const words = el("p");
    words.textContent = JSON.stringify({ ...texts, values: undefined });
    const box = el("div");
    box.append(p.plot, p.inset, words);
    assertSnapshot(`hinges-${name}`, box);
  }
});

test("trainer: curves on a log-steps axis, unit lines and the readouts", () => {
  const history = [0, 1, 3, 10, 30, 100, 300, 1000, 3000].map((step, i) => ({
    step, trainLoss: 0.7 / (1 + i), testLoss: 0.75 / (1 + 0.8 * i), trainAcc: 0.5 + 0.05 * i, testAcc: 0.5 + 0.04 * i }));
  const charts = trainer.curves();
  charts.draw(history);
  const view = trainer.picture();
  view.units([[1, 0, 0.2], [0.3, -1, 0.1], [0, 0, 1]], [-1.5, 1.5, -1.5, 1.5]);
  const settings = { data: "xor", activation: "relu", layers: [8] };
  const s = { steps: 3000, playing: false, exactCount: 7, dead: 0.125, rate: 0, status: "training" };
  const words = el("p");
  words.textContent = JSON.stringify(trainer.readoutTexts(s, { regionCount: 6 }, history.at(-1), settings));
  const box = el("div");
  box.append(charts.panel, view.overlay, words);
  assertSnapshot("trainer-curves", box);
});

test("a changed view fails and writes NAME-changed.svg; with CI set a missing snapshot fails", async () => {
  const { existsSync, rmSync } = await import("node:fs");
  const { default: assert } = await import("node:assert/strict");
  const name = "snapshot-self-test";
  const file = new URL(`./snapshots/${name}.svg`, import.meta.url);
  const changed = new URL(`./snapshots/${name}-changed.svg`, import.meta.url);
  const node = el("svg");
  node.setAttribute("width", "1");
  const ci = process.env.CI;
  try {
    process.env.CI = "1";
    assert.throws(() => assertSnapshot(name, node), /missing/);
    assert.equal(existsSync(file), false);
    delete process.env.CI;
    assertSnapshot(name, node); // written locally
    assertSnapshot(name, node); // and now equal
    node.setAttribute("width", "2");
    assert.throws(() => assertSnapshot(name, node), /changed/);
    assert.equal(existsSync(changed), true);
  } finally {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    rmSync(file, { force: true });
    rmSync(changed, { force: true });
  }
});
