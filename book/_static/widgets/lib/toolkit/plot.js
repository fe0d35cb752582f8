// Bending Lines widgets: the shared drawing toolkit (no framework, no charting library).
// Scales, ticks, SVG paths that break at non-finite values, a device-pixel-ratio-aware
// heatmap on a canvas, a drag helper (pointer capture, touch-action: none) and number
// formatting that never shows NaN.

import { superscript } from "./format.js";

export const SVG_NS = "http://www.w3.org/2000/svg";

/** A linear map from `domain` [d0, d1] to `range` [r0, r1], with .invert and .ticks. */
export function linear(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const scale = (x) => r0 + (x - d0) * k;
  scale.invert = (y) => d0 + (y - r0) / k;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  scale.ticks = (count = 5) => ticks(Math.min(d0, d1), Math.max(d0, d1), count);
  return scale;
}

/** A base-10 logarithmic map from positive `domain` to `range`, ticks at powers of ten. */
export function log10(domain, range) {
  const inner = linear([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const scale = (x) => inner(Math.log10(x));
  scale.invert = (y) => 10 ** inner.invert(y);
  scale.domain = domain;
  scale.range = range;
  scale.ticks = () => {
    const lo = Math.ceil(Math.log10(Math.min(...domain)) - 1e-12);
    const hi = Math.floor(Math.log10(Math.max(...domain)) + 1e-12);
    const out = [];
    for (let e = lo; e <= hi; e++) out.push(10 ** e);
    return out;
  };
  return scale;
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `v` > 0 (to rounding). */
export function niceCeil(v) {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= v * (1 - 1e-9));
}

/** "Nice" tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function ticks(lo, hi, count = 5) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || count < 1) return [];
  if (lo === hi) return [lo];
  const step = niceCeil((hi - lo) / count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const out = [];
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** An SVG path through (x[i], y[i]) mapped by sx, sy; a non-finite y starts a new piece and
 * y is clamped to `clip` pixels beyond the range so huge values still draw. */
export function linePath(xs, ys, sx, sy, clip = 1000) {
  const [r0, r1] = sy.range;
  const lo = Math.min(r0, r1) - clip;
  const hi = Math.max(r0, r1) + clip;
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y) || !Number.isFinite(xs[i])) {
      pen = false;
      continue;
    }
    const px = sx(xs[i]);
    const py = Math.min(hi, Math.max(lo, sy(y)));
    d += `${pen ? "L" : "M"}${px.toFixed(2)},${py.toFixed(2)}`;
    pen = true;
  }
  return d;
}

