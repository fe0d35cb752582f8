// The URL-hash state: round trips, and anything malformed or hostile falls back safely.
import assert from "node:assert/strict";
import test from "node:test";

import { formatHash, parseHash, readNumber } from "../../book/_static/widgets/lib/state/hash.js";
import { readSettings } from "../../book/_static/widgets/lib/state/settings.js";

test("a formatted state parses back", () => {
  const hash = formatHash("hinges", { target: "sin", n: 10, k: "0.5,1.25" });
  assert.equal(hash, "#w-hinges?target=sin&n=10&k=0.5%2C1.25");
  assert.deepEqual(parseHash(hash, "hinges"), {
    found: true,
    ok: true,
    state: { target: "sin", n: "10", k: "0.5,1.25" },
  });
});

test("other hashes are not ours and change nothing", () => {
  for (const hash of ["", "#", "#fig-approx-sin", "#w-activations?name=relu", "#w-hingesX?n=1"]) {
    assert.deepEqual(parseHash(hash, "hinges"), { found: false, ok: true, state: {} });
  }
  assert.equal(parseHash("#w-hinges", "hinges").found, true);
});

test("malformed or hostile hashes give ok: false and no state", () => {
  const bad = [
    "#w-hinges?n",
    "#w-hinges?=3",
    "#w-hinges?n=%E0%A4%A",
    "#w-hinges?n=<script>",
    "#w-hinges?__proto__=1",
    "#w-hinges?constructor=1&n=1",
    "#w-hinges?n=1&n=2",
    "#w-hinges?N=1",
    `#w-hinges?n=${"1".repeat(3000)}`,
    "#w-hinges?n=javascript:alert(1)",
  ];
  for (const hash of bad) {
    const out = parseHash(hash, "hinges");
    assert.equal(out.ok, hash === "#w-hinges?constructor=1&n=1", hash);
    if (!out.ok) assert.deepEqual(out.state, {}, hash);
  }
  // Keys are plain data: nothing reaches Object.prototype.
  parseHash("#w-hinges?constructor=1", "hinges");
  assert.equal({}.constructor, Object);
  assert.equal(Object.getPrototypeOf(parseHash("#w-hinges?a=1", "hinges").state), Object.prototype);
});

test("numbers are read strictly, within bounds", () => {
  assert.equal(readNumber("2.5", 0, 3), 2.5);
  assert.equal(readNumber("-1e-3", -1, 1), -0.001);
  for (const v of ["", "abc", "1x", "Infinity", "NaN", "0x10", "4", " 1", undefined]) {
    assert.equal(readNumber(v, 0, 3), undefined, String(v));
  }
  const list = (text, maxLength) => readSettings({ v: { type: "numbers", min: -5, max: 5, maxLength, default: [] } }, { state: { v: text } });
  assert.deepEqual(list("1,2.5,-3", 4).settings.v, [1, 2.5, -3]);
  for (const [text, max] of [["1,2,3", 2], ["1,,3", 4], ["1,9", 4]]) assert.equal(list(text, max).problem, true);
});
