"""The glossary and the reading order: every term is defined before it is used, and the first
use of a term in each chapter links to the glossary.

The scanner (what counts as prose, what counts as a use of a term) is in
``tests/glossary_scan.py``; the synthetic pages below check that it finds what it should
and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import glossary_scan as scan
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

GLOSSARY = """\
# Glossary

```{glossary}
:sorted:

learning rate
  The step size. See {doc}`one`.

pre-activation
  The weighted sum. See {doc}`one`.

activation function
activation
  The bend. See {doc}`two` and {doc}`one`.

mini-batch
  A few rows. See {doc}`one`.

initialisation
  Random start. See {doc}`two`.
```
"""
ENTRIES = scan.parse_glossary(GLOSSARY)


def names(text, entries=ENTRIES):
    """Main names of the entries used in ``text``, with linked or not, in order."""
    return [(u.entry.names[0], u.text, u.linked) for u in scan.find_uses(text, entries)]


# ------------------------------------------------------------------------------ parsing


def test_parse_glossary_reads_names_aliases_and_homes():
    assert [e.names for e in ENTRIES] == [
        ["learning rate"],
        ["pre-activation"],
        ["activation function", "activation"],
        ["mini-batch"],
        ["initialisation"],
    ]
    assert [e.home for e in ENTRIES] == ["one", "one", "two", "one", "two"]


def test_parse_glossary_needs_the_directive():
    with pytest.raises(ValueError, match="glossary"):
        scan.parse_glossary("# Glossary\n\nno directive here\n")


def test_reading_order_skips_options_and_reference_pages():
    index = (
        "# Home\n\n```{toctree}\n:hidden:\n:caption: Chapters\n\nprimer\nnonlinearity\n```\n\n"
        "```{toctree}\n:hidden:\n\ngallery\nglossary\nbibliography\n```\n"
    )
    assert scan.reading_order(index) == [
        "primer",
        "nonlinearity",
        "gallery",
        "glossary",
        "bibliography",
    ]
    assert scan.chapters(index) == ["primer", "nonlinearity", "gallery"]


# ------------------------------------------------------------------------------ matching


def test_plurals_case_spelling_and_line_breaks_match():
    text = (
        "Learning rates differ. An Activation. Two mini-batches, a minibatch, a mini batch.\n"
        "Initialization in US spelling. The learning\nrate again.\n"
    )
    found = [(n, t) for n, t, _ in names(text)]
    assert found == [
        ("learning rate", "Learning rates"),
        ("activation function", "Activation"),
        ("mini-batch", "mini-batches"),
        ("mini-batch", "minibatch"),
        ("mini-batch", "mini batch"),
        ("initialisation", "Initialization"),
        ("learning rate", "learning\nrate"),
    ]


def test_no_match_inside_longer_words_or_hyphenated_terms():
    text = "Deactivation, activations-free? The pre-activation is not an activation use.\n"
    found = [(n, t) for n, t, _ in names(text)]
    # "Deactivation" is another word; "pre-activation" is its own term; "activations-free"
    # and the final "activation" are uses of the activation entry.
    assert found == [
        ("activation function", "activations"),
        ("pre-activation", "pre-activation"),
        ("activation function", "activation"),
    ]


def test_longest_term_wins():
    assert names("An activation function bends.\n") == [
        ("activation function", "activation function", False)
    ]


def test_non_prose_is_skipped():
    text = """\
---
title: activation
---

# Activation in a heading

(sec-activation)=
```{code-cell} ipython3
:tags: [remove-cell]
activation = 1  # learning rate
```

$$
\\text{activation}
$$

```{note} An activation in a directive argument
:name: activation
:class: learning-rate

Prose inside a note: pre-activation.
```

