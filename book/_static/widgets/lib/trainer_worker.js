// The trainer's Web Worker (a module worker loaded from this same-origin file): it owns the
// training session, so the page's main thread only draws. Messages in:
//   {type: "init", settings, train: {X, y}, test: {X, y}, activation: {name, params}, kinks,
//    negativeSlope (ReLU-like activations: exact region counts), bounds, res, run}
//   {type: "step", count}   count updates, then one snapshot
//   {type: "play"}          train in bursts, a snapshot after each, until "pause"
//   {type: "pause"}
//   {type: "speed", stepsPerSecond}   at most this many updates a second while playing
//                                     (Infinity, the start: as fast as it goes)
// Messages out: {type: "snapshot", ...} (see `snapshot`; `last` is the newest evaluation, the
// page keeps the curve; `run` echoes the init it follows) and {type: "error", message}.

import { bind } from "./maths/activations.js";
import { pointwise } from "./maths/layers.js";
import { Session } from "./maths/trainer.js";

const BURST_MS = 12; // training time per burst: the worker answers messages in between
const POST_MS = 50; // at most one snapshot per this many ms while playing
// The picture (a forward pass over res x res cells) while playing: at most every FIELD_MS and
// about 1 / FIELD_SHARE of the worker's time.
const FIELD_MS = 50;
const FIELD_SHARE = 10;

let session = null;
let run = null; // the number the page gave the newest init
let view = null;
let playing = false;
let rate = 0;
let lastField = -Infinity; // when the picture was last computed
let fieldCost = 0; // and how long it took, ms
let stepsPerSecond = Infinity; // the reader's speed
let paced = null; // {time, steps}: start of the paced run

function snapshot(extra = {}) {
  const entry = session.record();
  const now = performance.now();
  const withField = !playing || now - lastField >= Math.max(FIELD_MS, FIELD_SHARE * fieldCost);
  const field = withField ? session.field(view.bounds, view.res) : null;
  if (withField) {
    lastField = performance.now();
    fieldCost = lastField - now;
  }
  const transfer = [];
  if (field) transfer.push(field.prob.buffer);
  if (field?.regions) transfer.push(field.regions.buffer);
  postMessage({
    type: "snapshot",
    steps: session.steps,
    status: session.status(),
    last: entry,
    // false: no new picture (the page keeps the last one)
    field: Boolean(field),
    prob: field?.prob,
    regions: field?.regions,
    regionCount: field?.count,
    lines: session.firstLayer(),
    dead: session.deadFraction(),
    // the exact count takes longer: only when the picture stands still
    exactCount: playing ? null : session.exactCount(view.bounds),
    rate,
    playing,
    run, // the start this replies to
    ...extra,
  }, transfer);
}

let mark = null; // {time, steps}: start of the current rate window

let lastPost = 0;

// Bursts chained by a MessageChannel: nested setTimeout(0) waits 4 ms (a quarter of the time).
const channel = new MessageChannel();
channel.port1.onmessage = burst;
const nextBurst = () => channel.port2.postMessage(null);

function burst() {
  if (!playing || !session) return;
  const now = performance.now();
  if (mark === null) mark = { time: now, steps: session.steps };
  if (paced === null) paced = { time: now, steps: session.steps };
  // at the reader's speed: the steps due since play started, at most a burst's worth of time
  const due = Number.isFinite(stepsPerSecond) ? Math.floor(paced.steps + ((now - paced.time) * stepsPerSecond) / 1000) - session.steps : 1e9;
  if (due > 0) session.run(due, BURST_MS);
  // updates per second of wall-clock time, snapshots and messages included
  const elapsed = performance.now() - mark.time;
  if (elapsed >= 250) {
    rate = ((session.steps - mark.steps) / elapsed) * 1000;
    mark = { time: performance.now(), steps: session.steps };
  }
  if (session.status() === "diverged") playing = false;
  if (!playing || performance.now() - lastPost >= POST_MS) {
    lastPost = performance.now();
    snapshot();
  }
  if (!playing) return;
  if (Number.isFinite(stepsPerSecond)) setTimeout(burst, Math.max(4, 1000 / stepsPerSecond)); // wait for the next step due
  else nextBurst();
}

globalThis.onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      playing = false;
      run = msg.run;
      const fn = bind(msg.activation.name, msg.activation.params || {});
      const activation = pointwise(msg.activation.name, fn.value, fn.grad);
      session = new Session(msg.settings, msg.train, msg.test, activation,
        { kinks: msg.kinks, negativeSlope: msg.negativeSlope ?? null });
      view = { bounds: msg.bounds, res: msg.res };
      rate = 0;
      lastField = -Infinity;
      snapshot();
    } else if (!session) {
      return;
    } else if (msg.type === "step") {
      session.run(msg.count);
      snapshot();
    } else if (msg.type === "play") {
      if (!playing) {
        playing = true;
        mark = null;
        paced = null;
        nextBurst();
      }
    } else if (msg.type === "speed") {
      stepsPerSecond = msg.stepsPerSecond > 0 ? msg.stepsPerSecond : Infinity;
      paced = null;
    } else if (msg.type === "pause") {
      playing = false;
      snapshot();
    }
  } catch (error) {
    playing = false;
    postMessage({ type: "error", message: error.message });
  }
};
