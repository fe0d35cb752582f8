// The collapse of linear layers (chapter 1, "lines stay lines"): 2 to 5 layers of 2x2
// weights. The reader drags each layer's two basis arrows (where the layer sends (1, 0) and
// (0, 1)) or moves the sliders, and switches the activation. The right panel pushes a grid and
// three straight lines through the layers; the readouts give the product matrix W₁W₂⋯Wₖ,
// its rank and how far the pushed lines bend. This module wires controls to the settings
// (state/collapse.js) and the maths (maths/collapse.js) to the views (views/collapse.js).

import { COLLAPSE_ACTIVATIONS } from "../lib/maths/collapse.js";
import { COLLAPSE_SETTINGS, DEFAULT_WEIGHTS, MAX_LAYERS, RANGE, STEP, matrices, resize, snap } from "../lib/state/collapse.js";
import { readSettings, writeSettings } from "../lib/state/settings.js";
import { drag, fmt } from "../lib/toolkit/plot.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";
import { ACTIVATION_NAMES, drawLayer, drawOutput, layerPicture, layerX, layerY, matrixTable, outputPicture, pythonSnippet, readoutTexts } from "../lib/views/collapse.js";
import { codeBox } from "../lib/toolkit/code.js";
import { numbersTable } from "../lib/toolkit/table.js";

const ENTRIES = [["Arrow 1 (image of (1, 0)): x", 0], ["Arrow 1: y", 1], ["Arrow 2 (image of (0, 1)): x", 2], ["Arrow 2: y", 3]];

export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const { settings: state, problem } = readSettings(COLLAPSE_SETTINGS, { config: ctx.config, state: ctx.state });
  state.w = resize(state.w, state.k);

  const controls = el("div", "bl-controls");
  const layersPick = select({ label: "Layers", options: Array.from({ length: MAX_LAYERS - 1 }, (_, i) => [String(i + 2), String(i + 2)]),
    value: String(state.k), onChange(v) {
      state.k = Number(v);
      state.w = resize(state.w, state.k);
      state.sel = Math.min(state.sel, state.k);
      rebuildLayers();
      update();
    } });
  const actPick = select({ label: "Activation between layers", options: Object.entries(ACTIVATION_NAMES), value: state.act,
    onChange(v) { state.act = v; update(); } });
  const selPick = select({ label: "Edit layer", options: [], value: "1", onChange(v) { state.sel = Number(v); syncSliders(); update(); } });
  const reset = button("Reset weights", () => {
    state.w = DEFAULT_WEIGHTS.slice(0, 4 * state.k);
    syncSliders();
    update();
  });
  controls.append(layersPick.root, actPick.root, selPick.root, reset);
  const sliderBox = el("div", "bl-controls");
  const sliders = ENTRIES.map(([label, j]) => slider({ label, min: -RANGE, max: RANGE, step: STEP, value: state.w[4 * (state.sel - 1) + j],
    format: (v) => fmt(v, 3), onInput(v) { state.w[4 * (state.sel - 1) + j] = v; update(); } }));
  sliderBox.append(...sliders.map((x) => x.root));

  const row = el("div", "bl-row");
  const layerRow = el("div", "bl-row");
  const outPanel = el("div", "bl-panel");
  const output = outputPicture();
  outPanel.append(output.out, el("p", "bl-caption", "Output: the grid and three straight lines after all layers"));
  row.append(layerRow, outPanel);
  const legend = el("p", "bl-note",
    "Each small square is one layer: drag the orange and blue arrow tips (or use the sliders of the layer being edited). "
    + "With the identity activation the whole stack is the single matrix below, and every line stays a line.");
  const dl = el("dl", "bl-readouts bl-readouts-wide");
  const outs = { product: readout(dl, "Product W₁W₂⋯Wₖ"), rank: readout(dl, "Rank of the product"),
    bend: readout(dl, "Largest bend of a pushed line"), verdict: readout(dl, "What this shows") };
  outs.product.classList.add("bl-matrix");
  const python = codeBox("Python for this state", () => pythonSnippet(matrices(state.w, state.k), state.act));
  const numbers = numbersTable("The pictures' numbers as a table", "Each layer's matrix and their product");
  app.append(controls, sliderBox, row, legend, dl, numbers.box, python.box);
  let views = [];

  function rebuildLayers() {
    selPick.input.replaceChildren(...Array.from({ length: state.k }, (_, l) => Object.assign(el("option", "", `Layer ${l + 1}`), { value: String(l + 1) })));
    views = Array.from({ length: state.k }, (_, l) => {
      const view = layerPicture(l);
      view.zones.forEach((zone, i) => {
        const move = (point) => {
          if (!point) return;
          state.sel = l + 1;
          state.w.splice(4 * l + 2 * i, 2, snap(layerX.invert(point[0])), snap(layerY.invert(point[1])));
          syncSliders();
          update();
        };
        drag(zone, view.pic, { onStart: move, onMove: move });
      });
      return view;
    });
    layerRow.replaceChildren(...views.map((v) => v.box));
    syncSliders();
  }

  function syncSliders() {
    selPick.input.value = String(state.sel);
    ENTRIES.forEach(([, j], i) => {
      sliders[i].set(state.w[4 * (state.sel - 1) + j]);
    });
  }

  function update(save = true) {
    const weights = matrices(state.w, state.k);
    const phi = COLLAPSE_ACTIVATIONS[state.act];
    views.forEach((view, l) => {
      drawLayer(view, l, weights[l], l + 1 === state.sel);
    });
    const texts = readoutTexts(weights, state.act, phi, drawOutput(output, weights, phi));
    for (const key of Object.keys(outs)) outs[key].textContent = texts[key];
    numbers.show(...matrixTable(weights));
    output.out.setAttribute("aria-label", texts.label);
    output.title.textContent = texts.label;
    ctx.describe(`${texts.label}. Product rank ${texts.rank}. ${texts.verdict}`);
    if (python.box.open) python.code.textContent = pythonSnippet(weights, state.act);
    if (save) ctx.saveState(writeSettings(COLLAPSE_SETTINGS, state));
  }

  rebuildLayers();
  update(false);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
