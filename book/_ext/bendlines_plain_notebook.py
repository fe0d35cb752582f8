"""A chapter as a plain Jupyter notebook, with the outputs the build computed.

Its markdown has no MyST left (``bendlines_plain_markdown``): glued values are replaced by
their text, ``{numref}`` by "Figure N", ``{cite}`` by "(Author, year)" with the references
listed at the end, admonitions and dropdowns by plain markdown, and links that would break
next to the notebook point at the published site. Each figure's caption follows its cell.
The first cell installs the package and its pins from the download's folder and defines
``glue`` and the plain display of printed markdown (``bendlines_plain_outputs``, whose source
it carries). Every notebook is checked for MyST left over (``bendlines_myst.myst_left``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import bendlines_plain_outputs
import nbformat
from bendlines_cache import cache_path
from bendlines_citations import Bibliography
from bendlines_myst import myst_left, myst_parser, roles
from bendlines_plain_markdown import Converter, glue_data
from bendlines_plain_outputs import plain_markdown
from bendlines_receipts import download_receipts
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def executed_notebook(app: Sphinx, source: Path) -> nbformat.NotebookNode:
    """The notebook of a MyST page, with outputs from the execution cache when it has them."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
    cache = get_cache(cache_path(app))
    for record in cache.list_cache_records():
        if Path(record.uri) == source:
            _, notebook = cache.merge_match_into_notebook(notebook)
            break
    return notebook


SETUP_MARKDOWN = """\
# {title}

This notebook is a chapter of *Bending Lines* ({version}), an executable book on why neural
networks need activation functions: <{url}>. It runs top to bottom in a fresh Python 3.11+
that has Jupyter: the first cell installs the book's package, `bendlines`, and the exact
versions of numpy, matplotlib and scipy the book was built with, from the files next to this
notebook. The figure scripts it imports are next to it too. Text and figures: CC BY 4.0;
code: MIT (see the licence files in this folder).
"""

#: The first code cell, before the source of ``bendlines_plain_outputs``.
_SETUP_PREAMBLE = '''\
# Installs bendlines and its pinned dependencies from this folder (once per environment).
import json
import os
import subprocess
import sys
from pathlib import Path

# One thread for numpy, as when the book was built: the nets are tiny, and the numbers match.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The notebook's folder: Jupyter runs it there (and names the notebook in JPY_SESSION_NAME).
session = Path(os.environ.get("JPY_SESSION_NAME", "")).parent
here = session if (session / "requirements.txt").is_file() else Path.cwd()
wheels = sorted(here.glob("bendlines-*.whl"))
if not wheels or not (here / "requirements.txt").is_file():
    raise FileNotFoundError(
        f"{here} does not hold this notebook's files: open the notebook from the folder "
        "its download unpacks to (it holds requirements.txt and a bendlines wheel)"
    )
pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
subprocess.run([*pip, "--require-hashes", "-r", str(here / "requirements.txt")], check=True)
subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheels[-1])], check=True)
# Importing bendlines before numpy asks for the OpenBLAS kernel and numpy code level the book's
# stored results were made with (a kernel set in the environment is kept), so the numbers
# below come out bit for bit as on the site; if numpy was loaded first, it says so.
import bendlines.blas  # noqa: E402

if (why := bendlines.blas.mismatch()) is not None:
    print("Numbers may differ from the site's in the last digits:", why)
# Figure and table numbers and citations, for the markdown the code prints.
# The stored results of the chapter's heavy experiments, shipped in this folder (read, not
# recomputed; an entry the code no longer matches is computed and written here).
if (here / "results").is_dir():
    os.environ["BENDLINES_RESULTS"] = str(here / "results")
BOOK = json.loads((here / "book.json").read_text(encoding="utf-8"))


def glue(name, value, display=True):
    """Keep a value the book pastes into its text (the text below shows what the book
    computed); like MyST-NB's glue, it is shown only when display is true."""
    import IPython

    data, metadata = IPython.core.formatters.format_display_data(value)
    prefix = "" if display else "application/papermill.record/"
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    IPython.display.display({prefix + k: v for k, v in data.items()}, raw=True, metadata=metadata)


'''


def setup_code() -> str:
    """The notebook's first code cell: the set-up, then the plain display of printed
    markdown, from the same module the build uses on the outputs it ships."""
    source = Path(bendlines_plain_outputs.__file__).read_text(encoding="utf-8")
    return f"{_SETUP_PREAMBLE}{source}\n\nshow_plain_markdown(BOOK)\n"


