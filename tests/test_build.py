"""The book build: never stale, never re-executes needlessly, survives a bad cache, fails loudly.

The tests build a small copy of the book (the real conf.py and extension, a tiny chapter) in
a temporary folder, so they are fast and leave the real build alone. The first build is made
once per session; each test that starts from a built book gets a fresh copy of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHAPTER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# Tiny chapter

A formula, $z = w x + b$, to typeset.

```{code-cell} ipython3
import tiny_figure
from bendlines import render

render.show(tiny_figure.make_figure())
```

```{code-cell} ipython3
from IPython.display import display

# a glued value with its provenance, as bendlines.receipts.glue records it
display(
    {"application/papermill.record/text/plain": "0.5"},
    raw=True,
    metadata={
        "scrapbook": {"name": "half", "mime_prefix": "application/papermill.record/"},
        "bendlines_receipt": {"code": ["bendlines.render.show"], "settings": {"n": 2},
                              "seeds": [3, 4], "method": "", "compared": [], "store": []},
    },
)
```

## Results

Half of it is {glue:text}`half`, or {glue:text}`half:.2f` to two places.
"""

EVIDENCE = "# Evidence\n\n```{receipts-evidence}\n```\n"

FIGURE = '''\
"""A tiny figure for build tests: one straight line."""

from bendlines import render, style


def make_figure():
    fig, ax = style.figure(width=3, height=2)
    ax.plot([0, 1], [0, 1])
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
'''

EXECUTED = "Executing notebook"


def write_project(folder: Path) -> Path:
    """A copy of the repository's build machinery with a one-chapter book, in ``folder``."""
    book = folder / "book"
    book.mkdir(parents=True)
    for name in ("conf.py", "references.bib"):
        shutil.copy(ROOT / "book" / name, book / name)
    for sub in ("_ext", "_static"):
        shutil.copytree(ROOT / "book" / sub, book / sub)
    (book / "index.md").write_text("# Tiny book\n\n```{toctree}\nchapter\nevidence\n```\n")
    (book / "chapter.md").write_text(CHAPTER)
    (book / "evidence.md").write_text(EVIDENCE)
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    (folder / "figures").mkdir()
    (folder / "figures" / "tiny_figure.py").write_text(FIGURE)
    (folder / "figures" / "unrelated_figure.py").write_text(FIGURE)
    for name in ("requirements.lock", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, folder / name)
    return folder


