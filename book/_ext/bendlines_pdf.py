"""The whole book as one PDF, printed by headless Chromium when the site is built (no TeX).

``make pdf`` builds the site with ``-D bendlines_pdf=1``. Then every page's download menu
offers ``bending-lines.pdf`` (an entry added to the theme's page context, like the chapter
zips), and once the pages are written this extension prints the book into the site's folder:

1. ``bendlines_print`` joins the built pages, in the toctrees' order (``bendlines_order``),
   into one document after a title page and a contents page;
2. Chromium prints it once; the named destinations of that PDF say on which page each
   chapter and section starts; the contents get those numbers and the document prints again
   (until the numbers stand still);
3. pypdf adds the bookmarks (chapters and their sections) and the document information.

The page numbers run on from the title page (which shows none), each chapter's pages carry its
title as running head, and links between pages of the book jump inside the PDF. The file is
written whole or not at all, and printed again only when what it is printed from changed
(``bendlines_freshness``). Printing needs Chromium (``/usr/bin/chromium``) and the test tools
(Playwright and pypdf, which ``make pdf`` installs).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import shutil
from pathlib import Path

from bendlines_freshness import Stamp, digest, files_under
from bendlines_order import toctree_parts
from bendlines_print import (
    Chapter,
    FrontMatter,
    chapter,
    print_document,
)
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging as sphinx_logging

logger = sphinx_logging.getLogger(__name__)

PDF_NAME = "bending-lines.pdf"
#: The print document lives in the site's folder while it prints (its links are relative).
_PRINT_PAGE = "_print-book.html"
_MAX_PRINTS = 4
#: As root in a container (CI) Chromium's sandbox is unavailable, and /dev/shm may be small.
_CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """Debian's Chromium, if it is installed."""
    found = shutil.which("chromium")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None)


def _release_date() -> datetime.date:
    """The build's date (``SOURCE_DATE_EPOCH`` when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.datetime.now(datetime.UTC).date()


def front_matter(root: Path, version: str, date: datetime.date) -> FrontMatter:
    """The title page's facts, from CITATION.cff (title, authors, licences, addresses)."""
    import yaml

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    title, _, subtitle = cff["title"].partition(": ")
    authors = "; ".join(
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
        for a in cff["authors"]
    )
    licences = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    where = f"https://doi.org/{cff['doi']}" if cff.get("doi") else cff["repository-code"]
    citation = (
        f"{authors} ({date.year}). {cff['title']} (version {version}) "
        f"[{cff.get('type', 'software')}]. {where}"
    )
    return FrontMatter(
        title=title,
        subtitle=subtitle[:1].upper() + subtitle[1:],
        version=version,
        date=f"{date.day} {date:%B %Y}",
        licences=licences,
        citation=citation,
        url=cff["url"],
    )


def book_chapters(app: Sphinx) -> list[Chapter]:
    """Every page of the book in reading order, read from the built site."""
    site = Path(app.outdir)
    parts = toctree_parts(app.env)
    pages = {page for part in parts for page in part.pages}
    base = app.config.html_baseurl.rstrip("/") + "/"
    return [chapter(site, page, part.caption, pages, base) for part in parts for page in part.pages]


def _destinations(data: bytes) -> dict[str, int]:
    """The named destinations of a printed PDF: id -> page number (the first page is 1)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return {
        str(name).removeprefix("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }


def _starts(chapters: list[Chapter], destinations: dict[str, int]) -> dict[str, int]:
    """The page each chapter and section of the contents starts on."""
    targets = [c.anchor for c in chapters]
    targets += [section for c in chapters for section, _ in c.sections]
    missing = [t for t in targets if t not in destinations]
    if missing:
        raise ExtensionError(f"the printed book has no destination for {missing[:5]}")
    return {t: destinations[t] for t in targets}


def print_pdf(site: Path, chapters: list[Chapter], front: FrontMatter, out: Path) -> Path:
    """Print the book into ``out``: see the module docstring."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise ExtensionError("the PDF needs Chromium: sudo apt-get install -y chromium")
    document = site / _PRINT_PAGE
    numbers: dict[str, int] | None = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=_CHROMIUM_ARGS)
            page = browser.new_page(color_scheme="light")
            for _ in range(_MAX_PRINTS):
                html = print_document(site, chapters[0].page, chapters, front, numbers)
                document.write_text(html, encoding="utf-8")
                page.goto(document.resolve().as_uri(), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                data = page.pdf(prefer_css_page_size=True, print_background=True)
                starts = _starts(chapters, _destinations(data))
                if starts == numbers:
                    break
                numbers = starts
            else:
                raise ExtensionError("the contents' page numbers did not settle")
            browser.close()
    finally:
        document.unlink(missing_ok=True)
    _finish(data, chapters, numbers, front, out)
    return out


def _finish(
    data: bytes, chapters: list[Chapter], numbers: dict[str, int], front: FrontMatter, out: Path
) -> None:
    """Bookmarks and document information; then the file is replaced whole."""
    from pypdf import PdfReader, PdfWriter

    # Chromium's trailer counts fewer objects than the file holds; pypdf repairs that and
    # says so on its logger (not a Sphinx warning): the repair is expected, the note is noise.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_outline_item("Contents", 1)
    for item in chapters:
        parent = writer.add_outline_item(item.title, numbers[item.anchor] - 1)
        for section, text in item.sections:
            writer.add_outline_item(text, numbers[section] - 1, parent=parent)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata(
        {
            "/Title": f"{front.title}: {front.subtitle}",
            "/Author": front.citation.split(" (", 1)[0],
            "/Subject": f"Version {front.version}",
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(out)


def _offer_pdf(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the PDF to the theme's download menu, on pages that have the menu."""
    if not app.config.bendlines_pdf:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](PDF_NAME, 1),
                    "text": "Book (.pdf)",
                    "icon": "fas fa-file",
                    "tooltip": "The whole book as one PDF",
                    "label": "download-book-pdf-button",
                }
            )


def print_inputs(app: Sphinx) -> list[Path]:
    """Every file the PDF is printed from: the built pages of the book, their stylesheets,
    fonts and images, CITATION.cff and this printing code."""
    site = Path(app.outdir)
    pages = [page for part in toctree_parts(app.env) for page in part.pages]
    return [
        *(site / f"{page}.html" for page in pages),
        *files_under(site / "_static"),
        *files_under(site / "_images"),
        Path(app.srcdir).parent / "CITATION.cff",
        *files_under(Path(__file__).parent, "*.py"),
    ]


def _print_book(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.bendlines_pdf:
        return
    import bendlines

    out = Path(app.outdir) / PDF_NAME
    front = front_matter(Path(app.srcdir).parent, bendlines.__version__, _release_date())
    facts = repr(front).encode()  # (the title page's date changes with the day)
    current = hashlib.sha256(digest(print_inputs(app), Path("/")).encode() + facts).hexdigest()
    stamp = Stamp(app.doctreedir, "pdf")
    if stamp.fresh(current, [out]):
        return
    logger.info("printing the book into %s", out)
    print_pdf(Path(app.outdir), book_chapters(app), front, out)
    stamp.record(current)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("bendlines_pdf", False, "html", bool)
    app.connect("html-page-context", _offer_pdf, priority=650)  # after the theme's menu
    app.connect("build-finished", _print_book, priority=990)  # once the pages are final
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
