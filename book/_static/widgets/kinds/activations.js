// The activation explorer (gallery): any registry entry, its parameter, a probe point.
// Shows phi and phi' with kinks marked, the registry's properties, the largest slope and its
// power for a depth L (the vanishing-gradient argument), and E[phi(Z)] for Z ~ N(0, 1).
// The math is activation_functions.js (checked against bendlines.activations); the names,
// parameters, grids and properties come from data/activations.json, written by the build.

import { bind, maxAbsSlope, normalMean } from "../lib/maths/activations.js";
import { axes, drag, fmt, linear, linePath, svg } from "../lib/toolkit/plot.js";
import { readNumber } from "../lib/state/hash.js";
import { el, numberField, parseNumber, readout, select, slider } from "../lib/toolkit/ui.js";

const W = 360;
const H = 250;
const M = { left: 40, right: 12, top: 18, bottom: 34 };
const X_RANGE = [-6, 6];
const SLOPE_RANGE = [-8, 8];
const MAX_DEPTH = 100;

// The book's bibliography page, two folders up from this module (_static/widgets/).
const BIBLIOGRAPHY = new URL("../../bibliography.html", import.meta.url).href;

const num = (v) => (typeof v === "number" ? v : { inf: Infinity, "-inf": -Infinity, nan: NaN }[v]);
const yesNo = (b) => (b ? "yes" : "no");

function interval([lo, hi]) {
  const a = num(lo);
  const b = num(hi);
  return `${a === -Infinity ? "(" : "["}${fmt(a, 4)}, ${fmt(b, 4)}${b === Infinity ? ")" : "]"}`;
}

