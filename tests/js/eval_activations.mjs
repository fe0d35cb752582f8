// Parity helper: evaluate activations for tests/test_widgets_parity.py.
// usage: node eval_activations.mjs IN.json OUT.json
// IN: {"cases": [{"name", "params": {...}, "x": [numbers or "inf"/"-inf"/"nan"]}]}, or a case
// {"special": "erf" | "erfc", "x": [...]} for the error function itself, or a case
// {"name", "params", "kinks": [...]} for the explorer's mean output and largest slope
// OUT: {"cases": [{"value": [...], "grad": [...]}]} with the same number encoding;
// an entry this module lacks gives {"error": "..."} so the Python side can name it.
import { readFileSync, writeFileSync } from "node:fs";

import { bind, erf, erfc, maxAbsSlope, normalMean } from "../../book/_static/widgets/lib/maths/activations.js";

const decode = (v) => (typeof v === "number" ? v : { inf: Infinity, "-inf": -Infinity, nan: NaN }[v]);
const encode = (v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const SPECIAL = { erf, erfc };
const cases = input.cases.map(({ name, params, x, special, kinks }) => {
  if (special) return { value: x.map(decode).map((v) => encode(SPECIAL[special](v))) };
  if (kinks) {
    // The explorer's summaries: E[f(Z)] for Z ~ N(0, 1) and max |f'| on [-8, 8].
    const act = bind(name, params);
    return { mean: encode(normalMean(act.value, kinks)), slope: encode(maxAbsSlope(act.grad, -8, 8, kinks)) };
  }
  let act;
  try {
    act = bind(name, params);
  } catch (error) {
    return { error: error.message };
  }
  const xs = x.map(decode);
  return { value: xs.map((v) => encode(act.value(v))), grad: xs.map((v) => encode(act.grad(v))) };
});
writeFileSync(process.argv[3], JSON.stringify({ cases }));