def build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", *extra]
    command += [str(project / "book"), str(project / "book" / "_build" / "html")]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def log(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


# Every test works in the same folder (Sphinx's environment and the execution cache record
# absolute paths, so a build copied elsewhere would start over); each gets it afresh.
@pytest.fixture(scope="session")
def workplace(tmp_path_factory) -> Path:
    """The folder every test's project lives in."""
    return tmp_path_factory.mktemp("build") / "project"


@pytest.fixture(scope="session")
def first_build(workplace, tmp_path_factory) -> tuple[Path, str]:
    """One build of the tiny book, from nothing, made once per session: a snapshot of the
    built project (copied with its timestamps) and the build's log."""
    write_project(workplace)
    result = build(workplace)
    assert result.returncode == 0, log(result)
    snapshot = tmp_path_factory.mktemp("snapshot") / "project"
    shutil.copytree(workplace, snapshot, symlinks=True)
    return snapshot, log(result)


@pytest.fixture
def project(workplace) -> Path:
    """A never-built tiny book."""
    shutil.rmtree(workplace, ignore_errors=True)
    return write_project(workplace)


@pytest.fixture
def built(workplace, first_build) -> Path:
    """The tiny book as its first build left it (the session's snapshot, copied back)."""
    shutil.rmtree(workplace, ignore_errors=True)
    shutil.copytree(first_build[0], workplace, symlinks=True)
    return workplace


def test_the_first_build_executes_and_a_rebuild_without_change_executes_nothing(built, first_build):
    assert EXECUTED in first_build[1]
    second = build(built)
    assert second.returncode == 0, log(second)
    assert EXECUTED not in log(second)


def test_editing_the_package_or_an_imported_script_re_executes(built):
    project = built
    module = project / "src" / "bendlines" / "style.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    after_package = build(project)
    assert after_package.returncode == 0, log(after_package)
    assert EXECUTED in log(after_package)

    script = project / "figures" / "tiny_figure.py"
    script.write_text(script.read_text().replace("[0, 1], [0, 1]", "[0, 1], [1, 0]"))
    after_script = build(project)
    assert EXECUTED in log(after_script)
    page = (project / "book" / "_build" / "html" / "chapter.html").read_text()
    images = list((project / "book" / "_build" / "html" / "_images").glob("*.svg"))
    assert len(images) >= 1 and any(img.name in page for img in images)

    unrelated = project / "figures" / "unrelated_figure.py"
    unrelated.write_text(unrelated.read_text() + "\n# an edit\n")
    after_unrelated = build(project)
    assert after_unrelated.returncode == 0
    assert EXECUTED not in log(after_unrelated)


def test_lock_file_edit_re_executes(built):
    project = built
    lock = project / "requirements.lock"
    lock.write_text(lock.read_text() + "\n")
    assert EXECUTED in log(build(project))


@pytest.mark.parametrize("damage", ["garbage database", "half-created", "missing notebook"])
def test_a_damaged_cache_is_cleared_and_rebuilt(built, damage):
    project = built
    cache = project / "book" / "_build" / ".jupyter_cache"
    if damage == "garbage database":
        (cache / "global.db").write_bytes(b"this is not sqlite" * 100)
    elif damage == "half-created":
        shutil.rmtree(cache)
        cache.mkdir()
    else:
        for notebook in (cache / "executed").rglob("*.ipynb"):
            notebook.unlink()
    result = build(project)
    assert result.returncode == 0, log(result)
    assert "clearing the execution cache" in log(result)
    assert EXECUTED in log(result)


def test_parallel_build_on_an_empty_cache(project):
    result = build(project, "-j", "2")
    assert result.returncode == 0, log(result)


def test_a_failing_cell_fails_the_build_with_its_traceback(built):
    project = built
    chapter = project / "book" / "chapter.md"
    chapter.write_text(
        chapter.read_text() + "\n```{code-cell} ipython3\n1 / 0  # deliberate\n```\n"
    )
    result = build(project)
    assert result.returncode != 0
    assert "ZeroDivisionError" in log(result)
    assert "1 / 0  # deliberate" in log(result)


def test_an_edited_stylesheet_reaches_every_page(built):
    """Pages link one bundled stylesheet; editing a source stylesheet refreshes it everywhere."""
    import re

    project = built
    html = project / "book" / "_build" / "html"

    def bundle_of(page: str) -> str:
        name = re.search(r'href="_static/(bundle\.[0-9a-f]+\.css)"', (html / page).read_text())
        assert name, f"{page} links no bundle"
        return (html / "_static" / name.group(1)).read_text()

    assert "mjx-assistive-mml" in bundle_of("chapter.html")  # MathJax's rules join the bundle
    css = project / "book" / "_static" / "bendlines.css"
    css.write_text(css.read_text() + "\nbody { outline-color: #123456; }\n")
    result = build(project)
    assert result.returncode == 0, log(result)
    for page in ("index.html", "chapter.html"):
        assert "#123456" in bundle_of(page)
    # The chapter was not rewritten: its typeset math keeps its glyphs and its stylesheet.
    chapter = (html / "chapter.html").read_text()
    assert '<mjx-container class="MathJax" jax="SVG"' in chapter
    assert 'class="mjx-glyphs"' in chapter
    assert "mjx-assistive-mml" in bundle_of("chapter.html")


def test_an_edited_extension_rewrites_every_page(built):
    """Pages carry the finishing touches of book/_ext; when that code changes, no page may keep
    an older version's (Sphinx alone rewrites only the pages whose sources changed)."""
    project = built
    page = project / "book" / "_build" / "html" / "index.html"
    page.write_text(page.read_text().replace("</body>", "<!-- from an older build --></body>"))
    assert build(project).returncode == 0
    assert "from an older build" in page.read_text()  # no change: the page is left alone
    extension = project / "book" / "_ext" / "bendlines_notebooks.py"
    extension.write_text(extension.read_text() + "\n# an edit\n")
    result = build(project)
    assert result.returncode == 0, log(result)
    assert "from an older build" not in page.read_text()
    assert EXECUTED not in log(result)  # rewriting pages is not re-executing notebooks


def test_chapters_download_as_executed_notebooks(built):
    import nbformat

    project = built
    notebook = project / "book" / "_build" / "html" / "_sources" / "chapter.ipynb"
    cells = nbformat.read(notebook, as_version=4).cells
    assert any(o.get("data", {}).get("image/svg+xml") for c in cells for o in c.get("outputs", []))
    # the download: the notebook, the one figure script it imports, the package and its pins
    with zipfile.ZipFile(project / "book" / "_build" / "html" / "downloads" / "chapter.zip") as z:
        names = set(z.namelist())
        plain = nbformat.reads(z.read("chapter/chapter.ipynb"), as_version=4)
    assert {"chapter/chapter.ipynb", "chapter/tiny_figure.py", "chapter/requirements.txt"} <= names
    assert "chapter/unrelated_figure.py" not in names
    assert any(n.startswith("chapter/bendlines-") and n.endswith(".whl") for n in names)
    assert "pip" in plain.cells[1].source and "render.show" in plain.cells[3].source
    assert plain.cells[2].source.startswith("A formula")  # the title moved to the first cell
    page = (project / "book" / "_build" / "html" / "chapter.html").read_text()
    assert 'href="downloads/chapter.zip"' in page


def test_chapter_downloads_are_reproducible_and_rewritten_only_on_change(built):
    project = built
    download = project / "book" / "_build" / "html" / "downloads" / "chapter.zip"
    first, stamp = download.read_bytes(), download.stat().st_mtime_ns
    assert build(project).returncode == 0
    assert download.read_bytes() == first and download.stat().st_mtime_ns == stamp
    chapter = project / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("A formula", "One formula"))
    assert build(project).returncode == 0
    assert download.read_bytes() != first
    with zipfile.ZipFile(download) as archive:
        assert "One formula" in archive.read("chapter/chapter.ipynb").decode()


