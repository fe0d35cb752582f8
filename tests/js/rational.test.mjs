// Exact rationals on BigInt (book/_static/widgets/rational.js), the fallback that settles the
// signs exact_regions.js cannot decide in floating point.
import assert from "node:assert/strict";
import test from "node:test";

import { ONE, Rational, ZERO, dot } from "../../book/_static/widgets/lib/maths/rational.js";

const R = (x) => Rational.fromNumber(x);
const str = (x) => R(x).toString();
const toNumber = (r) => Number(r.num) / Number(r.den); // exact for num < 2^53, den a power of 2
const same = (p, q) => p.num === q.num && p.den === q.den;

test("floats convert exactly: known values from their bits", () => {
  assert.equal(str(0.5), "1/2");
  assert.equal(str(-3), "-3");
  assert.equal(str(0.1), "3602879701896397/36028797018963968"); // 0.1 is not 1/10
  assert.equal(str(0.2), "3602879701896397/18014398509481984");
  assert.equal(str(0.3), "5404319552844595/18014398509481984");
  assert.equal(str(-0.75), "-3/4");
  assert.equal(str(2 ** 60), (2n ** 60n).toString());
  assert.equal(str(1e300), BigInt(1e300).toString()); // BigInt of an integral double is exact
  assert.equal(str(Number.MAX_VALUE), ((2n ** 53n - 1n) * 2n ** 971n).toString());
  assert.equal(str(Number.MIN_VALUE), `1/${2n ** 1074n}`); // the smallest subnormal
  assert.equal(str(-3 * Number.MIN_VALUE), `-3/${2n ** 1074n}`);
  assert.equal(str(2 ** -1022), `1/${2n ** 1022n}`); // the smallest normal
  assert.equal(str(1 + Number.EPSILON), `${2n ** 52n + 1n}/${2n ** 52n}`);
  assert.ok(same(R(-0), ZERO) && same(R(0), ZERO));
  assert.ok(same(R(1), ONE));
});

test("conversion round-trips and keeps the order of neighbouring floats", () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const f64 = new Float64Array(1);
  const u64 = new BigUint64Array(f64.buffer);
  for (let i = 0; i < 2000; i++) {
    const x = (random() - 0.5) * 10 ** (20 * random() - 10);
    const r = R(x);
    assert.equal(toNumber(r), x);
    // the next float up differs by exactly one ulp and compares greater
    f64[0] = Math.abs(x);
    u64[0] += 1n;
    const up = Math.sign(x) * f64[0];
    const ulp = R(up).sub(r);
    assert.equal(ulp.sign(), Math.sign(x));
    assert.equal(Math.abs(toNumber(ulp)), Math.abs(up - x));
    assert.equal(R(up).cmp(r), up > x ? 1 : -1);
    assert.equal(r.cmp(R(x)), 0);
  }
});

test("arithmetic is exact: 0.1 + 0.2 is neither 0.3 nor the float sum", () => {
  const sum = R(0.1).add(R(0.2));
  assert.equal(sum.toString(), "10808639105689191/36028797018963968");
  assert.equal(sum.cmp(R(0.3)), 1); // above the double 0.3 by 2^-55
  assert.equal(sum.sub(R(0.3)).toString(), `1/${2n ** 55n}`);
  assert.equal(sum.cmp(R(0.1 + 0.2)), -1); // and below the rounded float sum by 2^-55
  assert.equal(R(0.1 + 0.2).sub(sum).toString(), `1/${2n ** 55n}`);
  assert.equal(R(0.1).mul(R(10)).cmp(ONE), 1); // 10 x (0.1 as stored) exceeds 1
  assert.equal(R(1e308).mul(R(1e308)).div(R(1e308)).cmp(R(1e308)), 0); // no overflow
  assert.equal(R(2 ** -1074).mul(R(2 ** -1074)).sign(), 1); // no underflow
});

test("results are normalised: equal values have equal fields", () => {
  assert.equal(Rational.of(6n, -4n).toString(), "-3/2");
  assert.equal(Rational.of(0n, -7n).toString(), "0");
  assert.equal(Rational.of(10n, 15n).toString(), "2/3");
  assert.equal(Rational.of(-12n, 8n).toString(), "-3/2");
  const third = Rational.of(1n, 3n);
  assert.equal(third.add(third).add(third).toString(), "1");
  assert.equal(Rational.of(2n, 3n).mul(Rational.of(3n, 4n)).toString(), "1/2");
  assert.equal(Rational.of(2n, 3n).div(Rational.of(-4n, 9n)).toString(), "-3/2");
  assert.ok(same(R(0.25).add(R(0.5)), R(0.75)));
  assert.equal(R(0.75).neg().toString(), "-3/4");
  assert.deepEqual([R(-2).sign(), ZERO.sign(), R(1e-300).sign()], [-1, 0, 1]);
  assert.equal(dot([R(0.5), R(3)], [R(4), R(-0.25)], R(0.25)).toString(), "3/2");
});

test("bad input is refused", () => {
  for (const x of [NaN, Infinity, -Infinity, "1", 1n]) assert.throws(() => Rational.fromNumber(x), RangeError);
  assert.throws(() => Rational.of(1n, 0n), RangeError);
  assert.throws(() => ONE.div(ZERO), RangeError);
});
