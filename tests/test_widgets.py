"""The widget machinery: the ``{widget}`` directive, page assets, data files and the purge."""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import bendlines_html  # noqa: E402
import bendlines_widgets as bw  # noqa: E402

from bendlines import activations, targets  # noqa: E402

WIDGETS = ROOT / "book" / "_static" / "widgets"


# --- :config: ------------------------------------------------------------------------------------
def test_config_accepts_allowed_keys_and_values():
    assert bw.parse_config("activations", None) == {}
    assert bw.parse_config("activations", '{"name": "gelu"}') == {"name": "gelu"}
    assert bw.parse_config("hinges", '{"target": "sin", "n": 10}') == {"target": "sin", "n": 10}


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("nope", None, "unknown widget kind 'nope'; known kinds: hinges, unit-lines, activations"),
        ("activations", "{name: relu}", "not valid JSON"),
        ("activations", "[1, 2]", "must be a JSON object"),
        ("activations", '{"colour": "red"}', "unknown :config: key 'colour' for activations"),
        ("activations", '{"name": 3}', "name must be a JSON str"),
        ("activations", '{"name": NaN}', "name must be a JSON str"),
        ("hinges", '{"target": "tan"}', "target must be one of 'sin'"),
        ("hinges", '{"n": 0}', "n must be between 1 and 64"),
        ("hinges", '{"n": 65}', "n must be between 1 and 64"),
        ("hinges", '{"n": 2.5}', "n must be a JSON int"),
        ("hinges", '{"n": true}', "n must be a JSON int"),
        ("unit-lines", '{"units": 13}', "units must be between 0 and 12"),
        ("activations", '{"name": "relu7"}', "name must be one of"),
    ],
)
def test_config_rejects_bad_input_clearly(kind, text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        bw.parse_config(kind, text)


def test_every_kind_has_a_module_and_a_description():
    for kind, spec in bw.KINDS.items():
        assert (WIDGETS / "kinds" / f"{kind}.js").is_file(), kind
        assert len(spec.about) > 80 and spec.title
        assert set(spec.data) <= set(bw.DATA)


# --- a small Sphinx project ----------------------------------------------------------------------
def _build(tmp_path: Path, index: str, builder: str = "html", other: str = "Other\n=====\n"):
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['bendlines_widgets']\nproject = 'w'\nhtml_theme = 'basic'\n"
    )
    (src / "fig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        '<rect width="4" height="4"/></svg>'
    )
    (src / "index.rst").write_text(index)
    (src / "other.rst").write_text(other)
    out = tmp_path / builder
    warnings = io.StringIO()
    app = Sphinx(src, src, out, tmp_path / "doctrees", builder, status=None, warning=warnings)
    app.build()
    # Several Sphinx apps in one process re-register Sphinx's own nodes: not ours to report.
    ours = [w for w in warnings.getvalue().splitlines() if "while setting up extension" not in w]
    return out, "\n".join(ours)


PAGE = """Title
=====

.. toctree::

   other

.. figure:: fig.svg
   :name: fig-a

   A figure.

.. widget:: activations
   :for: fig-a
   :config: {"name": "tanh"}
"""


def test_html_emits_the_widget_under_its_figure_with_assets_on_that_page_only(tmp_path):
    out, warnings = _build(tmp_path, PAGE)
    assert warnings == ""
    page = (out / "index.html").read_text()
    other = (out / "other.html").read_text()
    assert page.index('id="fig-a"') < page.index('data-widget="activations"')
    assert 'data-for="fig-a"' in page
    assert 'data-config="{&quot;name&quot;:&quot;tanh&quot;}"' in page
    assert "<summary" in page and "Explore this figure" in page
    assert "needs JavaScript" in page and bw.KINDS["activations"].about in page
    assert 'style="' not in page.split('data-widget="activations"')[1].split("</details>")[0]
    for html in (page, other):
        assert ("widgets/loader.js" in html) is (html is page)
        assert ("widgets/widgets.css" in html) is (html is page)
    assert 'type="module"' in page.split("widgets/loader.js")[0].rsplit("<script", 1)[1]
    data = json.loads((out / "_static" / "widgets" / "data" / "activations.json").read_text())
    assert [e["name"] for e in data["entries"]] == activations.names()
    assert (out / "_static" / "widgets" / "data" / "targets.json").is_file()


