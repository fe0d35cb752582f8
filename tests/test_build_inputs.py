"""The no-change ``make book``: sphinx-build is skipped only when nothing it reads changed.

``book/_ext/bendlines_build_inputs.py`` stands in front of sphinx-build. These tests build a
small copy of the book (tests/test_build.py's tiny project, whose chapter also reads the
results store) through it, and check that editing each kind of input runs the build again
and changes the output where it should, that nothing else does, and, with an audit hook in
every Python process of the build (Sphinx, the chapter's kernel, the wheel build), that every
file of the project the build opens is one of the inputs the digest covers.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import CHAPTER, EXECUTED, write_project

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import bendlines_build_inputs  # noqa: E402

SKIPPED = "is up to date: no input of the book changed"
RAN = "Running Sphinx"
#: The tiny chapter, reading the results store through an experiment module.
READING_CHAPTER = CHAPTER.replace(
    "import tiny_figure\n", "import tiny_figure\nimport bendlines.experiments.swish_beta\n"
)
ENTRY = "results/swish_beta-fake-0000.npz"

#: Every Python process of the build loads this (it is on PYTHONPATH) and logs each file it
#: opens for reading under the project folder.
AUDIT_HOOK = """\
import os
import sys

_LOG = os.environ["BENDLINES_TEST_AUDIT_LOG"]
_ROOT = os.environ["BENDLINES_TEST_AUDIT_ROOT"] + os.sep
_busy = []


def _opened(event, args):
    if event != "open" or _busy or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    mode, flags = args[1], args[2]
    writing = ("w" in mode or "a" in mode or "x" in mode) if isinstance(mode, str) else (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
    )
    path = os.path.abspath(os.fsdecode(args[0]))
    if writing or not path.startswith(_ROOT):
        return
    _busy.append(1)
    try:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {path}\\n")
    finally:
        _busy.pop()


sys.addaudithook(_opened)
"""


def make_book(project: Path, environ: dict[str, str]) -> subprocess.CompletedProcess:
    """What ``make book`` runs, on the tiny project."""
    html = project / "book" / "_build" / "html"
    command = [sys.executable, str(project / "book" / "_ext" / "bendlines_build_inputs.py")]
    command += ["--outdir", str(html), "--", sys.executable, "-m", "sphinx", "-b", "html"]
    command += ["-W", "--keep-going", "-n", str(project / "book"), str(html)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=900, env=environ, cwd=project
    )


def log(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def place(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The folder the project lives in, and the environment every build runs with (the audit
    hook on PYTHONPATH; the same for every build, as the environment is an input)."""
    base = tmp_path_factory.mktemp("inputs")
    hooks = base / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(AUDIT_HOOK)
    project = base / "project"
    environ = {
        **os.environ,
        "PYTHONPATH": str(hooks),
        "BENDLINES_TEST_AUDIT_LOG": str(base / "opened.log"),
        "BENDLINES_TEST_AUDIT_ROOT": str(project),
    }
    environ.pop("BENDLINES_ALWAYS_BUILD", None)
    environ.pop("BENDLINES_RESULTS", None)
    return project, environ


@pytest.fixture(scope="session")
def first_build(place, tmp_path_factory) -> tuple[Path, str, list[tuple[str, str]]]:
    """One build of the tiny book from nothing: a snapshot of the built project (with its
    timestamps), the build's log and the files its processes opened for reading (process
    id, path)."""
    project, environ = place
    write_project(project)
    (project / "book" / "chapter.md").write_text(READING_CHAPTER)
    (project / "results").mkdir()
    (project / ENTRY).write_bytes(b"a stored run")
    opened = Path(environ["BENDLINES_TEST_AUDIT_LOG"])
    opened.unlink(missing_ok=True)
    result = make_book(project, environ)
    assert result.returncode == 0, log(result)
    reads = sorted({tuple(line.split(" ", 1)) for line in opened.read_text().splitlines()})
    snapshot = tmp_path_factory.mktemp("inputs-snapshot") / "project"
    shutil.copytree(project, snapshot, symlinks=True)
    return snapshot, log(result), reads


@pytest.fixture
def built(place, first_build) -> Path:
    """The tiny book as its first build left it (copied back with its timestamps)."""
    project = place[0]
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(first_build[0], project, symlinks=True)
    return project


def html(project: Path) -> Path:
    return project / "book" / "_build" / "html"


