// Parity helper for the adversarial cases of tests/test_widgets_regions.py: the exact regions
// of whole ReLU nets (exact_regions.js linearRegions / countRegions, as the trainer calls them).
// usage: node eval_exact_regions.mjs IN.json OUT.json
// IN: {"cases": [{"sizes": [2, ..., n_out], "flat": [...], "bounds": [xmin, xmax, ymin, ymax]}]}
//   flat: per layer W (fan_in x fan_out, row-major) then b, as bendlines.mlp.MLP.flat_params
// OUT: {"cases": [{"count", "regions": [{"pattern": [[bool]], "area"}], "exact", "explain"}]}
//   exact: how many signs the float bound left open and rational arithmetic settled;
//   explain: the unit-lines explorer's explanation (regions_math.js) for one hidden layer, else null
import { readFileSync, writeFileSync } from "node:fs";

import { countRegions, linearRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";
import { explain } from "../../book/_static/widgets/lib/maths/arrangement.js";

function layerViews(sizes) {
  const layers = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    layers.push({ fanIn, fanOut, w: offset, b: offset + fanIn * fanOut });
    offset += fanIn * fanOut + fanOut;
  }
  return layers;
}

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cases = input.cases.map(({ sizes, flat, bounds }) => {
  const layers = layerViews(sizes);
  const params = Float64Array.from(flat);
  const stats = {};
  const regions = linearRegions(layers, params, bounds, { stats });
  const count = countRegions(layers, params, bounds);
  let why = null;
  if (sizes.length === 3) {
    const { fanOut, w, b } = layers[0];
    const W = [Array.from(params.subarray(w, w + fanOut)), Array.from(params.subarray(w + fanOut, w + 2 * fanOut))];
    why = explain(W, Array.from(params.subarray(b, b + fanOut)), bounds);
  }
  return { count, regions: regions.map(({ pattern, area }) => ({ pattern, area })), exact: stats.exact, explain: why };
});
writeFileSync(process.argv[3], JSON.stringify({ cases }));
