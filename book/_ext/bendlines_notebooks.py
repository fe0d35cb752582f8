"""Every chapter downloads as a zip that runs anywhere, in a fresh Python with only Jupyter.

``downloads/<chapter>.zip`` holds one folder with:

- ``<chapter>.ipynb``: the chapter as a plain Jupyter notebook, with the outputs the build
  computed. Its markdown has no MyST left: glued values are replaced by their text,
  ``{numref}`` by "Figure N", ``{cite}`` by "(Author, year)" with the references listed at
  the end, admonitions and dropdowns by plain markdown, and links that would break next to
  the notebook point at the published site. Each figure's caption follows its cell.
- the figure scripts the chapter imports (and those they import), next to the notebook, so
  ``import NAME`` finds them;
- a wheel of ``bendlines`` and ``requirements.txt``: the package's dependencies pinned to the
  versions (and hashes) of the book's lock file. The notebook's first cell installs both,
  so the notebook shows the numbers the site shows;
- the licences.

The theme's download menu offers the zip, and the notebook alone (``_sources/<page>.ipynb``).
The archives are byte-for-byte reproducible and rewritten only when their content changes.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from bendlines_cache import cache_path
from bendlines_imports import chapter_code, figure_scripts, stored_results
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

DOWNLOADS = "downloads"
#: A fixed date for every archive member (zip cannot store dates before 1980).
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _is_notebook(app: Sphinx, pagename: str) -> bool:
    return pagename in app.env.all_docs and "```{code-cell}" in Path(
        app.env.doc2path(pagename)
    ).read_text(encoding="utf-8")


def _offer_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and _is_notebook(app, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def _offer_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the zip to the theme's download menu, and drop its "print to PDF" entry (an
    inline ``onclick`` handler, which the pages' Content-Security-Policy forbids)."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("type") != "javascript"]
        if context.get("ipynb_source"):
            buttons.insert(
                0,
                {
                    "type": "link",
                    "url": context["pathto"](f"{DOWNLOADS}/{pagename}.zip", 1),
                    "text": ".zip",
                    "icon": "fas fa-file-zipper",
                    "tooltip": "Download the notebook with what it needs to run anywhere",
                    "label": "download-zip-button",
                },
            )
        group["buttons"] = buttons


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


# --- glued values ---------------------------------------------------------------------------
def glue_data(notebook: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """Every glued value of an executed notebook: name -> its mime bundle (as displayed)."""
    glued = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = len(scrapbook.get("mime_prefix", ""))
                glued[scrapbook["name"]] = {k[prefix:]: v for k, v in output["data"].items()}
    return glued


_GLUE_ROLE = re.compile(r"\{glue(?::(text|md|any))?\}`([^`]+)`")


def paste_glue(text: str, glued: dict[str, dict[str, str]], where: str) -> str:
    """Replace ``{glue:text}`` / ``{glue:md}`` / ``{glue}`` roles by the glued text."""
    from myst_nb.core.variables import format_plain_text

    def paste(match: re.Match) -> str:
        kind, spec = match.group(1) or "any", match.group(2)
        key, _, fmt = spec.rpartition(":") if ":" in spec else (spec, "", "")
        if kind == "md":
            fmt = ""  # the part after ':' names a markdown flavour, not a number format
        if key not in glued:
            raise ExtensionError(f"{where}: no glued value named {key!r}")
        data = glued[key]
        if kind == "md" or (kind == "any" and "text/markdown" in data):
            return data["text/markdown"]
        return format_plain_text(data["text/plain"], fmt or "s")

    return _GLUE_ROLE.sub(paste, text)


# --- references -------------------------------------------------------------------------------
@dataclass
class Bibliography:
    """The book's references.bib, cited the way the site cites it: (Author, year)."""

    path: Path
    cited: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from pybtex.database import parse_file

        self.entries = parse_file(str(self.path)).entries

    def _authors(self, key: str) -> str:
        entry = self.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [
            " ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "")
            for p in people
        ]
        if not last:
            return entry.fields.get("organization", key)
        if len(last) == 1:
            return last[0]
        if len(last) == 2:
            return f"{last[0]} and {last[1]}"
        return f"{last[0]} et al."

    def _year(self, key: str) -> str:
        return self.entries[key].fields.get("year", "n.d.")

    def textual(self, key: str) -> str:
        return f"{self._authors(key)} ({self._year(key)})"

    def parenthetical(self, key: str) -> str:
        return f"{self._authors(key)}, {self._year(key)}"

    def cite(self, keys: list[str], textual: bool, where: str) -> str:
        for key in keys:
            if key not in self.entries:
                raise ExtensionError(f"{where}: no reference {key!r} in {self.path.name}")
            if key not in self.cited:
                self.cited.append(key)
        if textual:
            return "; ".join(self.textual(k) for k in keys)
        return "(" + "; ".join(self.parenthetical(k) for k in keys) + ")"

    def references(self) -> str:
        """A markdown list of every reference cited, sorted by author and year."""
        lines = ["## References", ""]
        for key in sorted(self.cited, key=lambda k: (self._authors(k), self._year(k))):
            fields = self.entries[key].fields
            people = self.entries[key].persons.get("author", [])
            names = [str(p).replace("{", "").replace("}", "") for p in people]
            names = "; ".join(names)
            title = fields.get("title", "").replace("{", "").replace("}", "")
            venue = fields.get("journal") or fields.get("booktitle") or fields.get("publisher")
            item = f"- {names or self._authors(key)} ({self._year(key)}). {title}."
            if venue:
                item += f" *{venue.replace('{', '').replace('}', '')}*."
            if fields.get("doi"):
                item += f" <https://doi.org/{fields['doi']}>"
            elif fields.get("url"):
                item += f" <{fields['url']}>"
            lines.append(item)
        return "\n".join(lines) + "\n"