def test_a_rebuild_with_no_change_skips_sphinx_and_touches_nothing(built, place, first_build):
    assert EXECUTED in first_build[1] and RAN in first_build[1]
    before = bendlines_build_inputs.output_manifest(html(built))
    again = make_book(built, place[1])
    assert again.returncode == 0, log(again)
    assert SKIPPED in log(again) and RAN not in log(again)
    assert bendlines_build_inputs.output_manifest(html(built)) == before


def test_every_file_the_build_reads_is_an_input(built, first_build):
    """Nothing the build opens under the project escapes the digest, except its own outputs
    and caches (the build folder) and bytecode."""
    project = built
    inputs = {str(p) for p in bendlines_build_inputs.input_files(project)}
    # Sphinx, the chapter's kernel and the wheel build (pip and its build backend) all report
    assert len({pid for pid, _ in first_build[2]}) >= 3
    reads = sorted({Path(path) for _, path in first_build[2]})
    assert project / "book" / "chapter.md" in reads
    assert project / ENTRY in reads
    missed = [
        str(p.relative_to(project))
        for p in reads
        if p.is_file()
        and str(p) not in inputs
        and "_build" not in p.relative_to(project).parts
        and "__pycache__" not in p.parts
    ]
    assert missed == []


def _zip(project: Path) -> bytes:
    return (html(project) / "downloads" / "chapter.zip").read_bytes()


def _images(project: Path) -> str:
    return " ".join(
        re.findall(r'<img[^>]*src="([^"]+)"', (html(project) / "chapter.html").read_text())
    )


def _bundle(project: Path) -> str:
    page = (html(project) / "chapter.html").read_text()
    name = re.search(r'href="_static/(bundle\.[0-9a-f]+\.css)"', page)
    return (html(project) / "_static" / name.group(1)).read_text() if name else ""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))


# Each kind of input: (edit, what of the output reads it).
Edit = Callable[[Path], None]
Observe = Callable[[Path], object]
KINDS: dict[str, tuple[Edit, Observe]] = {
    "chapter": (
        lambda p: _replace(p / "book" / "chapter.md", "A formula", "One formula"),
        lambda p: "One formula" in (html(p) / "chapter.html").read_text(),
    ),
    "package module": (
        lambda p: _replace(
            p / "src" / "bendlines" / "render.py", "\nimport", '\nEDITED = "yes"\nimport'
        ),
        _zip,
    ),
    "package data file": (
        lambda p: _replace(
            p / "src" / "bendlines" / "experiments" / "activation_cost.json", "{", '{"e": 1, '
        ),
        _zip,
    ),
    "figure script": (
        lambda p: _replace(p / "figures" / "tiny_figure.py", "[0, 1], [0, 1]", "[0, 1], [1, 0]"),
        _images,
    ),
    "extension": (
        lambda p: _replace(
            p / "book" / "_ext" / "bendlines_html.py", '"connect-src', '"connect-src \'self\'", "x'
        ),
        lambda p: "connect-src 'self'; x" in (html(p) / "chapter.html").read_text(),
    ),
    "static file": (
        lambda p: (p / "book" / "_static" / "bendlines.css").write_text(
            (p / "book" / "_static" / "bendlines.css").read_text() + "\nb { color: #123456; }\n"
        ),
        lambda p: "#123456" in _bundle(p),
    ),
    "conf.py": (
        lambda p: _replace(p / "book" / "conf.py", 'html_title = "Bending', 'html_title = "Bent'),
        lambda p: "Bent Lines" in (html(p) / "chapter.html").read_text(),
    ),
    "results entry": (
        lambda p: (p / ENTRY).write_bytes(b"a refilled run"),
        lambda p: zipfile.ZipFile(html(p) / "downloads" / "chapter.zip").read(
            "chapter/results/swish_beta-fake-0000.npz"
        ),
    ),
}


def test_editing_every_kind_of_input_rebuilds_and_changes_each_output(built, place):
    """One real build after editing one file of each kind: every output that reads an edited
    input changes, and the chapter re-executes. (That each kind alone runs the build is
    checked per file with the stand-in build below, and that nothing the build opens escapes
    the digest by the audit hook above: together they cost one build here, not one a kind.)"""
    project, environ = built, place[1]
    before = {kind: observe(project) for kind, (_, observe) in KINDS.items()}
    for edit, _ in KINDS.values():
        edit(project)
    result = make_book(project, environ)
    assert result.returncode == 0, log(result)
    assert RAN in log(result) and SKIPPED not in log(result)
    assert EXECUTED in log(result)
    unchanged = [kind for kind, (_, observe) in KINDS.items() if observe(project) == before[kind]]
    assert unchanged == []
    again = make_book(project, environ)  # and then it is up to date again
    assert again.returncode == 0 and SKIPPED in log(again), log(again)


