"""Bibliography style: pybtex's ``plain`` with letters on same-author, same-year entries.

Two works by the same authors in the same year would both be cited as "Hanin and Rolnick,
2019". Author-year citing tells them apart as 2019a and 2019b, and so does this style: among
the entries a bibliography lists, each group that shares its authors' surnames and its year
gets the letters a, b, ... in the order the bibliography sorts them (by title). The letter
goes into the year field of a copy of the entry, so the in-text citations (which
sphinxcontrib-bibtex formats from the entries the style returns) and the bibliography list
show the same year. Keys and the .bib file stay as they are.

``conf.py`` selects it with ``bibtex_default_style = "bendlines"``.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterable

import pybtex.plugin
from pybtex.database import Entry
from pybtex.style.formatting.plain import Style as PlainStyle

STYLE_NAME = "bendlines"


def _authors(entry: Entry) -> tuple[str, ...]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return tuple(" ".join(p.last_names).lower() for p in people)


def year_labels(entries: Iterable[Entry]) -> dict[str, str]:
    """Year text per entry key: ``"2019a"``, ``"2019b"`` where authors and year repeat.

    Parameters
    ----------
    entries : iterable of pybtex Entry
        In the order the bibliography lists them; letters follow that order.

    Returns
    -------
    dict of str to str
        Only the keys that need a letter.
    """
    groups: dict[tuple, list[str]] = defaultdict(list)
    for entry in entries:
        year = entry.fields.get("year")
        if year:
            groups[(_authors(entry), year)].append(entry.key)
    labels = {}
    for (_, year), keys in groups.items():
        if len(keys) > 1:
            if len(keys) > len(string.ascii_lowercase):
                raise ValueError(f"more than 26 entries share authors and year {year}: {keys}")
            letters = string.ascii_lowercase[: len(keys)]
            labels.update({key: f"{year}{c}" for key, c in zip(keys, letters, strict=True)})
    return labels


def _with_year(entry: Entry, year: str) -> Entry:
    copy = Entry(entry.type, fields=dict(entry.fields), persons=dict(entry.persons))
    copy.key = entry.key
    copy.fields["year"] = year
    return copy


class Style(PlainStyle):
    """pybtex ``plain`` whose sorted entries carry a, b, ... on repeated author-year pairs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_author_year_title = self.sort  # pybtex sets ``sort`` on the instance

        def sort(entries):
            ordered = list(by_author_year_title(entries))
            labels = year_labels(ordered)
            return [_with_year(e, labels[e.key]) if e.key in labels else e for e in ordered]

        self.sort = sort


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, Style)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
