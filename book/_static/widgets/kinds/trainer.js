// The trainer: a small net learns a 2-D data set while the reader watches its output, linear
// regions, first-layer units, curves and dead units. Training runs in a Web Worker
// (lib/trainer_worker.js) that pauses off screen; nothing plays until Play. "Copy as Python"
// gives a bendlines snippet for the run (tests/test_widgets_trainer.py runs it). This module
// wires the controls (views/trainer_controls.js) to the settings (state/trainer.js) and the
// worker's messages to the views (views/trainer.js), at most one draw per animation frame.

import { MAX_ADDED, pythonSnippet, roundCoord, settingsFromState, settingsToState, validSettings, workerStart } from "../lib/state/trainer.js";
import { codeBox, copyText } from "../lib/toolkit/code.js";
import { frameThrottle } from "../lib/toolkit/frames.js";
import { statusAndReadouts, watchVisibility } from "../lib/toolkit/page.js";
import { svgPoint } from "../lib/toolkit/plot.js";
import { el } from "../lib/toolkit/ui.js";
import { RES, curves, extendHistory, picture, pictureScales, squareBox, writeReadouts } from "../lib/views/trainer.js";
import { trainerRuns } from "../lib/trainer_runs.js";
import { trainerControls } from "../lib/views/trainer_controls.js";

const TEXT_MS = 250; // while playing: text and curves 4 times a second, the picture when sent
export async function mount(app, ctx) {
  app.classList.add("bl-app"); // layout and paint stay inside the widget
  const { entries } = await ctx.data("activations");
  const names = entries.map((e) => e.name); // counterexamples too: they show why they fail
  const byName = new Map(entries.map((e) => [e.name, e]));
  const fromHash = settingsFromState(ctx.state, names, ctx.config);
  let settings = fromHash.settings;
  const data = new Map();
  const loadData = (name) => data.get(name) ?? data.set(name, ctx.data(`trainer_${name}`)).get(name);
  let [box, set, newClass, snapshot, shown, history] = [[-1.5, 1.5, -1.5, 1.5], null, 1, null, null, []];
  let [playing, wantPlay, visible] = [false, false, true];
  const snippet = () => (snapshot && set ? pythonSnippet(settings, snapshot.steps, set.params) : "");
  const ui = trainerControls(entries, settings, {
    change, step: (count) => send({ type: "step", count }), play: () => setPlaying(!wantPlay), reset: () => restart(), copy, add, speed,
    cursor: () => view.cursor(ui.px.value(), ui.py.value(), box), newClass: (c) => { newClass = c; } });
  const view = picture();
  const charts = curves();
  const row = el("div", "bl-row");
  row.append(view.panel, charts.panel);
  const { stateLine, dl, outs } = statusAndReadouts({ step: "Steps", loss: "Loss (training / test)", acc: "Accuracy (training / test)",
    regions: "Linear regions in the picture", dead: "Dead units", rate: "Updates per second" });
  const { box: snippetBox, code: snippetCode } = codeBox("Python for this run (Copy as Python copies it)", snippet);
  app.append(ui.controls, ui.unitsBox, ui.buttons, row, stateLine, dl, ui.addBox, snippetBox);
  const worker = new Worker(new URL("../lib/trainer_worker.js", import.meta.url), { type: "module" });
  const runs = trainerRuns(worker, app, { error(text) { ctx.message(text); setPlaying(false); }, snapshot(msg) {
    history = extendHistory(history, msg);
    if (msg.field) {
      shown = msg;
      frames.pictureChanged();
    }
    snapshot = msg;
    if (!msg.playing && playing && msg.status === "diverged") setPlaying(false);
    frames.changed(!msg.playing);
  } });
  const send = runs.send;
  function change(patch, rebuild = true) {
    settings = validSettings({ ...settings, ...patch }, names);
    ui.rebuildUnits(settings, rebuild);
    ctx.saveState(settingsToState(settings, names));
    restart();
  }
  async function restart() {
    const run = runs.begin();
    setPlaying(false);
    const loaded = await loadData(settings.data);
    if (!runs.isNewest(run)) return; // a newer start replaced this one
    set = loaded;
    box = squareBox(set.X);
    for (const [s, i] of [[ui.px, 0], [ui.py, 2]]) Object.assign(s.input, { min: String(box[i]), max: String(box[i + 1]) });
    send({ ...workerStart(settings, byName.get(settings.activation), set, box, RES), run });
    send({ type: "speed", stepsPerSecond: settings.speed === "max" ? Infinity : settings.speed });
    view.cursor(ui.px.value(), ui.py.value(), box);
  }
  function speed(value) { // the pace changes, the run goes on
    settings = { ...settings, speed: value };
    ctx.saveState(settingsToState(settings, names));
    send({ type: "speed", stepsPerSecond: value === "max" ? Infinity : value });
  }
  function setPlaying(on) {
    wantPlay = on;
    ui.playButton.setAttribute("aria-pressed", String(on)); // a toggle: its name stays "Play"
    const run = wantPlay && visible;
    if (run === playing) return;
    playing = run;
    send({ type: run ? "play" : "pause" });
  }
  function add(x, y) {
    if (settings.added.length >= MAX_ADDED) return ctx.message(`At most ${MAX_ADDED} added points; remove some first.`);
    change({ added: [...settings.added, [roundCoord(Math.min(box[1], Math.max(box[0], x))), roundCoord(Math.min(box[3], Math.max(box[2], y))), newClass]] }, false);
  }
  async function copy() {
    setPlaying(false);
    snippetCode.textContent = snippet();
    snippetBox.open ||= !(await copyText(snippetCode.textContent, ctx.message));
  }
  view.overlay.addEventListener("click", (event) => { // a click adds a point (not a drag or scroll)
    const point = svgPoint(view.overlay, event);
    const { sx, sy } = pictureScales(box);
    if (point) add(sx.invert(point[0]), sy.invert(point[1]));
  });
  const frames = frameThrottle({ textMs: TEXT_MS, isPlaying: () => snapshot?.playing, drawText: () => {
    charts.draw(history);
    drawText(snapshot, shown ?? snapshot);
  }, drawPicture() {
    view.field(shown);
    view.units(snapshot.lines, box);
    view.points(`${settings.data}|${settings.added.length}|${box.join(",")}`, set, settings.added, box);
  } });
  function drawText(s, p) {
    const last = s.last ?? history.at(-1);
    ctx.describe(`${view.label(writeReadouts(outs, stateLine, s, p, last, settings))}; training loss ${outs.loss.textContent.split(" / ")[0]}, accuracy ${outs.acc.textContent}. ${stateLine.textContent}`);
    if (!s.playing || snippetBox.open) snippetCode.textContent = snippet(); // the snippet only when it can be read
  }
  watchVisibility(app, (seen) => { visible = seen; setPlaying(wantPlay); }); // pause off screen and in a hidden tab
  await restart();
  if (ctx.hashProblem || fromHash.problem) ctx.message("Some settings in this page's address could not be read; the widget uses its defaults for them.");
}
