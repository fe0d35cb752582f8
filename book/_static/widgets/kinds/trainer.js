// The trainer: a small net learns a 2-D data set while the reader watches its output,
// linear regions, first-layer units, curves and dead units. Training runs in a Web Worker
// (trainer_worker.js) that pauses off screen; nothing plays until Play. "Copy as Python" gives
// a bendlines snippet for the run (tests/test_widgets_trainer.py runs it).

import { axes, fmt, linear, linePath, log10, niceCeil, svg, svgPoint } from "../lib/toolkit/plot.js";
import {
  BATCH_SIZES, DATASETS, LEARNING_RATES, MAX_ADDED, MAX_UNITS, OPTIMIZER_NAMES,
  TRAINER_INITS, pythonSnippet, roundCoord, settingsFromState, settingsToState, validSettings,
} from "../lib/state/trainer.js";
import { MAX_SEED } from "../lib/maths/pcg64.js";
import { logTick, siCount } from "../lib/toolkit/format.js";
import { button, el, numberField, parseNumber, select, slider } from "../lib/toolkit/ui.js";
import { reducedMotion, statusAndReadouts, watchVisibility } from "../lib/toolkit/page.js";

const RES = 80; // cells per side of the heatmap and region grid
const VIEW = 300; // overlay viewBox size
const CHART_W = 300;
const CHART_H = 150;
const CM = { left: 44, right: 8, top: 18, bottom: 30 };
const COLORS = [[230, 159, 0], [0, 114, 178]]; // class 0 orange, class 1 blue (Okabe-Ito)
const INIT_TEXT = { he_uniform: "He (uniform)", xavier: "Xavier (uniform)" };
const OPT_TEXT = { adam: "Adam", sgd: "SGD", momentum: "SGD with momentum" };
// class names written out in full: the stylesheet purge keeps only names it finds in the code
const POINT_CLASS = ["bl-point-0", "bl-point-1"];
const STATUS_TEXT = {
  training: "",
  diverging: "Diverging: the training loss is more than ten times where it started. Try a smaller learning rate.",
  diverged: "Diverged: the loss or a weight is not a finite number (too large a learning rate, or an activation undefined for some inputs), so training stopped. Reset, lower the learning rate or pick another activation.",
};

function squareBox(X) {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const [x, y] of X) {
    xmin = Math.min(xmin, x);
    xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, y);
    ymax = Math.max(ymax, y);
  }
  const half = Math.ceil(10 * 0.55 * Math.max(xmax - xmin, ymax - ymin)) / 10;
  const cx = Math.round(5 * (xmin + xmax)) / 10;
  const cy = Math.round(5 * (ymin + ymax)) / 10;
  return [cx - half, cx + half, cy - half, cy + half];
}

/** The part of the line (x0, y0) + t (dx, dy) inside the box, as [xa, ya, xb, yb], or null. */
function clipToBox(x0, y0, dx, dy, [xmin, xmax, ymin, ymax]) {
  let lo = -Infinity;
  let hi = Infinity;
  for (const [p, d, a, b] of [[x0, dx, xmin, xmax], [y0, dy, ymin, ymax]]) {
    if (Math.abs(d) < 1e-15) {
      if (p < a || p > b) return null;
      continue;
    }
    const t1 = (a - p) / d;
    const t2 = (b - p) / d;
    lo = Math.max(lo, Math.min(t1, t2));
    hi = Math.min(hi, Math.max(t1, t2));
  }
  return lo < hi ? [x0 + lo * dx, y0 + lo * dy, x0 + hi * dx, y0 + hi * dy] : null;
}

function kinksOf(entry) {
  const p = entry.params[0];
  const props = p ? p.properties[p.grid.indexOf(p.default)] : entry.properties;
  return props.kinks.map(Number);
}

