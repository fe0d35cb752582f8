// Render TeX to MathJax SVG on the build machine (run by bendlines_mathjax.py).
// Reads {"mathjax": dir, "formulas": [[tex, display], ...]} as JSON on stdin and writes
// {"html": [...], "glyphs": "<defs>...</defs>", "css": "...", "errors": [...]} as JSON on
// stdout. The formulas share one set of glyph shapes ("glyphs"), which the page holds once.
"use strict";

// MathJax nests a <g> with its own transform around every piece of a formula. Most of those
// groups only move things: folding their transforms into the shapes they hold leaves the same
// picture with a fraction of the elements, which the browser then styles and paints faster.
// Groups that carry anything else (colours, classes, tables that MathJax's CSS styles) stay.
const PLAIN = new Set(["transform", "data-mml-node", "data-mjx-texclass"]);
const KEPT = new Set(["mtable", "merror", "maction"]);
const SHAPES = new Set(["use", "path", "rect", "line"]);
const IDENTITY = [1, 0, 0, 1, 0, 0];
const SVG_NS = "http://www.w3.org/2000/svg";

function multiply(m, n) {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

function parseTransform(text) {
  let m = IDENTITY;
  for (const [, name, args] of (text || "").matchAll(/(\w+)\(([^)]*)\)/g)) {
    const v = args.split(/[\s,]+/).filter(Boolean).map(Number);
    if (name === "translate") m = multiply(m, [1, 0, 0, 1, v[0], v[1] || 0]);
    else if (name === "scale") m = multiply(m, [v[0], 0, 0, v.length > 1 ? v[1] : v[0], 0, 0]);
    else if (name === "matrix") m = multiply(m, v);
    else throw new Error("unexpected transform " + text);
  }
  return m;
}

function formatTransform(m) {
  const n = m.map((x) => String(Number(x.toFixed(4))));
  if (m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1) {
    return `translate(${n[4]},${n[5]})`;
  }
  return `matrix(${n.join(",")})`;
}

function flatten(adaptor, group) {
  const kept = (node) => KEPT.has(adaptor.getAttribute(node, "data-mml-node"));
  const plain = (node) =>
    adaptor.kind(node) === "g" &&
    !kept(node) &&
    adaptor.allAttributes(node).every((attribute) => PLAIN.has(attribute.name));
  const out = [];
  const walk = (node, outer) => {
    for (const child of [...adaptor.childNodes(node)]) {
      const m = multiply(outer, parseTransform(adaptor.getAttribute(child, "transform")));
      if (plain(child)) {
        walk(child, m);
        continue;
      }
      const kind = adaptor.kind(child);
      if (kind === "g" && !kept(child)) {
        flatten(adaptor, child);
      } else if (kind === "g") {
        // A table keeps its rows (MathJax's CSS styles them); what the rows hold is flattened.
        for (const row of adaptor.childNodes(child)) {
          if (adaptor.kind(row) === "g") flatten(adaptor, row);
        }
      }
      const identity = m.every((x, i) => x === IDENTITY[i]);
      if (kind === "g" || SHAPES.has(kind)) {
        if (identity) adaptor.removeAttribute(child, "transform");
        else adaptor.setAttribute(child, "transform", formatTransform(m));
        out.push(child);
      } else if (identity) {
        out.push(child);
      } else {
        const wrapper = adaptor.node("g", { transform: formatTransform(m) }, [], SVG_NS);
        adaptor.append(wrapper, child);
        out.push(wrapper);
      }
    }
  };
  walk(group, IDENTITY);
  for (const child of [...adaptor.childNodes(group)]) adaptor.remove(child);
  for (const child of out) adaptor.append(group, child);
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const MathJax = require(job.mathjax + "/node-main.js");
  MathJax.init({
    loader: { load: ["input/tex", "output/svg", "a11y/assistive-mml"] },
    svg: { fontCache: "global" },
  })
    .then((MJ) => {
      const adaptor = MJ.startup.adaptor;
      const html = [];
      const errors = [];
      for (const [tex, display] of job.formulas) {
        const container = MJ.tex2svg(tex, { display: display });
        const svg = adaptor.firstChild(container);
        for (const group of adaptor.childNodes(svg)) flatten(adaptor, group);
        const markup = adaptor.outerHTML(container);
        if (markup.includes('data-mml-node="merror"')) {
          errors.push(tex);
        }
        html.push(markup);
      }
      const glyphs = adaptor.outerHTML(MJ.startup.output.fontCache.getCache());
      const css = adaptor.textContent(MJ.svgStylesheet());
      process.stdout.write(JSON.stringify({ html, glyphs, css, errors }));
    })
    .catch((error) => {
      process.stderr.write(String(error && error.stack ? error.stack : error));
      process.exit(1);
    });
});
