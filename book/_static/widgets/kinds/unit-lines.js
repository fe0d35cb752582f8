// The unit-lines explorer (chapter 2): each hidden unit of a 2-input ReLU layer is a line
// with an arrow (its weight vector) pointing into the side where it is on. The exact regions
// (exact_regions.js, a port of bendlines.regions) are filled by how many units are on, and
// their count stands next to 1 + n + n(n - 1)/2, with the reasons when the two differ.

import { layerRegions } from "../lib/maths/exact_regions.js";
import { arrangementCount, explain } from "../lib/maths/arrangement.js";
import { axes, drag, fmt, linear, polygonPath, svg } from "../lib/toolkit/plot.js";
import { readNumbers } from "../lib/state/hash.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";

const S = 300;
const M = { left: 34, right: 10, top: 10, bottom: 30 };
const MAX_UNITS = 12;
const ANGLE_STEP = 5; // degrees
const OFFSET_STEP = 0.05;
// Light to dark blue by the number of units on (readable with dark text, colour-blind safe).
const FILLS = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5"];

const wrapAngle = (deg) => ((Math.round(deg / ANGLE_STEP) * ANGLE_STEP) % 360 + 360) % 360;
const snapOffset = (d, lim) => Math.max(-lim, Math.min(lim, Math.round(d / OFFSET_STEP) * OFFSET_STEP));

let clipCount = 0; // ids of clip paths, unique on the page and the same on every load

