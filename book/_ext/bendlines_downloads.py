"""The chapter downloads: ``downloads/<chapter>.zip`` for every chapter that has code cells.

Each zip holds one folder with:

- ``<chapter>.ipynb``: the chapter as a plain Jupyter notebook, with the outputs the build
  computed (``bendlines_plain_notebook``);
- the figure scripts the chapter imports (and those they import), next to the notebook, so
  ``import NAME`` finds them, and the stored results of the experiments it reads
  (``bendlines_imports``);
- a wheel of ``bendlines`` and ``requirements.txt``: the package's dependencies pinned to the
  versions (and hashes) of the book's lock file, which the notebook's first cell installs;
- ``book.json`` (figure and table numbers, citations) and the licences;
- ``receipts.json``: the chapter's receipts (``bendlines_receipts``), which the notebook's last
  cell explains.

The notebook alone is also written to ``_sources/<page>.ipynb``. The archives are byte-for-
byte reproducible and rewritten only when their content changes.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from bendlines_freshness import Stamp, digest, files_under, write_if_changed
from bendlines_imports import chapter_code, figure_scripts, remembered, stored_results
from bendlines_myst import directive_blocks
from bendlines_plain_notebook import plain_notebook
from bendlines_receipts import download_inputs as receipt_inputs
from bendlines_receipts import download_receipts
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

DOWNLOADS = "downloads"  # the zips' folder in the site
#: A fixed date for every archive member (zip cannot store dates before 1980).
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def is_notebook(app: Sphinx, docname: str) -> bool:
    """Whether a page of the book has code cells (and so a notebook and a download)."""
    if docname not in app.env.all_docs:
        return False
    source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    return remembered(
        "has code cells", source, lambda text: bool(directive_blocks(text, "code-cell"))
    )


def pinned_requirements(lock: Path, roots: list[str]) -> str:
    """The lock file's entries (with hashes) for ``roots`` and everything they need, as
    installed here (for ``bendlines``: its runtime dependencies, not the book's tools)."""
    import importlib.metadata as metadata

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    blocks: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8")):
        head = re.match(r"([A-Za-z0-9][\w.-]*)==", block)
        if head:
            lines = [ln for ln in block.rstrip().splitlines() if not ln.strip().startswith("#")]
            blocks[canonicalize_name(head.group(1))] = "\n".join(lines).rstrip(" \\")
    needed: set[str] = set()
    todo = list(roots)
    environment = {**default_environment(), "extra": ""}
    while todo:
        requirement = Requirement(todo.pop())
        name = canonicalize_name(requirement.name)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        if name in needed:
            continue
        needed.add(name)
        todo.extend(metadata.distribution(name).requires or [])
    missing = sorted(needed - blocks.keys())
    if missing:
        raise ExtensionError(f"{lock.name} pins no version of {', '.join(missing)}")
    return "\n".join(blocks[name] for name in sorted(needed)) + "\n"


def build_wheel(root: Path, into: Path) -> Path:
    """A wheel of the package in ``root`` (hatchling writes reproducible wheels)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--quiet", "-w", str(into), str(root)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    wheels = sorted(into.glob("bendlines-*.whl"))
    if result.returncode or not wheels:
        raise ExtensionError(f"could not build the bendlines wheel:\n{result.stderr}")
    return wheels[-1]


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (archive name -> content) that is the same for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def chapter_files(app: Sphinx, docname: str, wheel: Path, requirements: str) -> dict[str, bytes]:
    """Everything the download of one chapter holds, by archive name."""
    root = Path(app.srcdir).parent
    code = chapter_code(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
    scripts = figure_scripts(code, root / "figures")
    local = {f"figures/{s.name}": s.name for s in scripts}
    notebook, book = plain_notebook(app, docname, local)
    folder = docname.replace("/", "-")
    files = {
        f"{folder}/{folder}.ipynb": nbformat.writes(notebook).encode("utf-8") + b"\n",
        f"{folder}/requirements.txt": requirements.encode("utf-8"),
        f"{folder}/book.json": json.dumps(book, indent=1, ensure_ascii=False).encode() + b"\n",
        f"{folder}/{wheel.name}": wheel.read_bytes(),
    }
    for script in scripts:
        files[f"{folder}/{script.name}"] = script.read_bytes()
    reached = [*code, *(s.read_text(encoding="utf-8") for s in scripts)]
    for entry in stored_results(reached, root):
        files[f"{folder}/results/{entry.name}"] = entry.read_bytes()
    receipts = download_receipts(app, docname)
    if receipts is not None:
        files[f"{folder}/receipts.json"] = receipts[0]
    for licence in ("LICENSE", "LICENSE-CONTENT.md"):
        if (root / licence).is_file():
            files[f"{folder}/{licence}"] = (root / licence).read_bytes()
    return files


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Write every chapter's download and notebook (at the end of an HTML build)."""
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir).parent
    chapters = [d for d in sorted(app.env.found_docs) if is_notebook(app, d)]
    if not chapters:
        return
    outputs = [Path(app.outdir) / DOWNLOADS / f"{d}.zip" for d in chapters]
    outputs += [Path(app.outdir) / "_sources" / f"{d}.ipynb" for d in chapters]
    current = digest(download_inputs(root), root)
    stamp = Stamp(app.doctreedir, "downloads")
    if stamp.fresh(current, outputs):
        return
    dependencies = importlib.metadata.distribution("bendlines").requires or []
    requirements = pinned_requirements(root / "requirements.lock", dependencies)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(root, Path(scratch))
        for docname in chapters:
            files = chapter_files(app, docname, wheel, requirements)
            folder = docname.replace("/", "-")
            notebook = files[f"{folder}/{folder}.ipynb"]
            write_if_changed(Path(app.outdir) / "_sources" / f"{docname}.ipynb", notebook)
            write_if_changed(Path(app.outdir) / DOWNLOADS / f"{docname}.zip", zip_bytes(files))
    stamp.record(current)


def download_inputs(root: Path) -> list[Path]:
    """Every file a chapter download is made from: the book's sources and build glue (the
    text, numbering and citations), the package and its metadata (the wheel), the figure
    scripts, the stored results, the pins and the licences. The executed outputs come from
    the execution cache, which changes only when these do."""
    book = root / "book"
    return [
        *files_under(book, "*.md"),
        *files_under(book / "_ext"),
        book / "conf.py",
        book / "references.bib",
        *files_under(root / "src" / "bendlines"),
        *files_under(root / "figures", "*.py"),
        *files_under(root / "results"),
        *(root / name for name in ("requirements.lock", "pyproject.toml", "README.md")),
        *(root / name for name in ("LICENSE", "LICENSE-CONTENT.md")),
        *receipt_inputs(root),  # the tests each receipt names
    ]
