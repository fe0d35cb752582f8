"""The whole book as one PDF, printed from the built site by headless Chromium (no TeX).

``python tests/book_pdf.py`` (``make pdf``) serves ``book/_build/html`` on the loopback, prints
each page in reading order (the home page, then the toctree's order) with the browser's
print stylesheet, every solution unfolded and every lazy figure loaded, and merges the pages
with pypdf into ``book/_build/html/bending-lines.pdf``, with one bookmark per page. The
figures stay vectors (SVG printed as PDF), math is the site's typeset SVG, and the text is
extractable. Then every page of the site offers the PDF in its download menu (a site built
without it links no PDF). It needs Chromium (``/usr/bin/chromium``) and the test tools
(``make pdf`` installs Playwright and pypdf).
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
PDF = SITE / "bending-lines.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def reading_order(book: Path = ROOT / "book") -> list[str]:
    """The home page, then every page of the home page's toctrees, in order."""
    index = (book / "index.md").read_text(encoding="utf-8")
    pages = ["index"]
    for block in re.findall(r"```\{toctree\}\n(.*?)```", index, re.S):
        for line in block.splitlines():
            entry = line.strip()
            if entry and not entry.startswith(":") and (book / f"{entry}.md").is_file():
                pages.append(entry)
    return pages


PREPARE = """async () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.onload = img.onerror = done; })));
}"""


def build(site: Path = SITE, out: Path = PDF) -> Path:
    """Print the pages and merge them; the file is written whole or not at all."""
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter
    from site_server import serve

    writer = PdfWriter()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for name in reading_order():
            page.goto(f"{base}{name}.html", wait_until="networkidle")
            page.evaluate(PREPARE)
            page.emulate_media(media="print")
            data = page.pdf(
                format="A4",
                print_background=False,
                margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center">'
                    '<span class="title"></span> · <span class="pageNumber"></span></div>'
                ),
            )
            start = len(writer.pages)
            for sheet in PdfReader(io.BytesIO(data)).pages:
                writer.add_page(sheet)
            title = page.title().split(" — ")[0].split(" | ")[0].strip() or name
            writer.add_outline_item(title=title, page_number=start)
        browser.close()
    writer.add_metadata({"/Title": "Bending Lines", "/Author": "The Bending Lines authors"})
    buffer = io.BytesIO()
    writer.write(buffer)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(out)
    return out


_MENU = re.compile(
    r'(<div class="dropdown dropdown-download-buttons">.*?<ul class="dropdown-menu">)', re.S
)
ENTRY = """
      <li><a href="{href}" target="_blank"
   class="btn btn-sm btn-download-book-pdf-button dropdown-item"
   title="The whole book as one PDF"
   data-bs-placement="left" data-bs-toggle="tooltip"
>
<span class="btn__icon-container">
  <i class="fas fa-file"></i>
  </span>
<span class="btn__text-container">Book (.pdf)</span>
</a>
</li>"""


def offer(site: Path = SITE, pdf: Path = PDF) -> int:
    """Add the PDF to every page's download menu (once); returns how many pages got it."""
    count = 0
    for page in site.glob("**/*.html"):
        if page.relative_to(site).parts[0].startswith("_") or page.name == "404.html":
            continue  # (the 404 page's links are absolute: it has no download menu to extend)
        text = page.read_text(encoding="utf-8")
        if "btn-download-book-pdf-button" in text:
            continue
        href = posixpath.relpath(
            pdf.relative_to(site).as_posix(), page.parent.relative_to(site).as_posix()
        )
        fixed = _MENU.sub(lambda m, href=href: m.group(1) + ENTRY.format(href=href), text, count=1)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            count += 1
    return count


if __name__ == "__main__":
    print(build(), "offered on", offer(), "pages")
