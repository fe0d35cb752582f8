// Bending Lines: wide display equations scroll sideways on phones; make those scroll areas
// reachable by keyboard (and so by axe's scrollable-region-focusable rule). MathJax typesets
// lazily, so check again whenever it has rendered more.
(function () {
  function focusableWideMath() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
      } else {
        el.removeAttribute("tabindex");
      }
    });
  }
  function watch() {
    focusableWideMath();
    new MutationObserver(focusableWideMath).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
  window.addEventListener("resize", focusableWideMath);
})();
