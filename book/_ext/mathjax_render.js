// Render TeX to MathJax CommonHTML on the build machine (run by bendlines_mathjax.py).
// Reads {"mathjax": dir, "fontURL": url, "formulas": [[tex, display], ...]} as JSON on stdin
// and writes {"html": [...], "css": "...", "errors": [...]} as JSON on stdout.
"use strict";
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const MathJax = require(job.mathjax + "/node-main.js");
  MathJax.init({
    loader: { load: ["input/tex", "output/chtml", "a11y/assistive-mml"] },
    // The page font (the theme's system sans) has a larger x-height than TeX's; in a browser MathJax
    // measures it and scales by about 1.27 (matchFontHeight). Here we set that scale.
    chtml: { fontURL: job.fontURL, scale: 1.27, matchFontHeight: false },
  })
    .then((MJ) => {
      const adaptor = MJ.startup.adaptor;
      const html = [];
      const errors = [];
      for (const [tex, display] of job.formulas) {
        const node = MJ.tex2chtml(tex, { display: display });
        const markup = adaptor.outerHTML(node);
        if (markup.includes("<mjx-merror")) {
          errors.push(tex);
        }
        html.push(markup);
      }
      const css = adaptor.textContent(MJ.chtmlStylesheet());
      process.stdout.write(JSON.stringify({ html: html, css: css, errors: errors }));
    })
    .catch((error) => {
      process.stderr.write(String(error && error.stack ? error.stack : error));
      process.exit(1);
    });
});
