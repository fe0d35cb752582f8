// Snapshot testing in the manner of Observable Plot's tests: a view is rendered for a fixed
// state, its markup (generated ids normalised) compared with tests/js/snapshots/NAME.svg.
// A change fails and writes NAME-changed.svg beside the snapshot to inspect (and to copy over
// it when the change is wanted); a missing snapshot is written and the test passes, except
// when CI is set: there a missing snapshot fails (never created silently).

import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { markup } from "./dom_shim.mjs";

const FOLDER = new URL("./snapshots/", import.meta.url);

/** The markup of `node` with generated ids (bl-clip-...-N) numbered in order of appearance. */
export function normalise(text) {
  const ids = new Map();
  return text.replace(/bl-clip-[a-z-]+-\d+/g, (id) => {
    if (!ids.has(id)) ids.set(id, `bl-clip-${ids.size}`);
    return ids.get(id);
  });
}

/** Compare the markup of `node` with snapshot `name`. */
export function assertSnapshot(name, node) {
  const actual = normalise(markup(node));
  const file = new URL(`${name}.svg`, FOLDER);
  const changed = new URL(`${name}-changed.svg`, FOLDER);
  if (!existsSync(file)) {
    if (process.env.CI) assert.fail(`snapshot ${name}.svg is missing (CI never creates snapshots; run the tests locally and commit it)`);
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, "utf8");
  if (actual === expected) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  assert.fail(`view ${name} changed: compare tests/js/snapshots/${name}-changed.svg with ${name}.svg`);
}
