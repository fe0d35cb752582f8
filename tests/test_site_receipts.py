"""Receipts in the built site (run after `make book`): every glued value a chapter shows is a
receipted element whose receipt resolves in the page's JSON with every field, the evidence page
lists every receipt as real (searchable) content, and each chapter download carries its
receipts. See book/_ext/bendlines_receipts.py."""

from __future__ import annotations

import json
import re
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
RECEIPTS = SITE / "_static" / "receipts"
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from bendlines_myst import roles  # noqa: E402

CHAPTERS = [p.stem for p in sorted(ROOT.glob("book/*.md")) if "{glue" in p.read_text("utf-8")]
FIELDS = {
    "id": str, "page": str, "value": str, "code": list, "settings": dict, "seeds": list,
    "method": str, "compared": list, "store": list, "tests": list, "rerun": str,
    "section": str, "belongs_to": (str, type(None)),
}  # fmt: skip

pytestmark = pytest.mark.skipif(not RECEIPTS.is_dir(), reason="build the book first: make book")


def glue_roles(chapter: str) -> int:
    """How many glued values the chapter's source shows: the glue roles in its markdown
    cells and figure captions, as MyST-NB reads the notebook and MyST parses the text."""
    from myst_nb.core.read import read_myst_markdown_notebook

    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    count = 0
    for cell in read_myst_markdown_notebook(source).cells:
        if cell.cell_type == "markdown":
            text = cell.source
        else:
            text = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")
        count += sum(1 for name, _ in roles(text) if name.startswith("glue"))
    return count


class Receipted(HTMLParser):
    """The receipted elements of a page (their attributes) and MyST-NB's pasted values that
    are not inside one."""

    def __init__(self):
        super().__init__()
        self.receipts: list[dict[str, str]] = []
        self.bare_pastes: list[str] = []  # their text
        self._spans: list[bool] = []  # open spans: is each a receipt?
        self._bare: list[bool] = []  # open spans: is each a pasted value outside a receipt?

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-receipt" in attributes:
            self.receipts.append({**attributes, "tag": tag})
        if tag == "span":
            bare = "pasted-text" in (attributes.get("class") or "").split() and not any(self._spans)
            if bare:
                self.bare_pastes.append("")
            self._spans.append("data-receipt" in attributes)
            self._bare.append(bare)

    def handle_data(self, data):
        if any(self._bare):
            self.bare_pastes[-1] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._spans:
            self._spans.pop()
            self._bare.pop()


def receipted(chapter: str) -> Receipted:
    parser = Receipted()
    parser.feed((SITE / f"{chapter}.html").read_text(encoding="utf-8"))
    return parser


def page_json(chapter: str) -> dict:
    return json.loads((RECEIPTS / f"{chapter}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_glued_value_is_a_receipt_that_resolves_with_every_field(chapter):
    page = receipted(chapter)
    # every glued value is a receipt, but one that shows nothing (an empty phrase)
    assert len(page.receipts) + len(page.bare_pastes) == glue_roles(chapter)
    assert page.receipts and [text for text in page.bare_pastes if text.strip()] == []
    for element in page.receipts:  # focusable, announced as a button
        assert (element["tag"], element["role"], element["tabindex"]) == ("span", "button", "0")
    receipts = page_json(chapter)["receipts"]
    assert {e["data-receipt"] for e in page.receipts} == receipts.keys()
    for rid, receipt in receipts.items():
        for field, kind in FIELDS.items():
            assert isinstance(receipt.get(field), kind), (rid, field)
        assert receipt["id"] == rid and rid.startswith(f"{chapter}:")
        assert receipt["page"] == chapter and receipt["value"]
        assert receipt["rerun"] == f".venv/bin/python -m bendlines.receipts {rid}"
        for test in receipt["tests"]:  # node ids of tests that exist
            path, _, name = test.partition("::")
            assert re.search(rf"def {name.split('::')[-1]}\b", (ROOT / path).read_text()), test
        assert all(isinstance(seed, int) for seed in receipt["seeds"])


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_receipts_link_the_code_to_anchors_of_the_api_reference(chapter):
    """Every function a receipt names is documented, and its link lands on its entry."""
    for receipt in page_json(chapter)["receipts"].values():
        assert set(receipt["api"]) == set(receipt["code"]), receipt["id"]
        for link in receipt["api"].values():
            page, _, anchor = link.partition("#")
            assert page in {"api.html", "api-experiments.html"}, link
            assert f'id="{anchor}"' in (SITE / page).read_text(encoding="utf-8"), link


def test_the_evidence_page_lists_every_receipt_in_its_searchable_text():
    html = (SITE / "evidence.html").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        for rid in page_json(chapter)["receipts"]:
            assert f'<code class="docutils literal notranslate">{rid}</code>' in html, rid
    index = (SITE / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    evidence = data["docnames"].index("evidence")
    indexed = [
        term
        for term, docs in data["terms"].items()
        if evidence == docs or (isinstance(docs, list) and evidence in docs)
    ]
    assert len(indexed) > 200  # the receipts are words of the page, not drawn by a script


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_download_carries_its_chapter_receipts_and_says_how_to_rerun_one(chapter):
    import nbformat

    with zipfile.ZipFile(SITE / "downloads" / f"{chapter}.zip") as archive:
        shipped = json.loads(archive.read(f"{chapter}/receipts.json"))
        notebook = nbformat.reads(archive.read(f"{chapter}/{chapter}.ipynb"), as_version=4)
    assert shipped == page_json(chapter)
    last = notebook.cells[-1]
    assert last.cell_type == "markdown" and "receipts.json" in last.source
    assert f".venv/bin/python -m bendlines.receipts {chapter}:" in last.source