export async function mount(app, ctx) {
  const net = await ctx.data("plane_net");
  const box = net.box; // [xmin, xmax, ymin, ymax]
  const lim = Math.max(...box.map(Math.abs));
  let problem = ctx.hashProblem;
  // Each unit: the angle of its weight vector (degrees) and the signed distance of its line
  // from the origin along that vector: w = (cos t, sin t), b = -d.
  let units = net.W[0].map((wx, i) => {
    const wy = net.W[1][i];
    const r = Math.hypot(wx, wy);
    // The chapter's exact lines (the sliders show them rounded until the reader moves one).
    return { angle: (((Math.atan2(wy, wx) * 180) / Math.PI) % 360 + 360) % 360, offset: -net.b[i] / r };
  });
  if (Number.isInteger(ctx.config.units)) units = units.slice(0, ctx.config.units);
  const s = ctx.state;
  if (s.t !== undefined || s.d !== undefined) {
    const ts = readNumbers(s.t ?? "", 0, 359, MAX_UNITS);
    const ds = readNumbers(s.d ?? "", -lim, lim, MAX_UNITS);
    if (ts && ds && ts.length === ds.length) units = ts.map((t, i) => ({ angle: wrapAngle(t), offset: snapOffset(ds[i], lim) }));
    else problem = true;
  }
  let selected = 0;

  // --- controls ---
  const controls = el("div", "bl-controls");
  let which = null;
  const angle = slider({
    label: "Angle of the arrow",
    min: 0,
    max: 360 - ANGLE_STEP,
    step: ANGLE_STEP,
    value: 0,
    format: (v) => `${v}°`,
    onInput(v) {
      if (!units[selected]) return;
      units[selected].angle = v;
      draw();
    },
  });
  const offset = slider({
    label: "Offset of the line",
    min: -lim,
    max: lim,
    step: OFFSET_STEP,
    value: 0,
    format: (v) => fmt(Math.abs(v) < 1e-9 ? 0 : v, 3),
    onInput(v) {
      if (!units[selected]) return;
      units[selected].offset = v;
      draw();
    },
  });
  const addButton = button("Add unit", () => {
    const k = units.length;
    units.push({ angle: wrapAngle(37 * k + 20), offset: snapOffset(((k % 5) - 2) * 0.3, lim) });
    selected = units.length - 1;
    sync();
    draw();
    save();
  });
  const removeButton = button("Remove unit", () => {
    units.splice(selected, 1);
    selected = Math.max(0, Math.min(selected, units.length - 1));
    sync();
    draw();
    save();
  });
  const slot = el("div", "bl-control-slot");
  controls.append(slot, angle.root, offset.root, addButton, removeButton);

  const plot = svg("svg", { class: "bl-plot bl-square", viewBox: `0 0 ${S} ${S}`, role: "img" });
  const title = svg("title", {}, plot);
  clipCount += 1;
  const clipId = `bl-clip-unit-lines-${clipCount}`;
  const defs = svg("defs", {}, plot);
  const clip = svg("clipPath", { id: clipId }, defs);
  const clipRect = svg("rect", {}, clip);
  const regionLayer = svg("g", {}, plot);
  const axisLayer = svg("g", {}, plot);
  const lineLayer = svg("g", { "clip-path": `url(#${clipId})` }, plot);
  const handleLayer = svg("g", {}, plot);
  // The chosen unit's handles: made once and moved, so a drag keeps its pointer capture.
  const lineZone = svg("circle", { class: "bl-handle-zone", r: 13 }, handleLayer);
  const lineHandle = svg("circle", { class: "bl-handle", r: 7 }, handleLayer);
  const turnZone = svg("circle", { class: "bl-handle-zone", r: 13 }, handleLayer);
  const turnHandle = svg("rect", { class: "bl-handle", width: 12, height: 12 }, handleLayer);
  const caption = el(
    "p",
    "bl-note",
    "Each line is one unit; its arrow points to the side where the unit is on. Regions are shaded darker the more units are on. Drag the chosen unit's round handle to shift its line and its square handle to turn it.",
  );
  const dl = el("dl", "bl-readouts");
  const out = {
    count: readout(dl, "Regions in the square"),
    formula: readout(dl, "1 + n + n(n − 1)/2"),
    why: readout(dl, "Why they differ"),
  };
  app.append(controls, plot, caption, dl);

  const sx = linear([box[0], box[1]], [M.left, S - M.right]);
  const sy = linear([box[2], box[3]], [S - M.bottom, M.top]);
  clipRect.setAttribute("x", sx(box[0]));
  clipRect.setAttribute("y", sy(box[3]));
  clipRect.setAttribute("width", sx(box[1]) - sx(box[0]));
  clipRect.setAttribute("height", sy(box[2]) - sy(box[3]));
  axes(axisLayer, sx, sy, { xLabel: "x₁", yLabel: "x₂" });

  const layer = () => {
    const rad = units.map((u) => (u.angle * Math.PI) / 180);
    return {
      W: [rad.map(Math.cos), rad.map(Math.sin)],
      b: units.map((u) => -u.offset),
    };
  };

  function sync() {
    const old = which;
    which = select({
      label: "Unit",
      options: units.map((_, i) => [String(i), `${i + 1} of ${units.length}`]),
      value: String(selected),
      onChange(v) {
        selected = Number(v);
        sync();
        draw();
      },
    });
    if (old) old.root.replaceWith(which.root);
    else slot.append(which.root);
    const u = units[selected];
    for (const c of [which.input, angle.input, offset.input]) c.disabled = !u;
    if (u) {
      angle.set(u.angle);
      offset.set(u.offset);
    }
    addButton.disabled = units.length >= MAX_UNITS;
    removeButton.disabled = units.length === 0;
  }

  function draw() {
    const { W, b } = layer();
    const regions = layerRegions(W, b, box);
    regionLayer.replaceChildren();
    for (const r of regions) {
      const on = r.pattern.map((v, i) => (v ? i + 1 : 0)).filter(Boolean);
      const fill = FILLS[Math.min(on.length, FILLS.length - 1)];
      const path = svg("path", { class: "bl-region", d: polygonPath(r.vertices, sx, sy), fill }, regionLayer);
      svg("title", {}, path).textContent = on.length ? `units on: ${on.join(", ")}` : "no unit on";
    }
    lineLayer.replaceChildren();
    units.forEach((u, i) => {
      const t = (u.angle * Math.PI) / 180;
      const n = [Math.cos(t), Math.sin(t)];
      const foot = [u.offset * n[0], u.offset * n[1]];
      const far = 3 * lim;
      const g = svg("g", { class: i === selected ? "bl-selected" : "" }, lineLayer);
      svg("path", {
        class: "bl-unit-line",
        d: `M${sx(foot[0] - far * n[1])},${sy(foot[1] + far * n[0])}L${sx(foot[0] + far * n[1])},${sy(foot[1] - far * n[0])}`,
      }, g);
      const tip = [foot[0] + 0.5 * n[0], foot[1] + 0.5 * n[1]];
      svg("path", { class: "bl-arrow", d: `M${sx(foot[0])},${sy(foot[1])}L${sx(tip[0])},${sy(tip[1])}` }, g);
      const label = svg("text", { class: "bl-unit-label", x: sx(tip[0] + 0.12 * n[0]), y: sy(tip[1] + 0.12 * n[1]) + 4, "text-anchor": "middle" }, g);
      label.textContent = String(i + 1);
    });
    const u = units[selected];
    for (const e of [lineZone, lineHandle, turnZone, turnHandle]) e.setAttribute("visibility", "hidden");
    if (u) {
      const t = (u.angle * Math.PI) / 180;
      const n = [Math.cos(t), Math.sin(t)];
      const foot = [u.offset * n[0], u.offset * n[1]];
      const tip = [foot[0] + 0.5 * n[0], foot[1] + 0.5 * n[1]];
      const inBox = (p) => p[0] >= box[0] && p[0] <= box[1] && p[1] >= box[2] && p[1] <= box[3];
      if (inBox(foot)) {
        for (const e of [lineZone, lineHandle]) {
          e.setAttribute("cx", sx(foot[0]));
          e.setAttribute("cy", sy(foot[1]));
          e.setAttribute("visibility", "visible");
        }
      }
      if (inBox(tip)) {
        turnZone.setAttribute("cx", sx(tip[0]));
        turnZone.setAttribute("cy", sy(tip[1]));
        turnHandle.setAttribute("x", sx(tip[0]) - 6);
        turnHandle.setAttribute("y", sy(tip[1]) - 6);
        for (const e of [turnZone, turnHandle]) e.setAttribute("visibility", "visible");
      }
    }
    // readouts
    const count = regions.length;
    const formula = arrangementCount(units.length);
    out.count.textContent = String(count);
    out.count.dataset.value = String(count);
    out.formula.textContent = `${formula} for n = ${units.length}`;
    const e = explain(W, b, box);
    const reasons = [];
    if (e.missing) reasons.push(`${e.missing} line${e.missing > 1 ? "s miss" : " misses"} the square`);
    if (e.parallel) reasons.push(`${e.parallel} pair${e.parallel > 1 ? "s" : ""} of parallel lines never cross`);
    if (e.outside) reasons.push(`${e.outside} crossing${e.outside > 1 ? "s lie" : " lies"} outside the square`);
    if (e.multiple) reasons.push(`${e.multiple} point${e.multiple > 1 ? "s" : ""} where three or more lines meet`);
    out.why.textContent =
      count === formula
        ? "they agree: every pair of lines crosses inside the square, at its own point"
        : reasons.join("; ") || "lines nearly touching a corner of the square";
    plot.dataset.lines = JSON.stringify({ W, b, box }); // what is drawn, for tests and tools
    const text = `${units.length} unit lines cut the square into ${count} regions; the formula gives ${formula}`;
    plot.setAttribute("aria-label", text);
    title.textContent = text;
  }

  function moveLine(point) {
    const u = units[selected];
    if (!point || !u) return;
    const t = (u.angle * Math.PI) / 180;
    const d = sx.invert(point[0]) * Math.cos(t) + sy.invert(point[1]) * Math.sin(t);
    offset.set(snapOffset(d, lim), true);
  }
  function turn(point) {
    const u = units[selected];
    if (!point || !u) return;
    const t = (u.angle * Math.PI) / 180;
    const foot = [u.offset * Math.cos(t), u.offset * Math.sin(t)];
    const deg = (Math.atan2(sy.invert(point[1]) - foot[1], sx.invert(point[0]) - foot[0]) * 180) / Math.PI;
    angle.set(wrapAngle(deg), true);
  }

  for (const e of [lineZone, lineHandle]) drag(e, plot, { onMove: moveLine, onEnd: () => save() });
  for (const e of [turnZone, turnHandle]) drag(e, plot, { onMove: turn, onEnd: () => save() });

  const save = () =>
    ctx.saveState({ t: units.map((u) => u.angle).join(","), d: units.map((u) => Number(u.offset.toFixed(2))).join(",") });
  for (const c of [angle.input, offset.input]) c.addEventListener("change", save);

  sync();
  draw();
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
