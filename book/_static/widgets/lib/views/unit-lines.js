// The unit-lines explorer's views: the square with the exact regions of a layer (shaded by
// how many units are on), each unit's line and arrow, the chosen unit's handles, and the count
// against the formula in words. Maths: maths/exact_regions.js and maths/arrangement.js.

import { arrangementCount, explain } from "../maths/arrangement.js";
import { layerRegions } from "../maths/exact_regions.js";
import { axes, fmt, linear, polygonPath, svg } from "../toolkit/plot.js";

export const SIZE = 300;
const M = { left: 34, right: 10, top: 22, bottom: 30 };
// Light to dark blue by the number of units on (readable with dark text, colour-blind safe).
const FILLS = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5"];
let clipCount = 0; // ids of clip paths, unique on the page and the same on every load

/** A unit's normal n, the foot of its line (nearest the origin) and its arrow's tip. */
export function geometry({ angle, offset }) {
  const t = (angle * Math.PI) / 180;
  const n = [Math.cos(t), Math.sin(t)];
  const foot = [offset * n[0], offset * n[1]];
  return { n, foot, tip: [foot[0] + 0.5 * n[0], foot[1] + 0.5 * n[1]] };
}

/** The layer of `units`: {W (2 rows), b}. */
export function layerOf(units) {
  const rad = units.map((u) => (u.angle * Math.PI) / 180);
  return { W: [rad.map(Math.cos), rad.map(Math.sin)], b: units.map((u) => -u.offset) };
}

/** The chart's numbers: each unit's arrow angle and the weights and bias of the ReLU unit it
 * makes (w₁x + w₂y + b = 0 on its line; b is minus the line's offset from the origin), as a
 * header and rows for toolkit/table.js (five columns: a phone's width). */
export function unitTable(units) {
  const { W, b } = layerOf(units);
  const rows = units.map((u, i) => [String(i + 1), `${fmt(u.angle, 4)}°`, fmt(W[0][i], 4), fmt(W[1][i], 4), fmt(b[i], 4)]);
  return [["unit", "arrow angle", "w₁", "w₂", "b"], rows];
}