def test_a_rebuild_with_no_change_does_no_work(built):
    """No configuration value differs between identical builds, and neither the widgets'
    data nor the downloads (and the wheel inside them) are made again."""
    project = built
    html = project / "book" / "_build" / "html"
    outputs = [*(html / "_static" / "widgets" / "data").glob("*.json"), html / "downloads"]
    outputs = [p for p in outputs if p.is_file()] + list((html / "downloads").glob("*.zip"))
    before = {p: p.stat().st_mtime_ns for p in outputs}
    assert len(before) >= 2
    again = build(project)
    assert again.returncode == 0, log(again)
    assert "configuration has changed" not in log(again)
    assert "building the bendlines wheel" not in log(again).lower()
    assert {p: p.stat().st_mtime_ns for p in outputs} == before


def test_editing_package_data_re_executes_and_rewrites_downloads(built):
    """A data file of the package (like the gallery's cost table) is an input of every
    chapter and of the downloads, as its modules are."""
    project = built
    data = project / "src" / "bendlines" / "experiments" / "activation_cost.json"
    download = project / "book" / "_build" / "html" / "downloads" / "chapter.zip"
    before = download.read_bytes()
    data.write_text(data.read_text().replace("{", '{"edited": true, ', 1))
    after = build(project)
    assert after.returncode == 0, log(after)
    assert EXECUTED in log(after)
    assert download.read_bytes() != before


def _receipts(project: Path) -> dict[str, dict]:
    path = project / "book" / "_build" / "html" / "_static" / "receipts" / "chapter.json"
    return json.loads(path.read_text())["receipts"]


def test_glued_values_carry_receipts_in_the_page_the_json_the_evidence_and_the_download(built):
    """Each glued value is a receipted element; its receipt (the glue output's provenance,
    its section, the rerun command) is in the page's JSON, on the evidence page and in the
    chapter's download (see book/_ext/bendlines_receipts.py)."""
    import nbformat

    html = built / "book" / "_build" / "html"
    page = (html / "chapter.html").read_text()
    for rid in ("chapter:half", "chapter:half:.2f"):
        assert (
            f'<span class="bl-receipt" role="button" tabindex="0" aria-haspopup="dialog" '
            f'data-receipt="{rid}">'
        ) in page
    assert "_static/receipts/receipts.js" in page
    assert "receipts.js" not in (html / "index.html").read_text()  # no value, no panel
    receipts = _receipts(built)
    assert receipts.keys() == {"chapter:half", "chapter:half:.2f"}
    half, two_places = receipts["chapter:half"], receipts["chapter:half:.2f"]
    assert (half["value"], two_places["value"]) == ("0.5", "0.50")
    assert half["code"] == ["bendlines.render.show"] and half["seeds"] == [3, 4]
    assert half["settings"] == {"n": 2} and half["store"] == [] and half["method"] == ""
    assert half["api"] == {}  # the tiny book has no API reference to link
    assert half["section"] == "Results" and half["belongs_to"] is None
    assert half["tests"] == []  # the tiny project has no tests
    assert two_places["rerun"] == ".venv/bin/python -m bendlines.receipts chapter:half:.2f"
    evidence = (html / "evidence.html").read_text()
    assert "chapter:half:.2f" in evidence and "No test names it yet." in evidence
    with zipfile.ZipFile(html / "downloads" / "chapter.zip") as archive:
        shipped = json.loads(archive.read("chapter/receipts.json"))["receipts"]
        plain = nbformat.reads(archive.read("chapter/chapter.ipynb"), as_version=4)
    assert shipped == receipts
    assert "python -m bendlines.receipts chapter:half" in plain.cells[-1].source


def test_receipts_follow_test_markers_and_chapter_edits_without_re_executing(built):
    """A test that declares a glue key joins its receipts (and the evidence page) on the next
    build; an edited chapter updates its receipts; neither runs the notebook again."""
    tests = built / "tests"
    tests.mkdir()
    (tests / "test_tiny.py").write_text(
        'import pytest\n\n\n@pytest.mark.receipts("chapter:ha*")\ndef test_half():\n    pass\n'
    )
    result = build(built)
    assert result.returncode == 0, log(result)
    assert EXECUTED not in log(result)
    assert {r["tests"][0] for r in _receipts(built).values()} == {"tests/test_tiny.py::test_half"}
    evidence = built / "book" / "_build" / "html" / "evidence.html"
    assert "tests/test_tiny.py::test_half" in evidence.read_text()

    chapter = built / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("## Results", "## Outcome"))
    result = build(built)
    assert result.returncode == 0, log(result)
    assert {r["section"] for r in _receipts(built).values()} == {"Outcome"}
    assert "Outcome" in evidence.read_text() and "Results" not in evidence.read_text()
