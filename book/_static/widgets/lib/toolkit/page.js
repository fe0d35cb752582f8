// Small helpers shared by the trainer, depth and collapse widgets: reduced motion, visibility, a status line with readouts.

import { el, readout } from "./ui.js";

/** Whether the reader asked for less motion. */
export function reducedMotion() {
  return globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
}

/**
 * Call `onChange(visible)` when `el` enters or leaves the viewport or the tab is hidden or
 * shown; returns a function that stops watching.
 */
export function watchVisibility(el, onChange) {
  let inView = true;
  const report = () => onChange(inView && document.visibilityState !== "hidden");
  const observer = new IntersectionObserver((entries) => {
    inView = entries.some((e) => e.isIntersecting);
    report();
  });
  observer.observe(el);
  document.addEventListener("visibilitychange", report);
  return () => {
    observer.disconnect();
    document.removeEventListener("visibilitychange", report);
  };
}

/**
 * A widget's live status line (role="status") and its list of readouts, one <dd> per entry of
 * `labels` ({key: label}, in order): {stateLine, dl, outs}.
 */
export function statusAndReadouts(labels) {
  const stateLine = el("p", "bl-note bl-state");
  stateLine.setAttribute("role", "status");
  const dl = el("dl", "bl-readouts bl-readouts-wide");
  const outs = Object.fromEntries(Object.entries(labels).map(([key, label]) => [key, readout(dl, label)]));
  return { stateLine, dl, outs };
}

/**
 * Draws for a live view, at most once per animation frame. `changed(still)` marks new data
 * (`still` when nothing plays: the text is due at once); `pictureChanged()` marks a new
 * picture. While `isPlaying()`, `drawText()` runs at most every `textMs` milliseconds (a timer
 * catches the last update) and `drawPicture()` when a picture came; with reduced motion, one
 * draw a second. When still, the text is drawn first and the picture on the next frame.
 */
export function frameThrottle({ textMs, isPlaying, drawText, drawPicture }) {
  let [dirty, textDirty, pictureDirty, scheduled, timer, lastDraw, lastText] = [false, false, false, false, 0, 0, -Infinity];
  const schedule = () => {
    if (!dirty || scheduled) return;
    scheduled = true;
    const wait = reducedMotion() && isPlaying() ? 1000 - (performance.now() - lastDraw) : 0;
    if (wait > 0) setTimeout(() => requestAnimationFrame(draw), wait);
    else requestAnimationFrame(draw);
  };
  const draw = () => {
    scheduled = false;
    if (!dirty) return;
    dirty = false;
    lastDraw = performance.now();
    if (textDirty || (isPlaying() && lastDraw - lastText >= textMs)) {
      textDirty = false;
      lastText = lastDraw;
      drawText();
      if (pictureDirty && !isPlaying()) {
        dirty = true;
        return schedule();
      }
    } else if (isPlaying() && !timer) {
      timer = setTimeout(() => {
        timer = 0;
        dirty = textDirty = true;
        schedule();
      }, textMs - (lastDraw - lastText));
    }
    if (pictureDirty) {
      pictureDirty = false;
      drawPicture();
    }
  };
  return {
    changed(still) {
      dirty = true;
      textDirty ||= still;
      schedule();
    },
    pictureChanged() {
      pictureDirty = true;
    },
  };
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
