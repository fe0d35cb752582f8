"""Receipts: every glued value on a page says where it comes from.

1. **Receipted values.** The ``{glue:text}`` and ``{glue:md}`` roles are MyST-NB's, wrapped:
   what they paste is put in a :class:`receipt` node whose id is ``DOCNAME:KEY`` (or
   ``DOCNAME:KEY:SPEC`` for a text value shown with a format spec). HTML shows it as
   ``<span class="bl-receipt" role="button" tabindex="0" data-receipt="ID">`` around the value
   (a span, so a value wraps with its sentence, holds typeset math, and is valid in a
   paragraph, a table cell or a caption); every other builder shows the value alone. A
   value that shows nothing (an empty phrase) stays as it is: there is nothing to select.
2. **The receipts.** Each receipt records the page, the value as shown (the Markdown source
   for ``glue:md``), the six provenance fields the chapter's ``bendlines.receipts.glue`` put
   in the glued output's ``metadata["bendlines_receipt"]`` (empty when a chapter glues without
   them), its section, the figure or table it belongs to, the tests whose
   ``@pytest.mark.receipts(...)`` patterns match it (read from ``tests/*.py`` with ``ast`` on
   every build, so a marker edit is never missed) and the command that recomputes it. They
   live in the environment (per page: parallel reads merge them, a re-read page replaces its
   own) and are written, when the HTML build finishes, to ``_static/receipts/DOCNAME.json``,
   one file a page, fetched by the page's panel (``_static/receipts/receipts.js``) only when
   a reader opens a receipt.
3. **The evidence page.** ``{receipts-evidence}`` is filled, once every page is read, with
   every receipt by chapter and section: its value, the tests that check it and the figure or
   table it belongs to, as ordinary content, so the site search finds it. The page is read
   again whenever any other page or a test file changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from bendlines_freshness import write_if_changed
from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

STATIC_DIR = "receipts"  # under _static/: the panel's module and stylesheet, and the JSON
SCRIPT = f"{STATIC_DIR}/receipts.js"
STYLESHEET = f"{STATIC_DIR}/receipts.css"
#: The provenance fields ``bendlines.receipts.glue`` records, with their empty values.
PROVENANCE: dict[str, Any] = {
    "code": [],
    "settings": {},
    "seeds": [],
    "method": "",
    "compared": [],
    "store": [],
}
RERUN = ".venv/bin/python -m bendlines.receipts {id}"


# --- the receipted value ------------------------------------------------------------------------
class receipt(nodes.inline):
    """A glued value with the id of its receipt; builders without a visitor of their own
    show it as the inline it is."""


def visit_receipt_html(self, node: receipt) -> None:
    label = f' aria-label="{self.attval(node["label"])}"' if node.get("label") else ""
    self.body.append(
        f'<span class="bl-receipt" role="button" tabindex="0" aria-haspopup="dialog"{label} '
        f'data-receipt="{self.attval(node["receipt"])}">'
    )


def depart_receipt_html(self, node: receipt) -> None:
    self.body.append("</span>")


MINUS = "\N{MINUS SIGN}"
_POWER = re.compile(r"\^\{?([-+]?[\d.]+)\}?")


def spoken(latex: str) -> str:
    """A number in TeX (``1.1 \\times 10^{-14}``) in words a screen reader reads right
    ("1.1 times 10 to the power of −14"): the name of a receipted value that is typeset math,
    whose drawing a button's name cannot use."""
    text = latex.replace("\\times", " times ").replace("\\cdot", " times ")
    text = _POWER.sub(lambda m: " to the power of " + m.group(1).replace("-", MINUS), text)
    return " ".join(re.sub(r"\\[a-zA-Z]+|[{}$]", " ", text).split())


def receipt_id(docname: str, key: str, spec: str = "") -> str:
    """``DOCNAME:KEY``, or ``DOCNAME:KEY:SPEC`` for a value shown with a format spec."""
    return f"{docname}:{key}:{spec}" if spec else f"{docname}:{key}"


def provenance(metadata: dict) -> dict[str, Any]:
    """The six provenance fields of a glued output's metadata (each empty when absent)."""
    found = metadata.get("bendlines_receipt") or {}
    # plain JSON values (not the notebook's node objects), as the receipts JSON will hold them
    return {
        name: json.loads(json.dumps(found.get(name, empty))) for name, empty in PROVENANCE.items()
    }