# --- MyST to plain Jupyter markdown --------------------------------------------------------
_ROLE = re.compile(r"\{([a-zA-Z][\w:-]*)\}`([^`]*)`")
_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
_FENCE = re.compile(r"^(\s*)(`{3,}|:{3,})\{([\w:-]+)\}[ \t]*(.*)$")
_OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*)$")
_TARGET = re.compile(r"^\(([\w:.-]+)\)=\s*$")
_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)(\s+\"[^\"]*\")?\)")
_EQ_LABEL = re.compile(r"\$\$[ \t]*\(([\w:.-]+)\)")
_ADMONITIONS = {
    "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
    "seealso", "admonition",
}  # fmt: skip
#: MyST syntax a plain notebook must not contain (checked on every download, and by the tests)
MYST_LEFT = re.compile(r"\{[a-zA-Z][\w:-]*\}`|^\s*(?:`{3,}|:{3,})\{|^\([\w:.-]+\)=\s*$|^%", re.M)


@dataclass
class Converter:
    """Turns one chapter's MyST markdown into plain Jupyter markdown."""

    app: Sphinx
    docname: str
    glued: dict[str, dict[str, str]]
    bibliography: Bibliography
    local_files: dict[str, str]  # repository path -> name next to the notebook

    @property
    def base(self) -> str:
        return self.app.config.html_baseurl.rstrip("/") + "/"

    def page_url(self, docname: str, anchor: str = "") -> str:
        return f"{self.base}{docname}.html" + (f"#{anchor}" if anchor else "")

    # roles -----------------------------------------------------------------------------
    def number(self, label: str) -> tuple[str, str, str]:
        """(kind, number, docname) of a numbered figure, table or equation label."""
        std = self.app.env.domains["std"]
        if label not in std.anonlabels:
            raise ExtensionError(f"{self.docname}: unknown reference target {label!r}")
        docname, node_id = std.anonlabels[label]
        for kind, numbers in self.app.env.toc_fignumbers.get(docname, {}).items():
            if node_id in numbers:
                return kind, ".".join(map(str, numbers[node_id])), docname
        raise ExtensionError(f"{self.docname}: {label!r} is not a numbered figure or table")

    def role(self, name: str, content: str) -> str:
        text, target = content, content
        titled = _TITLED.match(content)
        if titled:
            text, target = titled.group(1), titled.group(2)
        if name == "numref":
            kind, number, docname = self.number(target)
            words = self.app.config.numfig_format.get(kind, "%s")
            shown = (text if titled else words).replace("%s", number).replace("{number}", number)
            if docname == self.docname:
                return shown
            node_id = self.app.env.domains["std"].anonlabels[target][1]
            return f"[{shown}]({self.page_url(docname, node_id)})"
        if name in {"cite", "cite:p", "cite:ps", "cite:t", "cite:ts", "cite:alp"}:
            keys = [k.strip() for k in content.split(",") if k.strip()]
            return self.bibliography.cite(keys, name.startswith("cite:t"), self.docname)
        if name == "ref":
            std = self.app.env.domains["std"]
            if target not in std.labels and target not in std.anonlabels:
                raise ExtensionError(f"{self.docname}: unknown reference target {target!r}")
            docname, node_id, *title = std.labels.get(target) or std.anonlabels[target]
            shown = text if titled else (title[0] if title else target)
            return f"[{shown}]({self.page_url(docname, node_id)})"
        if name == "doc":
            docname = target.removesuffix(".md")
            title = (
                self.app.env.titles[docname].astext() if docname in self.app.env.titles else docname
            )
            return f"[{text if titled else title}]({self.page_url(docname)})"
        if name.startswith("py:") or name in {"func", "class", "mod", "meth", "attr"}:
            shown = text if titled else target.removeprefix("~")
            if not titled and target.startswith("~"):
                shown = shown.rsplit(".", 1)[-1]
            anchor = target.lstrip("~")
            anchor = f"module-{anchor}" if name.endswith("mod") else anchor
            return f"[`{shown}`]({self.page_url('api', anchor)})"
        if name in {"math", "m"}:
            return f"${content}$"
        if name == "eq":
            return f"({text})" if titled else "the equation on the site"
        # {term}, {abbr}, {sub}, {sup} and any other: the words alone
        return text

    # blocks ------------------------------------------------------------------------------
    def directive(self, name: str, argument: str, options: dict[str, str], body: str) -> str:
        body = self.convert(body).strip("\n")
        title = self.convert(argument).strip()
        if name in {"bibliography", "toctree", "glossary-index"}:
            return ""
        if name in {"math", "equation"}:
            return f"$$\n{body}\n$$"
        if name in {"code-block", "code", "sourcecode"}:
            return f"```{argument}\n{body}\n```"
        if name == "dropdown":
            return f"<details>\n<summary>{title or 'Details'}</summary>\n\n{body}\n\n</details>"
        if name in _ADMONITIONS:
            heading = title if name == "admonition" else name.capitalize()
            quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
            return f"> **{heading}**\n>\n{quoted}"
        if name == "table":
            if "name" in options:
                _, number, _ = self.number(options["name"])
                prefix = self.app.config.numfig_format["table"].replace("%s", number)
                title = f"**{prefix}.** {title}"
            return f"{title}\n\n{body}"
        if name in {"figure", "image"}:
            alt = options.get("alt", "")
            return f"![{alt}]({self.link(argument)})\n\n{body}"
        if name == "widget":
            label = options.get("for", "")
            where = self.page_url(self.docname, label)
            return f"*An interactive figure goes with this on the site: <{where}>.*"
        return f"**{title}**\n\n{body}" if title else body

    def link(self, url: str) -> str:
        """A link that works next to the notebook: local files included in the download,
        site pages and anchors on the published site, anything else as it was."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", url):
            return url
        path, _, anchor = url.partition("#")
        if not path:
            return self.page_url(self.docname, anchor)
        resolved = Path(self.docname).parent.joinpath(path).as_posix()
        repo_path = str(Path("book", resolved)).replace("\\", "/")
        normal = Path(repo_path)
        parts: list[str] = []
        for part in normal.parts:
            if part == "..":
                parts = parts[:-1]
            elif part != ".":
                parts.append(part)
        repo_path = "/".join(parts)
        if repo_path in self.local_files:
            return self.local_files[repo_path]
        if repo_path.startswith("book/") and repo_path.endswith((".md", ".ipynb")):
            return self.page_url(repo_path[5:].rsplit(".", 1)[0], anchor)
        return f"{self.app.config.bendlines_repository}/blob/main/{repo_path}"

    def convert(self, text: str) -> str:
        """Plain markdown for a MyST fragment (glue already pasted)."""
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = _FENCE.match(line)
            if fence:
                indent, marks, name, argument = fence.groups()
                j, options = i + 1, {}
                while j < len(lines) and _OPTION.match(lines[j]):
                    key, value = _OPTION.match(lines[j]).groups()
                    options[key] = value
                    j += 1
                body_start = j
                close = re.compile(rf"^\s*{re.escape(marks[0])}{{{len(marks)},}}\s*$")
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                body = textwrap.dedent("\n".join(lines[body_start:j]))
                block = self.directive(name, argument, options, body)
                out.extend(indent + b if b else b for b in block.split("\n"))
                i = j + 1
                continue
            if _TARGET.match(line) or line.startswith("%"):
                i += 1
                continue
            out.append(line)
            i += 1
        text = "\n".join(out)
        text = _EQ_LABEL.sub("$$", text)
        text = _ROLE.sub(lambda m: self.role(m.group(1), m.group(2)), text)
        return _LINK.sub(lambda m: f"{m.group(1)}({self.link(m.group(2))}{m.group(3) or ''})", text)


# --- the download ------------------------------------------------------------------------------
SETUP_MARKDOWN = """\
# {title}

