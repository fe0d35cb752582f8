// Small helpers shared by the trainer, depth and collapse widgets (W4-W6).

/** Link widgets2.css once (a same-origin stylesheet: allowed by the site's CSP). */
export function linkStyles() {
  const href = new URL("./widgets2.css", import.meta.url).href;
  if (document.querySelector(`link[data-bl2-styles]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.bl2Styles = "";
  document.head.append(link);
}

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
