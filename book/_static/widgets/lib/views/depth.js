// The depth explorer's views: each layer's gradient size and spread on log scales, the dead
// fraction as bars, and the status and readouts in words, from a profile (maths/depth.js).

import { axes, fmt, linear, linePath, log10, svg } from "../toolkit/plot.js";
import { logTick } from "../toolkit/format.js";

/** Every chart of the explorer has this viewBox and these margins (one size, one type size). */
export const CHART = { width: 320, height: 200, margin: { left: 52, right: 10, top: 22, bottom: 34 } };

const STATUS = {
  ok: "Healthy by the chapter's rule: the gradient (the backward signal ∂L/∂z) changes by less than 10 times between the last and the first hidden layer.",
  vanishing: "Vanishing, by the chapter's rule: the gradient (the backward signal ∂L/∂z) of the first hidden layer is more than 10 times smaller than the last's.",
  exploding: "Exploding: the gradient (the backward signal ∂L/∂z) of the first hidden layer is more than 10 times larger than the last's.",
  overflow: "Overflow: some values grew past the largest number a computer stores (about 10³⁰⁸); they are left out.",
};
const SEVERE = " Severe: more than a million times.";
const FORWARD = " The forward spread shrinks by more than 10 times: different inputs look more and more alike.";

/** The status of a profile in words (the chapter's rule, see maths/depth.js verdict). */
export function statusText(result) {
  return (STATUS[result.status] ?? "") + (result.severe ? SEVERE : "") + (result.forwardShrinks ? FORWARD : "");
}

/** A chart's parts: the svg, its title, an axes group, a reference path, bars and a curve. */
export function chart(label) {
  const { width, height } = CHART;
  const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  const title = svg("title", {}, plot);
  title.textContent = label;
  return {
    plot, title, g: svg("g", {}, plot), ref: svg("path", { class: "bl-ref" }, plot),
    bars: svg("g", {}, plot), curve: svg("path", { class: "bl-curve bl-blue" }, plot),
  };
}

/** Draw `values` per layer (from layer `first`) on a log scale, with `refValues` dotted. */
export function drawLogChart(p, values, refValues, yLabel, first) {
  const { width: W, height: H, margin: M } = CHART;
  const layers = values.map((_, i) => i + first);
  const positive = [...values, ...(refValues ?? [])].filter((v) => v !== null && v > 0 && Number.isFinite(v));
  const lo = Math.max(1e-300, 10 ** Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1e-3)));
  let hi = Math.min(1e300, 10 ** Math.ceil(Math.log10(positive.length ? Math.max(...positive) : 1)));
  if (hi <= lo) hi = lo * 10;
  const maxLayer = Math.max(layers.at(-1) ?? 1, refValues ? refValues.length - 1 + first : 1, first + 1);
  const sx = linear([first, maxLayer], [M.left, W - M.right]);
  const sy = log10([lo, hi], [H - M.bottom, M.top]);
  const every = Math.max(1, Math.ceil(Math.log10(hi / lo) / 5));
  const yTicks = sy.ticks().filter((t) => Math.round(Math.log10(t)) % every === 0);
  axes(p.g, sx, sy, { xLabel: "layer (1 = input side)", yLabel, yTicks, xTicks: sx.ticks(5).filter(Number.isInteger), format: logTick });
  p.curve.setAttribute("d", linePath(layers, values.map((v) => (v !== null && v > 0 ? v : NaN)), sx, sy, 0));
  p.ref.setAttribute("d", refValues ? linePath(refValues.map((_, i) => i + first), refValues, sx, sy, 0) : "");
}

/** Draw the dead fraction of each of `depth` hidden layers as bars in [0, 1]. */
export function drawDeadChart(p, dead, depth) {
  const { width: W, height: H, margin: M } = CHART;
  const sx = linear([0.5, depth + 0.5], [M.left, W - M.right]);
  const sy = linear([0, 1], [H - M.bottom, M.top]);
  const xTicks = sx.ticks(5).filter((t) => Number.isInteger(t) && t >= 1);
  axes(p.g, sx, sy, { xLabel: "hidden layer", yLabel: "dead fraction", xTicks, yTicks: [0, 0.5, 1] });
  p.bars.replaceChildren();
  const bw = Math.max(1, (sx(1.5) - sx(0.5)) * 0.8);
  dead.forEach((f, i) => {
    if (f > 0) svg("rect", { class: "bl-bar", x: sx(i + 1) - bw / 2, y: sy(f), width: bw, height: sy(0) - sy(f) }, p.bars);
  });
}

/** The readouts of a profile in words: {backward, ratio, spread, dead}. */
export function readouts(result) {
  const ratio = (a, b, what) => (a !== null && b !== null && b > 0 ? fmt(a / b, 3) : `not defined (${what} overflowed or is zero)`);
  const size = (v) => (v === null ? "overflow" : fmt(v, 3));
  const meanDead = result.dead.reduce((a, b) => a + b, 0) / Math.max(1, result.dead.length);
  return {
    backward: ratio(result.backward[0], result.backward.at(-1), "a signal"),
    ratio: ratio(result.gradNorm[0], result.gradNorm.at(-1), "a gradient"),
    spread: `${size(result.actStd[0])} → ${size(result.actStd.at(-1))}`,
    dead: `${fmt(100 * meanDead, 3)}% on average, ${fmt(100 * Math.max(...result.dead, 0), 3)}% at most`,
  };
}

/** The charts' numbers: a header and one row per layer (the output layer has a gradient only). */
export function layerTable(result) {
  const cell = (v, f) => (v === null || v === undefined ? "—" : f(v));
  const rows = result.gradNorm.map((g, i) => [
    i < result.actStd.length ? String(i + 1) : "output", cell(g, (v) => fmt(v, 3)),
    cell(result.actStd[i], (v) => fmt(v, 3)), cell(result.dead[i], (v) => `${fmt(100 * v, 3)}%`),
  ]);
  return [["layer", "‖∂L/∂W‖", "spread", "dead units"], rows];
}
