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
