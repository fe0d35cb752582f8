// The unit-lines explorer (chapter 2): each hidden unit of a 2-input ReLU layer is a line with
// an arrow (its weight vector) pointing into the side where it is on. The exact regions are
// filled by how many units are on, and their count stands next to 1 + n + n(n - 1)/2, with the
// reasons when the two differ. This module wires controls to the settings
// (state/unit-lines.js) and the views (views/unit-lines.js, maths in maths/exact_regions.js).

import { readSettings, writeSettings } from "../lib/state/settings.js";
import { ANGLE_STEP, MAX_UNITS, OFFSET_STEP, offsetLimit, snapOffset, unitLinesSettings, wrapAngle } from "../lib/state/unit-lines.js";
import { drag, fmt } from "../lib/toolkit/plot.js";
import { button, el, readout, select, slider } from "../lib/toolkit/ui.js";
import { drawSquare, geometry, pythonSnippet, square, unitTable } from "../lib/views/unit-lines.js";
import { codeBox } from "../lib/toolkit/code.js";
import { numbersTable } from "../lib/toolkit/table.js";

export async function mount(app, ctx) {
  const net = await ctx.data("plane_net");
  const lim = offsetLimit(net);
  const table = unitLinesSettings(net, ctx.config.units);
  const read = readSettings(table, { state: ctx.state });
  const paired = read.settings.t.length === read.settings.d.length; // an angle and an offset per unit
  const problem = read.problem || !paired;
  const settings = paired ? read.settings : readSettings(table).settings;
  const fromHash = paired && !read.problem && ctx.state.t !== undefined; // the chapter's exact lines stay exact until moved
  const units = settings.t.map((t, i) => (fromHash ? { angle: wrapAngle(t), offset: snapOffset(settings.d[i], lim) } : { angle: t, offset: settings.d[i] }));
  let selected = 0;
  const chosen = (key, v) => {
    if (!units[selected]) return;
    units[selected][key] = v;
    draw();
  };

  const controls = el("div", "bl-controls");
  const which = select({ label: "Unit", options: [], value: "0", onChange(v) { selected = Number(v); sync(); draw(); } });
  const angle = slider({ label: "Angle of the arrow", min: 0, max: 360 - ANGLE_STEP, step: ANGLE_STEP, value: 0,
    format: (v) => `${v}°`, onInput: (v) => chosen("angle", v) });
  const offset = slider({ label: "Offset of the line", min: -lim, max: lim, step: OFFSET_STEP, value: 0,
    format: (v) => fmt(Math.abs(v) < 1e-9 ? 0 : v, 3), onInput: (v) => chosen("offset", v) });
  const edit = (change) => () => {
    change();
    sync();
    draw();
    save();
  };
  const addButton = button("Add unit", edit(() => {
    const k = units.length;
    units.push({ angle: wrapAngle(37 * k + 20), offset: snapOffset(((k % 5) - 2) * 0.3, lim) });
    selected = units.length - 1;
  }));
  const removeButton = button("Remove unit", edit(() => {
    units.splice(selected, 1);
    selected = Math.max(0, Math.min(selected, units.length - 1));
  }));
  controls.append(which.root, angle.root, offset.root, addButton, removeButton);

  const parts = square(net.box);
  const caption = el("p", "bl-note",
    "Each line is one unit; its arrow points to the side where the unit is on. Regions are shaded darker the more units are on. Drag the chosen unit's round handle to shift its line and its square handle to turn it.");
  const dl = el("dl", "bl-readouts");
  const out = { count: readout(dl, "Regions in the square"), formula: readout(dl, "1 + n + n(n − 1)/2"), why: readout(dl, "Why they differ") };
  const python = codeBox("Python for this state", () => pythonSnippet(units, net.box));
  const numbers = numbersTable("The chart's numbers as a table", "Each unit's line and its weights");
  app.append(controls, parts.plot, caption, dl, numbers.box, python.box);

  function sync() {
    which.input.replaceChildren(...units.map((_, i) => Object.assign(el("option", "", `${i + 1} of ${units.length}`), { value: String(i) })));
    which.input.value = String(selected);
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
    const texts = drawSquare(parts, units, selected, lim);
    for (const key of Object.keys(out)) out[key].textContent = texts[key];
    out.count.dataset.value = texts.count;
    if (python.box.open) python.code.textContent = pythonSnippet(units, net.box);
    numbers.show(...unitTable(units));
    parts.plot.setAttribute("aria-label", texts.label);
    parts.title.textContent = texts.label;
    const u = units[selected];
    ctx.describe(`${texts.label}: ${texts.why}.${u ? ` Unit ${selected + 1}: arrow at ${fmt(u.angle, 3)}°, line ${fmt(u.offset, 3)} from the origin.` : ""}`);
  }

  const point = (p) => [parts.sx.invert(p[0]), parts.sy.invert(p[1])];
  function moveLine(p) {
    if (!p || !units[selected]) return;
    const { n } = geometry(units[selected]);
    const [x, y] = point(p);
    offset.set(snapOffset(x * n[0] + y * n[1], lim), true);
  }
  function turn(p) {
    if (!p || !units[selected]) return;
    const { foot } = geometry(units[selected]);
    const [x, y] = point(p);
    angle.set(wrapAngle((Math.atan2(y - foot[1], x - foot[0]) * 180) / Math.PI), true);
  }
  for (const e of [parts.lineZone, parts.lineHandle]) drag(e, parts.plot, { onMove: moveLine, onEnd: () => save() });
  for (const e of [parts.turnZone, parts.turnHandle]) drag(e, parts.plot, { onMove: turn, onEnd: () => save() });

  const save = () => ctx.saveState(writeSettings(table, { t: units.map((u) => u.angle), d: units.map((u) => Number(u.offset.toFixed(2))) }));
  for (const c of [angle.input, offset.input]) c.addEventListener("change", save);

  sync();
  draw();
  if (problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
