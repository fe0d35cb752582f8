// The trainer's Web Worker (a module worker loaded from this same-origin file): it owns the
// training session, so the page's main thread only draws. Messages in:
//   {type: "init", settings, train: {X, y}, test: {X, y}, activation: {name, params}, kinks,
//    negativeSlope (ReLU-like activations: exact region counts), bounds, res}
//   {type: "step", count}   count updates, then one snapshot
//   {type: "play"}          train in bursts, a snapshot after each, until "pause"
//   {type: "pause"}
// Messages out: {type: "snapshot", ...} (see `snapshot`; `last` is the newest evaluation, the
// page keeps the curve) and {type: "error", message}.

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
let view = null;
let playing = false;
let rate = 0;
let lastField = -Infinity; // when the picture was last computed
let fieldCost = 0; // and how long it took, ms

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
  session.run(1e9, BURST_MS);
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
  if (playing) nextBurst();
}

globalThis.onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      playing = false;
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
        nextBurst();
      }
    } else if (msg.type === "pause") {
      playing = false;
      snapshot();
    }
  } catch (error) {
    playing = false;
    postMessage({ type: "error", message: error.message });
  }
};