def test_other_builders_skip_the_widget(tmp_path):
    out, warnings = _build(tmp_path, PAGE, builder="text")
    assert warnings == ""
    text = (out / "index.txt").read_text()
    assert "A figure." in text and "Explore" not in text and "JavaScript" not in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (":for: fig-missing", "names no figure label 'fig-missing'"),
        (":for: fig-b", "is on page 'other'"),
        ("", ":for: is required"),
        (':for: fig-a\n   :config: {"name": 3}', "name must be a JSON str"),
    ],
)
def test_a_wrong_widget_block_fails_the_build_with_a_clear_warning(tmp_path, options, message):
    index = PAGE.replace(':for: fig-a\n   :config: {"name": "tanh"}', options)
    other = "Other\n=====\n\n.. figure:: fig.svg\n   :name: fig-b\n\n   Figure B.\n"
    _out, warnings = _build(tmp_path, index, other=other)
    assert message in warnings


# --- data ----------------------------------------------------------------------------------------
def test_activation_data_matches_the_registry():
    data = bw.activation_data()
    entries = {e["name"]: e for e in data["entries"]}
    assert list(entries) == activations.names()
    for name, entry in entries.items():
        act = activations.get(name)
        assert entry["latex"] == act.latex and entry["cite"] == act.cite
        assert entry["properties"]["kinks"] == list(act.properties.kinks)
        assert [p["name"] for p in entry["params"]] == list(act.params)
        for p in entry["params"]:
            assert p["default"] in p["grid"]
            assert p["grid"] == sorted(p["grid"]) and len(p["grid"]) >= 20
            for value, props in zip(p["grid"], p["properties"], strict=True):
                got = activations.get(name, **{p["name"]: value}).properties
                assert props["monotonic"] == got.monotonic and props["smooth"] == got.smooth
                assert props["kinks"] == list(got.kinks)
    json.dumps(data, allow_nan=False)  # infinities are written as strings, never as NaN/Infinity
    assert entries["relu"]["properties"]["range"] == [0.0, "inf"]


def test_the_explorer_lists_the_galleries_properties_and_no_zero_centred_flag():
    entry = next(e for e in bw.activation_data()["entries"] if e["name"] == "gelu")
    # the gallery's table: output range, monotonic, smooth, mean output (integrated by the
    # widget), bounded; kinks and singularities mark the plot
    assert set(entry["properties"]) == {"range", "monotonic", "smooth", "bounded", "kinks",
                                        "singularities"}  # fmt: skip


def test_notes_read_like_the_book_no_raw_keys_or_plain_text_formulas():
    entries = {e["name"]: e for e in bw.activation_data()["entries"]}
    assert entries["gelu"]["note"].endswith(
        "z Φ(z); it is the default in transformers such as BERT and GPT."
    )
    assert entries["gelu"]["cite_text"] == "Hendrycks and Gimpel, 2016"
    assert "(Ramachandran et al., 2017)" in entries["silu"]["note"]
    assert "5 × 10⁻⁴" in entries["gelu_tanh"]["note"]
    assert "2 σ(2x) − 1" in entries["tanh"]["note"] and "(−1, 1)" in entries["tanh"]["note"]
    keys = set(bw.cite_labels())
    for entry in entries.values():
        words = set(entry["note"].replace("(", " ").replace(")", " ").split())
        assert not words & keys, entry["name"]
        assert not words & {"Phi", "phi", "sigma", "alpha", "beta", "lambda", ">=", "<="}
        assert entry["cite_text"] and entry["cite"] not in entry["cite_text"]