This notebook is a chapter of *Bending Lines* ({version}), an executable book on why neural
networks need activation functions: <{url}>. It runs top to bottom in a fresh Python 3.11+
that has Jupyter: the first cell installs the book's package, `bendlines`, and the exact
versions of numpy, matplotlib and scipy the book was built with, from the files next to this
notebook. The figure scripts it imports are next to it too. Text and figures: CC BY 4.0;
code: MIT (see the licence files in this folder).
"""

#: Markdown that the chapters' code prints (tables with captions, citations) made plain. The
#: build converts the outputs it ships with this code, and the notebook's first cell runs the
#: same code so that a rerun prints the same plain markdown.
PLAIN_OUTPUTS = '''\
import re


def plain_markdown(text, book=BOOK):
    """The book's MyST tables and citations in printed markdown, as plain markdown."""

    def table(match):
        caption, name, body = match.group(1).strip(), match.group(2), match.group(3)
        number = book["numbers"].get(name)
        return f"{f'**{number}.** ' if number else ''}{caption}\\n\\n{body.strip()}\\n"

    def role(match):
        name, content = match.groups()
        if not name.startswith("cite"):
            return content
        keys = [key.strip() for key in content.split(",")]
        if name.startswith("cite:t"):
            return "; ".join(book["cite"][key][0] for key in keys)
        return "(" + "; ".join(book["cite"][key][1] for key in keys) + ")"

    text = re.sub(
        r"^:::\\{table\\}[ \\t]*(.*?)\\n(?::name:[ \\t]*(\\S+)\\n)?"
        r"(?::[\\w-]+:.*\\n)*\\n?(.*?)^:::[ \\t]*$",
        table,
        text,
        flags=re.M | re.S,
    )
    return re.sub(r"\\{([a-zA-Z][\\w:-]*)\\}`([^`]*)`", role, text)


