// The depth explorer's "Python for this state", in its own module: kinds/depth.js imports it
// only when a reader opens the box, so the widget does not carry it until asked.

/** "Python for this state": a bendlines snippet drawing the widget's weights from the same
 * seed stream (numpy's default generator: Xavier's uniforms as numpy draws them; He's and
 * LeCun's normals by the Box-Muller transform of pairs of uniforms, as maths/pcg64.js does) and
 * printing each layer's gradient size, spread and dead fraction. `samples`: the inputs used. */
export function pythonSnippet({ act, init, gain, depth, width, seed }, samples) {
  const normal = init !== "xavier";
  return [
    "import numpy as np",
    "from bendlines import data",
    "from bendlines.mlp import MLP",
    "",
    `sizes = [40] + [${width}] * ${depth} + [10]`,
    "(X, y), _ = data.load(\"mnist1d\")",
    `X, y = X[:${samples}], y[:${samples}]`,
    ...(normal
      ? [
        `rng = np.random.default_rng(${seed})  # normals as the widget draws them: Box-Muller on pairs of uniforms`,
        "count = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))",
        "u = rng.random(count + count % 2).reshape(-1, 2)",
        "radius = np.sqrt(-2 * np.log(1 - u[:, 0]))",
        "normals = np.column_stack([radius * np.cos(2 * np.pi * u[:, 1]), radius * np.sin(2 * np.pi * u[:, 1])]).ravel()",
        "params, start = [], 0",
        "for a, b in zip(sizes[:-1], sizes[1:]):",
        `    W = np.sqrt(${init === "he" ? 2 : 1}.0 / a) * normals[start : start + a * b].reshape(a, b)`,
        `    params.append((W * ${gain}, np.zeros(b)))`,
        "    start += a * b",
        `net = MLP.from_params(params, activation="${act}")`,
      ]
      : [
        `net = MLP(sizes, activation="${act}", init="xavier", seed=${seed})`,
        `for W, _ in net.params:\n    W *= ${gain}`,
      ]),
    "",
    "pre, post = net.hidden(X)",
    "grad_norm = [float(np.linalg.norm(dW)) for dW, _ in net.loss_and_grads(X, y)[1]]",
    "spread = [float(a.std(axis=0).mean()) for a in post[:-1]]",
    "dead = [float(np.mean(np.all(net.activation.grad(z) == 0, axis=0))) for z in pre[:-1]]",
    "print(\"gradient size per layer\", np.round(grad_norm, 4))",
    "print(\"first layer / output layer\", grad_norm[0] / grad_norm[-1])",
    "print(\"spread\", np.round(spread, 4), \"dead\", np.round(dead, 3))",
    "",
  ].join("\n");
}
