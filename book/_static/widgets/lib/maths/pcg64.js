// numpy's default random generator, `numpy.random.default_rng(seed)`, in plain JavaScript.
//
// A port of what the trainer needs to reproduce `bendlines` runs draw for draw: SeedSequence
// (seed -> 128-bit state and increment), the PCG64 bit generator (XSL-RR output of a 128-bit
// linear congruential state), `random()` (53-bit doubles), `uniform(low, high)` and
// `permutation(n)` (Fisher-Yates with masked rejection sampling, as numpy's `shuffle`). The
// 128-bit state is kept in eight 16-bit limbs so that every product is an exact double.
// tests/test_widgets_trainer.py checks raw output, doubles, uniforms and permutations against
// numpy for several seeds, 0 and 2**53 included.
//
// Not ported: numpy's normal distribution (a ziggurat with tabulated constants).
// `standardNormal` below is a documented Box-Muller transform of `random()`: reproducible in
// JavaScript, but not numpy's draws.

const MASK16 = 0xffff;
const TWO16 = 65536;
const TWO32 = 4294967296;
const TWO_NEG53 = 1 / 9007199254740992;

// PCG's default 128-bit multiplier 0x2360ED051FC65DA4_4385DF649FCCF645, 16-bit limbs, low first.
const MULTIPLIER = [0xf645, 0x9fcc, 0xdf64, 0x4385, 0x5da4, 0x1fc6, 0xed05, 0x2360];

// SeedSequence constants (numpy.random.bit_generator).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** The largest seed accepted: 2**53, the last integer a double holds next to all smaller ones. */
export const MAX_SEED = 2 ** 53;

/** 32-bit words of a non-negative integer seed, least significant first (numpy's coercion). */
export function seedWords(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer from 0 to 2**53, got ${seed}`);
  }
  const words = [seed % TWO32];
  let rest = Math.floor(seed / TWO32);
  while (rest > 0) {
    words.push(rest % TWO32);
    rest = Math.floor(rest / TWO32);
  }
  return words;
}

function hashmix(value, hash) {
  value = (value ^ hash.c) >>> 0;
  hash.c = Math.imul(hash.c, MULT_A) >>> 0;
  value = Math.imul(value, hash.c) >>> 0;
  return (value ^ (value >>> 16)) >>> 0;
}

function mix(x, y) {
  const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (result ^ (result >>> 16)) >>> 0;
}

/** The entropy pool of `numpy.random.SeedSequence(seed)` (four 32-bit words). */
export function seedPool(seed) {
  const entropy = seedWords(seed);
  const pool = new Array(POOL_SIZE).fill(0);
  const hash = { c: INIT_A };
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hash);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hash));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src], hash));
  }
  return pool;
}

/** `SeedSequence(seed).generate_state(nWords)` as 32-bit words. */
export function generateState(seed, nWords) {
  const pool = seedPool(seed);
  let hashConst = INIT_B;
  const out = [];
  for (let i = 0; i < nWords; i++) {
    let value = (pool[i % POOL_SIZE] ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    out.push((value ^ (value >>> 16)) >>> 0);
  }
  return out;
}

// 128-bit helpers on eight 16-bit limbs (low first).
function limbsFromWords(words) {
  // words: four 32-bit words, least significant first
  const limbs = [];
  for (const w of words) limbs.push(w & MASK16, w >>> 16);
  return limbs;
}

function mulAdd(state, mult, inc) {
  const acc = new Array(8).fill(0);
  for (let i = 0; i < 8; i++) {
    const s = state[i];
    if (s === 0) continue;
    for (let j = 0; i + j < 8; j++) acc[i + j] += s * mult[j];
  }
  let carry = 0;
  for (let k = 0; k < 8; k++) {
    const v = acc[k] + inc[k] + carry;
    const low = v % TWO16;
    state[k] = low;
    carry = (v - low) / TWO16;
  }
}

function add(state, other) {
  let carry = 0;
  for (let k = 0; k < 8; k++) {
    const v = state[k] + other[k] + carry;
    state[k] = v & MASK16;
    carry = v >>> 16;
  }
}

/**
 * numpy's PCG64 bit generator seeded like `numpy.random.default_rng(seed)`.
 * `nextUint64()` returns `[hi, lo]` 32-bit halves; the other methods mirror numpy.
 */
export class PCG64 {
  constructor(seed = 0) {
    const words = generateState(seed, 8); // four uint64 = eight uint32, little endian
    // numpy: initstate = (uint64[0] << 64) | uint64[1], initseq = (uint64[2] << 64) | uint64[3]
    const initstate = limbsFromWords([words[2], words[3], words[0], words[1]]);
    const initseq = limbsFromWords([words[6], words[7], words[4], words[5]]);
    // inc = (initseq << 1) | 1
    const inc = new Array(8);
    let carry = 1;
    for (let k = 0; k < 8; k++) {
      const v = initseq[k] * 2 + carry;
      inc[k] = v & MASK16;
      carry = v >>> 16;
    }
    this.inc = inc;
    this.state = new Array(8).fill(0);
    this.step();
    add(this.state, initstate);
    this.step();
    this.hasUint32 = false;
    this.uinteger = 0;
  }

  step() {
    mulAdd(this.state, MULTIPLIER, this.inc);
  }

  /** Next 64-bit output as `[hi, lo]` unsigned 32-bit halves. */
  nextUint64() {
    this.step();
    const s = this.state;
    const lo = ((s[0] ^ s[4]) | ((s[1] ^ s[5]) << 16)) >>> 0;
    const hi = ((s[2] ^ s[6]) | ((s[3] ^ s[7]) << 16)) >>> 0;
    const rot = s[7] >>> 10; // state >> 122
    if (rot === 0) return [hi, lo];
    if (rot === 32) return [lo, hi];
    if (rot < 32) {
      return [((hi >>> rot) | (lo << (32 - rot))) >>> 0, ((lo >>> rot) | (hi << (32 - rot))) >>> 0];
    }
    const r = rot - 32;
    return [((lo >>> r) | (hi << (32 - r))) >>> 0, ((hi >>> r) | (lo << (32 - r))) >>> 0];
  }

  /** Next 32 bits: the low half of a 64-bit output, then its high half (numpy's buffering). */
  nextUint32() {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const [hi, lo] = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = hi;
    return lo;
  }

  /** A double in [0, 1) from the top 53 bits of a 64-bit output (`Generator.random()`). */
  random() {
    const [hi, lo] = this.nextUint64();
    return (hi * 2097152 + (lo >>> 11)) * TWO_NEG53;
  }

  /** `Generator.uniform(low, high)`: `low + (high - low) * random()`. */
  uniform(low, high) {
    return low + (high - low) * this.random();
  }

  /** An integer in [0, max] by masked rejection (numpy's `random_interval`, max < 2**32). */
  interval(max) {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError("interval: max must be below 2**32");
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `Generator.permutation(n)`: a shuffled `Int32Array` of 0..n-1. */
  permutation(n) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }

  /**
   * A standard normal draw by the Box-Muller transform of two `random()` values (the second
   * value of each pair is kept for the next call). Documented and reproducible, NOT numpy's
   * `standard_normal`.
   */
  standardNormal() {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const u1 = 1 - this.random(); // (0, 1]: log is finite
    const u2 = this.random();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }
}