export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const { entries } = await ctx.data("activations");
  const names = entries.map((e) => e.name); // counterexamples too: they show why they fail
  const byName = new Map(entries.map((e) => [e.name, e]));
  const fromHash = settingsFromState(ctx.state, names);
  const base = validSettings({ data: ctx.config.data, activation: ctx.config.activation }, names);
  let settings = Object.keys(ctx.state).length ? fromHash.settings : base;
  const problem = ctx.hashProblem || fromHash.problem;
  const dataCache = new Map();
  let box = [-1.5, 1.5, -1.5, 1.5];
  let dataParams = null; // data.load's parameters of the current data set (from its JSON)
  let newClass = 1;
  let snapshot = null; // the newest message from the worker
  let picture = null; // the newest with a picture
  let pictureDirty = false;
  let history = []; // evaluations received from the worker, thinned when long
  let dirty = false;
  let playing = false;
  let wantPlay = false; // the reader pressed Play (kept while the widget is off screen)
  let visible = true;
  let lastDraw = 0;
  let lastText = -Infinity;
  let scheduled = false;
  let textTimer = 0;
  let textDirty = false;

  // --- controls ---
  const controls = el("div", "bl-controls");
  const dataPick = select({ label: "Data", options: DATASETS.map((d) => [d, d]), value: settings.data,
    onChange: (v) => change({ data: v, added: [] }) });
  const actPick = select({ label: "Activation",
    options: entries.map((e) => [e.name, e.counterexample ? `${e.name} (counterexample)` : e.name]), value: settings.activation,
    onChange: (v) => change({ activation: v }) });
  const depthPick = select({ label: "Hidden layers", options: [0, 1, 2, 3].map((k) => [String(k), String(k)]),
    value: String(settings.layers.length), onChange: (v) => {
      const k = Number(v);
      const layers = Array.from({ length: k }, (_, i) => settings.layers[i] ?? settings.layers.at(-1) ?? 8);
      change({ layers });
    } });
  const unitsBox = el("div", "bl-controls");
  const initPick = select({ label: "Initialisation", options: TRAINER_INITS.map((i) => [i, INIT_TEXT[i]]), value: settings.init,
    onChange: (v) => change({ init: v }) });
  const optPick = select({ label: "Optimiser", options: OPTIMIZER_NAMES.map((o) => [o, OPT_TEXT[o]]), value: settings.optimizer,
    onChange: (v) => change({ optimizer: v }) });
  const lrPick = select({ label: "Learning rate", options: LEARNING_RATES.map((r) => [String(r), String(r)]), value: String(settings.lr),
    onChange: (v) => change({ lr: Number(v) }) });
  const batchPick = select({ label: "Batch size", options: BATCH_SIZES.map((b) => [String(b), b === "all" ? "all points" : String(b)]),
    value: String(settings.batch), onChange: (v) => change({ batch: v === "all" ? "all" : Number(v) }) });
  const seedField = numberField({ label: "Seed", value: settings.seed, min: 0, max: MAX_SEED, step: 1,
    parse: (t) => parseNumber(t, 0, MAX_SEED, "the seed", true), onChange: (v) => change({ seed: v }) });
  controls.append(dataPick.root, actPick.root, depthPick.root, initPick.root, optPick.root, lrPick.root, batchPick.root, seedField.root);

  const buttons = el("div", "bl-buttons");
  const stepButton = button("Step", () => send({ type: "step", count: 1 }));
  const step100 = button("100 steps", () => send({ type: "step", count: 100 }));
  const playButton = button("Play", () => setPlaying(!wantPlay));
  playButton.setAttribute("aria-pressed", "false");
  const resetButton = button("Reset", () => restart());
  const copyButton = button("Copy as Python", () => copySnippet());
  buttons.append(stepButton, step100, playButton, resetButton, copyButton);

  // adding points: click the picture, or use these controls
  const addBox = el("fieldset", "bl-fieldset");
  addBox.append(el("legend", "", "Add your own points"));
  const addControls = el("div", "bl-controls");
  const classPick = select({ label: "Class of new points", options: [["1", "blue (class 1)"], ["0", "orange (class 0)"]], value: "1",
    onChange: (v) => { newClass = Number(v); } });
  const px = slider({ label: "Point x", min: -2, max: 2, step: 0.05, value: 0, format: (v) => fmt(v, 3), onInput: () => drawCursor() });
  const py = slider({ label: "Point y", min: -2, max: 2, step: 0.05, value: 0, format: (v) => fmt(v, 3), onInput: () => drawCursor() });
  const addButton = button("Add point", () => addPoint(px.value(), py.value()));
  const clearButton = button("Remove added points", () => change({ added: [] }));
  addControls.append(classPick.root, px.root, py.root, addButton, clearButton);
  addBox.append(addControls, el("p", "bl-note", "Or click on the picture to add a point of the chosen class there. Changing the data set removes added points."));

  // --- pictures ---
  const row = el("div", "bl-row");
  const stagePanel = el("div", "bl-panel");
  const stage = el("div", "bl-stage");
  const canvas = el("canvas", "bl-canvas");
  canvas.width = RES;
  canvas.height = RES;
  canvas.setAttribute("aria-hidden", "true");
  const overlay = svg("svg", { class: "bl-overlay", viewBox: `0 0 ${VIEW} ${VIEW}`, role: "img" });
  const overlayTitle = svg("title", {}, overlay);
  const unitLayer = svg("g", {}, overlay);
  const cursor = svg("circle", { class: "bl-cursor", r: 6 }, overlay);
  // the data points sit in their own (rarely changing) layer, under the unit lines
  const pointsSvg = svg("svg", { viewBox: `0 0 ${VIEW} ${VIEW}`, "aria-hidden": "true" });
  const pointLayer = svg("g", {}, pointsSvg);
  stage.append(canvas, pointsSvg, overlay);
  stagePanel.append(stage, el("p", "bl-caption", "Heatmap: the net's probability of blue. Dark cells: boundaries between linear regions. Black lines with arrows: first-layer units (arrow towards the side where the unit is on)."));
  const chartPanel = el("div", "bl-panel");
  const makeChart = (label) => {
    const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${CHART_W} ${CHART_H}`, role: "img", "aria-label": label });
    svg("title", {}, plot).textContent = label;
    const g = svg("g", {}, plot);
    const train = svg("path", { class: "bl-curve bl-blue" }, plot);
    const test = svg("path", { class: "bl-curve bl-orange bl-dashed" }, plot);
    chartPanel.append(plot);
    return { plot, g, train, test };
  };
  const lossChart = makeChart("Loss against steps, training and test");
  const accChart = makeChart("Accuracy against steps, training and test");
  chartPanel.append(el("p", "bl-note", "Solid: training data. Dashed: test data."));
  row.append(stagePanel, chartPanel);

  const { stateLine, dl, outs } = statusAndReadouts({
    step: "Steps",
    loss: "Loss (training / test)",
    acc: "Accuracy (training / test)",
    regions: "Linear regions in the picture",
    dead: "Dead units",
    rate: "Updates per second",
  });
  const snippetBox = el("details", "bl-fieldset");
  snippetBox.append(el("summary", "", "Python for this run (Copy as Python copies it)"));
  const snippetPre = el("pre", "bl-snippet");
  const snippetCode = el("code");
  snippetPre.append(snippetCode);
  snippetBox.append(snippetPre);
  snippetBox.addEventListener("toggle", () => {
    if (snippetBox.open && snapshot) snippetCode.textContent = pythonSnippet(settings, snapshot.steps, dataParams);
  });
  app.append(controls, unitsBox, buttons, row, stateLine, dl, addBox, snippetBox);

  // --- the worker ---
  const worker = new Worker(new URL("../lib/trainer_worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (event) => {
    const msg = event.data;
    if (msg.type === "error") {
      ctx.message(`Training stopped: ${msg.message}`);
      setPlaying(false);
      return;
    }
    if (msg.steps === 0 || msg.steps < (history.at(-1)?.step ?? 0)) history = [];
    if (msg.last && (!history.length || history.at(-1).step !== msg.last.step)) history.push(msg.last);
    if (history.length > 600) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
    if (msg.field) {
      picture = msg;
      pictureDirty = true;
    }
    snapshot = msg;
    if (!msg.playing && playing && msg.status === "diverged") setPlaying(false);
    dirty = true;
    if (!msg.playing) textDirty = true;
    schedule();
  };
  worker.onerror = (event) => ctx.message(`The training worker failed to start (${event.message ?? "unknown error"}).`);
  const send = (msg) => worker.postMessage(msg);

  // --- state changes ---
  function rebuildUnits() {
    unitsBox.replaceChildren();
    settings.layers.forEach((units, i) => {
      const s = slider({ label: `Units in layer ${i + 1}`, min: 1, max: MAX_UNITS, step: 1, value: units, format: String,
        onInput: (v) => {
          const layers = settings.layers.slice();
          layers[i] = v;
          change({ layers }, false);
        } });
      unitsBox.append(s.root);
    });
  }

  function change(patch, rebuild = true) {
    settings = validSettings({ ...settings, ...patch }, names);
    if (rebuild) rebuildUnits();
    ctx.saveState(settingsToState(settings));
    restart();
  }

  async function restart() {
    setPlaying(false);
    const set = await loadData(settings.data);
    dataParams = set.params;
    box = squareBox(set.X);
    for (const s of [px, py]) {
      s.input.min = String(box[s === px ? 0 : 2]);
      s.input.max = String(box[s === px ? 1 : 3]);
    }
    const entry = byName.get(settings.activation);
    const params = Object.fromEntries(entry.params.map((p) => [p.name, p.default]));
    send({
      type: "init", settings, activation: { name: settings.activation, params },
      train: { X: set.X, y: set.y }, test: { X: set.X_test, y: set.y_test },
      kinks: entry.piecewise_linear ? kinksOf(entry) : null, bounds: box, res: RES,
      negativeSlope: settings.activation === "relu" ? 0 : ["leaky_relu", "prelu"].includes(settings.activation)
        ? params.negative_slope : null,
    });
    drawCursor();
  }

  function loadData(name) {
    if (!dataCache.has(name)) dataCache.set(name, ctx.data(`trainer_${name}`));
    return dataCache.get(name);
  }

  function setPlaying(on) {
    wantPlay = on;
    playButton.setAttribute("aria-pressed", String(on)); // a toggle: its name stays "Play"
    syncWorker();
  }

  function syncWorker() {
    const run = wantPlay && visible;
    if (run !== playing) {
      playing = run;
      send({ type: run ? "play" : "pause" });
    }
  }

  function addPoint(x, y) {
    if (settings.added.length >= MAX_ADDED) {
      ctx.message(`At most ${MAX_ADDED} added points; remove some first.`);
      return;
    }
    const p = [roundCoord(Math.min(box[1], Math.max(box[0], x))), roundCoord(Math.min(box[3], Math.max(box[2], y))), newClass];
    change({ added: [...settings.added, p] }, false);
  }

  async function copySnippet() {
    setPlaying(false);
    if (snapshot) snippetCode.textContent = pythonSnippet(settings, snapshot.steps, dataParams);
    const text = snippetCode.textContent;
    try {
      await navigator.clipboard.writeText(text);
      ctx.message("Copied: paste it into Python with bendlines installed to rerun these steps.");
    } catch {
      snippetBox.open = true;
      ctx.message("The browser did not allow copying; the snippet is shown below to copy by hand.");
    }
  }

  // click to add a point (a click, not a drag or scroll)
  overlay.addEventListener("click", (event) => {
    const point = svgPoint(overlay, event);
    if (!point) return;
    const sx = linear([box[0], box[1]], [0, VIEW]);
    const sy = linear([box[2], box[3]], [VIEW, 0]);
    addPoint(sx.invert(point[0]), sy.invert(point[1]));
  });

  // --- drawing ---
  // at most one draw per animation frame
  function schedule() {
    if (!dirty || scheduled) return;
    scheduled = true;
    const wait = reducedMotion() && playing ? 1000 - (performance.now() - lastDraw) : 0;
    if (wait > 0) {
      setTimeout(() => requestAnimationFrame(draw), wait);
      return;
    }
    requestAnimationFrame(draw);
  }

  // While playing: the picture when the worker sends one (<= 20/s), text and curves 4/s.
  const TEXT_MS = 250;
  function draw() {
    scheduled = false;
    if (!dirty || !snapshot) return;
    dirty = false;
    lastDraw = performance.now();
    const s = snapshot;
    const textDue = textDirty || s.playing && lastDraw - lastText >= TEXT_MS;
    if (textDue) {
      textDirty = false;
      lastText = lastDraw;
      drawCharts();
      drawText(s, picture ?? s);
      if (pictureDirty && !s.playing) {
        // still: the picture on the next frame (text first: it is what can move the page)
        dirty = true;
        schedule();
        return;
      }
    } else if (s.playing && !textTimer) {
      textTimer = setTimeout(() => {
        textTimer = 0;
        dirty = true;
        textDirty = true;
        schedule();
      }, TEXT_MS - (lastDraw - lastText));
    }
    if (pictureDirty && picture) {
      pictureDirty = false;
      drawField(picture);
      drawUnits(s);
    }
  }

  function drawText(s, p) {
    const last = s.last ?? history.at(-1);
    outs.step.textContent = String(s.steps);
    outs.loss.textContent = last ? `${fmt(last.trainLoss, 4)} / ${fmt(last.testLoss, 4)}` : "not a finite number";
    if (last) outs.loss.dataset.value = String(last.trainLoss); // full precision, for tests
    outs.acc.textContent = last ? `${fmt(100 * last.trainAcc, 3)}% / ${fmt(100 * last.testAcc, 3)}%` : "not defined";
    outs.regions.textContent = p.regionCount === null
      ? `not defined: ${settings.activation} is not piecewise linear`
      : s.exactCount !== null && s.exactCount !== undefined
        ? `${s.exactCount} in the picture, counted exactly (the ${RES} × ${RES} grid of the heatmap sees ${p.regionCount})`
        : `${p.regionCount} seen on the ${RES} × ${RES} grid${s.playing ? "; exact count when paused" : "; small regions can hide between grid points"}`;
    if (s.exactCount !== null && s.exactCount !== undefined) outs.regions.dataset.exact = String(s.exactCount);
    else delete outs.regions.dataset.exact;
    outs.dead.textContent = settings.layers.length ? `${fmt(100 * s.dead, 3)}% of hidden units are off on every training point` : "no hidden units";
    outs.rate.textContent = s.rate > 0 ? fmt(s.rate, 3) : "(press Play)";
    stateLine.textContent = STATUS_TEXT[s.status] ?? "";
    const label = `Training data (${settings.data}) over the net's output after ${s.steps} steps`
      + (p.regionCount === null ? "" : `; ${p.regionCount} linear regions seen`);
    overlay.setAttribute("aria-label", label);
    overlayTitle.textContent = label;
    // the snippet only when it can be read
    if (!s.playing || snippetBox.open) snippetCode.textContent = pythonSnippet(settings, s.steps, dataParams);
  }

  const context = canvas.getContext("2d");
  const image = context.createImageData(RES, RES); // reused

  function drawField(s) {
    const data = image.data;
    const { prob, regions } = s;
    for (let r = 0; r < RES; r++) {
      for (let c = 0; c < RES; c++) {
        const i = r * RES + c; // row r goes up in y; the canvas row goes down
        const p = prob[i];
        const color = COLORS[p >= 0.5 ? 1 : 0];
        const strength = Number.isFinite(p) ? Math.abs(2 * p - 1) * 0.55 : 0;
        const id = regions?.[i];
        const edge = regions && ((c + 1 < RES && regions[i + 1] !== id) || (r + 1 < RES && regions[i + RES] !== id));
        const shade = edge ? 0.62 : 1;
        const o = 4 * ((RES - 1 - r) * RES + c);
        for (let k = 0; k < 3; k++) data[o + k] = Math.round((255 + (color[k] - 255) * strength) * shade);
        data[o + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
  }

  // unit lines and arrows: kept paths, new "d"
  const unitPaths = [];
  function unitPath(k) {
    while (unitPaths.length <= k) {
      unitPaths.push([svg("path", { class: "bl-unit" }, unitLayer), svg("path", { class: "bl-unit-arrow" }, unitLayer)]);
    }
    return unitPaths[k];
  }

  function drawUnits(s) {
    const sx = linear([box[0], box[1]], [0, VIEW]);
    const sy = linear([box[2], box[3]], [VIEW, 0]);
    let shown = 0;
    for (const [w1, w2, b] of s.lines) {
      const norm = Math.hypot(w1, w2);
      if (!(norm > 1e-12) || !Number.isFinite(b)) continue;
      // the line w . x + b = 0 through the box: its point nearest the box centre, and a direction
      const cx = (box[0] + box[1]) / 2;
      const cy = (box[2] + box[3]) / 2;
      const t = -(w1 * cx + w2 * cy + b) / (norm * norm);
      const [x0, y0] = [cx + t * w1, cy + t * w2];
      if (Math.abs(x0 - cx) > box[1] - cx || Math.abs(y0 - cy) > box[3] - cy) continue; // misses the box
      const [dx, dy] = [-w2 / norm, w1 / norm];
      const seg = clipToBox(x0, y0, dx, dy, box);
      if (!seg) continue;
      const [line, arrow] = unitPath(shown++);
      line.setAttribute("d", `M${sx(seg[0])},${sy(seg[1])}L${sx(seg[2])},${sy(seg[3])}`);
      const [ax, ay] = [sx(x0), sy(y0)];
      const [ux, uy] = [(w1 / norm) * 16, (-w2 / norm) * 16]; // screen y points down
      arrow.setAttribute("d", `M${ax},${ay}l${ux},${uy}m${-0.35 * ux - 0.25 * uy},${-0.35 * uy + 0.25 * ux}l${0.35 * ux + 0.25 * uy},${0.35 * uy - 0.25 * ux}l${-0.35 * ux + 0.25 * uy},${-0.35 * uy - 0.25 * ux}`);
    }
    for (const [line, arrow] of unitPaths.splice(shown)) {
      line.remove();
      arrow.remove();
    }
    drawPoints(sx, sy);
    overlay.dataset.box = box.join(","); // the pictured box, for tests
  }

  let pointsDrawnFor = "";
  function drawPoints(sx, sy) {
    const key = `${settings.data}|${settings.added.length}|${box.join(",")}`;
    if (key === pointsDrawnFor) return;
    pointsDrawnFor = key;
    pointLayer.replaceChildren();
    loadData(settings.data).then((set) => {
      // one path of circles per class
      const d = ["", ""];
      set.X.forEach(([x, y], i) => {
        d[set.y[i]] += `M${(sx(x) - 2.6).toFixed(1)},${sy(y).toFixed(1)}a2.6,2.6 0 1,0 5.2,0a2.6,2.6 0 1,0 -5.2,0`;
      });
      d.forEach((path, c) => {
        svg("path", { class: POINT_CLASS[c], d: path }, pointLayer);
      });
      for (const [x, y, c] of settings.added) svg("circle", { class: `${POINT_CLASS[c]} bl-added`, cx: sx(x), cy: sy(y), r: 5 }, pointLayer);
    });
  }

  function drawCursor() {
    const sx = linear([box[0], box[1]], [0, VIEW]);
    const sy = linear([box[2], box[3]], [VIEW, 0]);
    cursor.setAttribute("cx", sx(px.value()));
    cursor.setAttribute("cy", sy(py.value()));
  }

  // axes rebuilt only when their range changes; steps end at 1, 2 or 5 x 10^k
  let axesKey = "";

  function drawCharts() {
    const h = history;
    const steps = h.map((e) => e.step);
    const maxStep = niceCeil(Math.max(10, steps.at(-1) ?? 0));
    const sx = linear([0, maxStep], [CM.left, CHART_W - CM.right]);
    const losses = h.flatMap((e) => [e.trainLoss, e.testLoss]).filter((v) => Number.isFinite(v) && v > 0);
    const lo = Math.max(1e-4, 10 ** Math.floor(Math.log10(Math.min(...losses, 0.1))));
    const hi = Math.min(1e6, 10 ** Math.ceil(Math.log10(Math.max(...losses, 1))));
    const sl = log10([lo, hi], [CHART_H - CM.bottom, CM.top]);
    const sa = linear([0, 1], [CHART_H - CM.bottom, CM.top]);
    const key = `${maxStep}|${lo}|${hi}`;
    if (key !== axesKey) {
      axesKey = key;
      axes(lossChart.g, sx, sl, { xLabel: "steps", yLabel: "loss (nats)", xTicks: sx.ticks(4).filter(Number.isInteger),
        format: logTick, xFormat: siCount });
      axes(accChart.g, sx, sa, { xLabel: "steps", yLabel: "accuracy", yTicks: [0, 0.5, 1], xTicks: sx.ticks(4).filter(Number.isInteger),
        format: (v) => fmt(v, 2), xFormat: siCount });
    }
    lossChart.train.setAttribute("d", linePath(steps, h.map((e) => e.trainLoss), sx, sl, 0));
    lossChart.test.setAttribute("d", linePath(steps, h.map((e) => e.testLoss), sx, sl, 0));
    accChart.train.setAttribute("d", linePath(steps, h.map((e) => e.trainAcc), sx, sa, 0));
    accChart.test.setAttribute("d", linePath(steps, h.map((e) => e.testAcc), sx, sa, 0));
  }

  // pause off screen and in a hidden tab; resume when seen again if the reader had pressed Play
  watchVisibility(app, (seen) => {
    visible = seen;
    syncWorker();
  });

  rebuildUnits();
  await restart();
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
