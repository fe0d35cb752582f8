// Numbers for readers: exponents as superscripts (× 10⁻⁷, never a caret) and step counts the
// SI way (100k, 1.5M).

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** An integer in superscript digits: -7 -> "⁻⁷". */
export function superscript(n) {
  return Array.from(String(Math.round(n)), (c) => SUPERSCRIPTS[c]).join("");
}

/** A power of ten: -5 -> "10⁻⁵". */
export function powerOfTen(exponent) {
  return `10${superscript(exponent)}`;
}

/** A tick label on a log axis: a plain number from 0.01 to 1000, else a power of ten (10⁻⁵). */
export function logTick(v) {
  if (v >= 1e-2 && v <= 1e3) return String(Number(v.toPrecision(2)));
  return powerOfTen(Math.round(Math.log10(v)));
}

/** A count the SI way, to `digits` significant digits: 950 -> "950", 100000 -> "100k",
 * 1500000 -> "1.5M". */
export function siCount(n, digits = 3) {
  const abs = Math.abs(n);
  for (const [size, unit] of [[1e9, "G"], [1e6, "M"], [1e3, "k"]]) {
    if (abs >= size) return `${Number((n / size).toPrecision(digits))}${unit}`.replace("-", "−");
  }
  return String(Number(n.toPrecision(digits))).replace("-", "−");
}
