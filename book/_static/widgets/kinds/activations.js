// The activation explorer (gallery): any registry entry, its parameter, a probe point. Shows
// phi and phi' with kinks marked, the gallery's properties, the largest slope and its power for
// a depth L (the vanishing-gradient argument), and the mean output E[phi(z)] for a standard
// normal z. This module wires controls to the settings (state/activations.js) and the maths
// (maths/activations.js, checked against bendlines.activations) to the views
// (views/activations.js); names, parameters, grids and properties come from the build's JSON.

import { bind, maxAbsSlope, normalMean } from "../lib/maths/activations.js";
import { activationSettings, gridIndex, MAX_DEPTH, Z_RANGE } from "../lib/state/activations.js";
import { readSettings, writeSettings } from "../lib/state/settings.js";
import { drag, fmt } from "../lib/toolkit/plot.js";
import { el, numberField, parseNumber, readout, select, slider } from "../lib/toolkit/ui.js";
import { chart, curveTable, drawCurves, drawProbe, kinksOf, probeTexts, propertyTexts, pythonSnippet } from "../lib/views/activations.js";
import { codeBox } from "../lib/toolkit/code.js";
import { numbersTable } from "../lib/toolkit/table.js";

const SLOPE_RANGE = [-8, 8];
// The book's bibliography page, two folders up from this module (_static/widgets/kinds/).
const BIBLIOGRAPHY = new URL("../../../bibliography.html", import.meta.url).href;

export async function mount(app, ctx) {
  const { entries } = await ctx.data("activations");
  const byName = new Map(entries.map((e) => [e.name, e]));
  const table = activationSettings(entries);
  const { settings: state, problem } = readSettings(table, { config: ctx.config, state: ctx.state });
  const summaries = new Map();
  let act = null;
  let summary = null;

  const controls = el("div", "bl-controls");
  const pick = select({ label: "Activation", options: entries.map((e) => [e.name, e.counterexample ? `${e.name} (counterexample)` : e.name]),
    value: state.name, onChange(name) {
      state.name = name;
      state.p = byName.get(name).params[0]?.default;
      rebuildParam();
      update();
    } });
  const paramBox = el("div", "bl-control-slot");
  const probe = slider({ label: "Probe z", min: Z_RANGE[0], max: Z_RANGE[1], step: 0.05, value: state.z, format: (v) => fmt(v, 3),
    onInput(v) { state.z = v; update(false); } });
  const depth = numberField({ label: "Depth L", value: state.depth, min: 1, max: MAX_DEPTH, step: 1,
    parse: (text) => parseNumber(text, 1, MAX_DEPTH, "the depth L", true), onChange(v) { state.depth = v; update(false); } });
  controls.append(pick.root, paramBox, probe.root, depth.root);

  const parts = chart();
  const legend = el("p", "bl-note", "Solid: φ(z). Dashed: φ′(z). Dotted lines: kinks. Drag on the plot or use the Probe slider to move z.");
  const note = el("p", "bl-note");
  const dl = el("dl", "bl-readouts");
  const labels = { value: "φ(z)", grad: "φ′(z)", range: "Output range", monotonic: "Monotonic", smooth: "Smooth",
    mean: "Mean output E[φ(z)], z standard normal", bounded: "Bounded", kinks: "Kinks", slope: "max |φ′| on [−8, 8]", power: "(max |φ′|)ᴸ" };
  const out = Object.fromEntries(Object.entries(labels).map(([key, label]) => [key, readout(dl, label)]));
  const python = codeBox("Python for this state", () => {
    const p = byName.get(state.name).params[0];
    return pythonSnippet(state.name, p, state.p, state.z, state.depth);
  });
  const numbers = numbersTable("The chart's numbers as a table", "φ(z) and φ′(z) every half unit of z");
  app.append(controls, parts.plot, legend, note, dl, numbers.box, python.box);

  function rebuildParam() {
    const p = byName.get(state.name).params[0];
    paramBox.replaceChildren(...(p ? [slider({ label: p.name.replace(/_/g, " "), min: 0, max: p.grid.length - 1, step: 1,
      value: gridIndex(p.grid, state.p), format: (i) => fmt(p.grid[i], 3), onInput(i) { state.p = p.grid[i]; update(); } }).root] : []));
  }

  function update(full = true, save = true) {
    const entry = byName.get(state.name);
    const p = entry.params[0];
    const props = p ? p.properties[gridIndex(p.grid, state.p)] : entry.properties;
    const kinks = kinksOf(props);
    if (full || !act) {
      act = bind(state.name, p ? { [p.name]: state.p } : {});
      const key = `${state.name}:${state.p}`;
      if (!summaries.has(key)) summaries.set(key, { slope: maxAbsSlope(act.grad, ...SLOPE_RANGE, kinks), mean: normalMean(act.value, kinks) });
      summary = summaries.get(key);
      drawCurves(parts, act, kinks);
      numbers.show(...curveTable(act));
      const source = el("a", "", entry.cite_text);
      source.href = BIBLIOGRAPHY;
      note.replaceChildren(`${entry.note} (`, source, ")");
      for (const [k, text] of Object.entries(propertyTexts(props, kinks, summary))) out[k].textContent = text;
    }
    const [v, g] = [act.value(state.z), act.grad(state.z)];
    for (const [k, text] of Object.entries(probeTexts(v, g, summary.slope, state.depth))) out[k].textContent = text;
    drawProbe(parts, state.name, state.z, v, g);
    ctx.describe(`${state.name}${p ? ` with ${p.name} = ${fmt(state.p, 3)}` : ""}: φ(${fmt(state.z, 3)}) = ${out.value.textContent}, φ′ = ${out.grad.textContent}; (max |φ′|)ᴸ = ${out.power.textContent}.`);
    if (python.box.open) python.code.textContent = pythonSnippet(state.name, p, state.p, state.z, state.depth);
    if (save) ctx.saveState(writeSettings(table, state));
  }

  const moveTo = (point) => {
    if (!point) return;
    const z = Math.round(Math.min(Z_RANGE[1], Math.max(Z_RANGE[0], parts.sx.invert(point[0]))) / 0.05) * 0.05;
    probe.set(Number(z.toFixed(2)), true);
  };
  drag(parts.plot, parts.plot, { onStart: moveTo, onMove: moveTo, touchAction: "pan-y" });

  rebuildParam();
  update(true, false);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