def test_reader_text_keeps_hyphens_and_unknown_parentheses():
    labels = {"smith2020": ("Smith", "2020")}
    assert bw.reader_text("non-monotonic (smith2020) (other)", labels) == (
        "non-monotonic (Smith, 2020) (other)"
    )
    assert bw.reader_text("to -1, then x - 1 and 1e-3", labels) == "to −1, then x − 1 and 1 × 10⁻³"


def test_piecewise_linear_is_read_from_the_registrys_functions():
    entries = {e["name"]: e["piecewise_linear"] for e in bw.activation_data()["entries"]}
    linear = {name for name, flag in entries.items() if flag}
    assert linear == {"identity", "relu", "leaky_relu", "prelu", "relu6", "hard_sigmoid", "step"}


def test_param_grid_fits_each_allowed_set():
    assert bw.param_grid(lambda v: True, 0.01)[:3] == [-1.0, -0.95, -0.9]
    assert 0.01 in bw.param_grid(lambda v: True, 0.01)
    assert bw.param_grid(lambda v: v >= 0, 1.0)[0] == 0.0
    positive = bw.param_grid(lambda v: v > 0, 1.0)
    assert positive[0] == 0.05 and positive[-1] == 5.0


def test_plane_net_data_is_the_chapters_layer():
    from bendlines.experiments import piecewise as pw

    data = bw.plane_net_data()
    (W, b), _ = pw.plane_net()
    assert data["W"] == W.tolist() and data["b"] == b.tolist()
    assert data["box"] == list(pw.PLANE_BOX)


def test_target_data_matches_the_targets():
    data = {t["name"]: t for t in bw.target_data()["targets"]}
    assert list(data) == list(targets.TARGETS)
    assert data["abs"]["max_abs_f2"] is None
    assert data["sin"]["max_abs_f2"] == pytest.approx(1.0)
    assert data["nielsen"]["domain"] == [0.0, 1.0]


def test_data_files_are_written_whole_and_only_when_changed(tmp_path):
    first = bw.write_data(tmp_path)
    stamps = [p.stat().st_mtime_ns for p in first]
    again = bw.write_data(tmp_path)
    assert [p.stat().st_mtime_ns for p in again] == stamps
    assert not list(tmp_path.rglob("*.partial"))


# --- the stylesheet purge keeps classes only dynamic modules use -------------------------------
def test_the_purge_keeps_classes_used_only_in_dynamically_imported_modules(tmp_path):
    widgets = tmp_path / "_static" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "loader.js").write_text("const m = await import(`./${kind}.js`);\n")
    (widgets / "hinges.js").write_text('el.className = "bl-only-in-a-module";\n')
    (tmp_path / "_static" / "theme.js").write_text('x.className = "theme-class";\n')
    (tmp_path / "_static" / "unlinked.js").write_text('x.className = "never-loaded";\n')
    (tmp_path / "page.html").write_text(
        '<html><head><script src="_static/theme.js"></script>'
        '<script type="module" src="_static/widgets/loader.js?v=1"></script></head>'
        '<body class="page"></body></html>'
    )
    used = bendlines_html._used_names(tmp_path)
    assert {"bl-only-in-a-module", "theme-class", "page"} <= used
    assert "never-loaded" not in used
    css = ".bl-only-in-a-module{color:red}.never-loaded{color:blue}"
    assert bendlines_html.purge_css(css, used) == ".bl-only-in-a-module{color:red}"


def test_without_the_module_rule_the_class_would_be_purged(tmp_path):
    """The rule above is what keeps the class: a plain (non-module) script link does not."""
    widgets = tmp_path / "_static" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "loader.js").write_text("import('./hinges.js');\n")
    (widgets / "hinges.js").write_text('el.className = "bl-only-in-a-module";\n')
    (tmp_path / "page.html").write_text('<script src="_static/widgets/loader.js"></script>')
    assert "bl-only-in-a-module" not in bendlines_html._used_names(tmp_path)


# --- budgets ---------------------------------------------------------------------------------
_IMPORT = re.compile(r"""(?:^|\n)\s*import\s+(?:[^'"]*?\s+from\s+)?["'](\.\.?/[^"']+)["']""")


