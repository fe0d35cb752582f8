// The collapse of linear layers (chapter 1, "lines stay lines"): 2 to 5 layers of 2x2
// weights. The reader drags each layer's two basis arrows (where the layer sends (1, 0) and
// (0, 1)) or moves the sliders, and switches the activation. The right panel pushes a grid and
// three straight lines through the layers; the readouts give the product matrix W1 W2 ... Wk,
// its rank and how far the pushed lines bend. The math is collapse_math.js.

import { COLLAPSE_ACTIVATIONS, applyLayers, product, pushSegment, rank, singularValues, straightness } from "../lib/maths/collapse.js";
import { drag, fmt, linear, svg } from "../lib/toolkit/plot.js";
import { readNumber, readNumbers } from "../lib/state/hash.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";

const RANGE = 2; // arrows live in [-2, 2]^2
const STEP = 0.05;
const LAYER_SIZE = 120;
const OUT_SIZE = 300;
const DEFAULT_WEIGHTS = [
  [[1, 0.5], [-0.3, 1]],
  [[0.8, -0.6], [0.6, 0.8]],
  [[1.2, 0], [0.4, 0.7]],
  [[0.9, 0.3], [0.2, -1]],
  [[1, -0.4], [0.5, 0.6]],
];
const ACTIVATION_NAMES = { identity: "identity (no activation)", relu: "ReLU", leaky_relu: "leaky ReLU (slope 0.1)", tanh: "tanh" };
const LINES = [
  { p: [-2, -1], q: [2, 1.5], cls: "bl-orange" },
  { p: [-2, 1.8], q: [2, -0.6], cls: "bl-green" },
  { p: [-0.5, -2], q: [0.9, 2], cls: "bl-vermillion" },
];

// class names written out in full: the stylesheet purge keeps only names it finds in the code
const ARROW_CLASS = ["bl-arrow-1", "bl-arrow-2"];
const HANDLE_CLASS = ["bl-handle bl-handle-1", "bl-handle bl-handle-2"];
const snap = (v) => Math.max(-RANGE, Math.min(RANGE, Math.round(v / STEP) * STEP));
const round2 = (v) => Number(v.toFixed(2));

