// Code for readers: a collapsed box showing a snippet ("Python for this state") and copying to
// the clipboard with a message either way.

import { el } from "./ui.js";

/** A collapsed box showing code: {box, code}; `text()` fills it each time it is opened. */
export function codeBox(summary, text) {
  const box = el("details", "bl-fieldset");
  const code = el("code");
  const pre = el("pre", "bl-snippet");
  pre.append(code);
  box.append(el("summary", "", summary), pre);
  box.addEventListener("toggle", () => {
    if (box.open) code.textContent = text();
  });
  return { box, code };
}

/** Copy `text` to the clipboard and say so with `message`; false (and a message saying to
 * copy by hand) when the browser does not allow it. */
export async function copyText(text, message) {
  try {
    await navigator.clipboard.writeText(text);
    message("Copied: paste it into Python with bendlines installed to rerun these steps.");
    return true;
  } catch {
    message("The browser did not allow copying; the snippet is shown below to copy by hand.");
    return false;
  }
}