def _wrap(role, made: list[nodes.Node], key: str, spec: str, value: str) -> list[nodes.Node]:
    """The role's nodes inside one :class:`receipt` (nothing to wrap when it failed)."""
    if not made or not value.strip():  # nothing shown (an empty phrase): nothing to open
        return made
    try:
        metadata = retrieve_glue_data(role.document, key).metadata
    except RetrievalError:
        return made
    env = role.document.settings.env
    node = receipt("", "", *made, receipt=receipt_id(env.docname, key, spec))
    pieces = _pieces(node)
    if any(kind == "math" for kind, _ in pieces):  # typeset math: its name in words
        node["label"] = "".join(spoken(text) if kind == "math" else text for kind, text in pieces)
    node["receipt_value"] = value
    node["receipt_provenance"] = provenance(metadata)
    role.set_source_info(node)
    return [node]


class ReceiptTextRole(PasteTextRole):
    """``{glue:text}`KEY[:SPEC]```: MyST-NB's role, its value in a :class:`receipt`."""

    def run(self):
        made, messages = super().run()
        if "::" in self.text:  # a value glued on another page: that page's receipt
            return made, messages
        key, _, spec = self.text.rpartition(":") if ":" in self.text else (self.text, "", "")
        value = made[0].astext() if len(made) == 1 else ""
        return _wrap(self, made, key, spec, value), messages


class ReceiptMarkdownRole(PasteMarkdownRole):
    """``{glue:md}`KEY[:FORMAT]```: MyST-NB's role, its value in a :class:`receipt` (the
    part after ``:`` is a Markdown flavour, not a format spec: the id is ``DOCNAME:KEY``)."""

    def run(self):
        made, messages = super().run()
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        try:
            value = retrieve_glue_data(self.document, key).data.get("text/markdown", "")
        except RetrievalError:
            return made, messages
        value = "".join(value) if isinstance(value, list) else value
        return _wrap(self, made, key, "", value.strip()), messages


# --- collecting receipts ----------------------------------------------------------------------
def _section(node: nodes.Node) -> tuple[str, str]:
    """The title and id of the section nearest around ``node`` ("" when none)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            title = next(iter(parent.findall(nodes.title)), None)
            return (title.astext() if title else ""), (parent["ids"] or [""])[0]
        parent = parent.parent
    return "", ""


def _belongs_to(node: nodes.Node) -> str | None:
    """The label of the figure or table around ``node`` (a caption, a cell), if any."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.figure, nodes.table)):
            return (parent["names"] or [None])[0]
        if isinstance(parent, nodes.container) and parent.get("names"):
            return parent["names"][0]  # a MyST-NB figure or table cell with a name
        parent = parent.parent
    return None


def collect_receipts(app: Sphinx, doctree: nodes.document) -> None:
    """Record the receipts of the page just read (in its environment, by id, in page order)."""
    env = app.env
    found: dict[str, dict] = {}
    for node in doctree.findall(receipt):
        rid = node["receipt"]
        section, anchor = _section(node)
        belongs = _belongs_to(node)
        place = {"section": section, "anchor": anchor, "belongs_to": belongs}
        if rid not in found:
            key = rid.partition(":")[2]
            found[rid] = {
                "id": rid,
                "page": env.docname,
                "key": key,
                "value": node["receipt_value"],
                **node["receipt_provenance"],
                "section": section,
                "anchor": anchor,
                "belongs_to": belongs,
                "places": [],
                "shown": _pieces(node),
            }
        entry = found[rid]
        entry["places"].append(place)
        if entry["belongs_to"] is None:
            entry["belongs_to"] = belongs
        # the doctree keeps the id only: the rest lives in the environment
        del node["receipt_value"], node["receipt_provenance"]
    receipts = _store(env)
    receipts.pop(env.docname, None)
    if found:
        receipts[env.docname] = found


def _store(env: BuildEnvironment) -> dict[str, dict[str, dict]]:
    if not hasattr(env, "bendlines_receipts"):
        env.bendlines_receipts = {}
    return env.bendlines_receipts


def _evidence_pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "bendlines_evidence_pages"):
        env.bendlines_evidence_pages = set()
    return env.bendlines_evidence_pages


def purge_receipts(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)
    _evidence_pages(env).discard(docname)