export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const state = {
    k: ctx.config.layers ?? 3,
    act: Object.hasOwn(COLLAPSE_ACTIVATIONS, ctx.config.activation ?? "") ? ctx.config.activation : "identity",
    sel: 0,
    w: DEFAULT_WEIGHTS.map((W) => W.map((r) => r.slice())),
  };
  let problem = ctx.hashProblem;
  const s = ctx.state;
  if (s.k !== undefined) {
    const k = readNumber(s.k, 2, 5);
    if (Number.isInteger(k)) state.k = k;
    else problem = true;
  }
  if (s.act !== undefined) {
    if (Object.hasOwn(COLLAPSE_ACTIVATIONS, s.act)) state.act = s.act;
    else problem = true;
  }
  if (s.w !== undefined) {
    const v = readNumbers(s.w, -RANGE, RANGE, 20);
    if (v && v.length === 4 * state.k) {
      for (let l = 0; l < state.k; l++) state.w[l] = [[v[4 * l], v[4 * l + 1]], [v[4 * l + 2], v[4 * l + 3]]];
    } else problem = true;
  }
  if (s.sel !== undefined) {
    const sel = readNumber(s.sel, 1, state.k);
    if (Number.isInteger(sel)) state.sel = sel - 1;
    else problem = true;
  }

  // --- controls ---
  const controls = el("div", "bl-controls");
  const layersPick = select({
    label: "Layers",
    options: [2, 3, 4, 5].map((k) => [String(k), String(k)]),
    value: String(state.k),
    onChange(v) {
      state.k = Number(v);
      state.sel = Math.min(state.sel, state.k - 1);
      rebuildLayers();
      update();
    },
  });
  const actPick = select({
    label: "Activation between layers",
    options: Object.entries(ACTIVATION_NAMES),
    value: state.act,
    onChange(v) {
      state.act = v;
      update();
    },
  });
  const selPick = select({ label: "Edit layer", options: [], value: "1", onChange(v) {
    state.sel = Number(v) - 1;
    syncSliders();
    update();
  } });
  const reset = button("Reset weights", () => {
    state.w = DEFAULT_WEIGHTS.map((W) => W.map((r) => r.slice()));
    syncSliders();
    update();
  });
  controls.append(layersPick.root, actPick.root, selPick.root, reset);

  const entryLabels = [
    ["Arrow 1 (image of (1, 0)): x", 0, 0],
    ["Arrow 1: y", 0, 1],
    ["Arrow 2 (image of (0, 1)): x", 1, 0],
    ["Arrow 2: y", 1, 1],
  ];
  const sliderBox = el("div", "bl-controls");
  const sliders = entryLabels.map(([label, r, c]) => slider({
    label, min: -RANGE, max: RANGE, step: STEP, value: state.w[state.sel][r][c], format: (v) => fmt(v, 3),
    onInput(v) {
      state.w[state.sel][r][c] = v;
      update();
    },
  }));
  sliderBox.append(...sliders.map((x) => x.root));

  // --- pictures ---
  const row = el("div", "bl-row");
  const layerRow = el("div", "bl-row");
  const outPanel = el("div", "bl-panel");
  const out = svg("svg", { class: "bl-plot", viewBox: `0 0 ${OUT_SIZE} ${OUT_SIZE}`, role: "img" });
  const outTitle = svg("title", {}, out);
  svg("rect", { class: "bl-frame", x: 0.5, y: 0.5, width: OUT_SIZE - 1, height: OUT_SIZE - 1 }, out);
  const gridLayer = svg("g", {}, out);
  const lineLayer = svg("g", {}, out);
  outPanel.append(out, el("p", "bl-caption", "Output: the grid and three straight lines after all layers"));
  row.append(layerRow, outPanel);
  const legend = el("p", "bl-note",
    "Each small square is one layer: drag the orange and blue arrow tips (or use the sliders of the layer being edited). "
    + "With the identity activation the whole stack is the single matrix below, and every line stays a line.");
  const dl = el("dl", "bl-readouts bl-readouts-wide");
  const outs = {
    product: readout(dl, "Product W₁W₂⋯Wₖ"),
    rank: readout(dl, "Rank of the product"),
    bend: readout(dl, "Largest bend of a pushed line"),
    verdict: readout(dl, "What this shows"),
  };
  outs.product.classList.add("bl-matrix");
  app.append(controls, sliderBox, row, legend, dl);

  const sl = linear([-RANGE - 0.3, RANGE + 0.3], [0, LAYER_SIZE]);
  const slY = linear([-RANGE - 0.3, RANGE + 0.3], [LAYER_SIZE, 0]);
  let layerViews = [];

  function rebuildLayers() {
    layerRow.replaceChildren();
    layerViews = [];
    selPick.input.replaceChildren();
    for (let l = 0; l < state.k; l++) {
      const option = el("option", "", `Layer ${l + 1}`);
      option.value = String(l + 1);
      selPick.input.append(option);
      const box = el("div", "bl-panel bl-layer");
      const pic = svg("svg", { class: "bl-plot", viewBox: `0 0 ${LAYER_SIZE} ${LAYER_SIZE}`, role: "img" });
      const title = svg("title", {}, pic);
      svg("rect", { class: "bl-frame", x: 0.5, y: 0.5, width: LAYER_SIZE - 1, height: LAYER_SIZE - 1 }, pic);
      svg("path", { class: "bl-grid", d: `M${sl(-RANGE)},${slY(0)}H${sl(RANGE)}M${sl(0)},${slY(-RANGE)}V${slY(RANGE)}` }, pic);
      const arrows = ARROW_CLASS.map((cls) => svg("line", { class: cls, x1: sl(0), y1: slY(0) }, pic));
      const handles = HANDLE_CLASS.map((cls) => svg("circle", { class: cls, r: 7 }, pic));
      // invisible, finger-sized zones over the tips take the drags
      const zones = handles.map(() => svg("circle", { class: "bl-handle-zone", r: 14 }, pic));
      zones.forEach((h, i) => {
        const move = (point) => {
          if (!point) return;
          state.sel = l;
          state.w[l][i] = [round2(snap(sl.invert(point[0]))), round2(snap(slY.invert(point[1])))];
          syncSliders();
          update();
        };
        drag(h, pic, { onStart: move, onMove: move });
      });
      box.append(pic, el("p", "bl-caption", `Layer ${l + 1}`));
      layerRow.append(box);
      layerViews.push({ box, pic, title, arrows, handles, zones });
    }
    syncSliders();
  }

  function syncSliders() {
    selPick.input.value = String(state.sel + 1);
    entryLabels.forEach(([, r, c], i) => {
      sliders[i].set(state.w[state.sel][r][c]);
    });
  }

  function update(save = true) {
    const weights = state.w.slice(0, state.k);
    const phi = COLLAPSE_ACTIVATIONS[state.act];
    layerViews.forEach((v, l) => {
      v.box.classList.toggle("bl-current", l === state.sel);
      weights[l].forEach(([x, y], i) => {
        v.arrows[i].setAttribute("x2", sl(x));
        v.arrows[i].setAttribute("y2", slY(y));
        for (const c of [v.handles[i], v.zones[i]]) {
          c.setAttribute("cx", sl(x));
          c.setAttribute("cy", slY(y));
        }
      });
      const [[a, b], [c, d]] = weights[l];
      v.pic.setAttribute("aria-label", `Layer ${l + 1}: (1, 0) goes to (${fmt(a)}, ${fmt(b)}), (0, 1) goes to (${fmt(c)}, ${fmt(d)})`);
      v.title.textContent = v.pic.getAttribute("aria-label");
    });

    // push the grid and the lines through the layers
    const gridCurves = [];
    for (let c = -2; c <= 2; c += 0.5) {
      gridCurves.push(pushSegment(weights, phi, [c, -2], [c, 2], 41));
      gridCurves.push(pushSegment(weights, phi, [-2, c], [2, c], 41));
    }
    const curves = LINES.map(({ p, q }) => pushSegment(weights, phi, p, q, 161));
    let extent = 0;
    for (const curve of [...gridCurves, ...curves]) for (const [x, y] of curve) extent = Math.max(extent, Math.abs(x), Math.abs(y));
    extent = Math.max(1, extent * 1.05);
    const sx = linear([-extent, extent], [0, OUT_SIZE]);
    const sy = linear([-extent, extent], [OUT_SIZE, 0]);
    const path = (curve) => curve.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    gridLayer.replaceChildren();
    for (const curve of gridCurves) svg("path", { class: "bl-grid", d: path(curve) }, gridLayer);
    lineLayer.replaceChildren();
    curves.forEach((curve, i) => {
      svg("path", { class: `bl-line ${LINES[i].cls}`, d: path(curve) }, lineLayer);
    });

    const P = product(weights);
    const r = rank(P);
    const [s1, s2] = singularValues(P);
    const bend = Math.max(...curves.map(straightness));
    outs.product.textContent = `[${fmt(P[0][0], 3)}, ${fmt(P[0][1], 3)}]\n[${fmt(P[1][0], 3)}, ${fmt(P[1][1], 3)}]`;
    outs.rank.textContent = `${r} (singular values ${fmt(s1, 3)} and ${fmt(s2, 3)})`;
    const straight = bend < 1e-9;
    outs.bend.textContent = straight ? "none: every line is still straight" : `${fmt(100 * bend, 3)}% of its length`;
    const check = applyLayers(weights, phi, [1, 1]);
    const direct = [P[0][0] + P[1][0], P[0][1] + P[1][1]];
    const same = Math.hypot(check[0] - direct[0], check[1] - direct[1]) <= 1e-12 * (1 + Math.hypot(...direct));
    outs.verdict.textContent = state.act === "identity"
      ? `The ${state.k} layers act exactly like one layer with the product matrix${r < 2 ? `, which squashes the plane onto ${r === 1 ? "a line" : "a point"}` : ""}.`
      : same && straight
        ? "With these weights no pushed point crosses a kink, so the stack still acts like its product; drag an arrow to make a line cross one."
        : `The ${ACTIVATION_NAMES[state.act]} between the layers bends the lines: the stack is no longer one matrix.`;
    out.setAttribute("aria-label", `Output of ${state.k} layers with ${ACTIVATION_NAMES[state.act]}: `
      + (straight ? "all lines stay straight" : "the lines bend"));
    outTitle.textContent = out.getAttribute("aria-label");
    if (save) {
      ctx.saveState({ k: state.k, act: state.act, sel: state.sel + 1, w: weights.flat(2).map((v) => round2(v)).join(",") });
    }
  }

  rebuildLayers();
  update(false);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