def test_deleted_outputs_are_made_again(built, place):
    project = built
    outputs = [html(project) / "chapter.html", html(project) / "downloads" / "chapter.zip"]
    before = [path.read_bytes() for path in outputs]
    for path in outputs:
        path.unlink()
    result = make_book(project, place[1])
    assert result.returncode == 0, log(result)
    assert RAN in log(result)
    assert [path.read_bytes() for path in outputs] == before


def test_an_environment_variable_that_steers_the_build_rebuilds(built, place):
    project = built
    environ = {**place[1], "BENDLINES_BASEURL": "https://example.org/elsewhere/"}
    result = make_book(project, environ)
    assert result.returncode == 0, log(result)
    assert RAN in log(result)
    assert (
        "https://example.org/elsewhere/chapter.html" in (html(project) / "chapter.html").read_text()
    )


# --- the input set, without building -------------------------------------------------------
def test_new_files_anywhere_in_the_book_count_and_build_outputs_do_not(tmp_path):
    root = write_project(tmp_path / "project")
    (root / "book" / "_ext" / "bendlines_receipts.py").write_text("x = 1\n")
    (root / "book" / "_templates").mkdir(exist_ok=True)
    (root / "book" / "_templates" / "page.html").write_text("{{ body }}\n")
    for noise in ("book/_build/html/index.html", "src/bendlines/__pycache__/x.pyc",
                  "tests/test_x.py", ".venv/bin/python", "figures/_build/a.svg"):  # fmt: skip
        (root / noise).parent.mkdir(parents=True, exist_ok=True)
        (root / noise).write_text("noise\n")
    found = {p.relative_to(root).as_posix() for p in bendlines_build_inputs.input_files(root)}
    expected = {
        "book/_ext/bendlines_receipts.py",
        "book/_templates/page.html",
        "book/conf.py",
        "src/bendlines/render.py",
        "figures/tiny_figure.py",
        "requirements.lock",
    }
    assert expected <= found
    assert not any(
        p.startswith(("book/_build", "tests/", ".venv/", "figures/_build")) for p in found
    )
    assert not any(p.endswith(".pyc") for p in found)
    command = ["sphinx-build", "book", "out"]
    before = bendlines_build_inputs.input_digest(command, root, environ={})
    (root / "book" / "_ext" / "bendlines_receipts.py").write_text("x = 2\n")
    assert bendlines_build_inputs.input_digest(command, root, environ={}) != before


def test_the_digest_covers_the_command_and_the_kernel_settings(tmp_path):
    root = write_project(tmp_path / "project")
    facts = bendlines_build_inputs.input_digest
    base = facts(["sphinx-build", "book", "out"], root, environ={})
    assert facts(["sphinx-build", "-D", "bendlines_pdf=1", "book", "out"], root, environ={}) != base
    assert facts(["sphinx-build", "book", "out"], root, {"OPENBLAS_CORETYPE": "Haswell"}) != base
    assert facts(["sphinx-build", "book", "out"], root, {"UNRELATED_VARIABLE": "1"}) == base
    assert facts(["sphinx-build", "book", "out"], root, {"SOURCE_DATE_EPOCH": "0"}) != base


def test_the_day_counts_unless_the_build_date_is_fixed(monkeypatch):
    """The PDF's title page prints the day of the build: a new day builds again."""

    facts = bendlines_build_inputs.environment_facts
    today = facts(["sphinx-build"], environ={})
    fixed = facts(["sphinx-build"], environ={"SOURCE_DATE_EPOCH": "0"})
    tomorrow = datetime.date.fromisoformat(bendlines_build_inputs.today()) + datetime.timedelta(1)
    monkeypatch.setattr(bendlines_build_inputs, "today", tomorrow.isoformat)
    assert facts(["sphinx-build"], environ={}) != today
    assert facts(["sphinx-build"], environ={"SOURCE_DATE_EPOCH": "0"}) == fixed


def test_a_results_store_outside_the_project_counts_by_content(tmp_path):
    root = write_project(tmp_path / "project")
    store = tmp_path / "store"
    store.mkdir()
    (store / "a-b-c.npz").write_bytes(b"one")
    environ = {"BENDLINES_RESULTS": str(store)}
    before = bendlines_build_inputs.input_digest(["sphinx-build"], root, environ)
    (store / "a-b-c.npz").write_bytes(b"two")
    assert bendlines_build_inputs.input_digest(["sphinx-build"], root, environ) != before