def merge_receipts(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in getattr(other, "bendlines_receipts", {}):
            _store(env)[docname] = other.bendlines_receipts[docname]
        if docname in getattr(other, "bendlines_evidence_pages", set()):
            _evidence_pages(env).add(docname)


# --- the tests that check a receipt --------------------------------------------------------------
def marked_tests(tests: Path, root: Path) -> dict[str, list[str]]:
    """``{node id: [DOCNAME:KEY pattern, ...]}`` of every test in the ``test_*.py`` files under
    ``tests`` that declares, with ``@pytest.mark.receipts(...)`` or its module's ``pytestmark``,
    the glued values it checks: ``bendlines.receipts.markers``, which the receipts' own checks
    use, read from the syntax trees (nothing imported). A file it cannot read stops the build."""
    if not tests.is_dir():
        return {}
    stats = ((p, p.stat()) for p in sorted(tests.rglob("*.py")))
    files = tuple((p, stat.st_mtime_ns, stat.st_size) for p, stat in stats)
    return dict(_declared(tests, root, files))


@functools.lru_cache(maxsize=4)
def _declared(tests: Path, root: Path, files: tuple) -> dict[str, list[str]]:
    """:func:`marked_tests`, read once per state of the test files (``files``: each one's path,
    time and size): every page and download of a build asks, and the answer takes a third of
    a second to read."""
    from bendlines.receipts.markers import declared

    try:
        return declared(tests, root)
    except (SyntaxError, ValueError) as error:
        raise ExtensionError(f"cannot read the receipts markers under {tests}: {error}") from error


def tests_for(entry: dict, marked: dict[str, list[str]]) -> list[str]:
    """The node ids of the tests whose markers name a receipt's ``DOCNAME:KEY`` (without the
    format spec: that is how the page shows the value, not what a test declares)."""
    from bendlines.receipts import markers

    return markers.tests_for(entry["page"], entry["key"].split(":")[0], marked)


def _tests_folder(app: Sphinx) -> Path:
    return Path(app.srcdir).parent / "tests"


def _tests_digest(app: Sphinx) -> str:
    sha = hashlib.sha256()
    folder = _tests_folder(app)
    for path in sorted(folder.rglob("test_*.py")) if folder.is_dir() else []:
        sha.update(path.relative_to(folder).as_posix().encode())
        sha.update(b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


# --- the receipts as JSON ------------------------------------------------------------------------
def api_links(env: BuildEnvironment, names: list[str]) -> dict[str, str]:
    """For each qualified name the API reference documents: its address from the site root
    (``api.html#bendlines.stats.paired``); names it does not document are left out."""
    python = env.domains["py"]
    links = {}
    for name in names:
        found = python.objects.get(name)
        if found is None and name in python.modules:
            found = python.modules[name]
        if found is not None:
            links[name] = f"{found.docname}.html#{found.node_id}"
    return links


def page_receipts(app: Sphinx, docname: str, marked: dict[str, list[str]]) -> list[dict]:
    """The receipts of one page, as the JSON and the evidence page give them (in page order)."""
    entries = []
    for entry in _store(app.env).get(docname, {}).values():
        public = {k: v for k, v in entry.items() if k not in {"key", "shown"}}
        public["tests"] = tests_for(entry, marked)
        public["rerun"] = RERUN.format(id=entry["id"])
        public["api"] = api_links(app.env, entry["code"])
        public["belongs_to_name"] = (
            _figure_name(app, docname, entry["belongs_to"]) if entry["belongs_to"] else None
        )
        entries.append(public)
    return entries


def page_json(app: Sphinx, docname: str, marked: dict[str, list[str]]) -> bytes:
    """The bytes of ``_static/receipts/DOCNAME.json``."""
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    data = {
        "page": docname,
        "title": title,
        "receipts": {e["id"]: e for e in page_receipts(app, docname, marked)},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_receipts(app: Sphinx, exception: Exception | None) -> None:
    """Write every page's receipts (and remove those of pages that have none any more)."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_static" / STATIC_DIR
    marked = marked_tests(_tests_folder(app), Path(app.srcdir).parent)
    wanted = set()
    for docname in sorted(_store(app.env)):
        path = folder / f"{docname}.json"
        wanted.add(path)
        write_if_changed(path, page_json(app, docname, marked))
    for stale in folder.rglob("*.json") if folder.is_dir() else []:
        if stale not in wanted:
            stale.unlink()


def add_page_assets(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Give the panel's module and stylesheet to the pages that show a receipt, only them."""
    if doctree is not None and next(iter(doctree.findall(receipt)), None) is not None:
        app.add_js_file(SCRIPT, type="module")
        app.add_css_file(STYLESHEET)


# --- the chapter downloads ------------------------------------------------------------------------
RERUN_MARKDOWN = """\
## Receipts: where each number comes from

Every number and verdict this chapter shows is glued from the code above and has a *receipt*.
`receipts.json`, next to this notebook, lists them by id (such as `{example}`): the value the
book shows, the functions of `bendlines` that computed it, the settings, seeds, statistical
method and stored results it used, and the tests that check it. To rerun one here, run the
notebook from the top down to the cell that glues its name (the part of the id after the
first colon) and compare that cell's glued output with the receipt's `value`. In a copy of the
book's repository, after `make book`, one command recomputes it through the same code and
prints it as the page shows it (the receipt's `rerun`):

    .venv/bin/python -m bendlines.receipts {example}

Every receipt of the book, with the tests that check it: <{evidence}>.
"""


def download_receipts(app: Sphinx, docname: str) -> tuple[bytes, str] | None:
    """What a chapter's download adds for its receipts: ``receipts.json`` (the page's receipts
    JSON) and the markdown of the notebook's last cell, or None for a page without receipts."""
    found = _store(app.env).get(docname)
    if not found:
        return None
    marked = marked_tests(_tests_folder(app), Path(app.srcdir).parent)
    base = app.config.html_baseurl.rstrip("/") + "/"
    evidence = sorted(_evidence_pages(app.env))
    where = f"{base}{evidence[0]}.html" if evidence else base
    markdown = RERUN_MARKDOWN.format(example=next(iter(found)), evidence=where)
    return page_json(app, docname, marked) + b"\n", markdown


def download_inputs(root: Path) -> list[Path]:
    """The files a download's receipts read beyond the book's sources: the test files."""
    tests = root / "tests"
    return sorted(tests.rglob("test_*.py")) if tests.is_dir() else []


# --- the evidence page --------------------------------------------------------------------------
class evidence(nodes.General, nodes.Element):
    """Where the evidence list goes; filled when the page is resolved."""


class EvidenceDirective(SphinxDirective):
    """``{receipts-evidence}``: every receipt of the book, by chapter and section."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        _evidence_pages(self.env).add(self.env.docname)
        return [evidence()]


def read_evidence_again(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read the evidence page again whenever another page is read (for any reason: an edited
    source, or a chapter the execution cache runs again) or a test file changed."""
    digest = _tests_digest(app)
    tests_changed = getattr(env, "bendlines_tests_digest", None) != digest
    env.bendlines_tests_digest = digest
    pages = _evidence_pages(env)
    if tests_changed or set(docnames) - pages:
        docnames.extend(sorted(pages - set(docnames)))


def _reading_order(app: Sphinx, docnames: list[str]) -> list[str]:
    """``docnames`` in the order of the book's contents (then any others by name)."""
    order = {}
    for index, name in enumerate(app.env.toctree_includes.get(app.config.root_doc, [])):
        order[name] = index
    return sorted(docnames, key=lambda d: (order.get(d, len(order)), d))


def _figure_name(app: Sphinx, docname: str, label: str) -> str:
    """ "Figure 3.2" for a numbered figure or table label of ``docname`` (else the label)."""
    found = app.env.domains["std"].anonlabels.get(label)
    if found and found[0] == docname:
        for kind, numbers in app.env.toc_fignumbers.get(docname, {}).items():
            if found[1] in numbers:
                number = ".".join(map(str, numbers[found[1]]))
                return app.config.numfig_format.get(kind, "%s").replace("%s", number)
    return label


def _uri(app: Sphinx, here: str, docname: str, anchor: str = "") -> str:
    uri = app.builder.get_relative_uri(here, docname)
    return f"{uri}#{anchor}" if anchor else uri


def _pieces(node: nodes.Node) -> list[tuple[str, str]]:
    """What a value shows, as plain pieces the environment can keep: ``("math", latex)`` for
    typeset math and ``("text", words)`` for everything else (links become their words)."""
    pieces: list[tuple[str, str]] = []
    for inner in node.findall(lambda n: isinstance(n, (nodes.math, nodes.Text))):
        if isinstance(inner, nodes.Text) and isinstance(inner.parent, nodes.math):
            continue
        pieces.append(
            ("math", inner.astext()) if isinstance(inner, nodes.math) else ("text", str(inner))
        )
    return pieces


def _shown(pieces: list[tuple[str, str]]) -> list[nodes.Node]:
    """The nodes of :func:`_pieces` again."""
    return [nodes.math(text, text) if kind == "math" else nodes.Text(text) for kind, text in pieces]


def _receipt_item(app: Sphinx, here: str, entry: dict, public: dict) -> nodes.list_item:
    """One receipt: its id (linked to its section), its value, its figure and its tests."""
    docname = entry["page"]
    rid = entry["id"]
    link = nodes.reference(
        "",
        "",
        nodes.literal(rid, rid),
        refuri=_uri(app, here, docname, entry["anchor"]),
        internal=True,
    )
    line = nodes.paragraph("", "", link, nodes.Text(": "), *_shown(entry["shown"]))
    if entry["belongs_to"]:
        label = entry["belongs_to"]
        anchor = app.env.domains["std"].anonlabels.get(label, (docname, ""))[1]
        line += nodes.Text(", in ")
        line += nodes.reference(
            "",
            _figure_name(app, docname, label),
            refuri=_uri(app, here, docname, anchor),
            internal=True,
        )
    if public["tests"]:
        line += nodes.Text(". Checked by ")
        for index, test in enumerate(public["tests"]):
            line += nodes.Text(", " if index else "")
            line += nodes.literal(test, test)
        line += nodes.Text(".")
    else:
        line += nodes.Text(". No test names it yet.")
    return nodes.list_item("", line)


def fill_evidence(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the ``{receipts-evidence}`` placeholder with every receipt of the book."""
    placeholders = list(doctree.findall(evidence))
    if not placeholders:
        return
    marked = marked_tests(_tests_folder(app), Path(app.srcdir).parent)
    store = _store(app.env)
    content: list[nodes.Node] = []
    for page in _reading_order(app, list(store)):
        title = app.env.titles[page].astext() if page in app.env.titles else page
        chapter = nodes.section(ids=[f"evidence-{page}"])
        heading = nodes.title("", "")
        heading += nodes.reference("", title, refuri=_uri(app, docname, page), internal=True)
        chapter += heading
        public = {e["id"]: e for e in page_receipts(app, page, marked)}
        checked = sum(1 for e in public.values() if e["tests"])
        chapter += nodes.paragraph(
            "",
            f"{len(public)} receipts, {checked} of them checked by a test that names them.",
        )
        sections: dict[str, list[dict]] = {}
        for entry in store[page].values():
            sections.setdefault(entry["section"] or title, []).append(entry)
        for index, (section_title, entries) in enumerate(sections.items()):
            section = nodes.section(ids=[f"evidence-{page}-{index}"])
            section += nodes.title(section_title, section_title)
            items = nodes.bullet_list()
            for entry in entries:
                items += _receipt_item(app, docname, entry, public[entry["id"]])
            section += items
            chapter += section
        content.append(chapter)
    if not content:
        content = [nodes.paragraph("", "No page of the book shows a glued value yet.")]
    for placeholder in placeholders:
        placeholder.replace_self(content)


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("myst_nb")
    # This file decides what every page's doctree records: when it changes, every page is
    # read again (from the execution cache), so no receipt of an older version survives.
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    app.add_config_value("bendlines_receipts_digest", code, "env", str)
    app.add_node(receipt, html=(visit_receipt_html, depart_receipt_html))
    app.add_node(evidence)
    app.add_role_to_domain("glue", "text", ReceiptTextRole(), override=True)
    app.add_role_to_domain("glue", "md", ReceiptMarkdownRole(), override=True)
    app.add_directive("receipts-evidence", EvidenceDirective)
    app.connect("doctree-read", collect_receipts)
    app.connect("env-purge-doc", purge_receipts)
    app.connect("env-merge-info", merge_receipts)
    app.connect("env-before-read-docs", read_evidence_again)
    app.connect("doctree-resolved", fill_evidence)
    app.connect("html-page-context", add_page_assets)
    app.connect("build-finished", write_receipts, priority=400)
    return {
        "version": "1",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
