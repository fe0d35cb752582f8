// node --test: one settings table per kind, read from the chapter's config and the address
// hash and written back, for every kind the same way.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatHash, parseHash } from "../../book/_static/widgets/lib/state/hash.js";
import { depthSettings } from "../../book/_static/widgets/lib/state/depth.js";
import { checkValue, readSettings, writeSettings } from "../../book/_static/widgets/lib/state/settings.js";

const TABLE = depthSettings(["relu", "sigmoid", "tanh"]);

test("defaults, then the chapter's config, then the address", () => {
  assert.deepEqual(readSettings(TABLE).settings, { act: "sigmoid", init: "xavier", gain: 1, depth: 10, width: 64, seed: 0 });
  const fromConfig = readSettings(TABLE, { config: { activation: "tanh", depth: 20 } }).settings;
  assert.equal(fromConfig.act, "tanh");
  assert.equal(fromConfig.depth, 20);
  const both = readSettings(TABLE, { config: { depth: 20 }, state: { depth: "4" } });
  assert.equal(both.settings.depth, 4);
  assert.equal(both.problem, false);
});

test("a shared address restores the same settings", () => {
  const settings = { act: "relu", init: "he", gain: 1.35, depth: 37, width: 16, seed: 9007199254740992 };
  const hash = formatHash("depth", writeSettings(TABLE, settings));
  const back = readSettings(TABLE, { state: parseHash(hash, "depth").state });
  assert.deepEqual(back, { settings, problem: false });
});

test("a malformed or hostile value keeps the default and reports a problem", () => {
  for (const state of [{ depth: "51" }, { depth: "2.5" }, { gain: "NaN" }, { gain: "1e999" }, { act: "constructor" },
    { width: "12" }, { seed: "-1" }, { init: "__proto__" }, { unknown: "1" }]) {
    const { settings, problem } = readSettings(TABLE, { state });
    assert.equal(problem, true, JSON.stringify(state));
    assert.deepEqual(settings, readSettings(TABLE).settings);
  }
});

test("a config value outside the table is ignored", () => {
  assert.equal(readSettings(TABLE, { config: { depth: 500, activation: 3 } }).settings.depth, 10);
  assert.equal(readSettings(TABLE, { config: { activation: 3 } }).settings.act, "sigmoid");
});

test("checkValue: types, ranges, lists and extra checks", () => {
  assert.equal(checkValue({ type: "int", min: 0, max: 3 }, 2), 2);
  assert.equal(checkValue({ type: "int", min: 0, max: 3 }, 2.5), undefined);
  assert.equal(checkValue({ type: "number", min: 0, max: 1 }, Infinity), undefined);
  assert.deepEqual(checkValue({ type: "numbers", min: -1, max: 1, maxLength: 3 }, [0, 1]), [0, 1]);
  assert.equal(checkValue({ type: "numbers", min: -1, max: 1, maxLength: 1 }, [0, 1]), undefined);
  const even = { type: "int", min: 0, max: 10, check: (v) => v % 2 === 0 };
  assert.equal(checkValue(even, 3), undefined);
  assert.equal(checkValue(even, 4), 4);
});

test("the layer stacker: weights must fit the number of layers, the edited layer must exist", async () => {
  const { COLLAPSE_SETTINGS, matrices, resize } = await import("../../book/_static/widgets/lib/state/collapse.js");
  const ok = readSettings(COLLAPSE_SETTINGS, { state: { k: "2", sel: "2", w: "1,0,0,1,0.5,0.5,-1,2" } });
  assert.equal(ok.problem, false);
  assert.deepEqual(matrices(ok.settings.w, 2), [[[1, 0], [0, 1]], [[0.5, 0.5], [-1, 2]]]);
  for (const state of [{ k: "2", w: "1,0,0,1" }, { k: "3", sel: "4" }, { w: "1,0,0,1,0,0,0,0,0,0,0,2.5" }]) {
    assert.equal(readSettings(COLLAPSE_SETTINGS, { state }).problem, true, JSON.stringify(state));
  }
  assert.equal(resize([1, 2, 3, 4, 5, 6, 7, 8], 3).length, 12);
  const back = readSettings(COLLAPSE_SETTINGS, { state: writeSettings(COLLAPSE_SETTINGS, ok.settings) });
  assert.deepEqual(back.settings, ok.settings);
});
