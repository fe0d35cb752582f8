"""What re-executes a chapter: every file it reads, found by parsing, not by pattern.

``bendlines_cache.dependencies`` keys each chapter's execution-cache record; these tests
build small repositories in a temporary folder and check what the key covers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import bendlines_cache  # noqa: E402
import bendlines_imports  # noqa: E402

CHAPTER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# A chapter

Prose that mentions import unrelated_prose, which is not code.

```{code-cell} ipython3
import first_figure, second_figure
from third_figure import make_figure as third
%matplotlib inline
```
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    package = tmp_path / "src" / "bendlines"
    (package / "experiments").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "experiments" / "table.json").write_text("{}\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    figures = tmp_path / "figures"
    figures.mkdir()
    for name in ("first_figure", "second_figure", "third_figure", "unrelated_prose", "helper"):
        (figures / f"{name}.py").write_text("x = 1\n")
    (figures / "second_figure.py").write_text("import helper\n")
    (tmp_path / "requirements.lock").write_text("numpy==2.4.6\n")
    (tmp_path / "chapter.md").write_text(CHAPTER)
    return tmp_path


def names(paths: list[Path], root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in paths}


def test_every_name_of_a_multi_name_import_counts(repo):
    found = names(bendlines_cache.dependencies(repo / "chapter.md", repo), repo)
    assert {"figures/first_figure.py", "figures/second_figure.py"} <= found
    assert "figures/third_figure.py" in found  # from ... import
    assert "figures/helper.py" in found  # imported by an imported script
    assert "figures/unrelated_prose.py" not in found  # prose is not code


def test_package_data_files_count_and_bytecode_does_not(repo):
    found = names(bendlines_cache.dependencies(repo / "chapter.md", repo), repo)
    assert "src/bendlines/experiments/table.json" in found
    assert "requirements.lock" in found
    assert not any(name.endswith(".pyc") for name in found)


def test_editing_a_data_file_changes_the_chapters_key(repo, monkeypatch):
    monkeypatch.setattr(bendlines_cache, "ROOT", repo)
    before = bendlines_cache._digest(bendlines_cache.dependencies(repo / "chapter.md", repo))
    (repo / "src" / "bendlines" / "experiments" / "table.json").write_text('{"a": 1}\n')
    after = bendlines_cache._digest(bendlines_cache.dependencies(repo / "chapter.md", repo))
    assert before != after


def test_the_real_gallery_depends_on_its_cost_table():
    deps = bendlines_cache.dependencies(ROOT / "book" / "gallery.md")
    assert ROOT / "src" / "bendlines" / "experiments" / "activation_cost.json" in deps


def test_imported_modules_reads_every_form_of_import():
    code = ["import a, b.c\nfrom d import e, f\n", "%timeit x\nimport g"]
    assert bendlines_imports.imported_modules(code) == {"a", "b.c", "d", "d.e", "d.f", "g"}
    # a cell that is not Python still counts by its import lines, every name of them
    assert bendlines_imports.imported_modules("import h, i\nthis is not python(") == {"h", "i"}


def test_a_plain_page_has_no_code():
    assert bendlines_imports.chapter_code("# Title\n\nimport nothing\n") == []


def test_the_stored_results_a_chapter_reads_count(repo, monkeypatch):
    """Entries of the experiment modules the chapter reaches (here through a figure script)
    are inputs: a refilled entry re-executes the chapter; other modules' entries do not."""
    monkeypatch.setattr(bendlines_cache, "ROOT", repo)
    (repo / "src" / "bendlines" / "experiments" / "sweep.py").write_text("x = 1\n")
    (repo / "figures" / "helper.py").write_text("from bendlines.experiments import sweep\n")
    store = repo / "results"
    store.mkdir()
    (store / "sweep-run-0123.npz").write_bytes(b"first")
    (store / "other-run-0123.npz").write_bytes(b"other")
    found = names(bendlines_cache.dependencies(repo / "chapter.md", repo), repo)
    assert "results/sweep-run-0123.npz" in found
    assert "results/other-run-0123.npz" not in found
    before = bendlines_cache._digest(bendlines_cache.dependencies(repo / "chapter.md", repo))
    (store / "sweep-run-0123.npz").write_bytes(b"refilled")
    after = bendlines_cache._digest(bendlines_cache.dependencies(repo / "chapter.md", repo))
    assert before != after


def test_the_real_chapters_depend_on_the_runs_they_read():
    deps = bendlines_cache.dependencies(ROOT / "book" / "primer.md")
    assert any(p.parent.name == "results" and p.name.startswith("primer_runs-") for p in deps)


def test_parsed_answers_are_reused_only_for_the_same_text_and_code(tmp_path, monkeypatch):
    """The staleness scan remembers what it parsed between builds, keyed by the text's
    digest and the parsing code's version: never an answer about other text or code."""
    calls: list[str] = []

    def parse(text: str) -> list[str]:
        calls.append(text)
        return [text.upper()]

    memo = tmp_path / "parsed.json"
    bendlines_imports.load_memo(memo)  # none yet
    assert bendlines_imports.remembered("kind", "a", parse) == ["A"]
    assert bendlines_imports.remembered("kind", "a", parse) == ["A"]
    assert calls == ["a"]
    bendlines_imports.save_memo(memo)
    bendlines_imports.load_memo(memo)  # the next build
    assert bendlines_imports.remembered("kind", "a", parse) == ["A"]
    assert bendlines_imports.remembered("kind", "b", parse) == ["B"]
    assert calls == ["a", "b"]
    monkeypatch.setattr(bendlines_imports, "_memo_version", lambda: "edited parser")
    bendlines_imports.load_memo(memo)
    assert bendlines_imports.remembered("kind", "a", parse) == ["A"]
    assert calls == ["a", "b", "a"]
    memo.write_text("{ damaged")
    bendlines_imports.load_memo(memo)
    assert bendlines_imports.remembered("kind", "b", parse) == ["B"]
    assert calls == ["a", "b", "a", "b"]
    bendlines_imports.load_memo(tmp_path / "missing.json")


def test_a_remembered_parse_gives_the_same_imports(repo, tmp_path):
    fresh = bendlines_cache.dependencies(repo / "chapter.md", repo)
    bendlines_imports.save_memo(tmp_path / "parsed.json")
    bendlines_imports.load_memo(tmp_path / "parsed.json")
    assert bendlines_cache.dependencies(repo / "chapter.md", repo) == fresh
    bendlines_imports.load_memo(tmp_path / "missing.json")
