"""Execution cache for the book: safe to start, never stale.

1. A missing, half-created or corrupt jupyter-cache is cleared and created afresh before
   any (possibly parallel) reader touches it, so ``-j`` builds do not race on creating it.
   The check reads every record; the digest of the cache's files it passed is kept, and a
   cache whose files still have that digest is not read again.
2. MyST-NB's cache hashes only cell sources, so each chapter is also keyed by everything it
   reads: every file of ``src/bendlines`` (modules and data files such as the gallery's cost
   table), the lock file, the figure scripts it imports (every name of a multi-name import,
   found by the AST walk the downloads use), with those they import, and the stored results
   (``results/``) of the experiment modules they reach. When any of them changes, the
   chapter's cache record is dropped and it re-executes; when nothing changed, nothing
   executes.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

from bendlines_freshness import digest
from bendlines_imports import (
    chapter_code,
    figure_scripts,
    load_memo,
    save_memo,
    stored_results,
)
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "bendlines"
DIGESTS = "bendlines-dependencies.json"
PARSED = "bendlines-parsed.json"  # what chapters and scripts import, by their text's digest
VERIFIED = "bendlines-verified.sha256"  # the cache's content when it last passed the check


# --- a safe cache ---------------------------------------------------------------------------
def cache_path(app: Sphinx) -> Path:
    """Folder of MyST-NB's jupyter-cache for this build."""
    configured = app.config.nb_execution_cache_path
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def cache_problem(path: Path) -> str | None:
    """Why the cache at ``path`` cannot be used, or None if it is sound (or absent)."""
    if not path.exists():
        return None
    database = path / "global.db"
    if not database.is_file():
        return "it has no database (a half-created cache)"
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            return f"its database failed an integrity check ({verdict})"
        from jupyter_cache import get_cache

        cache = get_cache(path)
        for record in cache.list_cache_records():
            cache.get_cache_bundle(record.pk)
    except Exception as error:  # any failure to read it means: rebuild it
        return f"it cannot be read ({type(error).__name__}: {error})"
    return None


def cache_content(path: Path) -> str:
    """A digest of the cache's own files (its database and executed notebooks), without the
    files this extension keeps beside them."""
    ours = {DIGESTS, PARSED, VERIFIED}
    files = [
        p
        for p in path.rglob("*")
        if p.is_file() and p.name not in ours and not p.name.endswith((".tmp", ".partial"))
    ]
    return digest(files, path)


def _prepare_cache(app: Sphinx) -> None:
    path = cache_path(app)
    verified = path / VERIFIED
    try:  # the very bytes a previous build checked need no second check
        checked = verified.read_text(encoding="ascii").strip() == cache_content(path)
    except OSError:
        checked = False
    problem = None if checked else cache_problem(path)
    if problem:
        logger.info("bendlines: clearing the execution cache at %s: %s", path, problem)
        shutil.rmtree(path)
    from jupyter_cache import get_cache

    # Creating the database here, in the main process, keeps parallel readers from racing.
    get_cache(path).list_cache_records()
    if not checked:
        partial = verified.with_name(verified.name + ".partial")
        partial.write_text(cache_content(path) + "\n", encoding="ascii")
        os.replace(partial, verified)
    load_memo(path / PARSED)


def _save_parsed(app: Sphinx, exception: Exception | None) -> None:
    """Keep what this build parsed for the next one (after the downloads' scan)."""
    if exception is None:
        save_memo(cache_path(app) / PARSED)


# --- never-stale chapters -------------------------------------------------------------------
def _is_notebook(text: str) -> bool:
    return "```{code-cell}" in text


def package_files(package: Path = PACKAGE) -> list[Path]:
    """Every file of the package a chapter may read: modules and data, not bytecode."""
    return sorted(
        path
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def dependencies(source: Path, root: Path = ROOT) -> list[Path]:
    """Files whose edits must re-execute the chapter at ``source``.

    Every chapter runs the package, so all of ``src/bendlines`` counts (its data files too),
    and so does the lock file; of the figure scripts, those the chapter's code cells import,
    directly or through other figure scripts; of the results store, the entries of the
    experiment modules the chapter or those scripts reach (what it reads instead of
    recomputing, as its download holds them).
    """
    code = chapter_code(source.read_text(encoding="utf-8"))
    package = root / "src" / "bendlines"
    lock = root / "requirements.lock"
    scripts = figure_scripts(code, root / "figures")
    reached = [*code, *(script.read_text(encoding="utf-8") for script in scripts)]
    return [*package_files(package), lock, *scripts, *stored_results(reached, root)]


def _digest(paths: list[Path]) -> str:
    return digest(paths, ROOT)


def _note_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    if _is_notebook(source[0]):
        for path in dependencies(Path(app.env.doc2path(docname))):
            app.env.note_dependency(str(path))


def _stale_chapters(app: Sphinx, env, added, changed, removed) -> list[str]:
    from jupyter_cache import get_cache

    path = cache_path(app)
    store = path / DIGESTS
    try:
        known = json.loads(store.read_text())
    except (OSError, ValueError):
        known = {}
    cache = get_cache(path)
    records = cache.list_cache_records()
    stale, digests = [], {}
    for docname in sorted(env.found_docs):
        source = Path(env.doc2path(docname))
        if not source.is_file() or not _is_notebook(source.read_text(encoding="utf-8")):
            continue
        digests[docname] = _digest(dependencies(source))
        if known.get(docname) == digests[docname]:
            continue
        for record in records:
            if Path(record.uri) == source:
                cache.remove_cache(record.pk)
        if docname not in added and docname not in changed:
            stale.append(docname)
    if stale:
        logger.info("bendlines: code changed under %s: re-executing", ", ".join(stale))
    tmp = store.with_suffix(".tmp")
    tmp.write_text(json.dumps(digests, indent=1, sort_keys=True))
    os.replace(tmp, store)
    return stale


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _prepare_cache)
    app.connect("source-read", _note_dependencies)
    app.connect("env-get-outdated", _stale_chapters)
    app.connect("build-finished", _save_parsed, priority=995)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
