"""Numbers people can read, measured in headless Chromium at a phone's width: in every widget,
no tick label leaves its chart or overlaps another, and the charts of one widget share one
size; nothing shows a caret exponent.

Needs Debian's Chromium and a built book (as tests/test_browser.py).
"""

from __future__ import annotations

import pytest
from browser_support import SITE, require_chromium_and_site, shown_text

#: Every widget kind, the page that holds it, and what to do to reach wide number ranges.
KINDS = {
    "hinges": "piecewise.html",
    "unit-lines": "piecewise.html",
    "activations": "gallery.html",
    "trainer": "piecewise.html",
    "depth": "deep.html",
    "collapse": "nonlinearity.html",
}

require_chromium_and_site((SITE / "piecewise.html").is_file())

#: Problems with the tick labels of every chart in a widget: a label's box outside its svg's
#: box, or two labels of one chart whose boxes overlap (1 px of tolerance).
MEASURE = """root => {
  const problems = [];
  const inside = (r, b) => r.left >= b.left - 1 && r.right <= b.right + 1
    && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const svg of root.querySelectorAll('svg.bl-plot')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const labels = [...svg.querySelectorAll('.bl-tick-label, .bl-axis-label')]
      .map(t => ({text: t.textContent, r: t.getBoundingClientRect()})).filter(l => l.r.width > 0);
    for (const l of labels) if (!inside(l.r, box)) problems.push(`outside: ${l.text}`);
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++)
        if (overlap(labels[i].r, labels[j].r))
          problems.push(`overlap: ${labels[i].text} / ${labels[j].text}`);
  }
  return problems;
}"""


def _stress(v, root, kind):
    """Settings that stretch a widget's number ranges."""
    if kind == "trainer":
        for _ in range(3):
            root.get_by_role("button", name="100 steps").click()
        v.page.wait_for_function("r => Number(r.querySelector('dd').textContent) >= 300",
                                 arg=root.element_handle(), timeout=20_000)  # fmt: skip
        v.page.wait_for_timeout(500)
    elif kind == "depth":
        depth = root.get_by_label("Hidden layers", exact=True)
        depth.focus()
        v.page.keyboard.press("End")
        done = "r => !r.querySelector('.bl-note[role=status]').textContent.includes('Computing')"
        v.page.wait_for_function(done, arg=root.element_handle(), timeout=20_000)
    elif kind == "activations":
        root.get_by_label("Activation", exact=True).select_option("selu")
    elif kind == "hinges":
        root.get_by_label("Target", exact=True).select_option("abs")


@pytest.mark.parametrize("kind", KINDS)
def test_tick_labels_stay_in_their_chart_and_apart(visit, kind):
    v = visit(KINDS[kind])
    root = v.open(kind)
    assert root.evaluate(MEASURE) == []
    _stress(v, root, kind)
    assert root.evaluate(MEASURE) == []
    assert "^" not in shown_text(root) and "^" not in root.evaluate(
        "r => r.querySelector('svg').textContent"
    )
    assert v.errors == []


def test_the_depth_explorers_three_charts_share_one_size(visit):
    v = visit("deep.html")
    root = v.open("depth")
    sizes = root.evaluate(
        "r => [...r.querySelectorAll('svg.bl-plot')].map(s => s.getBoundingClientRect())"
        ".map(b => [b.width, b.height])"
    )
    assert len(sizes) == 3
    assert max(w for w, _ in sizes) - min(w for w, _ in sizes) < 1
    assert max(h for _, h in sizes) - min(h for _, h in sizes) < 1
