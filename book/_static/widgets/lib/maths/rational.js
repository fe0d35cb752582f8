// Exact rationals num / den on BigInt, den > 0, gcd(|num|, den) = 1 (as fractions.Fraction).

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
const bits = (n) => n.toString(2).length;

export class Rational {
  constructor(num, den) {
    this.num = num;
    this.den = den;
  }

  /** num / den (BigInts), normalised. */
  static of(num, den = 1n) {
    if (den === 0n) throw new RangeError("Rational: zero denominator");
    if (den < 0n) [num, den] = [-num, -den];
    if (num === 0n) return ZERO;
    if ((den & (den - 1n)) === 0n) {
      // a power of two, as for sums and products of floats
      const shift = BigInt(Math.min(bits(num & -num), bits(den)) - 1);
      return new Rational(num >> shift, den >> shift);
    }
    let [a, b] = [num < 0n ? -num : num, den];
    while (b) [a, b] = [b, a % b];
    return new Rational(num / a, den / a);
  }

  /** The exact value of a finite float64, from its bits. */
  static fromNumber(x) {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.fromNumber needs a finite number; got ${x}`);
    F64[0] = x;
    const b = U64[0];
    const biased = Number((b >> 52n) & 0x7ffn);
    let m = b & 0xfffffffffffffn;
    if (biased) m |= 1n << 52n; // else subnormal
    if (b >> 63n) m = -m;
    const e = Math.max(biased, 1) - 1075;
    return e >= 0 ? Rational.of(m << BigInt(e)) : Rational.of(m, 1n << BigInt(-e));
  }

  add(o) {
    return this.den === o.den ? Rational.of(this.num + o.num, this.den) : Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o) {
    return this.add(o.neg());
  }

  mul(o) {
    return Rational.of(this.num * o.num, this.den * o.den);
  }

  div(o) {
    return Rational.of(this.num * o.den, this.den * o.num);
  }

  neg() {
    return new Rational(-this.num, this.den);
  }

  sign() {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }

  cmp(o) {
    return this.sub(o).sign();
  }

  toString() {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

export const ZERO = new Rational(0n, 1n);
export const ONE = new Rational(1n, 1n);

/** start + sum of a[i] b[i]. */
export const dot = (a, b, start = ZERO) => a.reduce((s, x, i) => (x.num && b[i].num ? s.add(x.mul(b[i])) : s), start);
