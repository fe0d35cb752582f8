// For tests/test_widgets_snippets.py: each widget's "Python for this state" snippet and the
// numbers the widget shows for the same state, computed by the widget's own code.
import { readFileSync, writeFileSync } from "node:fs";
import { bind, maxAbsSlope, normalMean } from "../../book/_static/widgets/lib/maths/activations.js";
import { product, rank } from "../../book/_static/widgets/lib/maths/collapse.js";
import { matrices } from "../../book/_static/widgets/lib/state/collapse.js";
import * as activations from "../../book/_static/widgets/lib/views/activations.js";
import * as collapse from "../../book/_static/widgets/lib/views/collapse.js";
import * as depth from "../../book/_static/widgets/lib/views/depth.js";
import { pythonSnippet as depthSnippet } from "../../book/_static/widgets/lib/views/depth_python.js";
import { depthSizes, drawWeights, profile, runToEnd } from "../../book/_static/widgets/lib/maths/depth.js";
import { pointwise } from "../../book/_static/widgets/lib/maths/layers.js";
import * as hinges from "../../book/_static/widgets/lib/views/hinges.js";
import { TARGETS, maxErrorOfSum } from "../../book/_static/widgets/lib/maths/hinges.js";
import { snapped } from "../../book/_static/widgets/lib/state/hinges.js";
import * as unitLines from "../../book/_static/widgets/lib/views/unit-lines.js";
import { layerRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";

const [input, output] = process.argv.slice(2);
const { cases } = JSON.parse(readFileSync(input, "utf8"));
const num = (v) => (Number.isFinite(v) ? v : String(v).toLowerCase().replace("infinity", "inf"));

function run(c) {
  if (c.kind === "activations") {
    const params = c.param ? { [c.param]: c.p } : {};
    const act = bind(c.name, params);
    const kinks = c.kinks ?? [];
    return {
      snippet: activations.pythonSnippet(c.name, c.param ? { name: c.param } : null, c.p, c.z, c.depth),
      value: num(act.value(c.z)), grad: num(act.grad(c.z)), mean: num(normalMean(act.value, kinks)),
      slope: num(maxAbsSlope(act.grad, -8, 8, kinks)),
    };
  }
  if (c.kind === "hinges") {
    const model = c.n ? snapped(c.info, c.n) : c.model;
    const error = maxErrorOfSum(model.bias, model.hinges.map((h) => h.k), model.hinges.map((h) => h.a), TARGETS[c.info.name], c.info.domain);
    return { snippet: hinges.pythonSnippet(c.info.name, model), error };
  }
  if (c.kind === "unit-lines") {
    const { W, b } = unitLines.layerOf(c.units);
    return { snippet: unitLines.pythonSnippet(c.units, c.box), count: layerRegions(W, b, c.box).length };
  }
  if (c.kind === "depth") {
    // as kinds/depth.js: the registry's default parameters, weights from the seed, one profile
    const { state, X, y } = c;
    const fn = bind(state.act, {});
    const sizes = depthSizes(state.depth, state.width, 40, 10);
    const flat = runToEnd(drawWeights(sizes, { init: state.init, gain: state.gain, seed: state.seed }));
    const result = runToEnd(profile(sizes, flat, pointwise(state.act, fn.value, fn.grad), Float64Array.from(X.flat()), Int32Array.from(y), y.length));
    return { snippet: depthSnippet(state, y.length), ...result, readouts: depth.readouts(result) };
  }
  const weights = matrices(c.w, c.k);
  const P = product(weights);
  return { snippet: collapse.pythonSnippet(weights, c.act), product: P, rank: rank(P) };
}

writeFileSync(output, JSON.stringify({ cases: cases.map(run) }));
