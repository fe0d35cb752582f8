"""MyST markdown to plain Jupyter markdown, for the chapter downloads.

:class:`Converter` reads a chapter's markdown cells with the MyST parser (``bendlines_myst``)
and rewrites what the parser finds, by the source lines its tokens span: directives become
plain markdown (admonitions as quotes, dropdowns as ``<details>``, tables and figures with
their numbers), targets, comments and block breaks go, labelled equations lose their label,
and in the text of each paragraph, heading, list item or table cell the roles it holds are
replaced (glued values by their text, ``{numref}`` by "Figure N", ``{cite}`` by
"(Author, year)", cross-references by links to the published site) and its links are made
to work next to the notebook. Code spans and code blocks are left alone, since the parser
tells them apart.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
from bendlines_citations import Bibliography
from bendlines_myst import CODE_DIRECTIVES, directive_name, directive_options, myst_parser
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
_ADMONITIONS = {
    "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
    "seealso", "admonition",
}  # fmt: skip
#: Block tokens that are MyST syntax without a plain-markdown counterpart: dropped.
_DROPPED = {"myst_target", "myst_line_comment", "myst_block_break"}
_GLUE_ROLES = {"glue", "glue:any", "glue:text", "glue:md"}
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:|^//")


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


@dataclass
class Converter:
    """Turns one chapter's MyST markdown into plain Jupyter markdown."""

    app: Sphinx
    docname: str
    glued: dict[str, dict[str, str]]  # glued values by name: their mime bundles
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

    def glue(self, name: str, spec: str) -> str:
        """The text of a glued value, as MyST-NB pastes it for ``{glue}``, ``{glue:text}``
        (with an optional number format after ``:``) and ``{glue:md}``."""
        from myst_nb.core.variables import format_plain_text

        kind = name.partition(":")[2] or "any"
        key, _, fmt = spec.rpartition(":") if ":" in spec else (spec, "", "")
        if key not in self.glued:
            raise ExtensionError(f"{self.docname}: no glued value named {key!r}")
        data = self.glued[key]
        if kind == "md" or (kind == "any" and "text/markdown" in data):
            return self.convert(data["text/markdown"])
        return format_plain_text(data["text/plain"], fmt or "s")

    def role(self, name: str, content: str) -> str:
        """Plain markdown for one role."""
        if name in _GLUE_ROLES:
            return self.glue(name, content)
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
        """Plain markdown for one directive (its body converted, unless code or TeX)."""
        body = (body if name in CODE_DIRECTIVES else self.convert(body)).strip("\n")
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
        if _URL_SCHEME.match(url):
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
        """Plain markdown for a MyST fragment (see the module docstring)."""
        lines = text.split("\n")
        blocks: dict[int, tuple[int, list[str]]] = {}  # first line -> (end, new lines)
        inline: dict[tuple[int, int], list] = {}  # line span -> role and link tokens
        span = (0, len(lines))
        for token in myst_parser().parse(text):
            span = tuple(token.map) if token.map else span
            start, end = span
            directive = directive_name(token)
            if directive is not None:
                name, argument = directive
                options, content = directive_options(token.content)
                body = textwrap.dedent("\n".join(content))
                block = self.directive(name, argument, options, body).split("\n")
                indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
                blocks[start] = (end, [indent + b if b else b for b in block])
            elif token.type in _DROPPED:
                blocks[start] = (end, [])
            elif token.type == "math_block_label":
                blocks[start] = (end, ["$$", token.content.strip("\n"), "$$"])
            elif token.type == "inline":
                found = [
                    child
                    for child in token.children or []
                    if child.type in {"myst_role", "link_open", "image"}
                ]
                if found:
                    inline.setdefault(span, []).extend(found)
        for (start, end), tokens in sorted(inline.items()):
            blocks[start] = (end, self._inline("\n".join(lines[start:end]), tokens).split("\n"))
        out: list[str] = []
        index = 0
        while index < len(lines):
            if index in blocks:
                end, new = blocks[index]
                out.extend(new)
                index = max(end, index + 1)
            else:
                out.append(lines[index])
                index += 1
        return "\n".join(out)

    def _inline(self, source: str, tokens: list) -> str:
        """``source`` (the lines of one block of text) with each role and link that the
        parser found in it rewritten, in order."""
        position = 0
        for token in tokens:
            if token.type == "myst_role":
                name, content = token.meta["name"], token.content
                words = r"\s+".join(re.escape(word) for word in content.split())
                pattern = rf"\{{{re.escape(name)}\}}(`+)\s*{words}\s*\1"
                replace = self.role(name, content)
            else:
                url = token.attrs.get("href") or token.attrs.get("src") or ""
                replace = self.link(url)
                if replace == url:
                    continue  # (autolinks and addresses elsewhere stay as written)
                pattern = rf"(?<=\]\()\s*<?{re.escape(url)}(?=[\s>)])"
            found = re.compile(pattern).search(source, position)
            if found is None:
                if token.type != "myst_role":
                    continue  # a reference-style link: its definition is elsewhere
                raise ExtensionError(
                    f"{self.docname}: cannot find the role {{{name}}}`{content}` in its text"
                )
            source = source[: found.start()] + replace + source[found.end() :]
            position = found.start() + len(replace)
        return source
