"""The book's PDF (`make pdf`, book/_ext/bendlines_pdf.py) reads as a book.

Checked against the PDF's own text (read by PDFium, pypdfium2), destinations and bookmarks
(read by pypdf), and against the built pages and the MyST sources (not against the code that
printed it): the title page, a contents page whose numbers are the pages where each chapter
and section starts, page numbers that run on, the chapter's title at the head of each of its
pages, bookmarks, links that jump inside the PDF to their target, every figure, and no raw
TeX or MyST. `make test` prints it (`make pdf`) before these checks run.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
PDF = SITE / "bending-lines.pdf"
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from bendlines_order import reading_order  # noqa: E402
from bendlines_print import Chapter, chapter  # noqa: E402

if not PDF.is_file():
    if os.environ.get("CI"):
        pytest.fail("CI is set but the PDF was not built: make pdf", pytrace=False)
    pytest.skip("no PDF: `make pdf` builds it (needs Chromium)", allow_module_level=True)

import pypdfium2  # noqa: E402
from pypdf import PdfReader  # noqa: E402

ORDER = reading_order(ROOT / "book")


@cache
def _page(name: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _text(element) -> str:
    for link in element.select("a.headerlink"):
        link.decompose()
    return " ".join(element.get_text(" ").split())


def _title(name: str) -> str:
    return _text(_page(name).find("article").find("h1"))


def _sections(name: str) -> list[str]:
    top = _page(name).find("article").find("h1").find_parent("section")
    return [_text(s.find("h2", recursive=False)) for s in top.find_all("section", recursive=False)]


def _page_texts(path: Path) -> list[str]:
    """The text of every page, by PDFium (a twentieth of the time pypdf takes), with plain
    line feeds; a hyphen that ends a line, which PDFium writes as U+FFFE and joins to the next
    line, is "-" again (the glyph the page draws). Ligatures come out as their letters."""
    document = pypdfium2.PdfDocument(path)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            texts.append(text.replace("\r\n", "\n").replace("\ufffe", "-"))
    finally:
        document.close()
    return texts


@pytest.fixture(scope="module")
def pdf():
    """pypdf's reader (the PDF's structure: bookmarks, destinations, links, pictures) and the
    text of every page."""
    return PdfReader(PDF), _page_texts(PDF)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _squeeze(text: str) -> str:
    """Text without white space (a long name in a heading may break anywhere)."""
    return "".join(text.split())


def _entries(text: str) -> list[tuple[str, int]]:
    found = (re.fullmatch(r"(.+?) (\d+)", line) for line in _lines(text))
    return [(entry[1], int(entry[2])) for entry in found if entry]


@pytest.fixture(scope="module")
def contents(pdf):
    """(title, page) of every entry of the contents, in order, and the contents' page
    numbers: from page 2 (headed "Contents") to the page before the first entry's."""
    _, texts = pdf
    assert "Contents" in _lines(texts[1])[:2]
    first = _entries(texts[1])[0][1]
    pages = list(range(2, first))
    entries = [entry for number in pages for entry in _entries(texts[number - 1])]
    return entries, pages


def _starts(contents) -> list[int]:
    """The page each chapter starts on, by the contents, in reading order."""
    entries, _ = contents
    starts, position = [], 0
    for name in ORDER:
        titles = [title for title, _ in entries[position:]]
        assert _title(name) in titles, f"{_title(name)!r} is not in the contents"
        position += titles.index(_title(name))
        starts.append(entries[position][1])
        position += 1
    return starts


def test_title_page(pdf):
    import bendlines

    _, texts = pdf
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    title, _, subtitle = cff["title"].partition(": ")
    lines = _lines(texts[0])
    assert lines[0] == title == "Bending Lines"
    assert lines[1].lower() == subtitle.lower()
    text = " ".join(lines)
    assert f"Version {bendlines.__version__}" in text
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September"
                     r"|October|November|December) 20\d\d\b", text)  # fmt: skip
    for licence in cff["license"]:
        assert licence in text
    assert "How to cite" in text
    assert f"{cff['title']} (version {bendlines.__version__})" in text
    assert cff["repository-code"] in text and cff["url"] in text
    assert not any(line.isdigit() for line in lines)  # no page number on the title page


