// node --test: numbers for readers, exponents as superscripts and SI step counts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { logTick, powerOfTen, siCount, superscript } from "../../book/_static/widgets/lib/toolkit/format.js";
import { fmt } from "../../book/_static/widgets/lib/toolkit/plot.js";

test("exponents are superscripts, never carets", () => {
  assert.equal(superscript(-7), "⁻⁷");
  assert.equal(superscript(308), "³⁰⁸");
  assert.equal(powerOfTen(-5), "10⁻⁵");
  assert.equal(fmt(4.31e-7, 3), "4.31 × 10⁻⁷");
  assert.equal(fmt(-4.081e-13, 4), "−4.081 × 10⁻¹³");
  assert.equal(fmt(1.5e5, 2), "1.5 × 10⁵");
  for (const v of [1e-300, 3e-9, 2e7, 1e300]) assert.doesNotMatch(fmt(v), /\^/);
});

test("step counts the SI way", () => {
  assert.equal(siCount(0), "0");
  assert.equal(siCount(950), "950");
  assert.equal(siCount(1000), "1k");
  assert.equal(siCount(100000), "100k");
  assert.equal(siCount(150000), "150k");
  assert.equal(siCount(1500000), "1.5M");
  assert.equal(siCount(194321), "194k");
});

test("log-axis tick labels: plain from 0.01 to 1000, else a power of ten", () => {
  assert.equal(logTick(0.01), "0.01");
  assert.equal(logTick(1000), "1000");
  assert.equal(logTick(1e-4), "10⁻⁴");
  assert.equal(logTick(1e5), "10⁵");
});
