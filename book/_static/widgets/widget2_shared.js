// Small helpers shared by the trainer, depth and collapse widgets (W4-W6).

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
