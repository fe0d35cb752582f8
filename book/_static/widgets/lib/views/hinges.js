// The hinge builder's views: the target (dashed), each hinge's term (thin) and their sum
// (thick) with the chosen hinge's handles, the inset of the error against n (log-log), and the
// readouts in words. Maths: maths/hinges.js.

import { TARGETS, hingeSum, interpolationBound, maxErrorOfSum, snap } from "../maths/hinges.js";
import { MAX_HINGES } from "../state/hinges.js";
import { logTick } from "../toolkit/format.js";
import { axes, fmt, linear, linePath, log10, svg } from "../toolkit/plot.js";
import { numbersTable } from "../toolkit/table.js";

export const CHART = { width: 360, height: 250, margin: { left: 40, right: 12, top: 18, bottom: 34 } };
const INSET = { width: 360, height: 160, margin: { left: 48, right: 12, top: 24, bottom: 32 } };
const errorCurves = new Map();

/** The main chart's and the inset's parts. */
export function charts() {
  const { width: W, height: H } = CHART;
  const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img" });
  const p = { plot, title: svg("title", {}, plot), axes: svg("g", {}, plot), terms: svg("g", {}, plot) };
  p.target = svg("path", { class: "bl-target" }, plot);
  p.sum = svg("path", { class: "bl-curve bl-blue" }, plot);
  p.kinks = svg("g", {}, plot);
  p.kinkZone = svg("circle", { class: "bl-handle-zone", r: 13 }, plot);
  p.kinkHandle = svg("circle", { class: "bl-handle", r: 7 }, plot);
  p.slopeZone = svg("circle", { class: "bl-handle-zone", r: 13 }, plot);
  p.slopeHandle = svg("rect", { class: "bl-handle", width: 12, height: 12 }, plot);
  p.inset = svg("svg", { class: "bl-plot bl-inset", viewBox: `0 0 ${INSET.width} ${INSET.height}`, role: "img" });
  p.insetTitle = svg("title", {}, p.inset);
  p.insetAxes = svg("g", {}, p.inset);
  p.insetBound = svg("path", { class: "bl-curve-thin bl-orange bl-dashed" }, p.inset);
  p.insetErr = svg("path", { class: "bl-curve-thin bl-blue" }, p.inset);
  p.insetMark = svg("circle", { class: "bl-marker", r: 4 }, p.inset);
  p.numbers = numbersTable("The chart's numbers as a table", "Each hinge: its kink, its change of slope, and the sum and the target there");
  return p;
}

/** The main chart's scales for a target's limits. */
export function scales(lim) {
  const { width: W, height: H, margin: M } = CHART;
  return { sx: linear([lim.lo, lim.hi], [M.left, W - M.right]), sy: linear(lim.y, [H - M.bottom, M.top]) };
}

/** The main chart's numbers for sum g against target `info`: one row per hinge (its kink,
 * its change of slope, g and f at the kink), as a header and rows for toolkit/table.js. */
export function hingeTable(info, g) {
  const f = TARGETS[info.name];
  const rows = g.kinks.map((k, i) => [String(i + 1), fmt(k, 3), fmt(g.weights[i], 4), fmt(g.evaluate(k), 4), fmt(f(k), 4)]);
  return [["hinge", "kink at x", "change of slope", "sum g(x) there", "target f(x) there"], rows];
}

/** How far right of its kink the chosen hinge's slope handle sits. */
export const slopeReach = (lim) => (lim.hi - lim.lo) / 8;

/** Draw the model against target `info` (its limits `lim`); `full` redraws axes and target;
 * `onPick(i)` is called when a reader presses another hinge's kink. Returns the sum g. */
export function drawMain(p, info, lim, model, selected, full, onPick) {
  const { height: H, margin: M } = CHART;
  const { sx, sy } = scales(lim);
  const clampY = (y) => Math.max(M.top, Math.min(H - M.bottom, y));
  const g = hingeSum(model.bias, model.hinges.map((h) => h.k), model.hinges.map((h) => h.a));
  const xs = Array.from({ length: 401 }, (_, i) => lim.lo + ((lim.hi - lim.lo) * i) / 400);
  const all = xs.concat(g.kinks.filter((k) => k > lim.lo && k < lim.hi)).sort((a, b) => a - b);
  if (full) {
    axes(p.axes, sx, sy, { xLabel: "x", yLabel: "f(x), g(x)" });
    p.target.setAttribute("d", linePath(xs, xs.map(TARGETS[info.name]), sx, sy, 20));
  }
  p.terms.replaceChildren(...g.kinks.map((k, i) => {
    const pts = [lim.lo, Math.max(lim.lo, Math.min(lim.hi, k)), lim.hi];
    return svg("path", { class: i === selected ? "bl-curve bl-vermillion" : "bl-curve-thin bl-green", d: linePath(pts, pts.map((x) => g.term(i, x)), sx, sy, 20) });
  }));
  p.sum.setAttribute("d", linePath(all, all.map(g.evaluate), sx, sy, 20));
  p.kinks.replaceChildren();
  g.kinks.forEach((k, i) => {
    const y = sy(g.evaluate(k));
    if (i === selected || y < M.top - 2 || y > H - M.bottom + 2) return;
    svg("circle", { class: "bl-marker", r: 3, cx: sx(k), cy: y }, p.kinks).addEventListener("pointerdown", () => onPick(i));
  });
  const h = model.hinges[selected];
  for (const e of [p.kinkHandle, p.kinkZone, p.slopeHandle, p.slopeZone]) e.setAttribute("visibility", h ? "visible" : "hidden");
  if (h) {
    const [kx, ky] = [sx(h.k), clampY(sy(g.term(selected, h.k)))];
    for (const e of [p.kinkHandle, p.kinkZone]) Object.entries({ cx: kx, cy: ky }).forEach(([a, v]) => { e.setAttribute(a, v); });
    const right = Math.min(lim.hi, h.k + slopeReach(lim));
    const [px, py] = [sx(right), clampY(sy(g.term(selected, right)))];
    Object.entries({ x: px - 6, y: py - 6 }).forEach(([a, v]) => { p.slopeHandle.setAttribute(a, v); });
    Object.entries({ cx: px, cy: py }).forEach(([a, v]) => { p.slopeZone.setAttribute(a, v); });
  }
  p.numbers.show(...hingeTable(info, g));
  return g;
}