try:
    from IPython import get_ipython
    from IPython.display import Markdown

    get_ipython().display_formatter.formatters["text/markdown"].for_type(
        Markdown, lambda shown: plain_markdown(shown.data)
    )
except (ImportError, AttributeError):  # not in IPython: nothing is displayed anyway
    pass
'''


SETUP_CODE = (
    '''\
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
    + PLAIN_OUTPUTS
)


_GLUE_IMPORT = re.compile(r"^from myst_nb import glue[ \t]*\n?", re.M)


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


def _plain_outputs(outputs: list, book: dict, bibliography: Bibliography) -> list:
    """Outputs with their printed markdown made plain by the code the notebook runs."""
    namespace: dict[str, object] = {"BOOK": book}
    exec(PLAIN_OUTPUTS, namespace)  # the same function the notebook's first cell defines
    plain = namespace["plain_markdown"]
    for output in outputs:
        for mime, value in output.get("data", {}).items():
            if mime.endswith("text/markdown"):
                text = "".join(value) if isinstance(value, list) else value
                for role, keys in re.findall(r"\{(cite[\w:]*)\}`([^`]*)`", text):
                    bibliography.cite([k.strip() for k in keys.split(",")], False, role)
                output["data"][mime] = plain(text)
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
        nbformat.v4.new_code_cell(SETUP_CODE),
    ]
    first_heading = True
    for cell in executed.cells:
        if cell.cell_type == "markdown":
            text = converter.convert(paste_glue(cell.source, glued, docname))
            if first_heading:  # the title is in the first cell already
                text, first_heading = re.sub(r"\A\s*# [^\n]*\n?", "", text, count=1), False
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))
            continue
        if cell.cell_type != "code":
            continue
        code = _GLUE_IMPORT.sub("", cell.source)
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
            caption = converter.convert(paste_glue(figure["caption"], glued, docname)).strip()
            if figure.get("name"):
                _, number, _ = converter.number(figure["name"])
                caption = (
                    f"**{app.config.numfig_format['figure'].replace('%s', number)}.** {caption}"
                )
            cells.append(nbformat.v4.new_markdown_cell(caption))
    if bibliography.cited:
        cells.append(nbformat.v4.new_markdown_cell(bibliography.references()))
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
        left = MYST_LEFT.search(cell.source) if cell.cell_type == "markdown" else None
        if cell.cell_type == "code":
            shown = json.dumps([o.get("data", {}) for o in cell.outputs])
            left = re.search(r"\{[a-zA-Z][\w:-]*\}`|:::\{", shown)
        if left:
            raise ExtensionError(
                f"{docname}: MyST syntax the download cannot convert: {left.group(0)!r}"
            )
    nbformat.validate(notebook)
    return notebook, book


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


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


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
    for licence in ("LICENSE", "LICENSE-CONTENT.md"):
        if (root / licence).is_file():
            files[f"{folder}/{licence}"] = (root / licence).read_bytes()
    return files


def _write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir).parent
    chapters = [d for d in sorted(app.env.found_docs) if _is_notebook(app, d)]
    if not chapters:
        return
    dependencies = importlib.metadata.distribution("bendlines").requires or []
    requirements = pinned_requirements(root / "requirements.lock", dependencies)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(root, Path(scratch))
        for docname in chapters:
            files = chapter_files(app, docname, wheel, requirements)
            folder = docname.replace("/", "-")
            notebook = files[f"{folder}/{folder}.ipynb"]
            _write_if_changed(Path(app.outdir) / "_sources" / f"{docname}.ipynb", notebook)
            _write_if_changed(Path(app.outdir) / DOWNLOADS / f"{docname}.zip", zip_bytes(files))


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value(
        "bendlines_repository", "https://github.com/bending-lines/bendlines", "html", str
    )
    app.connect("html-page-context", _offer_notebook, priority=400)  # before the theme's menu
    app.connect("html-page-context", _offer_download, priority=600)  # after the theme's menu
    app.connect("build-finished", _write_downloads)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