def without_glue_import(code: str) -> str:
    """``code`` without its ``from myst_nb import glue`` statements (the first cell defines
    ``glue``); code that is not plain Python (magics) is returned as it is."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    drop: set[int] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "myst_nb"
            and [alias.name for alias in node.names] == ["glue"]
            and not node.names[0].asname
        ):
            drop.update(range(node.lineno, node.end_lineno + 1))
    lines = code.splitlines(keepends=True)
    return "".join(line for number, line in enumerate(lines, 1) if number not in drop)


def without_title(markdown: str) -> str:
    """``markdown`` without the top-level heading it starts with, if it starts with one."""
    tokens = myst_parser().parse(markdown)
    if not tokens or tokens[0].type != "heading_open" or tokens[0].tag != "h1":
        return markdown
    start, end = tokens[0].map
    return "\n".join(markdown.split("\n")[:start] + markdown.split("\n")[end:])


def book_data(app: Sphinx, docname: str, bibliography: Bibliography) -> dict[str, dict]:
    """What the notebook needs to make printed MyST plain: the numbers of this chapter's
    figures and tables by label, and every reference's in-text citation."""
    numbers = {}
    fignumbers = app.env.toc_fignumbers.get(docname, {})
    for label, (doc, node_id) in app.env.domains["std"].anonlabels.items():
        for kind, known in fignumbers.items() if doc == docname else ():
            if node_id in known:
                number = ".".join(map(str, known[node_id]))
                numbers[label] = app.config.numfig_format.get(kind, "%s").replace("%s", number)
    cite = {
        key: [bibliography.textual(key), bibliography.parenthetical(key)]
        for key in sorted(bibliography.entries.keys())
    }
    return {"numbers": dict(sorted(numbers.items())), "cite": cite}


def _cited(text: str) -> list[tuple[str, list[str]]]:
    """``(role, keys)`` of every citation role in ``text``, as the MyST parser finds them
    (in directives' bodies too)."""
    return [
        (name, [key.strip() for key in content.split(",") if key.strip()])
        for name, content in roles(text)
        if name.startswith("cite")
    ]


def _plain_outputs(outputs: list, book: dict, bibliography: Bibliography) -> list:
    """Outputs with their printed markdown made plain by the code the notebook runs."""
    for output in outputs:
        for mime, value in output.get("data", {}).items():
            if mime.endswith("text/markdown"):
                text = "".join(value) if isinstance(value, list) else value
                for role, keys in _cited(text):
                    bibliography.cite(keys, False, role)
                output["data"][mime] = plain_markdown(text, book)
    return outputs


def plain_notebook(
    app: Sphinx, docname: str, local_files: dict[str, str]
) -> tuple[nbformat.NotebookNode, dict]:
    """The chapter as a plain Jupyter notebook (see the module docstring), and the data its
    first cell reads from ``book.json``."""
    source = Path(app.env.doc2path(docname))
    executed = executed_notebook(app, source)
    glued = glue_data(executed)
    bibliography = Bibliography(Path(app.srcdir) / app.config.bibtex_bibfiles[0])
    converter = Converter(app, docname, glued, bibliography, local_files)
    book = book_data(app, docname, bibliography)
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    cells = [
        nbformat.v4.new_markdown_cell(
            SETUP_MARKDOWN.format(
                title=title, version=app.config.version, url=converter.page_url(docname)
            )
        ),
        nbformat.v4.new_code_cell(setup_code()),
    ]
    first_heading = True
    for cell in executed.cells:
        if cell.cell_type == "markdown":
            text = converter.convert(cell.source)
            if first_heading:  # the title is in the first cell already
                text, first_heading = without_title(text), False
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))
            continue
        if cell.cell_type != "code":
            continue
        code = without_glue_import(cell.source)
        if "myst_nb" in code:
            raise ExtensionError(
                f"{docname}: a code cell uses myst_nb beyond `from myst_nb import glue`, "
                "which the chapter download cannot provide"
            )
        # Glued values stay in the outputs, hidden as MyST-NB hides them, so a rerun can be
        # compared with the build's numbers.
        outputs = _plain_outputs(cell.get("outputs", []), book, bibliography)
        new = nbformat.v4.new_code_cell(code, outputs=outputs)
        new.metadata = {k: v for k, v in cell.metadata.items() if k in {"tags"}}
        cells.append(new)
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if figure.get("caption"):
            caption = converter.convert(figure["caption"]).strip()
            if figure.get("name"):
                _, number, _ = converter.number(figure["name"])
                caption = (
                    f"**{app.config.numfig_format['figure'].replace('%s', number)}.** {caption}"
                )
            cells.append(nbformat.v4.new_markdown_cell(caption))
    if bibliography.cited:
        cells.append(nbformat.v4.new_markdown_cell(bibliography.references()))
    receipts = download_receipts(app, docname)
    if receipts is not None:  # how to rerun a number, last
        cells.append(nbformat.v4.new_markdown_cell(receipts[1].strip("\n")))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = None
        if cell.cell_type == "markdown":
            left = myst_left(cell.source)
        else:
            left = [
                found
                for output in cell.outputs
                for mime, value in output.get("data", {}).items()
                if mime.endswith("text/markdown")
                for found in myst_left("".join(value) if isinstance(value, list) else value)
            ]
        if left:
            raise ExtensionError(f"{docname}: MyST syntax the download cannot convert: {left}")
    nbformat.validate(notebook)
    return notebook, book