/** A closed SVG path through polygon vertices [[x, y], ...]. */
export function polygonPath(vertices, sx, sy) {
  if (vertices.length < 3) return "";
  return (
    vertices.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(2)},${sy(y).toFixed(2)}`).join("") +
    "Z"
  );
}

/** Create an SVG element with attributes, appended to `parent` when given. */
export function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

/** Draw x and y axes with nice ticks and labels into group `g` (cleared first); `format`
 * writes the tick labels (`xFormat` those of x, when they differ). */
export function axes(g, sx, sy, { xLabel = "", yLabel = "", xTicks, yTicks, format = fmt, xFormat = format } = {}) {
  g.replaceChildren();
  const [x0, x1] = sx.range;
  const [y0, y1] = sy.range;
  const bottom = Math.max(y0, y1);
  const left = Math.min(x0, x1);
  svg("path", { class: "bl-axis", d: `M${left},${Math.min(y0, y1)}V${bottom}H${Math.max(x0, x1)}` }, g);
  for (const t of xTicks ?? sx.ticks(5)) {
    const x = sx(t);
    svg("path", { class: "bl-tick", d: `M${x},${bottom}v4` }, g);
    const label = svg("text", { class: "bl-tick-label", x, y: bottom + 14, "text-anchor": "middle" }, g);
    label.textContent = xFormat(t, 3);
  }
  for (const t of yTicks ?? sy.ticks(4)) {
    const y = sy(t);
    svg("path", { class: "bl-tick", d: `M${left},${y}h-4` }, g);
    const label = svg("text", { class: "bl-tick-label", x: left - 6, y: y + 3.5, "text-anchor": "end" }, g);
    label.textContent = format(t, 3);
  }
  if (xLabel) {
    const t = svg("text", { class: "bl-axis-label", x: (x0 + x1) / 2, y: bottom + 28, "text-anchor": "middle" }, g);
    t.textContent = xLabel;
  }
  if (yLabel) {
    const t = svg("text", { class: "bl-axis-label", x: left, y: Math.min(y0, y1) - 8, "text-anchor": "start" }, g);
    t.textContent = yLabel;
  }
}

/** A number for a readout: `digits` significant digits, a true minus sign, exponents as
 * superscripts (4.31 × 10⁻⁷), and words instead of NaN or infinities. Never returns "NaN". */
export function fmt(value, digits = 3) {
  if (typeof value !== "number" || Number.isNaN(value)) return "undefined";
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= 1e5 || abs < 1e-4) {
    const [m, e] = value.toExponential(digits - 1).split("e");
    text = `${Number(m)} × 10${superscript(Number(e))}`;
  } else {
    text = String(Number(value.toPrecision(digits)));
  }
  return text.replace(/-/g, "−");
}

/** RGBA bytes of a w x h heatmap at device pixel ratio `dpr`: `color(x, y)` gets the centre of
 * each device pixel in CSS pixels and returns [r, g, b] (0..255) or null (transparent). */
export function heatmapPixels(w, h, dpr, color) {
  const W = Math.max(1, Math.round(w * dpr));
  const H = Math.max(1, Math.round(h * dpr));
  const data = new Uint8ClampedArray(W * H * 4);
  for (let j = 0; j < H; j++) {
    const y = ((j + 0.5) * h) / H;
    for (let i = 0; i < W; i++) {
      const c = color(((i + 0.5) * w) / W, y);
      if (!c) continue;
      const o = 4 * (j * W + i);
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}

/** Paint a heatmap into `canvas`, sharp on high-density screens: the canvas holds w * dpr by
 * h * dpr device pixels and is shown w by h CSS pixels. */
export function heatmap(canvas, w, h, color, dpr = globalThis.devicePixelRatio || 1) {
  const px = heatmapPixels(w, h, dpr, color);
  canvas.width = px.width;
  canvas.height = px.height;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext("2d");
  ctx.putImageData(new ImageData(px.data, px.width, px.height), 0, 0);
  return px;
}

/** The point of a pointer event in the user coordinates of `svgEl` (its viewBox). */
export function svgPoint(svgEl, event) {
  const m = svgEl.getScreenCTM();
  if (!m) return null;
  const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
  return [p.x, p.y];
}

/** Make `el` draggable with any pointer (mouse, pen, touch): pointer capture keeps the drag
 * when the pointer leaves the element, and touch-action: none stops the page from scrolling
 * under a finger (pass touchAction: "pan-y" for a large area that a page is scrolled over:
 * horizontal drags then move, vertical swipes scroll). `onMove([x, y], event)` gets points in the coordinates of `svgEl`. Moves
 * are coalesced to one per animation frame. Returns a function that removes the listeners. */
export function drag(el, svgEl, { onStart, onMove, onEnd, touchAction = "none" } = {}) {
  el.style.touchAction = touchAction;
  let active = null;
  let pending = null;
  let frame = 0;
  const flush = () => {
    frame = 0;
    if (pending && onMove) onMove(pending.point, pending.event);
    pending = null;
  };
  const down = (event) => {
    if (event.button !== undefined && event.button !== 0) return;
    active = event.pointerId;
    el.setPointerCapture?.(event.pointerId);
    event.preventDefault();
    onStart?.(svgPoint(svgEl, event), event);
  };
  const move = (event) => {
    if (event.pointerId !== active) return;
    const point = svgPoint(svgEl, event);
    if (!point) return;
    pending = { point, event };
    if (!frame) frame = requestAnimationFrame(flush);
  };
  const up = (event) => {
    if (event.pointerId !== active) return;
    if (frame) {
      cancelAnimationFrame(frame);
      flush();
    }
    active = null;
    el.releasePointerCapture?.(event.pointerId);
    onEnd?.(event);
  };
  el.addEventListener("pointerdown", down);
  el.addEventListener("pointermove", move);
  el.addEventListener("pointerup", up);
  el.addEventListener("pointercancel", up);
  return () => {
    el.removeEventListener("pointerdown", down);
    el.removeEventListener("pointermove", move);
    el.removeEventListener("pointerup", up);
    el.removeEventListener("pointercancel", up);
  };
}
