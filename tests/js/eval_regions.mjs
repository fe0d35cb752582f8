// Parity helper for tests/test_widgets_regions.py.
// usage: node eval_regions.mjs IN.json OUT.json
// IN: {"cases": [{"W": [[...], [...]], "b": [...], "bounds": [xmin, xmax, ymin, ymax]}]}
// OUT: {"cases": [{"count", "regions": [{"pattern": [bool], "area", "vertices"}], "explain"}]}
import { readFileSync, writeFileSync } from "node:fs";

import { layerRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";
import { explain } from "../../book/_static/widgets/lib/maths/arrangement.js";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cases = input.cases.map(({ W, b, bounds }) => {
  const regions = layerRegions(W, b, bounds);
  return { count: regions.length, regions, explain: explain(W, b, bounds) };
});
writeFileSync(process.argv[3], JSON.stringify({ cases }));
