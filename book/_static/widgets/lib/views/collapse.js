// The layer stacker's views: one small picture per layer (its two basis arrows, draggable),
// the output picture (a grid and three straight lines pushed through the layers), and the
// readouts in words. Maths: maths/collapse.js.

import { applyLayers, product, pushSegment, rank, singularValues, straightness } from "../maths/collapse.js";
import { RANGE } from "../state/collapse.js";
import { fmt, linear, svg } from "../toolkit/plot.js";
import { el } from "../toolkit/ui.js";

export const LAYER_SIZE = 120;
export const OUT_SIZE = 300;
export const ACTIVATION_NAMES = { identity: "identity (no activation)", relu: "ReLU", leaky_relu: "leaky ReLU (slope 0.1)", tanh: "tanh" };
const LINES = [
  { p: [-2, -1], q: [2, 1.5], cls: "bl-orange" },
  { p: [-2, 1.8], q: [2, -0.6], cls: "bl-green" },
  { p: [-0.5, -2], q: [0.9, 2], cls: "bl-vermillion" },
];
// class names written out in full: the stylesheet purge keeps only names it finds in the code
const ARROW_CLASS = ["bl-arrow-1", "bl-arrow-2"];
const HANDLE_CLASS = ["bl-handle bl-handle-1", "bl-handle bl-handle-2"];

/** The layer pictures' scales (user units to the viewBox). */
export const layerX = linear([-RANGE - 0.3, RANGE + 0.3], [0, LAYER_SIZE]);
export const layerY = linear([-RANGE - 0.3, RANGE + 0.3], [LAYER_SIZE, 0]);

/** Layer l's picture: its box, svg, title, arrows, handles and finger-sized drag zones. */
export function layerPicture(l) {
  const box = el("div", "bl-panel bl-layer");
  const pic = svg("svg", { class: "bl-plot", viewBox: `0 0 ${LAYER_SIZE} ${LAYER_SIZE}`, role: "img" });
  const title = svg("title", {}, pic);
  svg("rect", { class: "bl-frame", x: 0.5, y: 0.5, width: LAYER_SIZE - 1, height: LAYER_SIZE - 1 }, pic);
  svg("path", { class: "bl-grid", d: `M${layerX(-RANGE)},${layerY(0)}H${layerX(RANGE)}M${layerX(0)},${layerY(-RANGE)}V${layerY(RANGE)}` }, pic);
  const arrows = ARROW_CLASS.map((cls) => svg("line", { class: cls, x1: layerX(0), y1: layerY(0) }, pic));
  const handles = HANDLE_CLASS.map((cls) => svg("circle", { class: cls, r: 7 }, pic));
  const zones = handles.map(() => svg("circle", { class: "bl-handle-zone", r: 14 }, pic));
  box.append(pic, el("p", "bl-caption", `Layer ${l + 1}`));
  return { box, pic, title, arrows, handles, zones };
}

/** Draw layer l's matrix W = [[a, b], [c, d]] into its picture. */
export function drawLayer(view, l, W, selected) {
  view.box.classList.toggle("bl-current", selected);
  W.forEach(([x, y], i) => {
    view.arrows[i].setAttribute("x2", layerX(x));
    view.arrows[i].setAttribute("y2", layerY(y));
    for (const c of [view.handles[i], view.zones[i]]) {
      c.setAttribute("cx", layerX(x));
      c.setAttribute("cy", layerY(y));
    }
  });
  const [[a, b], [c, d]] = W;
  const label = `Layer ${l + 1}: (1, 0) goes to (${fmt(a)}, ${fmt(b)}), (0, 1) goes to (${fmt(c)}, ${fmt(d)})`;
  view.pic.setAttribute("aria-label", label);
  view.title.textContent = label;
}