/** The readouts in words for sum g of m hinges against target `info`; `snappedN` when it is
 * the interpolant. Values for tests go in `values`. */
export function readoutTexts(info, lim, g, m, snappedN) {
  const err = maxErrorOfSum(g.bias, g.kinks, g.weights, TARGETS[info.name], info.domain);
  const ks = [...g.kinks].sort((a, b) => a - b);
  const more = ks.length > 12 ? `, … (${ks.length - 12} more)` : "";
  let bound = null;
  let boundText;
  if (info.max_abs_f2 === null) boundText = `no bound: ${info.description.split(" on ")[0]} has no second derivative everywhere`;
  else if (m === 0) boundText = "add a hinge (n ≥ 1) to get a bound";
  else {
    bound = interpolationBound(info.max_abs_f2, (lim.hi - lim.lo) / m);
    boundText = `${fmt(bound, 4)} for n = ${m} evenly spaced hinges${snappedN ? "" : " (yours are not: snap to compare)"}`;
  }
  return {
    count: snappedN ? `${m} (evenly spaced: the interpolant)` : String(m),
    kinks: ks.length ? ks.slice(0, 12).map((k) => fmt(k, 3)).join(", ") + more : "none",
    error: fmt(err, 4),
    bound: boundText,
    label: `Sum of ${m} hinges against ${info.name}; largest error ${fmt(err, 3)}`,
    values: { error: err, bound },
  };
}

/** Draw the inset: the error of n evenly spaced hinges against n (and the bound), with the
 * reader's m hinges and error marked. */
export function drawInset(p, info, lim, m, err) {
  const { width: IW, height: IH, margin: IM } = INSET;
  if (!errorCurves.has(info.name)) {
    const ns = Array.from({ length: MAX_HINGES }, (_, i) => i + 1);
    const errs = ns.map((n) => {
      const g = snap(info.name, info.domain, n);
      return maxErrorOfSum(g.bias, g.kinks, g.weights, TARGETS[info.name], info.domain, 2001);
    });
    errorCurves.set(info.name, { ns, errs });
  }
  const { ns, errs } = errorCurves.get(info.name);
  const positive = errs.filter((e) => e > 0);
  const bounds = info.max_abs_f2 === null ? [] : ns.map((k) => interpolationBound(info.max_abs_f2, (lim.hi - lim.lo) / k));
  const lo = Math.min(...positive, ...bounds.filter((b) => b > 0), err > 0 ? err : Infinity);
  const hi = Math.max(...positive, ...bounds, err);
  const ix = log10([1, MAX_HINGES], [IM.left, IW - IM.right]);
  const iy = log10([10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))], [IH - IM.bottom, IM.top]);
  axes(p.insetAxes, ix, iy, { xLabel: "n evenly spaced hinges", yLabel: "max |error| (log-log)", xTicks: [1, 10], yTicks: iy.ticks(), format: logTick });
  p.insetErr.setAttribute("d", linePath(ns, errs.map((e) => (e > 0 ? e : NaN)), ix, iy, 0));
  p.insetBound.setAttribute("d", bounds.length ? linePath(ns, bounds, ix, iy, 0) : "");
  const show = m >= 1 && m <= MAX_HINGES && err > 0;
  p.insetMark.setAttribute("visibility", show ? "visible" : "hidden");
  if (show) {
    p.insetMark.setAttribute("cx", ix(m));
    p.insetMark.setAttribute("cy", Math.max(IM.top, Math.min(IH - IM.bottom, iy(err))));
  }
  const label = `Error of n evenly spaced hinges against n, log-log${bounds.length ? ", with the bound dashed" : ""}; yours: ${m} hinges, error ${fmt(err, 3)}`;
  p.inset.setAttribute("aria-label", label);
  p.insetTitle.textContent = label;
}

/** Python for this state: bendlines code that rebuilds the sum g(x) = start + Σ aᵢ relu(x − kᵢ)
 * (numbers in full) and measures its largest error against the target as the widget does. */
export function pythonSnippet(name, model) {
  const list = (values) => `[${values.map(String).join(", ")}]`;
  return [
    "import numpy as np",
    "",
    "from bendlines import approx, targets",
    "",
    `target = targets.TARGETS["${name}"]`,
    `kinks = np.array(${list(model.hinges.map((h) => h.k))})`,
    `slopes = np.array(${list(model.hinges.map((h) => h.a))})  # change of slope at each kink`,
    `start = ${model.bias}`,
    "",
    "",
    "def g(x):",
    "    x = np.asarray(x, dtype=float)",
    "    return start + np.maximum(x[..., None] - kinks, 0.0) @ slopes",
    "",
    "",
    "error = approx.max_error(g, target.f, target.domain)",
    'print(f"{len(kinks)} hinges: largest error {error:.4g}")',
    "",
  ].join("\n");
}
