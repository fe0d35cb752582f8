// Gradients through depth: a deep net at initialisation on MNIST-1D inputs. Wires the
// controls to the settings (state/depth.js), the profile (maths/depth.js, run in slices) to the
// views (views/depth.js); the "Python for this state" module loads when its box is opened.

import { bind } from "../lib/maths/activations.js";
import { depthSizes, drawWeights, profile, runSliced } from "../lib/maths/depth.js";
import { pointwise } from "../lib/maths/layers.js";
import { INITS, WIDTHS, depthSettings } from "../lib/state/depth.js";
import { readSettings, writeSettings } from "../lib/state/settings.js";
import { statusAndReadouts } from "../lib/toolkit/page.js";
import { fmt } from "../lib/toolkit/plot.js";
import { numbersTable } from "../lib/toolkit/table.js";
import { el, numberField, parseNumber, select, slider } from "../lib/toolkit/ui.js";
import { chart, drawDeadChart, drawLogChart, layerTable, readouts, statusText } from "../lib/views/depth.js";

export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const [{ entries }, inputs] = await Promise.all([ctx.data("activations"), ctx.data("depth")]);
  const byName = new Map(entries.filter((e) => !e.counterexample).map((e) => [e.name, e]));
  const table = depthSettings([...byName.keys()]);
  const { settings: state, problem } = readSettings(table, { config: ctx.config, state: ctx.state });
  const X = Float64Array.from(inputs.X.flat());
  const y = Int32Array.from(inputs.y);
  const n = inputs.y.length;
  const set = (key) => (v) => {
    state[key] = v;
    recompute();
  };

  const controls = el("div", "bl-controls");
  const seedMax = table.seed.max;
  controls.append(
    select({ label: "Activation", options: [...byName.keys()].map((a) => [a, a]), value: state.act, onChange: set("act") }).root,
    select({ label: "Initialisation", options: Object.entries(INITS), value: state.init, onChange: set("init") }).root,
    slider({ label: "Gain on the spread", min: table.gain.min, max: table.gain.max, step: 0.05, value: state.gain,
      format: (v) => `× ${fmt(v, 3)}`, onInput: set("gain") }).root,
    slider({ label: "Hidden layers", min: table.depth.min, max: table.depth.max, step: 1, value: state.depth,
      format: String, onInput: set("depth") }).root,
    select({ label: "Units per layer", options: WIDTHS.map((w) => [String(w), String(w)]), value: String(state.width),
      onChange: (v) => set("width")(Number(v)) }).root,
    numberField({ label: "Seed", value: state.seed, min: 0, max: seedMax, step: 1,
      parse: (t) => parseNumber(t, 0, seedMax, "the seed", true), onChange: set("seed") }).root,
  );

  const row = el("div", "bl-row bl-row-equal");
  const charts = {
    grad: chart("Gradient size per layer"),
    spread: chart("Spread of each layer's activations"),
    dead: chart("Fraction of dead units per layer"),
  };
  for (const c of Object.values(charts)) {
    const panel = el("div", "bl-panel");
    panel.append(c.plot);
    row.append(panel);
  }
  const legend = el("p", "bl-note",
    "Solid: this net. Dotted: the chapter's net (10 hidden layers of 64 units, same activation and initialisation) where the chapter has it. "
    + `Inputs: the first ${n} MNIST-1D training signals; one backward pass of the cross-entropy loss, no training.`);
  const { stateLine, dl, outs } = statusAndReadouts({
    backward: "Backward signal ∂L/∂z: first hidden layer ÷ last",
    ratio: "Weight gradient: first layer ÷ output layer",
    spread: "Spread: first → last hidden layer",
    dead: "Dead units (φ′ = 0 on every input)",
  });
  const numbers = numbersTable("The charts' numbers as a table", "Per layer: gradient size, spread and dead fraction");
  const python = { box: el("details", "bl-fieldset"), code: el("code") };
  python.box.append(el("summary", "", "Python for this state"), el("pre", "bl-snippet"));
  python.box.lastChild.append(python.code);
  const writeSnippet = async () => {
    const { pythonSnippet } = await import("../lib/views/depth_python.js");
    if (python.box.open) python.code.textContent = pythonSnippet(state, n);
  };
  python.box.addEventListener("toggle", writeSnippet);
  app.append(controls, row, legend, stateLine, dl, numbers.box, python.box);

  let generation = 0;
  async function recompute(save = true) {
    const mine = ++generation;
    const cancelled = () => mine !== generation;
    stateLine.textContent = "Computing…";
    const fn = bind(state.act, Object.fromEntries(byName.get(state.act).params.map((p) => [p.name, p.default])));
    const sizes = depthSizes(state.depth, state.width, 40, 10);
    try {
      const flat = await runSliced(drawWeights(sizes, { init: state.init, gain: state.gain, seed: state.seed }), { isCancelled: cancelled });
      if (flat === null || cancelled()) return;
      const result = await runSliced(profile(sizes, flat, pointwise(state.act, fn.value, fn.grad), X, y, n), { isCancelled: cancelled });
      if (result === null || cancelled()) return;
      draw(result);
    } catch (error) {
      stateLine.textContent = `The computation failed: ${error.message}`;
    }
    if (save) ctx.saveState(writeSettings(table, state));
  }

  function draw(result) {
    const ref = state.gain === 1 ? inputs.reference[`${state.act}|${state.init}`] : undefined;
    drawLogChart(charts.grad, result.gradNorm, ref?.grad_norm, "‖∂L/∂W‖", 1);
    drawLogChart(charts.spread, result.actStd, ref?.spread, "spread across inputs", 1);
    drawDeadChart(charts.dead, result.dead, state.depth);
    const texts = readouts(result);
    numbers.show(...layerTable(result));
    if (python.box.open) writeSnippet();
    for (const [key, text] of Object.entries(texts)) outs[key].textContent = text;
    stateLine.textContent = statusText(result);
    const label = `Gradient size per layer for ${state.depth} ${state.act} layers: first ÷ output layer = ${texts.ratio}. ${stateLine.textContent}`;
    charts.grad.plot.setAttribute("aria-label", label);
    charts.grad.title.textContent = label;
    ctx.describe(`${state.depth} hidden layers of ${state.width} ${state.act} units, ${state.init} initialisation, gain ${state.gain}: ${stateLine.textContent}`);
  }

  await recompute(false);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