Inline `activation` code, math $a = \\text{activation}$, a glue {glue:text}`activation`,
a link [activation](https://example.org) and {numref}`fig-activation`. Only this
mini-batch counts.
"""
    assert [(n, t) for n, t, _ in names(text)] == [
        ("pre-activation", "pre-activation"),
        ("mini-batch", "mini-batch"),
    ]


def test_term_roles_are_linked_uses():
    text = "The {term}`rates <learning rate>` and {term}`Mini-batch`, then a learning rate.\n"
    assert names(text) == [
        ("learning rate", "rates", True),
        ("mini-batch", "Mini-batch", True),
        ("learning rate", "learning rate", False),
    ]
    firsts = scan.first_uses(text, ENTRIES)
    assert firsts["learning rate"].linked and firsts["mini-batch"].linked


# ------------------------------------------------------------------------------ the checks


def book(one: str, two: str):
    return {"one": one, "two": two}, ["one", "two"], ENTRIES


def test_check_passes_on_a_correct_book():
    one = (
        "A {term}`pre-activation`. A {term}`mini-batch`. A {term}`learning rate`. An activation?\n"
    )
    one = one.replace("An activation?", "An {term}`activation <activation function>`.")
    two = "{term}`Initialisation` and {term}`activation`, then initialisation.\n"
    # activation's home is "two" but "one" uses it first: not correct yet
    problems = scan.check_book(*book(one, two))
    assert problems == ["one.md:1: 'activation function' is used before two.md defines it"]
    one = one.replace(" An {term}`activation <activation function>`.", "")
    assert scan.check_book(*book(one, two)) == []


def test_check_fails_when_a_first_use_is_not_a_link():
    one = (
        "A {term}`pre-activation`, a {term}`mini-batch` and a learning rate, "
        "then {term}`learning rate`.\n"
    )
    two = "{term}`Initialisation` and {term}`activation`.\n"
    problems = scan.check_book(*book(one, two))
    assert problems == [
        "one.md:1: first use of 'learning rate' ('learning rate') is not a {term} link"
    ]


def test_check_fails_when_a_term_comes_before_its_home():
    one = (
        "{term}`Pre-activation`, {term}`mini-batch`, {term}`learning rate`, "
        "{term}`initialisation`.\n"
    )
    two = "{term}`Initialisation` and {term}`activation`.\n"
    problems = scan.check_book(*book(one, two))
    assert problems == ["one.md:1: 'initialisation' is used before two.md defines it"]


def test_check_fails_on_a_home_that_is_missing_or_silent():
    entries = scan.parse_glossary(GLOSSARY.replace("See {doc}`two`.", "See {doc}`three`."))
    one = "{term}`Pre-activation`, {term}`mini-batch`, {term}`learning rate`.\n"
    two = "Nothing about the bend here, but {term}`activation`.\n"
    problems = scan.check_book({"one": one, "two": two}, ["one", "two"], entries)
    assert "'initialisation': home 'three' is not a chapter" in problems
    one = one.replace("{term}`learning rate`", "no rate")
    problems = scan.check_book({"one": one, "two": two}, ["one", "two"], ENTRIES)
    assert "'learning rate': its home one.md never uses it" in problems


def test_check_fails_when_a_term_is_used_before_the_paragraph_that_defines_it():
    one = "{term}`Pre-activation`, {term}`mini-batch`, a {term}`learning rate`.\n"
    two = (
        "First {term}`initialisation` and {term}`activation`.\n\n"
        "Later: an *initialisation* is the random start.\n"
    )
    problems = scan.check_book(*book(one, two))
    assert problems == ["two.md:1: 'initialisation' is used before the paragraph that defines it"]
    # defined (italicised) in the paragraph of its first use: fine
    two = "An *{term}`initialisation`* is the random start; {term}`activation`.\n"
    assert scan.check_book(*book(one, two)) == []


def test_check_fails_when_the_glossary_points_to_another_chapter_than_the_definition():
    # "mini-batch" points to one.md, but two.md is where it is italicised, defined
    one = "{term}`Pre-activation`, {term}`learning rate`, and a {term}`mini-batch` in passing.\n"
    two = "{term}`Initialisation`, {term}`activation`, and a *{term}`mini-batch`* is a few rows.\n"
    problems = scan.check_book(*book(one, two))
    assert problems == ["'mini-batch': the glossary points to one.md, but two.md defines it"]


# ------------------------------------------------------------------------------ linking


def test_link_first_uses_wraps_only_first_prose_uses_and_is_idempotent():
    text = """\
# Learning rate

```{code-cell} ipython3
lr = 0.1  # learning rate
```

:::{dropdown} Learning rate
:name: learning-rate
The learning
rate and the mini-batches, with $\\eta$ the learning rate and `learning rate`.
A learning rate again, and a [learning rate](x.md).
:::
"""
    new, linked = scan.link_first_uses(text, ENTRIES)
    assert linked == ["learning rate", "mini-batch"]
    assert "The {term}`learning rate`" in new
    assert "the {term}`mini-batches <mini-batch>`" in new
    assert new.count("{term}") == 2
    assert (
        new.replace(
            "The {term}`learning rate` and the {term}`mini-batches <mini-batch>`",
            "The learning\nrate and the mini-batches",
        )
        == text
    )
    again, linked_again = scan.link_first_uses(new, ENTRIES)
    assert again == new and linked_again == []
    assert scan.first_uses(new, ENTRIES)["learning rate"].linked


# ------------------------------------------------------------------------------ the book


@pytest.fixture(scope="module")
def the_book():
    return scan.load_book(BOOK)


def test_glossary_has_at_least_40_terms_each_with_a_home(the_book):
    _, order, entries = the_book
    assert len(entries) >= 40
    assert all(entry.home for entry in entries), [e.names for e in entries if not e.home]
    assert order[0] == "primer"


def test_every_term_is_defined_before_use_and_first_uses_link(the_book):
    problems = scan.check_book(*the_book)
    assert problems == [], "\n".join(problems)


def test_term_roles_target_glossary_terms(the_book):
    pages, order, entries = the_book
    known = {name.lower() for e in entries for name in e.names}
    for name in order:
        _, roles = scan.prose_mask(pages[name])
        unknown = [target for *_, target in roles if target.strip().lower() not in known]
        assert unknown == [], f"{name}.md links unknown terms {unknown}"


GENINDEX = BOOK / "_build" / "html" / "genindex.html"


@pytest.mark.site
@pytest.mark.skipif(not GENINDEX.is_file(), reason="build the book first: make book")
def test_the_published_index_lists_every_glossary_term_and_the_primers_key_results(the_book):
    _, _, entries = the_book
    html = GENINDEX.read_text(encoding="utf-8")
    targets = set(re.findall(r'href="glossary\.html#(term-[^"]+)"', html))
    assert len(targets) >= sum(len(e.names) for e in entries)
    assert len(re.findall(r'href="primer\.html#index-\d+"', html)) >= 5
