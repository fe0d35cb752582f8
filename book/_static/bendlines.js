// Bending Lines: wide display equations scroll sideways on phones; make those scroll areas
// reachable by keyboard (and so by axe's scrollable-region-focusable rule).
(function () {
  function focusableWideMath() {
    document.querySelectorAll('div.math, mjx-container[display="true"]').forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
      } else {
        el.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusableWideMath);
  } else {
    focusableWideMath();
  }
  window.addEventListener("resize", focusableWideMath);
})();
