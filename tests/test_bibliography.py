"""Bibliography: cited keys resolve, only cited works are listed, same-year works get letters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pybtex.database import Entry, Person, parse_file

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))

import bendlines_bibstyle  # noqa: E402
from bendlines_myst import directive_blocks, directive_options, roles  # noqa: E402


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(BOOK / "references.bib"))


def _cited_keys() -> set[str]:
    keys = set()
    for page in BOOK.glob("*.md"):
        for name, content in roles(page.read_text(encoding="utf-8")):
            if name == "cite" or name.startswith("cite:"):
                keys.update(k.strip() for k in content.split(","))
    return keys


def test_every_cited_key_is_in_the_bib_file(bib):
    cited = _cited_keys()
    assert cited, "the chapters cite nothing: the pattern is wrong"
    assert cited <= set(bib.entries), sorted(cited - set(bib.entries))


def test_bibliography_page_lists_only_cited_works():
    page = (BOOK / "bibliography.md").read_text(encoding="utf-8")
    [(_, body)] = directive_blocks(page, "bibliography")
    options, _ = directive_options(body)
    assert "cited" in options
    assert "all" not in options


def test_hanin_and_rolnick_2019_become_2019a_and_2019b(bib):
    style = bendlines_bibstyle.Style()
    entries = style.sort(bib.entries.values())
    years = {e.key: e.fields["year"] for e in entries}
    # Sorted by title: "Complexity of Linear Regions ..." before "Deep ReLU Networks ...".
    assert years["hanin2019complexity"] == "2019a"
    assert years["hanin2019"] == "2019b"
    text = {e.key: style.format_entry("x", e).text.render_as("text") for e in entries}
    assert "2019a" in text["hanin2019complexity"]
    assert "2019b" in text["hanin2019"]
    # The .bib data itself is untouched.
    assert bib.entries["hanin2019"].fields["year"] == "2019"


def test_letters_only_where_authors_and_year_repeat(bib):
    labels = bendlines_bibstyle.year_labels(bendlines_bibstyle.Style().sort(bib.entries.values()))
    for key, label in labels.items():
        entry = bib.entries[key]
        twins = [
            e
            for e in bib.entries.values()
            if e.fields.get("year") == entry.fields["year"]
            and bendlines_bibstyle._authors(e) == bendlines_bibstyle._authors(entry)
        ]
        assert len(twins) >= 2, key
        assert label[:-1] == entry.fields["year"]


def test_same_surnames_different_year_get_no_letter():
    def entry(key, year, title):
        e = Entry("article", fields={"year": year, "title": title})
        e.persons["author"] = [Person("Doe, Jane")]
        e.key = key
        return e

    labels = bendlines_bibstyle.year_labels(
        [entry("a", "2001", "A"), entry("b", "2002", "B"), entry("c", "2002", "C")]
    )
    assert labels == {"b": "2002a", "c": "2002b"}
