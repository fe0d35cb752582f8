// A chart's numbers as a table, on request: a collapsed box that fills its table when opened.

import { el } from "./ui.js";

/** A collapsed "numbers" box: {box, show(headers, rows)}; rows are lists of texts. The table
 * is written only while the box is open (and when it opens, from the last rows given). */
export function numbersTable(summary, caption) {
  const box = el("details", "bl-fieldset");
  const table = el("table", "bl-numbers");
  box.append(el("summary", "", summary), table);
  let last = [[], []];
  const write = () => {
    const [headers, rows] = last;
    const head = el("tr");
    head.append(...headers.map((h) => Object.assign(el("th", "", h), { scope: "col" })));
    table.replaceChildren(el("caption", "", caption), head, ...rows.map((row) => {
      const tr = el("tr");
      tr.append(...row.map((cell) => el("td", "", cell)));
      return tr;
    }));
  };
  box.addEventListener("toggle", () => {
    if (box.open) write();
  });
  return {
    box,
    show(headers, rows) {
      last = [headers, rows];
      if (box.open) write();
    },
  };
}
