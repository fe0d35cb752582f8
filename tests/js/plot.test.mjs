// Unit tests of the shared drawing toolkit (book/_static/widgets/plot.js).
import assert from "node:assert/strict";
import test from "node:test";

import { fmt, heatmapPixels, linear, linePath, log10, niceCeil, polygonPath, ticks } from "../../book/_static/widgets/lib/toolkit/plot.js";

test("linear maps the domain onto the range and back", () => {
  const s = linear([-2, 3], [0, 500]);
  assert.equal(s(-2), 0);
  assert.equal(s(3), 500);
  assert.equal(s(0.5), 250);
  assert.equal(s.invert(250), 0.5);
  const flipped = linear([0, 1], [300, 0]); // SVG y grows downwards
  assert.equal(flipped(1), 0);
  assert.equal(flipped.invert(150), 0.5);
});

test("ticks are 1, 2 or 5 times a power of ten and cover the interval", () => {
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(-4, 4, 4), [-4, -2, 0, 2, 4]);
  assert.deepEqual(ticks(0, 2 * Math.PI, 4), [0, 2, 4, 6]);
  assert.deepEqual(ticks(3, 3), [3]);
  assert.deepEqual(ticks(0, NaN), []);
  for (const [lo, hi] of [[-1e-7, 3e-7], [17, 12345], [-0.3, 0.01]]) {
    const t = ticks(lo, hi, 5);
    assert.ok(t.length >= 2 && t.length <= 11, `${lo}..${hi}: ${t}`);
    assert.ok(t[0] >= lo - 1e-12 && t.at(-1) <= hi + 1e-12);
    const step = t[1] - t[0];
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `step ${step}`);
  }
});

test("log10 scales put decades equally apart, ticks at powers of ten", () => {
  const s = log10([1, 1000], [0, 300]);
  assert.ok(Math.abs(s(10) - 100) < 1e-9);
  assert.ok(Math.abs(s.invert(200) - 100) < 1e-9);
  assert.deepEqual(s.ticks(), [1, 10, 100, 1000]);
  assert.deepEqual(log10([0.002, 0.5], [0, 1]).ticks(), [0.01, 0.1]);
});

test("linePath breaks at non-finite values and clamps huge ones", () => {
  const sx = linear([0, 4], [0, 4]);
  const sy = linear([0, 4], [0, 4]);
  assert.equal(linePath([0, 1, 2, 3, 4], [0, 1, NaN, 3, 4], sx, sy), "M0.00,0.00L1.00,1.00M3.00,3.00L4.00,4.00");
  const d = linePath([0, 1], [0, Infinity], sx, sy, 10);
  assert.equal(d, "M0.00,0.00");
  assert.equal(linePath([0, 1], [0, 1e300], sx, sy, 10), "M0.00,0.00L1.00,14.00");
  assert.ok(!linePath([0, 1, 2], [NaN, NaN, NaN], sx, sy).includes("NaN"));
});

test("polygonPath closes the polygon; degenerate ones draw nothing", () => {
  const s = linear([0, 1], [0, 10]);
  assert.equal(polygonPath([[0, 0], [1, 0], [0, 1]], s, s), "M0.00,0.00L10.00,0.00L0.00,10.00Z");
  assert.equal(polygonPath([[0, 0], [1, 1]], s, s), "");
});

test("fmt never shows NaN and uses a true minus sign", () => {
  assert.equal(fmt(NaN), "undefined");
  assert.equal(fmt(undefined), "undefined");
  assert.equal(fmt(Infinity), "∞");
  assert.equal(fmt(-Infinity), "−∞");
  assert.equal(fmt(-0.5), "−0.5");
  assert.equal(fmt(0.123456, 3), "0.123");
  assert.equal(fmt(1234567, 3), "1.23 × 10⁶");
  assert.equal(fmt(-2.5e-7, 2), "−2.5 × 10⁻⁷");
  assert.equal(fmt(0), "0");
});

test("heatmapPixels fills device pixels at the device pixel ratio", () => {
  const seen = [];
  const px = heatmapPixels(3, 2, 2, (x, y) => {
    seen.push([x, y]);
    return x < 1.5 ? [255, 0, 0] : null;
  });
  assert.equal(px.width, 6);
  assert.equal(px.height, 4);
  assert.equal(px.data.length, 6 * 4 * 4);
  assert.deepEqual(seen[0], [0.25, 0.25]); // centre of the first device pixel, in CSS pixels
  assert.deepEqual([...px.data.slice(0, 4)], [255, 0, 0, 255]);
  assert.deepEqual([...px.data.slice(4 * 5, 4 * 6)], [0, 0, 0, 0]); // right half: transparent
  const one = heatmapPixels(3, 2, 1, () => [1, 2, 3]);
  assert.equal(one.width * one.height, 6);
});

test("niceCeil rounds up to 1, 2 or 5 times a power of ten", () => {
  assert.deepEqual([10, 11, 150, 1000, 1001, 4999, 0.03].map(niceCeil), [10, 20, 200, 1000, 2000, 5000, 0.05]);
});
