// The trainer's views: the picture (heatmap of the net's output with region boundaries on a
// canvas, the data points, the first layer's units as lines with arrows, the cursor of the
// point to add), the loss and accuracy curves, and the readouts in words.

import { logTick, siCount } from "../toolkit/format.js";
import { axes, fmt, linear, linePath, log10, niceCeil, svg } from "../toolkit/plot.js";
import { numbersTable } from "../toolkit/table.js";
import { el } from "../toolkit/ui.js";

export const RES = 80; // cells per side of the heatmap and region grid
const VIEW = 300; // overlay viewBox size
const CHART = { width: 300, height: 150, margin: { left: 44, right: 8, top: 18, bottom: 30 } };
const COLORS = [[230, 159, 0], [0, 114, 178]]; // class 0 orange, class 1 blue (Okabe-Ito)
// class names written out in full: the stylesheet purge keeps only names it finds in the code
const POINT_CLASS = ["bl-point-0", "bl-point-1"];

/** A square box [xmin, xmax, ymin, ymax] around points X, rounded to tenths. */
export function squareBox(X) {
  const xs = X.map((p) => p[0]);
  const ys = X.map((p) => p[1]);
  const [xmin, xmax, ymin, ymax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const half = Math.ceil(10 * 0.55 * Math.max(xmax - xmin, ymax - ymin)) / 10;
  const cx = Math.round(5 * (xmin + xmax)) / 10;
  const cy = Math.round(5 * (ymin + ymax)) / 10;
  return [cx - half, cx + half, cy - half, cy + half];
}

/** The part of the line (x0, y0) + t (dx, dy) inside the box, as [xa, ya, xb, yb], or null. */
export function clipToBox(x0, y0, dx, dy, [xmin, xmax, ymin, ymax]) {
  let lo = -Infinity;
  let hi = Infinity;
  for (const [p, d, a, b] of [[x0, dx, xmin, xmax], [y0, dy, ymin, ymax]]) {
    if (Math.abs(d) < 1e-15) {
      if (p < a || p > b) return null;
      continue;
    }
    const [t1, t2] = [(a - p) / d, (b - p) / d];
    lo = Math.max(lo, Math.min(t1, t2));
    hi = Math.min(hi, Math.max(t1, t2));
  }
  return lo < hi ? [x0 + lo * dx, y0 + lo * dy, x0 + hi * dx, y0 + hi * dy] : null;
}

/** The scales of the picture for `box`. */
export const pictureScales = (box) => ({ sx: linear([box[0], box[1]], [0, VIEW]), sy: linear([box[2], box[3]], [VIEW, 0]) });

/** The picture: a panel with the canvas, the points layer and the overlay; draw methods. */
export function picture() {
  const panel = el("div", "bl-panel");
  const stage = el("div", "bl-stage");
  const canvas = Object.assign(el("canvas", "bl-canvas"), { width: RES, height: RES });
  canvas.setAttribute("aria-hidden", "true");
  const overlay = svg("svg", { class: "bl-overlay", viewBox: `0 0 ${VIEW} ${VIEW}`, role: "img" });
  const title = svg("title", {}, overlay);
  const unitLayer = svg("g", {}, overlay);
  const cursor = svg("circle", { class: "bl-cursor", r: 6 }, overlay);
  // the data points sit in their own (rarely changing) layer, under the unit lines
  const pointsSvg = svg("svg", { viewBox: `0 0 ${VIEW} ${VIEW}`, "aria-hidden": "true" });
  const pointLayer = svg("g", {}, pointsSvg);
  stage.append(canvas, pointsSvg, overlay);
  panel.append(stage, el("p", "bl-caption", "Heatmap: the net's probability of blue. Dark cells: boundaries between linear regions. Black lines with arrows: first-layer units (arrow towards the side where the unit is on)."));
  const context = canvas.getContext("2d");
  const image = context.createImageData(RES, RES); // reused
  const unitPaths = [];
  let pointsKey = "";
  return {
    panel, overlay,
    label(text) {
      overlay.setAttribute("aria-label", text);
      title.textContent = text;
      return text;
    },
    field({ prob, regions }) {
      const data = image.data;
      for (let r = 0; r < RES; r++) {
        for (let c = 0; c < RES; c++) {
          const i = r * RES + c; // row r goes up in y; the canvas row goes down
          const p = prob[i];
          const color = COLORS[p >= 0.5 ? 1 : 0];
          const strength = Number.isFinite(p) ? Math.abs(2 * p - 1) * 0.55 : 0;
          const id = regions?.[i];
          const edge = regions && ((c + 1 < RES && regions[i + 1] !== id) || (r + 1 < RES && regions[i + RES] !== id));
          const o = 4 * ((RES - 1 - r) * RES + c);
          for (let k = 0; k < 3; k++) data[o + k] = Math.round((255 + (color[k] - 255) * strength) * (edge ? 0.62 : 1));
          data[o + 3] = 255;
        }
      }
      context.putImageData(image, 0, 0);
    },
    units(lines, box) {
      const { sx, sy } = pictureScales(box);
      let shown = 0;
      for (const [w1, w2, b] of lines) {
        const norm = Math.hypot(w1, w2);
        if (!(norm > 1e-12) || !Number.isFinite(b)) continue;
        // the line w . x + b = 0 through the box: its point nearest the box centre, and a direction
        const [cx, cy] = [(box[0] + box[1]) / 2, (box[2] + box[3]) / 2];
        const t = -(w1 * cx + w2 * cy + b) / (norm * norm);
        const [x0, y0] = [cx + t * w1, cy + t * w2];
        if (Math.abs(x0 - cx) > box[1] - cx || Math.abs(y0 - cy) > box[3] - cy) continue; // misses the box
        const seg = clipToBox(x0, y0, -w2 / norm, w1 / norm, box);
        if (!seg) continue;
        while (unitPaths.length <= shown) unitPaths.push([svg("path", { class: "bl-unit" }, unitLayer), svg("path", { class: "bl-unit-arrow" }, unitLayer)]);
        const [line, arrow] = unitPaths[shown++];
        line.setAttribute("d", `M${sx(seg[0])},${sy(seg[1])}L${sx(seg[2])},${sy(seg[3])}`);
        const [ax, ay] = [sx(x0), sy(y0)];
        const [ux, uy] = [(w1 / norm) * 16, (-w2 / norm) * 16]; // screen y points down
        arrow.setAttribute("d", `M${ax},${ay}l${ux},${uy}m${-0.35 * ux - 0.25 * uy},${-0.35 * uy + 0.25 * ux}l${0.35 * ux + 0.25 * uy},${0.35 * uy - 0.25 * ux}l${-0.35 * ux + 0.25 * uy},${-0.35 * uy - 0.25 * ux}`);
      }
      for (const [line, arrow] of unitPaths.splice(shown)) {
        line.remove();
        arrow.remove();
      }
      overlay.dataset.box = box.join(","); // the pictured box, for tests
    },
    points(key, set, added, box) {
      if (key === pointsKey) return;
      pointsKey = key;
      const { sx, sy } = pictureScales(box);
      const d = ["", ""]; // one path of circles per class
      set.X.forEach(([x, y], i) => {
        d[set.y[i]] += `M${(sx(x) - 2.6).toFixed(1)},${sy(y).toFixed(1)}a2.6,2.6 0 1,0 5.2,0a2.6,2.6 0 1,0 -5.2,0`;
      });
      pointLayer.replaceChildren(...d.map((path, c) => svg("path", { class: POINT_CLASS[c], d: path })),
        ...added.map(([x, y, c]) => svg("circle", { class: `${POINT_CLASS[c]} bl-added`, cx: sx(x), cy: sy(y), r: 5 })));
    },
    cursor(x, y, box) {
      const { sx, sy } = pictureScales(box);
      cursor.setAttribute("cx", sx(x));
      cursor.setAttribute("cy", sy(y));
    },
  };
}

/** The evaluations to chart after the worker's message `msg`: a new run starts afresh, a new
 * evaluation is added, and beyond 600 every other one is dropped (the newest kept). */
export function extendHistory(history, msg) {
  let h = msg.steps === 0 || msg.steps < (history.at(-1)?.step ?? 0) ? [] : history;
  if (msg.last && h.at(-1)?.step !== msg.last.step) h = [...h, msg.last];
  return h.length > 600 ? h.filter((_, i) => i % 2 === 0 || i === h.length - 1) : h;
}

const CURVE_HEADERS = ["step", "training loss", "test loss", "training accuracy", "test accuracy"];
const curveRows = (history) => history.map((e) => [String(e.step), ...[e.trainLoss, e.testLoss].map((v) => fmt(v, 4)), ...[e.trainAcc, e.testAcc].map((v) => `${fmt(100 * v, 3)}%`)]);

/** The loss and accuracy charts against steps (log scale), and a method to draw a history;
 * their numbers as a table on request. */
export function curves() {
  const { width: W, height: H, margin: M } = CHART;
  const panel = el("div", "bl-panel");
  const chart = (label) => {
    const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
    svg("title", {}, plot).textContent = label;
    const parts = { g: svg("g", {}, plot), train: svg("path", { class: "bl-curve bl-blue" }, plot), test: svg("path", { class: "bl-curve bl-orange bl-dashed" }, plot) };
    panel.append(plot);
    return parts;
  };
  const loss = chart("Loss against steps, training and test");
  const acc = chart("Accuracy against steps, training and test");
  const numbers = numbersTable("The curves' numbers as a table", "Loss and accuracy at each recorded step");
  let shown = [];
  numbers.box.addEventListener("toggle", () => numbers.box.open && numbers.show(CURVE_HEADERS, curveRows(shown)));
  panel.append(el("p", "bl-note", "Solid: training data. Dashed: test data."), numbers.box);
  let axesKey = ""; // axes rebuilt only when their range changes; steps end at 1, 2 or 5 × 10ᵏ
  return {
    panel,
    draw(h) {
      // steps on a log axis from 1: the first hundred steps keep as much room as the next thousand
      const kept = h.filter((e) => e.step >= 1);
      const steps = kept.map((e) => e.step);
      const maxStep = niceCeil(Math.max(10, steps.at(-1) ?? 0));
      const sx = log10([1, maxStep], [M.left, W - M.right]);
      const losses = kept.flatMap((e) => [e.trainLoss, e.testLoss]).filter((v) => Number.isFinite(v) && v > 0);
      const lo = Math.max(1e-4, 10 ** Math.floor(Math.log10(Math.min(...losses, 0.1))));
      const hi = Math.min(1e6, 10 ** Math.ceil(Math.log10(Math.max(...losses, 1))));
      const sl = log10([lo, hi], [H - M.bottom, M.top]);
      const sa = linear([0, 1], [H - M.bottom, M.top]);
      const key = `${maxStep}|${lo}|${hi}`;
      if (key !== axesKey) {
        axesKey = key;
        const xTicks = sx.ticks();
        axes(loss.g, sx, sl, { xLabel: "steps (log scale)", yLabel: "loss (nats)", xTicks, format: logTick, xFormat: siCount });
        axes(acc.g, sx, sa, { xLabel: "steps (log scale)", yLabel: "accuracy", yTicks: [0, 0.5, 1], xTicks, format: (v) => fmt(v, 2), xFormat: siCount });
      }
      loss.train.setAttribute("d", linePath(steps, kept.map((e) => e.trainLoss), sx, sl, 0));
      loss.test.setAttribute("d", linePath(steps, kept.map((e) => e.testLoss), sx, sl, 0));
      acc.train.setAttribute("d", linePath(steps, kept.map((e) => e.trainAcc), sx, sa, 0));
      acc.test.setAttribute("d", linePath(steps, kept.map((e) => e.testAcc), sx, sa, 0));
      shown = kept;
      if (numbers.box.open) numbers.show(CURVE_HEADERS, curveRows(kept)); // rows only when they can be read
    },
  };
}

/** The readouts in words for the worker's message `s`, its newest picture `p`, the newest
 * evaluation `last` and the settings; and the picture's label. */
export function readoutTexts(s, p, last, settings) {
  const exact = s.exactCount !== null && s.exactCount !== undefined;
  const regions = p.regionCount === null
    ? `not defined: ${settings.activation} is not piecewise linear`
    : exact
      ? `${s.exactCount} in the picture, counted exactly (the ${RES} × ${RES} grid of the heatmap sees ${p.regionCount})`
      : `${p.regionCount} seen on the ${RES} × ${RES} grid${s.playing ? "; exact count when paused" : "; small regions can hide between grid points"}`;
  return {
    step: String(s.steps),
    loss: last ? `${fmt(last.trainLoss, 4)} / ${fmt(last.testLoss, 4)}` : "not a finite number",
    acc: last ? `${fmt(100 * last.trainAcc, 3)}% / ${fmt(100 * last.testAcc, 3)}%` : "not defined",
    regions,
    dead: settings.layers.length ? `${fmt(100 * s.dead, 3)}% of hidden units are off on every training point` : "no hidden units",
    rate: s.rate > 0 ? fmt(s.rate, 3) : "(press Play)",
    label: `Training data (${settings.data}) over the net's output after ${s.steps} steps${p.regionCount === null ? "" : `; ${p.regionCount} linear regions seen`}`,
  };
}

const STATUS_TEXT = {
  diverging: "Diverging: the training loss is more than ten times where it started. Try a smaller learning rate.",
  diverged: "Diverged: the loss or a weight is not a finite number (too large a learning rate, or an activation undefined for some inputs), so training stopped. Reset, lower the learning rate or pick another activation.",
};

/** Write the readouts (`outs`, one <dd> per key of readoutTexts) and the status line; full
 * values for tests go in data attributes. Returns the picture's label. */
export function writeReadouts(outs, stateLine, s, p, last, settings) {
  const texts = readoutTexts(s, p, last, settings);
  for (const key of Object.keys(outs)) outs[key].textContent = texts[key];
  if (last) outs.loss.dataset.value = String(last.trainLoss);
  const exact = s.exactCount !== null && s.exactCount !== undefined;
  if (exact) outs.regions.dataset.exact = String(s.exactCount);
  else delete outs.regions.dataset.exact;
  stateLine.textContent = STATUS_TEXT[s.status] ?? "";
  return texts.label;
}
