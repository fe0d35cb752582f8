// The activation explorer's views: phi and phi' with kinks marked and a probe, and the
// readouts in words, for a bound function (maths/activations.js) and its registry entry.

import { axes, fmt, linear, linePath, svg } from "../toolkit/plot.js";
import { Z_RANGE } from "../state/activations.js";

/** The chart's viewBox and margins. */
export const CHART = { width: 360, height: 250, margin: { left: 40, right: 12, top: 18, bottom: 34 } };

const num = (v) => (typeof v === "number" ? v : { inf: Infinity, "-inf": -Infinity, nan: NaN }[v]);
const yesNo = (b) => (b ? "yes" : "no");

/** The kinks and singularities of registry properties, as numbers. */
export const kinksOf = (props) => [...props.kinks, ...props.singularities].map(num);

function interval([lo, hi]) {
  const a = num(lo);
  const b = num(hi);
  return `${a === -Infinity ? "(" : "["}${fmt(a, 4)}, ${fmt(b, 4)}${b === Infinity ? ")" : "]"}`;
}

/** The chart's parts, and its x scale. */
export function chart() {
  const { width: W, height: H, margin: M } = CHART;
  const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img" });
  const parts = { plot, title: svg("title", {}, plot), grid: svg("g", {}, plot), kinks: svg("g", {}, plot) };
  parts.grad = svg("path", { class: "bl-curve bl-orange bl-dashed" }, plot);
  parts.curve = svg("path", { class: "bl-curve bl-blue" }, plot);
  parts.probeLine = svg("path", { class: "bl-kink-line" }, plot);
  parts.dot = svg("circle", { class: "bl-marker", r: 4 }, plot);
  parts.gradDot = svg("circle", { class: "bl-marker", r: 3.5 }, plot);
  parts.handle = svg("circle", { class: "bl-handle", r: 7 }, plot);
  parts.sx = linear(Z_RANGE, [M.left, W - M.right]);
  parts.sy = linear([-1, 1], [H - M.bottom, M.top]);
  return parts;
}

/** Draw phi and phi' of `act` ({value, grad}) with its kinks; sets `parts.sy`. */
export function drawCurves(parts, act, kinks) {
  const { height: H, margin: M } = CHART;
  const { sx } = parts;
  const n = 481;
  const xs = Array.from({ length: n }, (_, i) => Z_RANGE[0] + ((Z_RANGE[1] - Z_RANGE[0]) * i) / (n - 1));
  for (const k of kinks) if (k > Z_RANGE[0] && k < Z_RANGE[1]) xs.push(k - 1e-9, k, k + 1e-9);
  xs.sort((a, b) => a - b);
  const ys = xs.map(act.value);
  const gs = xs.map(act.grad);
  const finite = [...ys, ...gs].filter(Number.isFinite);
  const lo = Math.max(-4, Math.min(-1, ...finite));
  const hi = Math.min(6, Math.max(1, ...finite));
  const pad = 0.08 * (hi - lo);
  parts.sy = linear([lo - pad, hi + pad], [H - M.bottom, M.top]);
  axes(parts.grid, sx, parts.sy, { xLabel: "z", yLabel: "φ(z), φ′(z)" });
  parts.curve.setAttribute("d", linePath(xs, ys, sx, parts.sy, 40));
  parts.grad.setAttribute("d", linePath(xs, gs, sx, parts.sy, 40));
  parts.kinks.replaceChildren();
  for (const k of kinks) {
    if (k >= Z_RANGE[0] && k <= Z_RANGE[1]) svg("path", { class: "bl-kink-line", d: `M${sx(k)},${M.top}V${H - M.bottom}` }, parts.kinks);
  }
}

/** Draw the probe at z, with phi(z) = v and phi'(z) = g, and the chart's label. */
export function drawProbe(parts, name, z, v, g) {
  const { height: H, margin: M } = CHART;
  const px = parts.sx(z);
  parts.probeLine.setAttribute("d", `M${px},${M.top}V${H - M.bottom}`);
  for (const [dot, y] of [[parts.dot, v], [parts.gradDot, g]]) {
    const ok = Number.isFinite(y) && parts.sy(y) >= M.top - 1 && parts.sy(y) <= H - M.bottom + 1;
    dot.setAttribute("visibility", ok ? "visible" : "hidden");
    if (ok) {
      dot.setAttribute("cx", px);
      dot.setAttribute("cy", parts.sy(y));
    }
  }
  parts.handle.setAttribute("cx", px);
  parts.handle.setAttribute("cy", H - M.bottom);
  const label = `Plot of ${name} and its derivative; probe at z = ${fmt(z, 3)}`;
  parts.plot.setAttribute("aria-label", label);
  parts.title.textContent = label;
}

/** The properties the gallery lists, the kinks and the largest slope, in words. */
export function propertyTexts(props, kinks, summary) {
  return {
    range: interval(props.range),
    monotonic: yesNo(props.monotonic),
    smooth: yesNo(props.smooth),
    mean: Number.isNaN(summary.mean) ? "undefined: φ(z) is not a real number for some z < 0" : fmt(Math.abs(summary.mean) < 1e-13 ? 0 : summary.mean, 4),
    bounded: yesNo(props.bounded),
    kinks: kinks.length ? kinks.map((k) => fmt(k, 3)).join(", ") : "none",
    slope: fmt(summary.slope, 4),
  };
}

/** The probe's readouts in words: phi(z), phi'(z) and (max |phi'|)^L. */
export function probeTexts(v, g, slope, depth) {
  const outside = "undefined here (outside the domain)";
  const power = slope ** depth;
  const verdict = power < 1e-3 ? " (gradients vanish)" : power > 1e3 ? " (gradients can explode)" : "";
  return {
    value: Number.isNaN(v) ? outside : fmt(v, 4),
    grad: Number.isNaN(g) ? outside : fmt(g, 4),
    power: `${fmt(power, 3)} for L = ${depth}${verdict}`,
  };
}

/** The chart's numbers: φ(z) and φ′(z) at every half unit of z across the chart (with the
 * readouts' precision), as a header and rows for toolkit/table.js. */
export function curveTable(act) {
  const cell = (v) => (Number.isNaN(v) ? "undefined" : fmt(v, 4));
  const rows = [];
  for (let z = Z_RANGE[0]; z <= Z_RANGE[1]; z += 0.5) rows.push([fmt(z, 3), cell(act.value(z)), cell(act.grad(z))]);
  return [["z", "φ(z)", "φ′(z)"], rows];
}

/** Python for this state: a bendlines snippet that prints the readouts' numbers (φ(z), φ′(z),
 * the mean output, the largest slope on [−8, 8] and its power L). `param` is the entry's
 * parameter ({name}) when it has one, `p` its value. */
export function pythonSnippet(name, param, p, z, depth) {
  const call = param ? `activations.get("${name}", ${param.name}=${p})` : `activations.get("${name}")`;
  return [
    "import numpy as np",
    "",
    "from bendlines import activations",
    "",
    `phi = ${call}`,
    `z = ${z}`,
    "value, slope_at_z = float(phi(z)), float(phi.grad(z))",
    "mean = activations.normal_mean(phi)  # E[phi(z)] for a standard normal z",
    "max_slope = float(np.max(np.abs(phi.grad(np.linspace(-8, 8, 160001)))))",
    `print(f"phi({z}) = {value:.4g}, phi'({z}) = {slope_at_z:.4g}, mean output {mean:.4g}")`,
    `print(f"max |phi'| on [-8, 8] = {max_slope:.4g}; to the power L = ${depth}: {max_slope ** ${depth}:.3g}")`,
    "",
  ].join("\n");
}