/** The square's parts (svg, layers, the chosen unit's handles) and its scales for `box`. */
export function square(box) {
  const plot = svg("svg", { class: "bl-plot bl-square", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img" });
  const title = svg("title", {}, plot);
  clipCount += 1;
  const clipId = `bl-clip-unit-lines-${clipCount}`;
  const clipRect = svg("rect", {}, svg("clipPath", { id: clipId }, svg("defs", {}, plot)));
  const parts = { plot, title, regions: svg("g", {}, plot), axes: svg("g", {}, plot) };
  parts.lines = svg("g", { "clip-path": `url(#${clipId})` }, plot);
  const handles = svg("g", {}, plot);
  // made once and moved, so a drag keeps its pointer capture
  parts.lineZone = svg("circle", { class: "bl-handle-zone", r: 13 }, handles);
  parts.lineHandle = svg("circle", { class: "bl-handle", r: 7 }, handles);
  parts.turnZone = svg("circle", { class: "bl-handle-zone", r: 13 }, handles);
  parts.turnHandle = svg("rect", { class: "bl-handle", width: 12, height: 12 }, handles);
  const sx = linear([box[0], box[1]], [M.left, SIZE - M.right]);
  const sy = linear([box[2], box[3]], [SIZE - M.bottom, M.top]);
  Object.entries({ x: sx(box[0]), y: sy(box[3]), width: sx(box[1]) - sx(box[0]), height: sy(box[2]) - sy(box[3]) })
    .forEach(([k, v]) => { clipRect.setAttribute(k, v); });
  // the corner's value is labelled once, on the x axis
  axes(parts.axes, sx, sy, { xLabel: "x₁", yLabel: "x₂", yTicks: sy.ticks(4).filter((t) => t > box[2]) });
  return { ...parts, sx, sy, box };
}

/** Draw the regions, lines and the chosen unit's handles; returns the readouts in words. */
export function drawSquare(parts, units, selected, lim) {
  const { sx, sy, box } = parts;
  const { W, b } = layerOf(units);
  const regions = layerRegions(W, b, box);
  parts.regions.replaceChildren(...regions.map((r) => {
    const on = r.pattern.map((v, i) => (v ? i + 1 : 0)).filter(Boolean);
    const path = svg("path", { class: "bl-region", d: polygonPath(r.vertices, sx, sy), fill: FILLS[Math.min(on.length, FILLS.length - 1)] });
    svg("title", {}, path).textContent = on.length ? `units on: ${on.join(", ")}` : "no unit on";
    return path;
  }));
  parts.lines.replaceChildren(...units.map((u, i) => {
    const { n, foot, tip } = geometry(u);
    const far = 3 * lim;
    const g = svg("g", { class: i === selected ? "bl-selected" : "" });
    svg("path", { class: "bl-unit-line", d: `M${sx(foot[0] - far * n[1])},${sy(foot[1] + far * n[0])}L${sx(foot[0] + far * n[1])},${sy(foot[1] - far * n[0])}` }, g);
    svg("path", { class: "bl-arrow", d: `M${sx(foot[0])},${sy(foot[1])}L${sx(tip[0])},${sy(tip[1])}` }, g);
    svg("text", { class: "bl-unit-label", x: sx(tip[0] + 0.12 * n[0]), y: sy(tip[1] + 0.12 * n[1]) + 4, "text-anchor": "middle" }, g).textContent = String(i + 1);
    return g;
  }));
  for (const e of [parts.lineZone, parts.lineHandle, parts.turnZone, parts.turnHandle]) e.setAttribute("visibility", "hidden");
  if (units[selected]) {
    const { foot, tip } = geometry(units[selected]);
    const inBox = (p) => p[0] >= box[0] && p[0] <= box[1] && p[1] >= box[2] && p[1] <= box[3];
    if (inBox(foot)) {
      for (const e of [parts.lineZone, parts.lineHandle]) {
        Object.entries({ cx: sx(foot[0]), cy: sy(foot[1]), visibility: "visible" }).forEach(([k, v]) => { e.setAttribute(k, v); });
      }
    }
    if (inBox(tip)) {
      Object.entries({ cx: sx(tip[0]), cy: sy(tip[1]), visibility: "visible" }).forEach(([k, v]) => { parts.turnZone.setAttribute(k, v); });
      Object.entries({ x: sx(tip[0]) - 6, y: sy(tip[1]) - 6, visibility: "visible" }).forEach(([k, v]) => { parts.turnHandle.setAttribute(k, v); });
    }
  }
  parts.plot.dataset.lines = JSON.stringify({ W, b, box }); // what is drawn, for tests and tools
  return countTexts(regions.length, units.length, explain(W, b, box));
}

/** The count, the formula and why they differ, in words; and the square's label. */
export function countTexts(count, n, e) {
  const formula = arrangementCount(n);
  const plural = (k, one, many) => `${k} ${k > 1 ? many : one}`;
  const reasons = [
    e.missing && `${plural(e.missing, "line misses", "lines miss")} the square`,
    e.parallel && `${plural(e.parallel, "pair", "pairs")} of parallel lines never cross`,
    e.outside && `${plural(e.outside, "crossing lies", "crossings lie")} outside the square`,
    e.multiple && `${plural(e.multiple, "point", "points")} where three or more lines meet`,
  ].filter(Boolean);
  return {
    count: String(count),
    formula: `${formula} for n = ${n}`,
    why: count === formula
      ? "they agree: every pair of lines crosses inside the square, at its own point"
      : reasons.join("; ") || "lines nearly touching a corner of the square",
    label: `${n} unit lines cut the square into ${count} regions; the formula gives ${formula}`,
  };
}

/** Python for this state: bendlines code that counts the exact regions of the units' layer in
 * the box (the weights written in full, so Python reads the same numbers). */
export function pythonSnippet(units, box) {
  const { W, b } = layerOf(units);
  const row = (values) => `[${values.map(String).join(", ")}]`;
  return [
    "import numpy as np",
    "",
    "from bendlines import regions",
    "",
    `W = np.array([${row(W[0])}, ${row(W[1])}]).reshape(2, ${units.length})  # column i: unit i's arrow`,
    `b = np.array(${row(b)})`,
    `layer = [(W, b), (np.ones((${units.length}, 1)), np.zeros(1))]  # the units, then their sum`,
    `count = regions.count_regions(layer, (${box.join(", ")}))`,
    `formula = regions.arrangement_count(${units.length})`,
    'print(f"{count} regions in the square; 1 + n + n(n - 1)/2 gives {formula}")',
    "",
  ].join("\n");
}