def test_contents_lists_every_chapter_and_section_in_reading_order(contents):
    entries, _ = contents
    expected = []
    for name in ORDER:
        expected += [_title(name), *_sections(name)]
    assert [title for title, _ in entries] == expected


def test_contents_page_numbers_are_where_each_chapter_starts(pdf, contents):
    """The page a chapter starts on, by the contents, has the chapter's title at its head
    and as its heading; the page before belongs to something else."""
    _, texts = pdf
    starts = _starts(contents)
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[0] == contents[1][-1] + 1  # right after the contents
    for name, start in zip(ORDER, starts, strict=True):
        lines = _lines(texts[start - 1])
        assert lines[0] == _title(name), (name, start, lines[:3])
        assert _squeeze(_title(name)) in _squeeze(" ".join(lines[2:])), (name, start, lines[:6])
        assert _lines(texts[start - 2])[0] != _title(name)


def test_contents_page_numbers_of_sections(pdf, contents):
    """Each section starts on the page the contents give, within its chapter."""
    _, texts = pdf
    entries, _ = contents
    starts = _starts(contents)
    position = 0
    for index, name in enumerate(ORDER):
        end = starts[index + 1] if index + 1 < len(starts) else len(texts) + 1
        titles = [title for title, _ in entries]
        position = titles.index(_title(name), position) + 1
        for section in _sections(name):
            assert entries[position][0] == section
            page = entries[position][1]
            assert starts[index] <= page < end, (name, section, page)
            assert _squeeze(section) in _squeeze(texts[page - 1]), (name, section, page)
            position += 1


def test_page_numbers_run_on_from_the_title_page(pdf):
    """Every page after the title page shows its own number, counted from the title page:
    no chapter restarts at 1."""
    _, texts = pdf
    for number, text in enumerate(texts[1:], 2):
        assert str(number) in _lines(text)[:2], (number, _lines(text)[:2])


def test_running_heads_name_the_chapter(pdf, contents):
    _, texts = pdf
    starts = [*_starts(contents), len(texts) + 1]
    for index, name in enumerate(ORDER):
        for page in range(starts[index], starts[index + 1]):
            assert _lines(texts[page - 1])[0] == _title(name), (name, page)


def test_bookmarks_are_the_contents(pdf, contents):
    reader, _ = pdf
    outline = reader.outline
    items = [item for item in outline if not isinstance(item, list)]
    assert [item.title for item in items] == ["Contents", *(_title(name) for name in ORDER)]
    assert reader.get_destination_page_number(items[0]) + 1 == contents[1][0]
    pages = [reader.get_destination_page_number(item) + 1 for item in items[1:]]
    assert pages == _starts(contents)
    children = [item for item in outline if isinstance(item, list)]
    with_sections = [name for name in ORDER if _sections(name)]
    assert [[c.title for c in group] for group in children] == [
        _sections(name) for name in with_sections
    ]


def test_links_jump_inside_the_pdf_to_their_target(pdf):
    """Links between pages of the book are links inside the PDF, to a named destination
    on the page where the target is: a figure's link lands on the page of its caption."""
    reader, texts = pdf
    destinations = {
        str(name).removeprefix("/"): reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }
    internal, external = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annotation:
                internal.append(str(annotation["/Dest"]).removeprefix("/"))
            elif "/A" in annotation and "/URI" in annotation["/A"]:
                external.append(str(annotation["/A"]["/URI"]))
    assert len(internal) > 300
    assert set(internal) <= destinations.keys()
    for uri in external:
        assert uri.startswith(("https://", "http://", "mailto:")), uri
        assert not re.match(r"https?://(127\.0\.0\.1|localhost)", uri), uri
    checked = 0
    for name in ORDER:
        for figure in _page(name).select("figure[id], div.pst-scrollable-table-container"):
            number = figure.select_one(".caption-number")
            target = f"{name}--{figure.get('id')}"
            if number is None or target not in destinations:
                continue
            words = " ".join(number.get_text().split())
            assert words in texts[destinations[target]], (target, words)
            checked += 1
    assert checked >= 15