def module_graph(kind: str) -> list[Path]:
    """A widget's module and every module it imports, statically, in turn (the loader and its
    state module are shared by every widget and counted once, with each)."""
    todo, seen = [WIDGETS / "kinds" / f"{kind}.js", WIDGETS / "loader.js"], []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.append(path)
        specs = _IMPORT.findall(path.read_text(encoding="utf-8"))
        todo.extend((path.parent / spec).resolve() for spec in specs)
    return sorted(seen)


def widget_size(kind: str) -> int:
    """Bytes on the wire for one widget: each file of its module graph gzipped (as served)."""
    return sum(
        len(gzip.compress(p.read_bytes(), compresslevel=6, mtime=0)) for p in module_graph(kind)
    )


@pytest.mark.parametrize("kind", list(bw.KINDS))
def test_each_widget_stays_under_30_kb_gzipped(kind):
    graph = module_graph(kind)
    assert WIDGETS / "kinds" / f"{kind}.js" in graph
    assert WIDGETS / "lib" / "toolkit" / "plot.js" in graph
    assert widget_size(kind) < 30 * 1024, (kind, widget_size(kind))


def test_the_module_graph_follows_imports():
    names = {p.relative_to(WIDGETS).as_posix() for p in module_graph("activations")}
    assert {"kinds/activations.js", "lib/maths/activations.js", "lib/toolkit/plot.js",
            "lib/toolkit/ui.js", "lib/state/hash.js"} <= names  # fmt: skip
    assert "lib/maths/hinges.js" not in names


def test_module_scripts_get_no_defer():
    """Module scripts already wait for the page; "defer" on one is invalid HTML."""
    page = (
        '<script src="_static/a.js"></script>\n'
        '<script type="module" src="_static/widgets/loader.js?v=1"></script>'
    )
    fixed = bendlines_html._BLOCKING_SCRIPT.sub(r"<script defer \1", page)
    assert fixed == (
        '<script defer src="_static/a.js"></script>\n'
        '<script type="module" src="_static/widgets/loader.js?v=1"></script>'
    )


# --- layout ------------------------------------------------------------------------------------
def _mount_lines(kind: str) -> int:
    """Lines of a kind's ``mount``, from its opening line to its closing brace."""
    lines = (WIDGETS / "kinds" / f"{kind}.js").read_text(encoding="utf-8").splitlines()
    start = next(i for i, t in enumerate(lines) if t.startswith("export async function mount"))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    return end - start + 1


@pytest.mark.parametrize("kind", list(bw.KINDS))
def test_each_mount_only_wires_within_100_lines(kind):
    assert _mount_lines(kind) <= 100


def test_no_milestone_names_in_the_widgets_or_their_tests():
    """No file, class or comment named after a milestone: "widgets" or "bl" with a number,
    or "W" and a digit in a comment (this file names the patterns, so it is left out)."""
    js = [*WIDGETS.rglob("*.js"), *(ROOT / "tests" / "js").glob("*.mjs")]
    python = [p for p in (ROOT / "tests").glob("test_*widgets*.py") if p.name != "test_widgets.py"]
    for path in [*js, *python, WIDGETS / "widgets.css"]:
        assert not re.search(r"widgets?\d", path.name), path
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"widgets?\d|\bbl\d-", text), path
    for path in js:
        comments = re.findall(r"//.*|/\*[\s\S]*?\*/", path.read_text(encoding="utf-8"))
        assert not [c for c in comments if re.search(r"\bW\d\b", c)], path


def test_no_caret_exponents_in_widget_text():
    """Exponents are superscripts (×10⁻⁷); a caret in a string or template of a widget
    module would reach the reader."""
    caret = re.compile(r"10\^|\^[−-]?\d|\^\$\{")
    for path in WIDGETS.rglob("*.js"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            strings = re.findall(r'"[^"]*"|`[^`]*`', line.split("//")[0])
            assert not [s for s in strings if caret.search(s)], (path, number)
