// Gradients through depth (the vanishing-gradients figure): a deep net at initialisation
// on MNIST-1D inputs. The reader picks the activation, the initialisation (Xavier, He, LeCun)
// and a gain on its spread, the depth (1 to 50), the width and the seed; the plots show each
// layer's gradient size (log scale), the spread of each layer's activations and the fraction
// of dead units, with the chapter's published curves as faint references. The math is
// depth_math.js (checked against bendlines' backward pass); it runs in slices of a few
// milliseconds, so the page never stalls, even at depth 50.

import { bind } from "../lib/maths/activations.js";
import { depthSizes, drawWeights, profile, runSliced } from "../lib/maths/depth.js";
import { pointwise } from "../lib/maths/layers.js";
import { MAX_SEED } from "../lib/maths/pcg64.js";
import { axes, fmt, linear, linePath, log10, svg } from "../lib/toolkit/plot.js";
import { readNumber } from "../lib/state/hash.js";
import { el, numberField, parseNumber, select, slider } from "../lib/toolkit/ui.js";
import { statusAndReadouts } from "../lib/toolkit/page.js";

const W = 320;
const H = 200;
const M = { left: 52, right: 10, top: 22, bottom: 34 };
const WIDTHS = [8, 16, 32, 64]; // 64 units: each layer's slice of work stays a few ms
const INITS = { xavier: "Xavier (variance 2/(n_in + n_out))", he: "He (variance 2/n_in)", lecun: "LeCun (variance 1/n_in)" };
const STATUS = {
  ok: "Healthy by the chapter's rule: the gradient (the backward signal ∂L/∂z) changes by less than 10 times between the last and the first hidden layer.",
  vanishing: "Vanishing, by the chapter's rule: the gradient (the backward signal ∂L/∂z) of the first hidden layer is more than 10 times smaller than the last's.",
  exploding: "Exploding: the gradient (the backward signal ∂L/∂z) of the first hidden layer is more than 10 times larger than the last's.",
  overflow: "Overflow: some values grew past the largest number a computer stores (about 10³⁰⁸); they are left out.",
};
const SEVERE = " Severe: more than a million times.";
const FORWARD = " The forward spread shrinks by more than 10 times: different inputs look more and more alike.";

