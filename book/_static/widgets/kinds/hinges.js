// The hinge builder (chapter 2): a sum of ReLU hinges, each thin, their sum thick and the
// target dashed. Add, remove and drag hinges (or use the sliders); "Snap" puts n evenly spaced
// hinges on the target, the interpolant of bendlines.approx.hinge_interpolant. Readouts: the
// kinks, max |error| and the bound h²/8 max|f″|; an inset shows the error against n. This
// module wires controls to the settings (state/hinges.js) and the views (views/hinges.js).

import { TARGETS } from "../lib/maths/hinges.js";
import { MAX_HINGES, hingeSettings, limits, modelSettings, newHinge, snapped } from "../lib/state/hinges.js";
import { readSettings, writeSettings } from "../lib/state/settings.js";
import { drag, fmt } from "../lib/toolkit/plot.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";
import { charts, drawInset, drawMain, pythonSnippet, readoutTexts, scales, slopeReach } from "../lib/views/hinges.js";
import { codeBox } from "../lib/toolkit/code.js";

const STEPS = 400; // slider positions across each range

export async function mount(app, ctx) {
  const { targets } = await ctx.data("targets");
  const byName = new Map(targets.filter((t) => TARGETS[t.name]).map((t) => [t.name, t]));
  const table = hingeSettings(byName);
  const { settings: s, problem } = readSettings(table, { config: ctx.config, state: ctx.state });
  let target = s.target;
  const n = s.n ?? (Number.isInteger(ctx.config.n) ? ctx.config.n : 10);
  let snappedN = s.n === undefined && s.k !== undefined && s.a !== undefined && s.c !== undefined ? null : n;
  let model = snappedN ? snapped(byName.get(target), n) : { bias: s.c, hinges: s.k.map((k, i) => ({ k, a: s.a[i] })) };
  let selected = 0;
  const lim = () => limits(byName.get(target));
  const [toIndex, fromIndex] = [(v, lo, hi) => Math.round(((v - lo) / (hi - lo)) * STEPS), (i, lo, hi) => lo + ((hi - lo) * i) / STEPS];
  const slopeIndex = (a) => Math.max(-STEPS / 2, Math.min(STEPS / 2, Math.round((a * STEPS) / (2 * lim().a))));
  const snapTo = (count) => {
    model = snapped(byName.get(target), count);
    snappedN = count;
    selected = Math.min(selected, model.hinges.length - 1);
  };
  const edited = (structure = false) => {
    snappedN = null;
    if (structure) syncEditors();
    draw(false);
  };
  const chosen = (key) => (v) => {
    if (!model.hinges[selected]) return;
    model.hinges[selected][key] = v;
    edited();
  };
  const controls = el("div", "bl-controls");
  const pick = select({ label: "Target", options: [...byName.values()].map((t) => [t.name, t.description]), value: target,
    onChange(name) { target = name; snapTo(count.value()); syncEditors(); draw(true); } });
  const count = slider({ label: "Evenly spaced hinges n", min: 1, max: MAX_HINGES, step: 1, value: n, format: String });
  const snapButton = button("Snap n hinges to the target", () => { snapTo(count.value()); syncEditors(); draw(true); });
  controls.append(pick.root, count.root, snapButton);
  const which = select({ label: "Hinge", options: [], value: "0", onChange(v) { selected = Number(v); syncEditors(); draw(false); } });
  const position = slider({ label: "Kink position", min: 0, max: STEPS, step: 1, value: 0, format: (i) => fmt(fromIndex(i, lim().lo, lim().hi), 3),
    onInput: (i) => chosen("k")(fromIndex(i, lim().lo, lim().hi)) });
  const change = slider({ label: "Change of slope", min: -STEPS / 2, max: STEPS / 2, step: 1, value: 0, format: (i) => fmt((lim().a * i * 2) / STEPS, 3),
    onInput: (i) => chosen("a")((lim().a * i * 2) / STEPS) });
  const offset = slider({ label: "Start value g(left end)", min: 0, max: STEPS, step: 1, value: 0, format: (i) => fmt(fromIndex(i, ...lim().c), 3),
    onInput(i) { model.bias = fromIndex(i, ...lim().c); edited(); } });
  const addButton = button("Add hinge", () => {
    model.hinges.push(newHinge(model, lim()));
    selected = model.hinges.length - 1;
    edited(true);
  });
  const removeButton = button("Remove hinge", () => {
    model.hinges.splice(selected, 1);
    selected = Math.max(0, Math.min(selected, model.hinges.length - 1));
    edited(true);
  });
  const [editor, editRow] = [el("fieldset", "bl-fieldset"), el("div", "bl-controls")];
  editRow.append(which.root, position.root, change.root, offset.root, addButton, removeButton);
  editor.append(el("legend", "", "Edit one hinge"), editRow);
  const p = charts();
  const caption = el("p", "bl-note", "Dashed: the target. Thin: each hinge's term. Thick: their sum. Drag the round handle to move the chosen kink and the square handle to change its slope.");
  const dl = el("dl", "bl-readouts");
  const out = { count: readout(dl, "Hinges"), kinks: readout(dl, "Kinks at"), error: readout(dl, "max |error|"), bound: readout(dl, "Bound h²/8 · max|f″|") };
  const python = codeBox("Python for this state", () => pythonSnippet(target, model));
  app.append(controls, editor, p.plot, caption, p.inset, dl, p.numbers.box, python.box);
  function syncEditors() {
    which.input.replaceChildren(...model.hinges.map((_, i) => Object.assign(el("option", "", `${i + 1} of ${model.hinges.length}`), { value: String(i) })));
    which.input.value = String(selected);
    const h = model.hinges[selected];
    for (const c of [which.input, position.input, change.input]) c.disabled = !h;
    if (h) {
      position.set(toIndex(h.k, lim().lo, lim().hi));
      change.set(slopeIndex(h.a));
    }
    offset.set(toIndex(model.bias, ...lim().c));
    addButton.disabled = model.hinges.length >= MAX_HINGES;
    removeButton.disabled = model.hinges.length === 0;
  }
  function draw(full) {
    const info = byName.get(target);
    const g = drawMain(p, info, lim(), model, selected, full, (i) => { selected = i; syncEditors(); draw(false); });
    const texts = readoutTexts(info, lim(), g, model.hinges.length, snappedN);
    for (const key of Object.keys(out)) out[key].textContent = texts[key];
    out.error.dataset.value = String(texts.values.error);
    out.bound.toggleAttribute("data-value", texts.values.bound !== null);
    if (texts.values.bound !== null) out.bound.dataset.value = String(texts.values.bound);
    p.plot.setAttribute("aria-label", texts.label);
    p.title.textContent = texts.label;
    ctx.describe(`${texts.label}; ${texts.bound.startsWith("no bound") || texts.bound.startsWith("add") ? texts.bound : `the bound is ${texts.bound}`}.`);
    drawInset(p, info, lim(), model.hinges.length, texts.values.error);
    if (python.box.open) python.code.textContent = pythonSnippet(target, model);
  }
  // dragging drives the same sliders the keyboard does
  const moveKink = (pt) => pt && model.hinges[selected] && position.set(toIndex(Math.min(lim().hi, Math.max(lim().lo, scales(lim()).sx.invert(pt[0]))), lim().lo, lim().hi), true);
  const moveSlope = (pt) => pt && model.hinges[selected] && change.set(slopeIndex(scales(lim()).sy.invert(pt[1]) / slopeReach(lim())), true);
  for (const e of [p.kinkHandle, p.kinkZone]) drag(e, p.plot, { onMove: moveKink });
  for (const e of [p.slopeHandle, p.slopeZone]) drag(e, p.plot, { onMove: moveSlope });
  const save = () => ctx.saveState(writeSettings(table, modelSettings(target, model, snappedN)));
  for (const control of [pick.input, count.input, position.input, change.input, offset.input]) control.addEventListener("change", save);
  for (const b of [snapButton, addButton, removeButton]) b.addEventListener("click", save);
  p.plot.addEventListener("pointerup", save);
  syncEditors();
  draw(true);
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
