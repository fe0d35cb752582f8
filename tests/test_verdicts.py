"""The book's verdicts, read from the built site: every glued verdict is the verdict function's
output on the stored runs, no glued sentence decides a comparison without it, and no printed
percentage interval leaves 0-100 %.

These read the executed notebooks the build publishes (``_sources/<chapter>.ipynb``) and the
HTML pages; without a build they skip (``make book`` first).
"""

from __future__ import annotations

import re

import pytest
from glued import SITE, outputs
from glued import values as _glued

#: chapter -> the function returning its verdict sentences (glue name -> text)
VERDICTS = {
    "primer": ("bendlines.experiments.primer", "verdicts"),
    "nonlinearity": ("bendlines.experiments.nonlinearity", "verdicts"),
    "piecewise": ("bendlines.experiments.piecewise", "verdicts"),
    "choosing": ("bendlines.experiments.choosing", "verdicts"),
    "deep": ("bendlines.experiments.deep", "verdicts"),
    "gallery": ("bendlines.experiments.gallery", "verdicts"),
}
#: Words that decide a comparison: a glued text holding one must come from a verdict function.
DECIDING = re.compile(
    r"\bahead of\b|\bfaster than\b|not distinguishable|cannot be told apart|cannot separate|"
    r"\btied?\b|\bties\b|\boverlap",
    re.I,
)


@pytest.mark.receipts(
    "primer:verdict_short", "primer:verdict_long",
    "nonlinearity:mnist_linear_verdict", "nonlinearity:mnist_relu_verdict",
    "nonlinearity:mnist_relu_ties", "nonlinearity:mnist_family",
    "piecewise:random_vs_constructed", "deep:rs_verdicts",
    "gallery:swish_top", "gallery:swish_vs_relu_2000", "gallery:swish_vs_relu_4000",
    "choosing:bad_ssq_vs_relu", "choosing:square_verdicts", "choosing:scale_*_verdict",
    "choosing:fixed_*_verdict", "choosing:d_*_vs_*", "choosing:init_all_tie",
    "choosing:g_*_relu", "choosing:pr_vs_*", "choosing:pr_ranking", "choosing:top_[28]_*",
    "choosing:leaders_[28]", "choosing:relu_rank_[28]", "choosing:leaky_[28]_*",
    "choosing:gelu_[28]_*", "choosing:best_8", "choosing:relu_vs_best_8", "choosing:gelu_claim",
    "choosing:sigmoid_8_long", "choosing:speed_shared_[28]", "choosing:speed_fastest_[28]",
)  # fmt: skip
@pytest.mark.parametrize("chapter", sorted(VERDICTS))
def test_every_glued_verdict_is_the_verdict_function_on_the_stored_runs(chapter):
    import importlib

    from bendlines.stats import evidence_of

    glued = _glued(chapter)
    receipts = {o["name"]: o["metadata"]["bendlines_receipt"] for o in outputs(chapter)}
    module, name = VERDICTS[chapter]
    expected = getattr(importlib.import_module(module), name)()
    assert expected, chapter
    for key, text in expected.items():
        assert glued.get(key) == text, (chapter, key)
        # and its receipt names the statistics the verdict function decided it with
        method, compared = evidence_of(text)
        assert method, (chapter, key)
        assert receipts[key]["method"] == method, (chapter, key)
        assert receipts[key]["compared"] == list(compared), (chapter, key)
    # and no other glued text decides a comparison on its own
    strays = {k: v for k, v in glued.items()
              if k not in expected and isinstance(v, str) and DECIDING.search(v)}  # fmt: skip
    assert not strays, strays


PERCENT_INTERVAL = re.compile(
    r"(?<![\w.])([−-]?\d+(?:\.\d+)?)\s*%?\s+to\s+([−-]?\d+(?:\.\d+)?)\s*%", re.U
)


def _text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style") and self.skip > 0

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize("chapter", sorted(VERDICTS))
def test_no_percentage_interval_leaves_0_to_100(chapter):
    page = SITE / f"{chapter}.html"
    if not page.is_file():
        pytest.skip("build the book first: make book")
    text = _text(page.read_text(encoding="utf-8"))
    found = PERCENT_INTERVAL.findall(text)
    # piecewise and the gallery print no percentage interval
    assert found or chapter in ("piecewise", "gallery"), chapter
    for lo, hi in found:
        lo, hi = (float(x.replace("−", "-")) for x in (lo, hi))
        assert 0 <= lo <= hi <= 100, (chapter, lo, hi)
        # equal ends ("50.0 to 50.0 %") say nothing a reader needs: every seed scored the
        # same, which the page says in words instead
        assert lo < hi, (chapter, lo, hi)


def test_the_interval_pattern_catches_what_it_should():
    bad = "ReLU 44.2 % (95 % interval 19.7 to 68.7 %) and 98.9 to 100.1 %, −2.6 % to 37.2 %"
    pairs = PERCENT_INTERVAL.findall(bad)
    assert ("19.7", "68.7") in pairs and ("98.9", "100.1") in pairs and ("−2.6", "37.2") in pairs
    assert not PERCENT_INTERVAL.findall("difference 0.2 points, interval -0.3 to 0.7)")


OVERLAP_RULE = re.compile(
    r"overlap\w*[^.:;]{0,80}\b(a tie|tied?|ties|cannot tell|can not tell|cannot be told)\b"
    r"|\b(a tie|tied?|ties)\b[^.;]{0,40}\boverlap",
    re.I,
)


def test_no_page_teaches_that_overlapping_intervals_are_a_tie():
    pages = sorted(SITE.glob("*.html"))
    if not pages:
        pytest.skip("build the book first: make book")
    for page in pages:
        text = " ".join(_text(page.read_text(encoding="utf-8")).split())
        match = OVERLAP_RULE.search(text)
        assert not match, (page.name, text[max(0, match.start() - 80) : match.end() + 40])


def test_the_overlap_rule_catches_the_old_sentences():
    for old in (
        "When two intervals overlap, the data cannot tell the two apart, and we call it a tie.",
        "Two overlapping intervals are a tie.",
        "the intervals overlap, so we call it a tie",
        "The standardised and plain nets tie: their intervals overlap.",
    ):
        assert OVERLAP_RULE.search(old), old
    assert not OVERLAP_RULE.search("Two intervals can overlap while one contender wins.")