export async function mount(app, ctx) {
  const { entries } = await ctx.data("activations");
  const byName = new Map(entries.map((e) => [e.name, e]));
  const state = { name: byName.has(ctx.config.name) ? ctx.config.name : "relu", index: 0, z: 1, depth: 10 };
  let problem = ctx.hashProblem;

  // --- state from the address (each value checked; anything off keeps the default) ---
  const s = ctx.state;
  if (s.name !== undefined) {
    if (byName.has(s.name)) state.name = s.name;
    else problem = true;
  }
  const entry0 = byName.get(state.name);
  state.index = defaultIndex(entry0);
  if (s.p !== undefined) {
    const grid = entry0.params[0]?.grid ?? [];
    const v = readNumber(s.p, -1e6, 1e6);
    const i = grid.findIndex((g) => v !== undefined && Math.abs(g - v) < 1e-9);
    if (i >= 0) state.index = i;
    else problem = true;
  }
  for (const [key, lo, hi, integer] of [["z", X_RANGE[0], X_RANGE[1], false], ["depth", 1, MAX_DEPTH, true]]) {
    if (s[key] === undefined) continue;
    const v = readNumber(s[key], lo, hi);
    if (v !== undefined && (!integer || Number.isInteger(v))) state[key] = v;
    else problem = true;
  }

  // --- controls ---
  const controls = el("div", "bl-controls");
  const pick = select({
    label: "Activation",
    options: entries.map((e) => [e.name, e.counterexample ? `${e.name} (counterexample)` : e.name]),
    value: state.name,
    onChange(name) {
      state.name = name;
      state.index = defaultIndex(byName.get(name));
      rebuildParam();
      update();
    },
  });
  const paramBox = el("div", "bl-control-slot");
  let param = null;
  const probe = slider({
    label: "Probe z",
    min: X_RANGE[0],
    max: X_RANGE[1],
    step: 0.05,
    value: state.z,
    format: (v) => fmt(v, 3),
    onInput(v) {
      state.z = v;
      update(false);
    },
  });
  const depth = numberField({
    label: "Depth L",
    value: state.depth,
    min: 1,
    max: MAX_DEPTH,
    step: 1,
    parse: (text) => parseNumber(text, 1, MAX_DEPTH, "the depth L", true),
    onChange(v) {
      state.depth = v;
      update(false);
    },
  });
  controls.append(pick.root, paramBox, probe.root, depth.root);

  // --- plot ---
  const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img" });
  const title = svg("title", {}, plot);
  const grid = svg("g", {}, plot);
  const kinkLayer = svg("g", {}, plot);
  const curveGrad = svg("path", { class: "bl-curve bl-orange bl-dashed" }, plot);
  const curve = svg("path", { class: "bl-curve bl-blue" }, plot);
  const probeLine = svg("path", { class: "bl-kink-line" }, plot);
  const probeDot = svg("circle", { class: "bl-marker", r: 4 }, plot);
  const probeGradDot = svg("circle", { class: "bl-marker", r: 3.5 }, plot);
  const handle = svg("circle", { class: "bl-handle", r: 7 }, plot);
  const legend = el("p", "bl-note", "Solid: φ(z). Dashed: φ′(z). Dotted lines: kinks. Drag on the plot or use the Probe slider to move z.");

  const note = el("p", "bl-note");
  const dl = el("dl", "bl-readouts");
  const out = {
    value: readout(dl, "φ(z)"),
    grad: readout(dl, "φ′(z)"),
    range: readout(dl, "Output range"),
    monotonic: readout(dl, "Monotonic"),
    smooth: readout(dl, "Smooth"),
    mean: readout(dl, "Mean output E[φ(z)], z standard normal"),
    bounded: readout(dl, "Bounded"),
    kinks: readout(dl, "Kinks"),
    slope: readout(dl, "max |φ′| on [−8, 8]"),
    power: readout(dl, "(max |φ′|)ᴸ"),
  };
  app.append(controls, plot, legend, note, dl);

  const sx = linear(X_RANGE, [M.left, W - M.right]);
  let sy = linear([-1, 1], [H - M.bottom, M.top]);
  let act = null;
  let summary = null;
  const summaries = new Map();

  function defaultIndex(entry) {
    const p = entry.params[0];
    return p ? p.grid.indexOf(p.default) : 0;
  }

  function paramValues() {
    const entry = byName.get(state.name);
    const p = entry.params[0];
    return p ? { [p.name]: p.grid[state.index] } : {};
  }

  function properties() {
    const entry = byName.get(state.name);
    return entry.params[0] ? entry.params[0].properties[state.index] : entry.properties;
  }

  function rebuildParam() {
    paramBox.replaceChildren();
    const p = byName.get(state.name).params[0];
    param = null;
    if (!p) return;
    param = slider({
      label: p.name.replace(/_/g, " "),
      min: 0,
      max: p.grid.length - 1,
      step: 1,
      value: state.index,
      format: (i) => fmt(p.grid[i], 3),
      onInput(i) {
        state.index = i;
        update();
      },
    });
    paramBox.append(param.root);
  }

  function update(full = true, save = true) {
    const entry = byName.get(state.name);
    const props = properties();
    const kinks = [...props.kinks, ...props.singularities].map(num);
    if (full || !act) {
      act = bind(state.name, paramValues());
      const key = `${state.name}:${state.index}`;
      if (!summaries.has(key)) {
        summaries.set(key, {
          slope: maxAbsSlope(act.grad, SLOPE_RANGE[0], SLOPE_RANGE[1], kinks),
          mean: normalMean(act.value, kinks),
        });
      }
      summary = summaries.get(key);
      drawCurves(kinks);
      const source = el("a", "", entry.cite_text);
      source.href = BIBLIOGRAPHY;
      note.replaceChildren(`${entry.note} (`, source, ")");
      out.range.textContent = interval(props.range);
      out.monotonic.textContent = yesNo(props.monotonic);
      out.smooth.textContent = yesNo(props.smooth);
      out.bounded.textContent = yesNo(props.bounded);
      out.kinks.textContent = kinks.length ? kinks.map((k) => fmt(k, 3)).join(", ") : "none";
      out.slope.textContent = fmt(summary.slope, 4);
      out.mean.textContent = Number.isNaN(summary.mean)
        ? "undefined: φ(z) is not a real number for some z < 0"
        : fmt(Math.abs(summary.mean) < 1e-13 ? 0 : summary.mean, 4);
    }
    const z = state.z;
    const v = act.value(z);
    const g = act.grad(z);
    out.value.textContent = Number.isNaN(v) ? "undefined here (outside the domain)" : fmt(v, 4);
    out.grad.textContent = Number.isNaN(g) ? "undefined here (outside the domain)" : fmt(g, 4);
    const power = summary.slope ** state.depth;
    out.power.textContent =
      `${fmt(power, 3)} for L = ${state.depth}` +
      (power < 1e-3 ? " (gradients vanish)" : power > 1e3 ? " (gradients can explode)" : "");
    const px = sx(z);
    probeLine.setAttribute("d", `M${px},${M.top}V${H - M.bottom}`);
    place(probeDot, px, v);
    place(probeGradDot, px, g);
    handle.setAttribute("cx", px);
    handle.setAttribute("cy", H - M.bottom);
    plot.setAttribute("aria-label", `Plot of ${state.name} and its derivative; probe at z = ${fmt(z, 3)}`);
    title.textContent = plot.getAttribute("aria-label");
    if (save) ctx.saveState({ name: state.name, ...(entry.params[0] ? { p: entry.params[0].grid[state.index] } : {}), z, depth: state.depth });
  }

  function place(dot, px, y) {
    const ok = Number.isFinite(y) && sy(y) >= M.top - 1 && sy(y) <= H - M.bottom + 1;
    dot.setAttribute("visibility", ok ? "visible" : "hidden");
    if (ok) {
      dot.setAttribute("cx", px);
      dot.setAttribute("cy", sy(y));
    }
  }

  function drawCurves(kinks) {
    const n = 481;
    const xs = Array.from({ length: n }, (_, i) => X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (n - 1));
    for (const k of kinks) if (k > X_RANGE[0] && k < X_RANGE[1]) xs.push(k - 1e-9, k, k + 1e-9);
    xs.sort((a, b) => a - b);
    const ys = xs.map(act.value);
    const gs = xs.map(act.grad);
    const finite = [...ys, ...gs].filter(Number.isFinite);
    let lo = Math.max(-4, Math.min(-1, ...finite));
    let hi = Math.min(6, Math.max(1, ...finite));
    const pad = 0.08 * (hi - lo);
    lo -= pad;
    hi += pad;
    sy = linear([lo, hi], [H - M.bottom, M.top]);
    axes(grid, sx, sy, { xLabel: "z", yLabel: "φ(z), φ′(z)" });
    curve.setAttribute("d", linePath(xs, ys, sx, sy, 40));
    curveGrad.setAttribute("d", linePath(xs, gs, sx, sy, 40));
    kinkLayer.replaceChildren();
    for (const k of kinks) {
      if (k < X_RANGE[0] || k > X_RANGE[1]) continue;
      svg("path", { class: "bl-kink-line", d: `M${sx(k)},${M.top}V${H - M.bottom}` }, kinkLayer);
    }
  }

  const moveTo = (point) => {
    if (!point) return;
    const z = Math.round(Math.min(X_RANGE[1], Math.max(X_RANGE[0], sx.invert(point[0]))) / 0.05) * 0.05;
    probe.set(Number(z.toFixed(2)), true);
  };
  drag(plot, plot, { onStart: moveTo, onMove: moveTo, touchAction: "pan-y" });

  rebuildParam();
  update(true, false);
  if (problem) {
    ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
  }
}