def test_no_page_local_contents(pdf, contents):
    """Chapters start with their text, not with a list of their own sections."""
    _, texts = pdf
    _, pages = contents
    for number, text in enumerate(texts, 1):
        if number not in pages:
            assert "Contents" not in _lines(text)[:8], number


def test_every_figure_and_table_is_there_with_its_number(pdf):
    """Each figure's and table's caption number (as on the site) is in the text, and there
    are at least as many drawn pictures (SVG figures become vector forms) as figures."""
    reader, texts = pdf
    text = " ".join(texts)
    figures, tables = [], []
    for name in ORDER:
        figures += [_text(s) for s in _page(name).select("figure .caption-number")]
        tables += [_text(s) for s in _page(name).select("table caption .caption-number")]
    assert len(figures) >= 20 and len(tables) >= 5
    assert len(set(figures)) == len(figures) and len(set(tables)) == len(tables)
    for number in figures + tables:
        assert re.search(rf"{number}\b", text), number
    pictures = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        pictures += len(resources.get("/XObject") or {})
    assert pictures >= len(figures)


def test_text_is_extractable(pdf):
    _, texts = pdf
    assert len(" ".join(" ".join(texts).split())) > 50_000
    assert len(ORDER) + 20 <= len(texts) <= 400


def test_no_raw_tex_or_myst(pdf):
    _, texts = pdf
    text = "\n".join(texts)
    for raw in (r"\frac", r"\mathrm", "$$", "{numref}", "{glue", "{cite", ":::", "```"):
        assert raw not in text, raw


def test_every_page_offers_the_pdf():
    """The download menu of every page of the book links the PDF (from the theme's page
    context, when the site was built with it)."""
    for name in ORDER:
        menu = _page(name).select_one(".dropdown-download-buttons .dropdown-menu")
        assert menu is not None, name
        links = [a.get("href") for a in menu.select("a")]
        assert "bending-lines.pdf" in links, (name, links)


@cache
def _printed() -> dict[str, Chapter]:
    """Every page of the book as a chapter of the print document (bendlines_print), by name."""
    pages = set(ORDER)
    return {name: chapter(SITE, name, None, pages, "https://example.org/") for name in ORDER}


class _References(HTMLParser):
    """The ids of a document, and its in-document references (the ``href`` or ``xlink:href``
    starting with "#" of each link and each SVG ``use``): start tags are all it needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"] or "")
        if tag in ("a", "use"):
            reference = attributes.get("href") or attributes.get("xlink:href") or ""
            if reference.startswith("#"):
                self.references.append(reference)


def test_print_document_keeps_every_reference_inside_it():
    """In the document Chromium prints, every in-page link and every typeset formula's glyph
    reference points at an id the document has (a missing one prints a blank formula or a
    dead link)."""
    chapters = list(_printed().values())
    document = _References()
    document.feed("".join(c.markup for c in chapters))
    document.close()
    ids = document.ids | {c.anchor for c in chapters}
    references = document.references
    glyphs = [r for r in references if "MJX-" in r]
    assert len(glyphs) > 1000 and len(references) > 2000
    missing = sorted({r[1:] for r in references} - ids)
    assert missing == []


def test_glued_values_print_as_plain_text():
    """On the site a glued value is a receipted element that opens a panel; in the print
    document it is its text alone (no button, no panel), and the text is all there."""
    values = [e.get_text() for e in _page("universal").select("article [data-receipt]")]
    assert values
    printed = _printed()["universal"].markup
    assert "data-receipt" not in printed and "bl-receipt" not in printed
    assert 'role="button"' not in printed
    text = BeautifulSoup(printed, "html.parser").get_text()
    assert all(value in text for value in values)
