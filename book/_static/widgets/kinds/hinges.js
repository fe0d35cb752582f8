// The hinge builder (chapter 2): a sum of ReLU hinges, each thin, their sum thick and the
// target dashed. Add, remove and drag hinges (or use the sliders); "Snap" puts n evenly spaced
// hinges on the target, the interpolant of bendlines.approx.hinge_interpolant. Readouts: the
// kinks, max |error| and the bound h^2/8 max|f''|; an inset shows the error against n.

import { hingeSum, interpolationBound, maxErrorOfSum, snap, TARGETS } from "../lib/maths/hinges.js";
import { axes, drag, fmt, linear, linePath, log10, svg } from "../lib/toolkit/plot.js";
import { readNumber, readNumbers } from "../lib/state/hash.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";

const W = 360;
const H = 250;
const M = { left: 40, right: 12, top: 18, bottom: 34 };
const IW = 360;
const IH = 150;
const IM = { left: 48, right: 12, top: 14, bottom: 32 };
const MAX_HINGES = 64;
const SLIDER_STEPS = 400;

const round4 = (v) => Number(v.toPrecision(4));

export async function mount(app, ctx) {
  const { targets } = await ctx.data("targets");
  const byName = new Map(targets.filter((t) => TARGETS[t.name]).map((t) => [t.name, t]));
  const s = ctx.state;
  let problem = ctx.hashProblem;
  let target = byName.has(ctx.config.target) ? ctx.config.target : "sin";
  if (s.target !== undefined) {
    if (byName.has(s.target)) target = s.target;
    else problem = true;
  }
  let n = Number.isInteger(ctx.config.n) ? ctx.config.n : 10;
  // The model: g(x) = bias + sum a_i relu(x - k_i); `snapped` is n when it is the interpolant.
  let model = { bias: 0, hinges: [] };
  let snapped = null;
  let selected = 0;

  const info = () => byName.get(target);
  const lim = {};
  function limits() {
    const t = info();
    const f = TARGETS[target];
    const [lo, hi] = t.domain;
    const g = snap(target, t.domain, MAX_HINGES);
    const slope = Math.max(...g.slopes.map(Math.abs));
    const ys = Array.from({ length: 401 }, (_, i) => f(lo + ((hi - lo) * i) / 400));
    const fmin = Math.min(...ys);
    const fmax = Math.max(...ys);
    const pad = Math.max(0.25, 0.25 * (fmax - fmin));
    Object.assign(lim, {
      lo,
      hi,
      fmin,
      fmax,
      a: Math.max(1, Math.ceil(2 * slope)),
      c: [Math.floor((fmin - pad) * 10) / 10, Math.ceil((fmax + pad) * 10) / 10],
      y: [fmin - pad, fmax + pad],
    });
  }
  limits();

  function snapTo(count) {
    const g = snap(target, info().domain, count);
    model = { bias: g.bias, hinges: g.kinks.map((k, i) => ({ k, a: g.weights[i] })) };
    snapped = count;
    selected = Math.min(selected, model.hinges.length - 1);
  }

  // --- state from the address: either a snapped n, or an edited list of hinges ---
  const fromHash = () => {
    if (s.n !== undefined) {
      const v = readNumber(s.n, 1, MAX_HINGES);
      if (v !== undefined && Number.isInteger(v)) {
        n = v;
        snapTo(n);
        return;
      }
      problem = true;
    }
    if (s.k !== undefined || s.a !== undefined || s.c !== undefined) {
      const ks = s.k === "" ? [] : readNumbers(s.k ?? "", lim.lo, lim.hi, MAX_HINGES);
      const as = s.a === "" ? [] : readNumbers(s.a ?? "", -lim.a, lim.a, MAX_HINGES);
      const c = readNumber(s.c ?? "", lim.c[0], lim.c[1]);
      if (ks && as && ks.length === as.length && c !== undefined) {
        model = { bias: c, hinges: ks.map((k, i) => ({ k, a: as[i] })) };
        snapped = null;
        return;
      }
      problem = true;
    }
    snapTo(n);
  };
  fromHash();

  // --- controls ---
  const controls = el("div", "bl-controls");
  const pick = select({
    label: "Target",
    options: [...byName.values()].map((t) => [t.name, t.description]),
    value: target,
    onChange(name) {
      target = name;
      limits();
      snapTo(count.value());
      syncEditors();
      draw(true);
    },
  });
  const count = slider({
    label: "Evenly spaced hinges n",
    min: 1,
    max: MAX_HINGES,
    step: 1,
    value: n,
    format: (v) => String(v),
    onInput() {},
  });
  const snapButton = button("Snap n hinges to the target", () => {
    snapTo(count.value());
    syncEditors();
    draw(true);
  });
  controls.append(pick.root, count.root, snapButton);

  const editor = el("fieldset", "bl-fieldset");
  const legendText = el("legend", "", "Edit one hinge");
  const editRow = el("div", "bl-controls");
  let which = null;
  const position = slider({
    label: "Kink position",
    min: 0,
    max: SLIDER_STEPS,
    step: 1,
    value: 0,
    format: (i) => fmt(lim.lo + ((lim.hi - lim.lo) * i) / SLIDER_STEPS, 3),
    onInput(i) {
      if (!model.hinges[selected]) return;
      model.hinges[selected].k = lim.lo + ((lim.hi - lim.lo) * i) / SLIDER_STEPS;
      edited();
    },
  });
  const change = slider({
    label: "Change of slope",
    min: -SLIDER_STEPS / 2,
    max: SLIDER_STEPS / 2,
    step: 1,
    value: 0,
    format: (i) => fmt((lim.a * i * 2) / SLIDER_STEPS, 3),
    onInput(i) {
      if (!model.hinges[selected]) return;
      model.hinges[selected].a = (lim.a * i * 2) / SLIDER_STEPS;
      edited();
    },
  });
  const offset = slider({
    label: "Start value g(left end)",
    min: 0,
    max: SLIDER_STEPS,
    step: 1,
    value: 0,
    format: (i) => fmt(lim.c[0] + ((lim.c[1] - lim.c[0]) * i) / SLIDER_STEPS, 3),
    onInput(i) {
      model.bias = lim.c[0] + ((lim.c[1] - lim.c[0]) * i) / SLIDER_STEPS;
      edited();
    },
  });
  const addButton = button("Add hinge", () => {
    const ks = model.hinges.map((h) => h.k).concat([lim.lo, lim.hi]).sort((x, y) => x - y);
    let best = 0;
    for (let i = 1; i < ks.length; i++) if (ks[i] - ks[i - 1] > ks[best + 1] - ks[best]) best = i - 1;
    model.hinges.push({ k: (ks[best] + ks[best + 1]) / 2, a: lim.a / 4 });
    selected = model.hinges.length - 1;
    edited(true);
  });
  const removeButton = button("Remove hinge", () => {
    model.hinges.splice(selected, 1);
    selected = Math.max(0, Math.min(selected, model.hinges.length - 1));
    edited(true);
  });
  editor.append(legendText, editRow);
  app.append(controls, editor);

  function rebuildWhich() {
    const old = which;
    which = select({
      label: "Hinge",
      options: model.hinges.map((_, i) => [String(i), `${i + 1} of ${model.hinges.length}`]),
      value: String(selected),
      onChange(v) {
        selected = Number(v);
        syncEditors();
        draw(false);
      },
    });
    if (old) old.root.replaceWith(which.root);
    else editRow.prepend(which.root);
  }
  editRow.append(position.root, change.root, offset.root, addButton, removeButton);

  function syncEditors() {
    rebuildWhich();
    const h = model.hinges[selected];
    which.input.disabled = !h;
    position.input.disabled = !h;
    change.input.disabled = !h;
    if (h) {
      position.set(Math.round(((h.k - lim.lo) / (lim.hi - lim.lo)) * SLIDER_STEPS));
      change.set(Math.max(-SLIDER_STEPS / 2, Math.min(SLIDER_STEPS / 2, Math.round((h.a * SLIDER_STEPS) / (2 * lim.a)))));
    }
    offset.set(Math.round(((model.bias - lim.c[0]) / (lim.c[1] - lim.c[0])) * SLIDER_STEPS));
    addButton.disabled = model.hinges.length >= MAX_HINGES;
    removeButton.disabled = model.hinges.length === 0;
  }

  function edited(structure = false) {
    snapped = null;
    if (structure) syncEditors();
    draw(false);
  }

  // --- plots ---
  const plot = svg("svg", { class: "bl-plot", viewBox: `0 0 ${W} ${H}`, role: "img" });
  const title = svg("title", {}, plot);
  const axisLayer = svg("g", {}, plot);
  const termLayer = svg("g", {}, plot);
  const targetPath = svg("path", { class: "bl-target" }, plot);
  const sumPath = svg("path", { class: "bl-curve bl-blue" }, plot);
  const kinkLayer = svg("g", {}, plot);
  const kinkZone = svg("circle", { class: "bl-handle-zone", r: 13 }, plot);
  const kinkHandle = svg("circle", { class: "bl-handle", r: 7 }, plot);
  const slopeZone = svg("circle", { class: "bl-handle-zone", r: 13 }, plot);
  const slopeHandle = svg("rect", { class: "bl-handle", width: 12, height: 12 }, plot);
  const caption = el(
    "p",
    "bl-note",
    "Dashed: the target. Thin: each hinge's term. Thick: their sum. Drag the round handle to move the chosen kink and the square handle to change its slope.",
  );
  const inset = svg("svg", { class: "bl-plot bl-inset", viewBox: `0 0 ${IW} ${IH}`, role: "img" });
  const insetTitle = svg("title", {}, inset);
  const insetAxes = svg("g", {}, inset);
  const insetBound = svg("path", { class: "bl-curve-thin bl-orange bl-dashed" }, inset);
  const insetErr = svg("path", { class: "bl-curve-thin bl-blue" }, inset);
  const insetDots = svg("g", {}, inset);
  const insetMark = svg("circle", { class: "bl-marker", r: 4 }, inset);
  const dl = el("dl", "bl-readouts");
  const out = {
    count: readout(dl, "Hinges"),
    kinks: readout(dl, "Kinks at"),
    error: readout(dl, "max |error|"),
    bound: readout(dl, "Bound h²/8 · max|f″|"),
  };
  app.append(plot, caption, inset, dl);

  let sy;
  const errorCurves = new Map();

  function errorCurve() {
    if (!errorCurves.has(target)) {
      const t = info();
      const ns = Array.from({ length: MAX_HINGES }, (_, i) => i + 1);
      const errs = ns.map((m) => {
        const g = snap(target, t.domain, m);
        return maxErrorOfSum(g.bias, g.kinks, g.weights, TARGETS[target], t.domain, 2001);
      });
      errorCurves.set(target, { ns, errs });
    }
    return errorCurves.get(target);
  }

  function draw(full) {
    const t = info();
    const f = TARGETS[target];
    const g = hingeSum(
      model.bias,
      model.hinges.map((h) => h.k),
      model.hinges.map((h) => h.a),
    );
    const sxNow = linear([lim.lo, lim.hi], [M.left, W - M.right]);
    sy = linear(lim.y, [H - M.bottom, M.top]);
    const N = 401;
    const xs = Array.from({ length: N }, (_, i) => lim.lo + ((lim.hi - lim.lo) * i) / (N - 1));
    const all = xs.concat(g.kinks.filter((k) => k > lim.lo && k < lim.hi)).sort((a, b) => a - b);
    if (full) {
      axes(axisLayer, sxNow, sy, { xLabel: "x", yLabel: "f(x), g(x)" });
      targetPath.setAttribute("d", linePath(xs, xs.map(f), sxNow, sy, 20));
    }
    termLayer.replaceChildren();
    g.kinks.forEach((k, i) => {
      const cls = i === selected ? "bl-curve bl-vermillion" : "bl-curve-thin bl-green";
      const pts = [lim.lo, Math.max(lim.lo, Math.min(lim.hi, k)), lim.hi];
      svg("path", { class: cls, d: linePath(pts, pts.map((x) => g.term(i, x)), sxNow, sy, 20) }, termLayer);
    });
    sumPath.setAttribute("d", linePath(all, all.map(g.evaluate), sxNow, sy, 20));
    kinkLayer.replaceChildren();
    g.kinks.forEach((k, i) => {
      if (i === selected) return;
      const y = sy(g.evaluate(k));
      if (y < M.top - 2 || y > H - M.bottom + 2) return;
      const dot = svg("circle", { class: "bl-marker", r: 3, cx: sxNow(k), cy: y }, kinkLayer);
      dot.addEventListener("pointerdown", () => {
        selected = i;
        syncEditors();
        draw(false);
      });
    });
    const h = model.hinges[selected];
    for (const e of [kinkHandle, kinkZone, slopeHandle, slopeZone]) e.setAttribute("visibility", h ? "visible" : "hidden");
    if (h) {
      const kx = sxNow(h.k);
      const ky = clampY(sy(g.term(selected, h.k)));
      kinkHandle.setAttribute("cx", kx);
      kinkHandle.setAttribute("cy", ky);
      kinkZone.setAttribute("cx", kx);
      kinkZone.setAttribute("cy", ky);
      const d = slopeReach();
      const px = sxNow(Math.min(lim.hi, h.k + d));
      const py = clampY(sy(g.term(selected, Math.min(lim.hi, h.k + d))));
      slopeHandle.setAttribute("x", px - 6);
      slopeHandle.setAttribute("y", py - 6);
      slopeZone.setAttribute("cx", px);
      slopeZone.setAttribute("cy", py);
    }
    // readouts
    const err = maxErrorOfSum(g.bias, g.kinks, g.weights, f, t.domain);
    out.count.textContent = snapped ? `${model.hinges.length} (evenly spaced: the interpolant)` : String(model.hinges.length);
    const ks = [...g.kinks].sort((a, b) => a - b);
    out.kinks.textContent = ks.length ? ks.slice(0, 12).map((k) => fmt(k, 3)).join(", ") + (ks.length > 12 ? `, … (${ks.length - 12} more)` : "") : "none";
    out.error.textContent = fmt(err, 4);
    out.error.dataset.value = String(err);
    const m = model.hinges.length;
    if (t.max_abs_f2 === null) {
      out.bound.textContent = `no bound: ${t.description.split(" on ")[0]} has no second derivative everywhere`;
      delete out.bound.dataset.value;
    } else if (m === 0) {
      out.bound.textContent = "add a hinge (n ≥ 1) to get a bound";
      delete out.bound.dataset.value;
    } else {
      const bound = interpolationBound(t.max_abs_f2, (lim.hi - lim.lo) / m);
      out.bound.textContent = `${fmt(bound, 4)} for n = ${m} evenly spaced hinges${snapped ? "" : " (yours are not: snap to compare)"}`;
      out.bound.dataset.value = String(bound);
    }
    const label = `Sum of ${m} hinges against ${target}; largest error ${fmt(err, 3)}`;
    plot.setAttribute("aria-label", label);
    title.textContent = label;
    drawInset(m, err);
  }

  function clampY(y) {
    return Math.max(M.top, Math.min(H - M.bottom, y));
  }
  function slopeReach() {
    return (lim.hi - lim.lo) / 8;
  }

  function drawInset(m, err) {
    const t = info();
    const { ns, errs } = errorCurve();
    const positive = errs.filter((e) => e > 0);
    const bounds = t.max_abs_f2 === null ? [] : ns.map((k) => interpolationBound(t.max_abs_f2, (lim.hi - lim.lo) / k));
    const lo = Math.min(...positive, ...bounds.filter((b) => b > 0), err > 0 ? err : Infinity);
    const hi = Math.max(...positive, ...bounds, err);
    const ix = log10([1, MAX_HINGES], [IM.left, IW - IM.right]);
    const iy = log10([10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))], [IH - IM.bottom, IM.top]);
    axes(insetAxes, ix, iy, { xLabel: "n evenly spaced hinges", yLabel: "max |error| (log-log)", xTicks: [1, 10], yTicks: iy.ticks() });
    insetErr.setAttribute("d", linePath(ns, errs.map((e) => (e > 0 ? e : NaN)), ix, iy, 0));
    insetBound.setAttribute("d", bounds.length ? linePath(ns, bounds, ix, iy, 0) : "");
    insetDots.replaceChildren();
    const show = m >= 1 && m <= MAX_HINGES && err > 0;
    insetMark.setAttribute("visibility", show ? "visible" : "hidden");
    if (show) {
      insetMark.setAttribute("cx", ix(m));
      insetMark.setAttribute("cy", Math.max(IM.top, Math.min(IH - IM.bottom, iy(err))));
    }
    const label = `Error of n evenly spaced hinges against n, log-log${bounds.length ? ", with the bound dashed" : ""}; yours: ${m} hinges, error ${fmt(err, 3)}`;
    inset.setAttribute("aria-label", label);
    insetTitle.textContent = label;
  }

  // --- dragging drives the same sliders the keyboard does ---
  const moveKink = (point) => {
    if (!point || !model.hinges[selected]) return;
    const sxNow = linear([lim.lo, lim.hi], [M.left, W - M.right]);
    const k = Math.min(lim.hi, Math.max(lim.lo, sxNow.invert(point[0])));
    position.set(Math.round(((k - lim.lo) / (lim.hi - lim.lo)) * SLIDER_STEPS), true);
  };
  const moveSlope = (point) => {
    if (!point || !model.hinges[selected]) return;
    const a = sy.invert(point[1]) / slopeReach();
    change.set(Math.max(-SLIDER_STEPS / 2, Math.min(SLIDER_STEPS / 2, Math.round((a * SLIDER_STEPS) / (2 * lim.a)))), true);
  };
  for (const e of [kinkHandle, kinkZone]) drag(e, plot, { onMove: moveKink });
  for (const e of [slopeHandle, slopeZone]) drag(e, plot, { onMove: moveSlope });

  // Save what the reader did: a snapped n, or the edited hinges.
  const save = () =>
    ctx.saveState(
      snapped
        ? { target, n: snapped }
        : {
            target,
            c: round4(model.bias),
            k: model.hinges.map((h) => round4(h.k)).join(","),
            a: model.hinges.map((h) => round4(h.a)).join(","),
          },
    );
  for (const control of [pick.input, count.input, position.input, change.input, offset.input]) {
    control.addEventListener("change", save);
  }
  for (const b of [snapButton, addButton, removeButton]) b.addEventListener("click", save);
  plot.addEventListener("pointerup", save);

  syncEditors();
  draw(true);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