export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const [{ entries }, inputs] = await Promise.all([ctx.data("activations"), ctx.data("depth")]);
  const usable = entries.filter((e) => !e.counterexample);
  const byName = new Map(usable.map((e) => [e.name, e]));
  const state = {
    act: byName.has(ctx.config.activation) ? ctx.config.activation : "sigmoid",
    init: ctx.config.init ?? "xavier",
    gain: 1,
    depth: ctx.config.depth ?? 10,
    width: 64,
    seed: 0,
  };
  let problem = ctx.hashProblem;
  const s = ctx.state;
  const setIf = (key, ok, value) => {
    if (s[key] === undefined) return;
    if (ok) state[key] = value;
    else problem = true;
  };
  setIf("act", byName.has(s.act), s.act);
  setIf("init", Object.hasOwn(INITS, s.init ?? ""), s.init);
  const gain = readNumber(s.gain, 0.25, 3);
  setIf("gain", gain !== undefined, gain);
  const depth = readNumber(s.depth, 1, 50);
  setIf("depth", Number.isInteger(depth), depth);
  const width = readNumber(s.width, 8, 64);
  setIf("width", WIDTHS.includes(width), width);
  const seed = readNumber(s.seed, 0, MAX_SEED);
  setIf("seed", Number.isInteger(seed), seed);

  const X = Float64Array.from(inputs.X.flat());
  const y = Int32Array.from(inputs.y);
  const n = inputs.y.length;

  // --- controls ---
  const controls = el("div", "bl-controls");
  const actPick = select({ label: "Activation", options: usable.map((e) => [e.name, e.name]), value: state.act,
    onChange(v) { state.act = v; recompute(); } });
  const initPick = select({ label: "Initialisation", options: Object.entries(INITS), value: state.init,
    onChange(v) { state.init = v; recompute(); } });
  const gainSlider = slider({ label: "Gain on the spread", min: 0.25, max: 3, step: 0.05, value: state.gain,
    format: (v) => `× ${fmt(v, 3)}`, onInput(v) { state.gain = v; recompute(); } });
  const depthSlider = slider({ label: "Hidden layers", min: 1, max: 50, step: 1, value: state.depth,
    format: String, onInput(v) { state.depth = v; recompute(); } });
  const widthPick = select({ label: "Units per layer", options: WIDTHS.map((w) => [String(w), String(w)]), value: String(state.width),
    onChange(v) { state.width = Number(v); recompute(); } });
  const seedField = numberField({ label: "Seed", value: state.seed, min: 0, max: MAX_SEED, step: 1,
    parse: (t) => parseNumber(t, 0, MAX_SEED, "the seed", true), onChange(v) { state.seed = v; recompute(); } });
  controls.append(actPick.root, initPick.root, gainSlider.root, depthSlider.root, widthPick.root, seedField.root);

  // --- plots ---
  const row = el("div", "bl-row");
  const makePlot = (label) => {
    const box = el("div", "bl-panel");
    const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
    const title = svg("title", {}, plot);
    title.textContent = label;
    const g = svg("g", {}, plot);
    const ref = svg("path", { class: "bl-ref" }, plot);
    const bars = svg("g", {}, plot);
    const curve = svg("path", { class: "bl-curve bl-blue" }, plot);
    box.append(plot);
    row.append(box);
    return { plot, title, g, ref, bars, curve };
  };
  const gradPlot = makePlot("Gradient size per layer");
  const spreadPlot = makePlot("Spread of each layer's activations");
  const deadPlot = makePlot("Fraction of dead units per layer");
  const legend = el("p", "bl-note",
    "Solid: this net. Dotted: the chapter's net (10 hidden layers of 64 units, same activation and initialisation) where the chapter has it. "
    + `Inputs: the first ${n} MNIST-1D training signals; one backward pass of the cross-entropy loss, no training.`);
  const { stateLine, dl, outs } = statusAndReadouts({
    backward: "Backward signal ∂L/∂z: first hidden layer ÷ last",
    ratio: "Weight gradient: first layer ÷ output layer",
    spread: "Spread: first → last hidden layer",
    dead: "Dead units (φ′ = 0 on every input)",
  });
  app.append(controls, row, legend, stateLine, dl);

  let generation = 0;
  async function recompute(save = true) {
    const mine = ++generation;
    stateLine.textContent = "Computing…";
    const fn = bind(state.act, Object.fromEntries(byName.get(state.act).params.map((p) => [p.name, p.default])));
    const activation = pointwise(state.act, fn.value, fn.grad);
    const sizes = depthSizes(state.depth, state.width, 40, 10);
    const cancelled = () => mine !== generation;
    try {
      const flat = await runSliced(drawWeights(sizes, { init: state.init, gain: state.gain, seed: state.seed }), { isCancelled: cancelled });
      if (flat === null || cancelled()) return;
      const result = await runSliced(profile(sizes, flat, activation, X, y, n), { isCancelled: cancelled });
      if (result === null || cancelled()) return;
      draw(result);
    } catch (error) {
      stateLine.textContent = `The computation failed: ${error.message}`;
    }
    if (save) ctx.saveState({ act: state.act, init: state.init, gain: state.gain, depth: state.depth, width: state.width, seed: state.seed });
  }

  function logPlot(p, values, refValues, yLabel, first) {
    const layers = values.map((_, i) => i + first);
    const positive = [...values, ...(refValues ?? [])].filter((v) => v !== null && v > 0 && Number.isFinite(v));
    let lo = positive.length ? Math.min(...positive) : 1e-3;
    let hi = positive.length ? Math.max(...positive) : 1;
    lo = Math.max(1e-300, 10 ** Math.floor(Math.log10(lo)));
    hi = Math.min(1e300, 10 ** Math.ceil(Math.log10(hi)));
    if (hi <= lo) hi = lo * 10;
    const maxLayer = Math.max(layers.at(-1) ?? 1, refValues ? refValues.length - 1 + first : 1, first + 1);
    const sx = linear([first, maxLayer], [M.left, W - M.right]);
    const sy = log10([lo, hi], [H - M.bottom, M.top]);
    const decades = Math.log10(hi / lo);
    const every = Math.max(1, Math.ceil(decades / 5));
    const yTicks = sy.ticks().filter((t) => Math.round(Math.log10(t)) % every === 0);
    axes(p.g, sx, sy, { xLabel: "layer (1 = input side)", yLabel, yTicks, xTicks: sx.ticks(5).filter(Number.isInteger),
      format: (v) => (v >= 1e-2 && v <= 1e3 ? fmt(v, 2) : `10^${Math.round(Math.log10(v))}`.replace("-", "−")) });
    const ys = values.map((v) => (v !== null && v > 0 ? v : NaN));
    p.curve.setAttribute("d", linePath(layers, ys, sx, sy, 0));
    p.ref.setAttribute("d", refValues ? linePath(refValues.map((_, i) => i + first), refValues, sx, sy, 0) : "");
  }

  function draw(result) {
    const key = `${state.act}|${state.init}`;
    const ref = state.gain === 1 ? inputs.reference[key] : undefined;
    logPlot(gradPlot, result.gradNorm, ref?.grad_norm, "‖∂L/∂W‖", 1);
    logPlot(spreadPlot, result.actStd, ref?.spread, "spread across inputs", 1);
    // dead fraction: bars in [0, 1]
    const sx = linear([0.5, state.depth + 0.5], [M.left, W - M.right]);
    const sy = linear([0, 1], [H - M.bottom, M.top]);
    axes(deadPlot.g, sx, sy, { xLabel: "hidden layer", yLabel: "dead fraction", xTicks: sx.ticks(5).filter((t) => Number.isInteger(t) && t >= 1), yTicks: [0, 0.5, 1] });
    deadPlot.bars.replaceChildren();
    const bw = Math.max(1, (sx(1.5) - sx(0.5)) * 0.8);
    result.dead.forEach((f, i) => {
      if (f > 0) svg("rect", { class: "bl-bar", x: sx(i + 1) - bw / 2, y: sy(f), width: bw, height: sy(0) - sy(f) }, deadPlot.bars);
    });
    deadPlot.curve.setAttribute("d", "");
    deadPlot.ref.setAttribute("d", "");

    const b0 = result.backward[0];
    const b1 = result.backward.at(-1);
    outs.backward.textContent = b0 !== null && b1 !== null && b1 > 0 ? fmt(b0 / b1, 3) : "not defined (a signal overflowed or is zero)";
    const first = result.gradNorm[0];
    const last = result.gradNorm.at(-1);
    outs.ratio.textContent = first !== null && last !== null && last > 0 ? fmt(first / last, 3) : "not defined (a gradient overflowed or is zero)";
    const a0 = result.actStd[0];
    const a1 = result.actStd.at(-1);
    outs.spread.textContent = `${a0 === null ? "overflow" : fmt(a0, 3)} → ${a1 === null ? "overflow" : fmt(a1, 3)}`;
    const meanDead = result.dead.reduce((a, b) => a + b, 0) / Math.max(1, result.dead.length);
    outs.dead.textContent = `${fmt(100 * meanDead, 3)}% on average, ${fmt(100 * Math.max(...result.dead, 0), 3)}% at most`;
    const status = (STATUS[result.status] ?? "") + (result.severe ? SEVERE : "") + (result.forwardShrinks ? FORWARD : "");
    stateLine.textContent = status;
    gradPlot.plot.setAttribute("aria-label", `Gradient size per layer for ${state.depth} ${state.act} layers: first ÷ output layer = ${outs.ratio.textContent}. ${status}`);
    gradPlot.title.textContent = gradPlot.plot.getAttribute("aria-label");
  }

  await recompute(false);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
