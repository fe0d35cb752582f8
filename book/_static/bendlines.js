// Bending Lines: wide display equations scroll sideways on phones; make those scroll areas
// reachable by keyboard (and so by axe's scrollable-region-focusable rule).
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
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(focusableWideMath);
    }
  }
  window.addEventListener("load", whenTypeset);
  window.addEventListener("resize", focusableWideMath);
})();
