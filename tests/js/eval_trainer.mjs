// Parity driver for tests/test_widgets_trainer.py: reads one JSON task on stdin, runs the
// widget math on it and prints the result as JSON (Python compares with bendlines).
import { readFileSync } from "node:fs";
import { PCG64 } from "../../book/_static/widgets/lib/maths/pcg64.js";
import { applyLayers, product, rank, straightness, pushSegment, COLLAPSE_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/collapse.js";
import { drawWeights, profile, runToEnd } from "../../book/_static/widgets/lib/maths/depth.js";
import { countRegions, linearRegions } from "../../book/_static/widgets/lib/maths/exact_regions.js";
import { Session } from "../../book/_static/widgets/lib/maths/trainer.js";
import { pythonSnippet, validSettings } from "../../book/_static/widgets/lib/state/trainer.js";
import { BASIC_ACTIVATIONS } from "../../book/_static/widgets/lib/maths/layers.js";
import { MLP, Trainer, gridPatterns, train } from "../../book/_static/widgets/lib/maths/nn.js";

const task = JSON.parse(readFileSync(0, "utf8"));
const f64 = (a) => Float64Array.from(a);
const i32 = (a) => Int32Array.from(a);
const act = (name) => BASIC_ACTIVATIONS[name];
const dataset = (X, y) => ({ X: f64(X.flat()), y: i32(y), n: y.length });

function run(t) {
  switch (t.task) {
    case "pcg": {
      const g = new PCG64(t.seed);
      const raw = [];
      for (let i = 0; i < t.n; i++) {
        const [hi, lo] = g.nextUint64();
        raw.push(((BigInt(hi) << 32n) | BigInt(lo)).toString());
      }
      const h = new PCG64(t.seed);
      const uniform = Array.from({ length: t.n }, () => h.uniform(t.low, t.high));
      const p = new PCG64(t.seed);
      const perms = t.perm_sizes.map((n) => Array.from(p.permutation(n)));
      return { raw, uniform, perms };
    }
    case "init": {
      const net = new MLP(t.sizes, { activation: act("relu"), init: t.init, seed: t.seed });
      return { flat: Array.from(net.flatParams) };
    }
    case "train": {
      const net = MLP.fromFlat(t.sizes, t.flat, act(t.activation));
      const trainData = dataset(t.X, t.y);
      const testData = t.Xt ? dataset(t.Xt, t.yt) : null;
      const order = t.order ? t.order.map(i32) : null;
      const h = train(net, trainData, testData, { steps: t.steps, evalEvery: t.eval_every, optimizer: t.optimizer,
        lr: t.lr, batchSize: t.batch_size, seed: t.seed, order });
      return { flat: Array.from(net.flatParams), history: h };
    }
    case "widget_run": {
      // the widget's path: a seeded net and Trainer.step(), then evaluate
      const net = new MLP(t.sizes, { activation: act(t.activation), init: t.init, seed: t.net_seed });
      const tr = new Trainer(net, dataset(t.X, t.y), null, { optimizer: t.optimizer, lr: t.lr,
        batchSize: t.batch_size, seed: t.seed });
      for (let s = 0; s < t.steps; s++) tr.step();
      return { flat: Array.from(net.flatParams), loss: tr.evaluate(tr.train).loss };
    }
    case "session": {
      // the widget's session on the build's data: settings as a reader set them, then steps
      const settings = validSettings(t.settings, Object.keys(BASIC_ACTIVATIONS));
      const session = new Session(settings, t.train, t.test, act(settings.activation), { kinks: [0] });
      let done = 0;
      for (const chunk of t.chunks) done += session.run(chunk);
      const last = session.record();
      return { steps: done, loss: last.trainLoss, testAcc: last.testAcc, status: session.status(),
        snippet: pythonSnippet(settings, session.steps, t.data_params), settings };
    }
    case "exact": {
      const net = MLP.fromFlat(t.sizes, t.flat, act("relu"));
      const polys = linearRegions(net.layers, net.flatParams, t.bounds);
      return { count: countRegions(net.layers, net.flatParams, t.bounds), areas: polys.map((r) => r.area) };
    }
    case "grid": {
      const net = MLP.fromFlat(t.sizes, t.flat, act("relu"));
      const { labels, count } = gridPatterns(net, t.bounds, t.resolution);
      return { labels: Array.from(labels), count };
    }
    case "depth_weights":
      return { flat: Array.from(runToEnd(drawWeights(t.sizes, { init: t.init, gain: t.gain, seed: t.seed }))) };
    case "depth":
      return runToEnd(profile(t.sizes, f64(t.flat), act(t.activation), f64(t.X.flat()), i32(t.y), t.y.length));
    case "collapse": {
      const phi = COLLAPSE_ACTIVATIONS[t.activation];
      return {
        product: product(t.weights),
        rank: rank(product(t.weights)),
        outputs: t.points.map((p) => applyLayers(t.weights, phi, p)),
        straightness: t.segments.map(([p, q]) => straightness(pushSegment(t.weights, phi, p, q))),
      };
    }
    default:
      throw new Error(`unknown task ${t.task}`);
  }
}

process.stdout.write(JSON.stringify(run(task)));
