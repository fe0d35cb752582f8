"""The book's PDF (`make pdf`, tests/book_pdf.py): every page in order, every figure, real text.

`make test` prints it when Chromium is there (and must, under CI) before these checks run.
"""

from __future__ import annotations

import os
import re
from html import unescape

import pytest
from book_pdf import PDF, SITE, reading_order

if not PDF.is_file():
    if os.environ.get("CI"):
        pytest.fail("CI is set but the PDF was not built: make pdf", pytrace=False)
    pytest.skip("no PDF: `make pdf` builds it (needs Chromium)", allow_module_level=True)

from pypdf import PdfReader


@pytest.fixture(scope="module")
def pdf():
    reader = PdfReader(PDF)
    texts = [page.extract_text() or "" for page in reader.pages]
    return reader, texts


def _title(name: str) -> str:
    html = (SITE / f"{name}.html").read_text(encoding="utf-8")
    return unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html, re.S)[1]))


def _figure_numbers(name: str) -> list[str]:
    html = (SITE / f"{name}.html").read_text(encoding="utf-8")
    return re.findall(r'<span class="caption-number">(Figure \d+) </span>', html)


def test_one_bookmark_per_page_in_reading_order(pdf):
    reader, _ = pdf
    titles = [item.title for item in reader.outline]
    expected = [_title(name).rstrip("#").strip() for name in reading_order()]
    assert [t.rstrip("#").strip() for t in titles] == expected
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert starts == sorted(starts) and starts[0] == 0


def test_page_count_fits_the_book(pdf):
    reader, _ = pdf
    assert len(reading_order()) + 20 <= len(reader.pages) <= 400


def test_text_is_extractable_and_every_page_title_is_there(pdf):
    _, texts = pdf
    text = " ".join(" ".join(texts).split())
    assert len(text) > 50_000
    for name in reading_order():
        title = " ".join(_title(name).rstrip("#").split())
        assert title in text, title


def test_every_figure_is_there(pdf):
    """Each figure's caption number is in the text, and there are at least as many drawn
    pictures (SVG figures become vector forms) as figures."""
    reader, texts = pdf
    text = " ".join(texts)
    numbers = [n for name in reading_order() for n in _figure_numbers(name)]
    assert len(numbers) >= 20
    for number in numbers:
        assert number in text, number
    pictures = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        pictures += len(xobjects)
    assert pictures >= len(numbers)


def test_no_raw_tex_or_myst(pdf):
    _, texts = pdf
    text = "\n".join(texts)
    for raw in (r"\frac", r"\mathrm", "$$", "{numref}", "{glue", "{cite", ":::", "```{"):
        assert raw not in text, raw