def test_the_makefile_builds_the_book_through_the_check():
    makefile = (ROOT / "Makefile").read_text()
    assert "bendlines_build_inputs.py --outdir $(HTML) -- $(BIN)/sphinx-build" in makefile
    recipes = [line for line in makefile.splitlines() if line.startswith("\t")]
    assert not any("$(BIN)/sphinx-build -b html" in line for line in recipes)


def _check(project: Path, *code: str) -> subprocess.CompletedProcess:
    """The check in front of a stand-in build (Python ``code`` run in the project)."""
    command = [sys.executable, str(project / "book" / "_ext" / "bendlines_build_inputs.py")]
    command += ["--outdir", str(html(project)), "--", sys.executable, "-c", "\n".join(code)]
    environ = {k: v for k, v in os.environ.items() if k != "BENDLINES_ALWAYS_BUILD"}
    return subprocess.run(command, capture_output=True, text=True, cwd=project, env=environ)


WRITE_PAGE = (
    "from pathlib import Path",
    "out = Path('book/_build/html')",
    "out.mkdir(parents=True, exist_ok=True)",
    "(out / 'page.html').write_text('a page')",
    "print('built')",
)


def test_an_input_edited_while_the_build_runs_is_built_again(tmp_path):
    project = write_project(tmp_path / "project")
    edit = "chapter = Path('book/chapter.md'); chapter.write_text(chapter.read_text() + 'x')"
    first = _check(project, *WRITE_PAGE, edit)
    assert first.returncode == 0 and "built" in first.stdout, log(first)
    assert not bendlines_build_inputs.stamp_path(html(project)).exists()
    second = _check(project, *WRITE_PAGE, edit.replace("'x'", "''"))
    assert "built" in second.stdout  # built again, now from unchanged inputs
    third = _check(project, *WRITE_PAGE, edit.replace("'x'", "''"))
    assert "built" not in third.stdout and SKIPPED in third.stdout


def test_a_failed_build_records_nothing(tmp_path):
    """After a build fails, the same inputs must build again: the pages may be half-made, even
    where an earlier build of those inputs had succeeded."""
    project = write_project(tmp_path / "project")
    assert "built" in _check(project, *WRITE_PAGE).stdout
    assert bendlines_build_inputs.stamp_path(html(project)).exists()
    chapter = project / "book" / "chapter.md"
    good = chapter.read_text()
    chapter.write_text(good + "\nan edit that breaks the build\n")
    failed = _check(project, *WRITE_PAGE, "raise SystemExit(3)")
    assert failed.returncode == 3
    assert not bendlines_build_inputs.stamp_path(html(project)).exists()
    again = _check(project, *WRITE_PAGE, "raise SystemExit(3)")
    assert again.returncode == 3 and "built" in again.stdout
    chapter.write_text(good)  # undone: the inputs of the successful build, which must run again
    assert "built" in _check(project, *WRITE_PAGE).stdout


# Every kind of input, by a file of it (made when the tiny project has none), with the
# stand-in build: cheap enough to cover each one.
INPUT_FILES = [
    "book/chapter.md",
    "book/conf.py",
    "book/references.bib",
    "book/_ext/bendlines_html.py",
    "book/_ext/bendlines_receipts.py",  # an extension added later
    "book/_static/bendlines.css",
    "book/_templates/page.html",
    "src/bendlines/render.py",
    "src/bendlines/experiments/activation_cost.json",
    "figures/tiny_figure.py",
    "results/swish_beta-fake-0000.npz",
    "requirements.lock",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "CITATION.cff",
]


@pytest.mark.parametrize("name", INPUT_FILES)
def test_an_edit_to_any_input_runs_the_build(tmp_path, name):
    project = write_project(tmp_path / "project")
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(b"first\n")
    assert "built" in _check(project, *WRITE_PAGE).stdout
    assert SKIPPED in _check(project, *WRITE_PAGE).stdout
    path.write_bytes(path.read_bytes() + b"\n")
    assert "built" in _check(project, *WRITE_PAGE).stdout


@pytest.mark.parametrize("name", ["tests/test_x.py", "book/_build/html/other.html", ".venv/x"])
def test_files_that_are_not_inputs_leave_the_book_built(tmp_path, name):
    project = write_project(tmp_path / "project")
    assert "built" in _check(project, *WRITE_PAGE).stdout
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not read by the build\n")
    assert SKIPPED in _check(project, *WRITE_PAGE).stdout
