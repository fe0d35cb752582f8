// Exact rational numbers on BigInt, the JavaScript counterpart of Python's fractions.Fraction
// for exact_regions.js: a value is num / den with den > 0 and gcd(|num|, den) = 1, so equal
// values have equal fields. Rational.fromNumber converts a float64 exactly, from its bits
// (every finite double is an integer times a power of two), so sums and products of the
// network's weights are computed with no rounding at all.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of binary digits of a BigInt n > 0. */
function bitLength(n) {
  return n.toString(2).length;
}

/** Exponent of the largest power of two dividing a BigInt n != 0. */
function twos(n) {
  const low = n & -n; // the lowest set bit (two's complement, also for n < 0)
  return bitLength(low) - 1;
}

function gcd(a, b) {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export class Rational {
  /** Use Rational.of (normalises) or Rational.fromNumber; the constructor trusts its input. */
  constructor(num, den) {
    this.num = num;
    this.den = den;
  }

  /** num / den in lowest terms with a positive denominator (BigInts or safe integers). */
  static of(num, den = 1n) {
    num = BigInt(num);
    den = BigInt(den);
    if (den === 0n) throw new RangeError("Rational: zero denominator");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (num === 0n) return ZERO;
    if (den === 1n) return new Rational(num, 1n);
    // The network's numbers are dyadic (den a power of two): then only factors 2 can cancel.
    if ((den & (den - 1n)) === 0n) {
      const shift = BigInt(Math.min(twos(num), bitLength(den) - 1));
      return new Rational(num >> shift, den >> shift);
    }
    const g = gcd(num, den);
    return g === 1n ? new Rational(num, den) : new Rational(num / g, den / g);
  }

  /** The exact value of a finite float64 x (via its sign, exponent and significand bits). */
  static fromNumber(x) {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new RangeError(`Rational.fromNumber needs a finite number; got ${x}`);
    if (x === 0) return ZERO;
    if (Number.isInteger(x) && Number.isSafeInteger(x)) return new Rational(BigInt(x), 1n);
    F64[0] = x;
    const hi = LITTLE_ENDIAN ? U32[1] : U32[0];
    const lo = LITTLE_ENDIAN ? U32[0] : U32[1];
    const biased = (hi >>> 20) & 0x7ff;
    let significand = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let exponent = -1074; // subnormal: significand * 2^-1074
    if (biased !== 0) {
      significand |= 1n << 52n;
      exponent = biased - 1075;
    }
    if (hi >>> 31) significand = -significand;
    if (exponent >= 0) return new Rational(significand << BigInt(exponent), 1n);
    return Rational.of(significand, 1n << BigInt(-exponent));
  }

  add(o) {
    if (this.num === 0n) return o;
    if (o.num === 0n) return this;
    if (this.den === o.den) return Rational.of(this.num + o.num, this.den);
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o) {
    return this.add(o.neg());
  }

  mul(o) {
    if (this.num === 0n || o.num === 0n) return ZERO;
    return Rational.of(this.num * o.num, this.den * o.den);
  }

  div(o) {
    if (o.num === 0n) throw new RangeError("Rational: division by zero");
    return Rational.of(this.num * o.den, this.den * o.num);
  }

  neg() {
    return this.num === 0n ? this : new Rational(-this.num, this.den);
  }

  abs() {
    return this.num < 0n ? this.neg() : this;
  }

  /** -1, 0 or 1. */
  sign() {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }

  /** -1, 0 or 1 as this <, =, > o. */
  cmp(o) {
    const d = this.num * o.den - o.num * this.den;
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  }

  equals(o) {
    return this.num === o.num && this.den === o.den;
  }

  /** The nearest float64 for moderate sizes (for display and tests, never for decisions). */
  toNumber() {
    return Number(this.num) / Number(this.den);
  }

  toString() {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

export const ZERO = new Rational(0n, 1n);
export const ONE = new Rational(1n, 1n);

/** Sum of the products a[i] * b[i] of two equally long arrays of Rationals, plus `start`. */
export function dot(a, b, start = ZERO) {
  let s = start;
  for (let i = 0; i < a.length; i++) if (a[i].num !== 0n && b[i].num !== 0n) s = s.add(a[i].mul(b[i]));
  return s;
}
