// The trainer's controls: the settings (data, activation, layers and units, initialisation,
// optimiser, learning rate, batch size, seed), the run buttons and the fieldset that adds
// points. Every control is native and labelled; `on` gets what the reader asks for.

import { MAX_SEED } from "../maths/pcg64.js";
import { BATCH_SIZES, DATASETS, LEARNING_RATES, MAX_UNITS, OPTIMIZER_NAMES, SPEEDS, TRAINER_INITS } from "../state/trainer.js";
import { fmt } from "../toolkit/plot.js";
import { button, el, numberField, parseNumber, select, slider } from "../toolkit/ui.js";

const INIT_TEXT = { he_uniform: "He (uniform)", xavier: "Xavier (uniform)" };
const OPT_TEXT = { adam: "Adam", sgd: "SGD", momentum: "SGD with momentum" };
const SPEED_TEXT = { 60: "1 step a frame (60 a second)", 600: "600 steps a second", 6000: "6000 steps a second", max: "as fast as it goes" };

/**
 * The controls for `settings` and the registry `entries`. `on` has change(patch, rebuild),
 * step(count), play(), speed(value), reset(), copy(), add(x, y), cursor() and newClass(c). Returns the
 * elements ({controls, unitsBox, buttons, addBox}), the play button, the point sliders (px,
 * py) and rebuildUnits(settings, rebuild), which takes the new settings and (unless `rebuild` is
 * false) makes one slider per hidden layer.
 */
export function trainerControls(entries, settings, on) {
  let current = settings;
  const controls = el("div", "bl-controls");
  const choice = (label, options, value, patch) => select({ label, options, value: String(value), onChange: (v) => on.change(patch(v)) }).root;
  controls.append(
    choice("Data", DATASETS.map((d) => [d, d]), settings.data, (v) => ({ data: v, added: [] })),
    choice("Activation", entries.map((e) => [e.name, e.counterexample ? `${e.name} (counterexample)` : e.name]), settings.activation, (v) => ({ activation: v })),
    choice("Hidden layers", [0, 1, 2, 3].map((k) => [String(k), String(k)]), settings.layers.length, (v) => ({ layers: Array.from({ length: Number(v) }, (_, i) => current.layers[i] ?? current.layers.at(-1) ?? 8) })),
    choice("Initialisation", TRAINER_INITS.map((i) => [i, INIT_TEXT[i]]), settings.init, (v) => ({ init: v })),
    choice("Optimiser", OPTIMIZER_NAMES.map((o) => [o, OPT_TEXT[o]]), settings.optimizer, (v) => ({ optimizer: v })),
    choice("Learning rate", LEARNING_RATES.map((r) => [String(r), String(r)]), settings.lr, (v) => ({ lr: Number(v) })),
    choice("Batch size", BATCH_SIZES.map((b) => [String(b), b === "all" ? "all points" : String(b)]), settings.batch, (v) => ({ batch: v === "all" ? "all" : Number(v) })),
    numberField({ label: "Seed", value: settings.seed, min: 0, max: MAX_SEED, step: 1,
      parse: (t) => parseNumber(t, 0, MAX_SEED, "the seed", true), onChange: (v) => on.change({ seed: v }) }).root,
  );
  const unitsBox = el("div", "bl-controls");
  const rebuildUnits = (s, rebuild = true) => {
    current = s;
    if (rebuild) unitsBox.replaceChildren(...s.layers.map((units, i) => slider({ label: `Units in layer ${i + 1}`, min: 1, max: MAX_UNITS, step: 1, value: units,
      format: String, onInput: (v) => on.change({ layers: current.layers.map((u, j) => (j === i ? v : u)) }, false) }).root));
  };
  const buttons = el("div", "bl-buttons");
  const playButton = button("Play", () => on.play());
  playButton.setAttribute("aria-pressed", "false");
  const speed = select({ label: "Speed", options: SPEEDS.map((v) => [String(v), SPEED_TEXT[v]]), value: String(settings.speed),
    onChange: (v) => on.speed(v === "max" ? v : Number(v)) });
  buttons.append(button("Step", () => on.step(1)), button("100 steps", () => on.step(100)), playButton, speed.root,
    button("Reset", () => on.reset()), button("Copy as Python", () => on.copy()));
  // adding points: click the picture, or use these controls
  const addBox = el("fieldset", "bl-fieldset");
  const addControls = el("div", "bl-controls");
  const classPick = select({ label: "Class of new points", options: [["1", "blue (class 1)"], ["0", "orange (class 0)"]], value: "1",
    onChange: (v) => on.newClass(Number(v)) });
  const px = slider({ label: "Point x", min: -2, max: 2, step: 0.05, value: 0, format: (v) => fmt(v, 3), onInput: () => on.cursor() });
  const py = slider({ label: "Point y", min: -2, max: 2, step: 0.05, value: 0, format: (v) => fmt(v, 3), onInput: () => on.cursor() });
  addControls.append(classPick.root, px.root, py.root, button("Add point", () => on.add(px.value(), py.value())),
    button("Remove added points", () => on.change({ added: [] })));
  addBox.append(el("legend", "", "Add your own points"), addControls,
    el("p", "bl-note", "Or click on the picture to add a point of the chosen class there. Changing the data set removes added points."));
  rebuildUnits(settings);
  return { controls, unitsBox, buttons, addBox, playButton, px, py, rebuildUnits };
}
