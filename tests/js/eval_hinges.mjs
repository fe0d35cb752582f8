// Parity helper for tests/test_widgets_hinges.py.
// usage: node eval_hinges.mjs IN.json OUT.json
// IN: {"cases": [{"target", "domain": [lo, hi], "n", "x": [...]}]}
// OUT: {"cases": [{"knots", "weights", "bias", "g": [...], "f": [...], "max_error",
//                  "max_error_sweep"}]}
import { readFileSync, writeFileSync } from "node:fs";

import { maxError, maxErrorOfSum, snap, TARGETS } from "../../book/_static/widgets/lib/maths/hinges.js";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cases = input.cases.map(({ target, domain, n, x }) => {
  const g = snap(target, domain, n);
  return {
    knots: g.knots,
    weights: g.weights,
    bias: g.bias,
    g: x.map(g.evaluate),
    f: x.map(TARGETS[target]),
    max_error: maxError(g.evaluate, TARGETS[target], domain),
    // what the widget shows: the one-sweep evaluation
    max_error_sweep: maxErrorOfSum(g.bias, g.kinks, g.weights, TARGETS[target], domain),
  };
});
writeFileSync(process.argv[3], JSON.stringify({ cases }));