/** The output picture's parts. */
export function outputPicture() {
  const out = svg("svg", { class: "bl-plot", viewBox: `0 0 ${OUT_SIZE} ${OUT_SIZE}`, role: "img" });
  const title = svg("title", {}, out);
  svg("rect", { class: "bl-frame", x: 0.5, y: 0.5, width: OUT_SIZE - 1, height: OUT_SIZE - 1 }, out);
  return { out, title, grid: svg("g", {}, out), lines: svg("g", {}, out) };
}

/** Push the grid and the lines through `weights` with `phi` and draw them; returns the lines. */
export function drawOutput(parts, weights, phi) {
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
  parts.grid.replaceChildren(...gridCurves.map((curve) => svg("path", { class: "bl-grid", d: path(curve) })));
  parts.lines.replaceChildren(...curves.map((curve, i) => svg("path", { class: `bl-line ${LINES[i].cls}`, d: path(curve) })));
  return curves;
}

/** The pictures' numbers: each layer's matrix W₁ … Wₖ (the arrows' tips are its rows) and
 * their product, entries to the readout's precision, as a header and rows for toolkit/table.js. */
export function matrixTable(weights) {
  const row = (name, [[a, b], [c, d]]) => [name, ...[a, b, c, d].map((v) => fmt(v, 3))];
  const rows = weights.map((W, l) => row(`W${"₁₂₃₄₅₆₇₈₉"[l] ?? l + 1}`, W));
  return [["matrix", "row 1, column 1", "row 1, column 2", "row 2, column 1", "row 2, column 2"], [...rows, row("product", product(weights))]];
}

/** The readouts in words for `weights` (k matrices) with activation `act` ({phi} given), and
 * the output picture's label. */
export function readoutTexts(weights, act, phi, curves) {
  const k = weights.length;
  const P = product(weights);
  const r = rank(P);
  const [s1, s2] = singularValues(P);
  const bend = Math.max(...curves.map(straightness));
  const straight = bend < 1e-9;
  const check = applyLayers(weights, phi, [1, 1]);
  const direct = [P[0][0] + P[1][0], P[0][1] + P[1][1]];
  const same = Math.hypot(check[0] - direct[0], check[1] - direct[1]) <= 1e-12 * (1 + Math.hypot(...direct));
  const squash = r < 2 ? `, which squashes the plane onto ${r === 1 ? "a line" : "a point"}` : "";
  return {
    product: `[${fmt(P[0][0], 3)}, ${fmt(P[0][1], 3)}]\n[${fmt(P[1][0], 3)}, ${fmt(P[1][1], 3)}]`,
    rank: `${r} (singular values ${fmt(s1, 3)} and ${fmt(s2, 3)})`,
    bend: straight ? "none: every line is still straight" : `${fmt(100 * bend, 3)}% of its length`,
    verdict: act === "identity"
      ? `The ${k} layers act exactly like one layer with the product matrix${squash}.`
      : same && straight
        ? "With these weights no pushed point crosses a kink, so the stack still acts like its product; drag an arrow to make a line cross one."
        : `The ${ACTIVATION_NAMES[act]} between the layers bends the lines: the stack is no longer one matrix.`,
    label: `Output of ${k} layers with ${ACTIVATION_NAMES[act]}: ${straight ? "all lines stay straight" : "the lines bend"}`,
  };
}

/** Python for this state: numpy code that rebuilds the stack's product matrix and its rank
 * (a point is a row vector x, a layer maps it to phi(x W)). */
export function pythonSnippet(weights, act) {
  const matrix = ([[a, b], [c, d]]) => `np.array([[${a}, ${b}], [${c}, ${d}]])`;
  return [
    "import numpy as np",
    "",
    `layers = [${weights.map(matrix).join(", ")}]`,
    "product = np.linalg.multi_dot(layers)  # W1 W2 ... Wk: the whole stack without activations",
    "rank = np.linalg.matrix_rank(product)",
    `print(product.round(3), "rank", rank)${act === "identity" ? "" : `  # with ${act} between the layers the stack is no longer this matrix`}`,
    "",
  ].join("\n");
}
