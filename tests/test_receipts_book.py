"""Receipts of the built book: every glued value carries one with all six fields, every test
marker names a real test and a glued value, and a seeded sample of rerun commands prints the
values the pages show.

These read the executed notebooks the build publishes (``tests/glued.py``); without a build
they skip (``make book`` first).
"""

from __future__ import annotations

import importlib
import os
import random
import re
import subprocess
import sys
from functools import cache

import pytest
from glued import CHAPTERS, ROOT, SITE, outputs  # noqa: F401  SITE: a test of the built site

from bendlines.receipts import FIELDS, markers
from bendlines.receipts.rerun import format_plain

TESTS = ROOT / "tests"
#: Reruns per chapter in the sample, drawn from the first POOL values the chapter glues (the
#: later ones can need the chapter's heavy computations: a rerun runs everything before its
#: value). BENDLINES_RERUN_SEED draws another sample.
SAMPLE, POOL = 3, 40
SEED = int(os.environ.get("BENDLINES_RERUN_SEED", "23"))


def _types_ok(receipt: dict) -> bool:
    def strings(items):
        return isinstance(items, list) and all(isinstance(s, str) for s in items)

    return (
        strings(receipt["code"])
        and isinstance(receipt["settings"], dict)
        and isinstance(receipt["seeds"], list)
        and all(isinstance(s, int) and not isinstance(s, bool) for s in receipt["seeds"])
        and isinstance(receipt["method"], str)
        and strings(receipt["compared"])
        and strings(receipt["store"])
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_glued_value_carries_a_receipt_with_all_six_fields(chapter):
    found = outputs(chapter)
    assert found, chapter
    for output in found:
        receipt = output["metadata"].get("bendlines_receipt")
        assert receipt is not None, (chapter, output["name"], "glued without a receipt")
        assert set(receipt) == set(FIELDS), (chapter, output["name"])
        assert _types_ok(receipt), (chapter, output["name"], receipt)
        for name in receipt["code"]:
            module, _, attr = name.rpartition(".")
            exported = getattr(importlib.import_module(module), "__all__", [attr])
            assert attr in exported, (chapter, output["name"], name, "not public")
        for key in receipt["store"]:
            assert (ROOT / "results" / f"{key}.npz").is_file(), (chapter, output["name"], key)


@cache
def _declared() -> dict[str, list[str]]:
    return markers.declared(TESTS, ROOT)


def test_every_marked_test_exists_as_a_collected_test():
    declared = _declared()
    files = sorted({node.split("::")[0] for node in declared})
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = {re.sub(r"\[.*\]$", "", line) for line in out.stdout.splitlines() if "::" in line}
    missing = sorted(set(declared) - collected)
    assert not missing, missing


def test_every_marker_names_a_value_its_chapter_glues():
    keys = {chapter: {o["name"] for o in outputs(chapter)} for chapter in CHAPTERS}
    for node, patterns in _declared().items():
        for pattern in patterns:
            doc, _, _ = pattern.partition(":")
            assert doc in keys, (node, pattern, "no such chapter")
            assert any(markers.matches(pattern, doc, k) for k in keys[doc]), (node, pattern)


def test_every_chapter_has_values_that_tests_check():
    declared = _declared()
    for chapter in CHAPTERS:
        checked = [o["name"] for o in outputs(chapter)
                   if markers.tests_for(chapter, o["name"], declared)]  # fmt: skip
        assert checked, chapter


# --- the rerun sample ------------------------------------------------------------------------
def _roles(text: str) -> list[tuple[str, str]]:
    """``(role, content)`` of every MyST role in a chapter's Markdown, in directives too (a
    figure's caption, a table), read with markdown-it and the MyST role plugin."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.myst_role import myst_role_plugin

    parser = MarkdownIt("commonmark").enable("table").use(myst_role_plugin)
    found, todo = [], [text]
    while todo:
        for token in _walk(parser.parse(todo.pop())):
            if token.type == "myst_role":
                found.append((token.meta["name"], token.content))
            elif (
                token.type == "fence"
                and token.info.startswith("{")
                and "code-cell" not in token.info
            ):
                body = [line for line in token.content.splitlines() if not line.startswith(":")]
                todo.append("\n".join(body))
    return found


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _shown(output: dict, role: str, spec: str | None) -> str:
    data = output["data"]
    if role == "glue:md":
        return data["text/markdown"]
    return format_plain(data["text/plain"], "s" if spec is None else spec)


def _sample(chapter: str) -> list[tuple[str, str]]:
    """``(id, shown text)`` of a seeded sample of the chapter's glue roles."""
    found = outputs(chapter)
    by_name = {o["name"]: o for o in found}
    early = {o["name"] for o in found[:POOL]}
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    uses = []
    for role, content in _roles(text):
        if role not in ("glue:text", "glue:md"):
            continue
        key, colon, spec = content.partition(":")
        if key in early:
            ident = f"{chapter}:{content}" if role == "glue:text" else f"{chapter}:{key}"
            uses.append((ident, _shown(by_name[key], role, spec if colon else None)))
    uses = sorted(set(uses))
    assert uses, chapter
    return random.Random(f"{SEED}:{chapter}").sample(uses, min(SAMPLE, len(uses)))


def test_roles_are_found_in_prose_tables_and_directives():
    text = (
        "A {glue:text}`a:.2f` b.\n\n| x | {glue:md}`b` |\n|---|---|\n\n"
        "```{figure} f.svg\n:alt: x\n\nCaption {glue:text}`c`.\n```\n"
        "```{code-cell} ipython3\nx = '{glue:text}`not_a_role`'\n```\n"
    )
    assert sorted(_roles(text)) == [("glue:md", "b"), ("glue:text", "a:.2f"), ("glue:text", "c")]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_sample_of_reruns_prints_the_shown_values(chapter):
    sample = _sample(chapter)
    ids = [ident for ident, _ in sample]
    out = subprocess.run(
        [sys.executable, "-m", "bendlines.receipts", *ids],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout == "".join(f"{shown}\n" for _, shown in sample), (ids, out.stdout)
