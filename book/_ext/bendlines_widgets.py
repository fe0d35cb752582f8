"""Interactive figures ("widgets") under the book's static figures.

A chapter places a widget right after the figure it explores::

    ```{widget} hinges
    :for: fig-approx-sin
    :config: {"target": "sin"}
    ```

``KIND`` must be one of :data:`KINDS`; ``:for:`` must name a figure label of the same page
(checked when the build resolves references); ``:config:`` is an optional JSON object whose
keys and values are checked against the kind's :class:`Option` list.

HTML builders emit a collapsed ``<details data-widget="KIND">`` ("Explore this figure") whose
body says in words what the widget does, so a reader without JavaScript learns what the figure
above shows; other builders (LaTeX, text, ...) emit nothing, and the static figure stays the
print version. Only pages holding a widget get the loader script and the widget stylesheet;
the loader imports a kind's module (``_static/widgets/kinds/KIND.js``) the first time its widget is
opened. The data the widgets need (activation registry metadata, the 1-D targets) is written
as JSON from the Python package on every HTML build into ``_static/widgets/data/NAME.json``,
so the numbers a widget shows come from the same code as the book's.

See /README.md ("How to add a widget") for the contract a widget module follows.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from bendlines_freshness import Stamp, digest, files_under
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

STATIC_DIR = "widgets"  # under _static/: the modules, the stylesheet and data/
LOADER = f"{STATIC_DIR}/loader.js"
STYLESHEET = f"{STATIC_DIR}/widgets.css"
DATA_DIR = f"{STATIC_DIR}/data"


# --- kinds --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One allowed key of a widget's ``:config:``.

    ``kind`` is ``int``, ``float``, ``str`` or ``bool``; ``choices`` limits the value to a
    set; ``low``/``high`` bound numbers (inclusive).
    """

    kind: type
    choices: tuple[Any, ...] | Callable[[], tuple[Any, ...]] | None = None
    low: float | None = None
    high: float | None = None

    def check(self, key: str, value: Any) -> str | None:
        """An error message for ``value``, or None when it is allowed."""
        if self.kind is bool:
            ok_type = isinstance(value, bool)
        elif isinstance(value, bool):
            ok_type = False
        elif self.kind is float:
            ok_type = isinstance(value, int | float)
        else:
            ok_type = isinstance(value, self.kind)
        if not ok_type:
            return f"{key} must be a JSON {self.kind.__name__}; got {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{key} must be finite; got {value!r}"
        choices = self.choices() if callable(self.choices) else self.choices
        if choices is not None and value not in choices:
            return f"{key} must be one of {', '.join(map(repr, choices))}; got {value!r}"
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            return f"{key} must be between {self.low} and {self.high}; got {value!r}"
        return None


@dataclass(frozen=True)
class Kind:
    """A widget kind: its title, what it does in words, its options and the data it reads.

    ``title`` completes "Explore this figure: ..." (a noun phrase); ``about`` is shown to
    every reader and is all a reader without JavaScript gets, so it says what the widget lets
    you do and see.
    ``data`` names entries of :data:`DATA` the module reads (from ``data/NAME.json``).
    """

    title: str
    about: str
    options: dict[str, Option] = field(default_factory=dict)
    data: tuple[str, ...] = ()


def _target_names() -> tuple[str, ...]:
    from bendlines import targets

    return tuple(targets.TARGETS)


def _activation_names() -> tuple[str, ...]:
    from bendlines import activations

    return tuple(activations.names())


KINDS: dict[str, Kind] = {
    "hinges": Kind(
        "the hinge builder",
        "A hinge builder: add, remove and drag hinges (or use the sliders) and watch their sum "
        "follow a target curve; one button snaps n evenly spaced hinges onto the target and "
        "the readouts give the largest error next to the bound h²/8 · max|f″|.",
        {"target": Option(str, _target_names), "n": Option(int, low=1, high=64)},
        ("targets",),
    ),
    "unit-lines": Kind(
        "the unit-lines explorer",
        "A unit-lines explorer: move each hidden unit's line and arrow (or use the angle and "
        "offset sliders), add units up to 12, and see the exact linear regions they cut the "
        "square into, with their count next to the formula 1 + n + n(n − 1)/2.",
        {"units": Option(int, low=0, high=12)},
        ("plane_net",),
    ),
    "activations": Kind(
        "the activation explorer",
        "An activation explorer: pick any function of the registry, move its parameter and "
        "probe a point to see φ and φ′ with their kinks, the registry's properties, the "
        "largest slope and its power for a chosen depth, and the mean output for a standard "
        "normal input.",
        {"name": Option(str, _activation_names)},
        ("activations",),
    ),
    "trainer": Kind(
        "train a network and watch its regions move",
        "A trainer: pick one of the book's data sets (xor, circles, moons, spiral), any "
        "activation of the registry, up to three hidden layers of up to 16 units, the "
        "initialisation, SGD or Adam, the learning rate, batch size and seed; step or play the "
        "training, add your own points, and watch the output as a heatmap, the linear regions "
        "and their count, the first layer's units as lines with arrows, the loss and accuracy "
        "on training and test data, and the fraction of dead units. Copy as Python gives a "
        "bendlines snippet that reproduces the same run.",
        {
            "data": Option(str, ("xor", "circles", "moons", "spiral")),
            "activation": Option(str, _activation_names),
        },
        ("activations", "trainer_xor", "trainer_circles", "trainer_moons", "trainer_spiral"),
    ),
    "depth": Kind(
        "gradients through depth",
        "A depth explorer: choose the activation, the initialisation (Xavier, He or LeCun) and "
        "a gain on its spread, the depth (1 to 50 hidden layers), the width and the seed, and "
        "see, for one pass over MNIST-1D inputs before any training, each layer's gradient size "
        "on a log scale, the spread of each layer's activations and the fraction of dead units, "
        "with the chapter's curves as faint references.",
        {
            "activation": Option(str, _activation_names),
            "init": Option(str, ("xavier", "he", "lecun")),
            "depth": Option(int, low=1, high=50),
        },
        ("activations", "depth"),
    ),
    "collapse": Kind(
        "stack linear layers and see them collapse",
        "A layer stacker: drag the two basis arrows of each of 2 to 5 layers of 2 x 2 weights "
        "(or use the sliders) and switch the activation between them; a grid and three straight "
        "lines are pushed through the layers, next to the product matrix and its rank. With no "
        "activation the stack is one matrix and lines stay lines; ReLU or tanh bends them.",
        {
            "activation": Option(str, ("identity", "relu", "leaky_relu", "tanh")),
            "layers": Option(int, low=2, high=5),
        },
    ),
}
"""Every widget kind; a kind's module is ``_static/widgets/kinds/KIND.js``."""


# --- data written from the package --------------------------------------------------------------
def _num(value: float) -> float | str:
    """A float for JSON: finite as is, the others as the strings "inf", "-inf", "nan"."""
    value = float(value)
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _properties(props) -> dict[str, Any]:
    """The properties the gallery's table lists (range, monotonic, smooth, bounded; the mean
    output the widget integrates itself), and the kinks and singularities it marks."""
    return {
        "range": [_num(props.range[0]), _num(props.range[1])],
        "monotonic": props.monotonic,
        "smooth": props.smooth,
        "bounded": props.bounded,
        "kinks": [_num(k) for k in props.kinks],
        "singularities": [_num(s) for s in props.singularities],
    }


PARAM_STEP = 0.05


def param_grid(check: Callable[[float], bool], default: float) -> list[float]:
    """The values a parameter's slider offers: a 0.05-step grid that fits the parameter's
    allowed set (any finite number: [-1, 1]; ``>= 0``: [0, 3]; ``> 0``: [0.05, 5]), plus
    its default. Properties are tabulated at exactly these values."""
    if check(-1.0):
        lo, hi = -1.0, 1.0
    elif check(0.0):
        lo, hi = 0.0, 3.0
    else:
        lo, hi = PARAM_STEP, 5.0
    hi = max(hi, 2.0 * default)
    steps = round((hi - lo) / PARAM_STEP)
    grid = {round(lo + i * PARAM_STEP, 10) for i in range(steps + 1)}
    return sorted(v for v in grid | {float(default)} if check(v))


BIBLIOGRAPHY = Path(__file__).resolve().parents[1] / "references.bib"

#: Plain-text mathematics in the registry's notes, as a reader sees it in the book.
_GREEK = {"Phi": "Φ", "phi": "φ", "sigma": "σ", "alpha": "α", "beta": "β", "lambda": "λ"}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def cite_labels(bib: Path = BIBLIOGRAPHY) -> dict[str, tuple[str, str]]:
    """(authors, year) per bibliography key, as the book cites it: ("Nair and Hinton",
    "2010"), ("Clevert et al.", "2016"), with the 2019a/2019b letters of the book's style."""
    import pybtex.database
    import pybtex.plugin
    from bendlines_bibstyle import year_labels

    entries = list(pybtex.database.parse_file(str(bib)).entries.values())
    plain = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
    years = year_labels(plain.sort(entries))
    out = {}
    for entry in entries:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
        if len(names) > 2:
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names) or entry.fields.get("title", entry.key)
        out[entry.key] = (who, years.get(entry.key, entry.fields.get("year", "n.d.")))
    return out


def reader_text(note: str, labels: dict[str, tuple[str, str]]) -> str:
    """A registry note as the book writes it: a cited key "(key)" as "(Authors, year)", Greek
    names as letters, >= and <= as relations, a true minus sign and "5e-4" as 5 × 10⁻⁴."""
    import re

    def cite(m: re.Match) -> str:
        return f"({labels[m[1]][0]}, {labels[m[1]][1]})" if m[1] in labels else m[0]

    text = re.sub(r"\((\w+)\)", cite, note)
    text = re.sub(r"\b(" + "|".join(_GREEK) + r")\b", lambda m: _GREEK[m[1]], text)
    text = text.replace(" >= ", " ≥ ").replace(" <= ", " ≤ ")
    text = re.sub(
        r"\b(\d+)e(-?\d+)\b", lambda m: f"{m[1]} × 10{m[2].translate(_SUPERSCRIPT)}", text
    )
    text = re.sub(r"(?<![\w)])-(?=\w)", "−", text)  # a sign, not a hyphen
    return text.replace(" - ", " − ")


def piecewise_linear(act, kinks) -> bool:
    """Whether ``act`` is linear between its kinks (its slope constant on every piece), so that
    a net of it cuts the plane into linear regions: checked on each piece of [-8, 8]."""
    import numpy as np

    edges = [-8.0, *sorted(k for k in kinks if -8.0 < k < 8.0), 8.0]
    for lo, hi in itertools.pairwise(edges):
        slopes = np.asarray(act.grad(np.linspace(lo, hi, 41)[1:-1]), dtype=float)
        if not (np.all(np.isfinite(slopes)) and np.ptp(slopes) <= 1e-12 * (1 + abs(slopes[0]))):
            return False
    return True


def activation_data() -> dict[str, Any]:
    """The activation registry for the explorer and the trainer: names, formulas, notes,
    parameters (with the slider grid), properties at every grid value, and whether each
    function is piecewise linear at its default parameters."""
    from bendlines import activations

    labels = cite_labels()
    entries = []
    for name in activations.names():
        act = activations.get(name)
        spec = activations._REGISTRY[name]
        params = []
        for p in spec.params:
            grid = param_grid(p.check, p.default)
            params.append(
                {
                    "name": p.name,
                    "default": p.default,
                    "allowed": p.allowed,
                    "grid": grid,
                    "properties": [
                        _properties(activations.get(name, **{p.name: v}).properties) for v in grid
                    ],
                }
            )
        entries.append(
            {
                "name": name,
                "latex": act.latex,
                "latex_grad": act.latex_grad,
                "cite": act.cite,
                "cite_text": "{}, {}".format(*labels[act.cite]),
                "note": reader_text(act.note, labels),
                "counterexample": act.counterexample,
                "params": params,
                "properties": _properties(act.properties),
                "piecewise_linear": piecewise_linear(act, act.properties.kinks),
            }
        )
    return {"entries": entries}


def target_data() -> dict[str, Any]:
    """The 1-D targets of the approximation chapter: name, domain, description, max|f''|."""
    from bendlines import targets

    out = []
    for t in targets.TARGETS.values():
        out.append(
            {
                "name": t.name,
                "domain": [float(t.domain[0]), float(t.domain[1])],
                "description": t.description,
                "max_abs_f2": t.max_abs_f2() if t.f2 is not None else None,
            }
        )
    return {"targets": out}


#: The trainer's data sets: ``data.load(name, **TRAINER_DATA_PARAMS)``, the same call its
#: "Copy as Python" snippet makes (each data set's JSON carries them as ``params``).
TRAINER_DATA_PARAMS = {"n_train": 200, "n_test": 200, "seed": 0}


def trainer_data(name: str) -> dict[str, Any]:
    """One 2-D data set for the trainer, exactly as ``bendlines.data.load`` returns it."""
    from bendlines import data

    (X, y), (Xt, yt) = data.load(name, **TRAINER_DATA_PARAMS)
    return {
        "name": name,
        "params": TRAINER_DATA_PARAMS,
        "X": X.tolist(),
        "y": y.tolist(),
        "X_test": Xt.tolist(),
        "y_test": yt.tolist(),
    }


#: Inputs of the depth explorer: the first this many MNIST-1D training signals.
DEPTH_SAMPLES = 100


def _depth_reference() -> tuple[dict[str, Any], dict[str, Any]]:
    """The chapter's per-layer curves (gradient norm, spread) and their settings."""
    try:  # the deep-networks chapter, once it is merged
        from bendlines.experiments import deep as chapter

        profiles = chapter.signal_profiles()
        settings = {"depth": chapter.SIGNAL_DEPTH, "width": chapter.SIGNAL_WIDTH,
                    "samples": chapter.SIGNAL_SAMPLES}  # fmt: skip
        return {
            f"{a}|{i}": {"grad_norm": p["grad_norm"].tolist(), "spread": p["spread"].tolist()}
            for (a, i), p in profiles.items()
        }, settings
    except ImportError:  # before it: the same measurement on choosing.py's settings
        import numpy as np

        from bendlines import data
        from bendlines.experiments import choosing as chapter
        from bendlines.mlp import MLP

        (X, y), _ = data.load("mnist1d")
        X, y = X[: chapter.GRAD_SAMPLES], y[: chapter.GRAD_SAMPLES]
        out = {}
        for a in chapter.GRAD_ACTIVATIONS:
            for i in chapter.GRAD_INITS:
                sizes = [X.shape[1], *[chapter.GRAD_WIDTH] * chapter.GRAD_DEPTH, 10]
                net = MLP(sizes, activation=a, init=i, seed=0)
                _, post = net.hidden(X)
                _, grads = net.loss_and_grads(X, y)
                out[f"{a}|{i}"] = {
                    "grad_norm": [float(np.linalg.norm(dW)) for dW, _ in grads],
                    "spread": [float(p.std(axis=0).mean()) for p in post[:-1]],
                }
        settings = {"depth": chapter.GRAD_DEPTH, "width": chapter.GRAD_WIDTH,
                    "samples": chapter.GRAD_SAMPLES}  # fmt: skip
        return out, settings


def depth_data() -> dict[str, Any]:
    """MNIST-1D inputs for the depth explorer and the chapter's curves as references."""
    from bendlines import data

    (X, y), _ = data.load("mnist1d")
    reference, settings = _depth_reference()
    return {
        "X": X[:DEPTH_SAMPLES].tolist(),
        "y": y[:DEPTH_SAMPLES].tolist(),
        "reference": reference,
        "reference_settings": settings,
    }


def plane_net_data() -> dict[str, Any]:
    """The chapter's small 2-input layer (experiments.piecewise.plane_net) and its box: the
    unit-lines explorer starts from the units of the "units are lines" figure."""
    from bendlines.experiments import piecewise as pw

    (W, b), _ = pw.plane_net()
    return {"W": W.tolist(), "b": b.tolist(), "box": [float(v) for v in pw.PLANE_BOX]}


DATA: dict[str, Callable[[], Any]] = {
    "activations": activation_data,
    "targets": target_data,
    **{
        f"trainer_{name}": (lambda name=name: trainer_data(name))
        for name in ("xor", "circles", "moons", "spiral")
    },
    "depth": depth_data,
    "plane_net": plane_net_data,
}
"""JSON files written into ``_static/widgets/data/NAME.json`` on every HTML build."""


def write_data(static: Path) -> list[Path]:
    """Write every :data:`DATA` entry as JSON under ``static/widgets/data`` (each file whole)."""
    folder = static / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in DATA.items():
        text = json.dumps(make(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        path = folder / f"{name}.json"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            partial = path.with_name(path.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
        written.append(path)
    return written


# --- the directive ------------------------------------------------------------------------------
class widget_node(nodes.General, nodes.Element):
    """A widget placeholder; HTML writers emit it, every other builder drops it."""


def parse_config(kind: str, text: str | None) -> dict[str, Any]:
    """Parse and check a ``:config:`` JSON object against the kind's options.

    Raises
    ------
    ValueError
        Unknown kind, text that is not a JSON object, an unknown key or a bad value.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown widget kind {kind!r}; known kinds: {', '.join(KINDS)}")
    if not text:
        return {}
    try:
        config = json.loads(text, parse_constant=lambda c: float("nan"))
    except ValueError as err:
        raise ValueError(f":config: is not valid JSON ({err})") from err
    if not isinstance(config, dict):
        raise ValueError(f":config: must be a JSON object; got {text!r}")
    options = KINDS[kind].options
    for key, value in config.items():
        if key not in options:
            allowed = ", ".join(options) or "none"
            raise ValueError(f"unknown :config: key {key!r} for {kind}; allowed keys: {allowed}")
        problem = options[key].check(key, value)
        if problem:
            raise ValueError(f":config: {problem}")
    return config


class WidgetDirective(SphinxDirective):
    """``{widget} KIND`` with ``:for: fig-label`` and an optional JSON ``:config:``."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "for": directives.unchanged_required,
        "config": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0].strip()
        target = self.options.get("for", "").strip()
        try:
            if not target:
                raise ValueError(":for: is required (the label of the figure the widget explores)")
            config = parse_config(kind, self.options.get("config"))
        except ValueError as err:
            logger.warning(f"widget: {err}", location=self.get_location(), type="widget")
            return []
        node = widget_node()
        node["kind"] = kind
        node["for"] = target
        node["config"] = config
        node["docname"] = self.env.docname
        self.set_source_info(node)
        return [node]


def check_targets(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Check each widget's figure label exists on its page; drop widgets outside HTML."""
    labels = app.env.get_domain("std").labels
    html = app.builder.format == "html"
    seen: set[str] = set()
    for node in list(doctree.findall(widget_node)):
        label = labels.get(node["for"])
        if label is None:
            logger.warning(
                f"widget {node['kind']}: :for: names no figure label {node['for']!r}",
                location=node,
                type="widget",
            )
        elif label[0] != docname:
            logger.warning(
                f"widget {node['kind']}: figure {node['for']!r} is on page {label[0]!r}, "
                f"not on this page ({docname!r}); a widget sits under its figure",
                location=node,
                type="widget",
            )
        if node["kind"] in seen:
            logger.warning(
                f"widget {node['kind']}: one widget of a kind per page",
                location=node,
                type="widget",
            )
        seen.add(node["kind"])
        if not html:
            node.parent.remove(node)


def visit_widget_html(self, node: widget_node) -> None:
    kind = KINDS[node["kind"]]
    esc = self.encode
    config = json.dumps(node["config"], sort_keys=True, separators=(",", ":"))
    self.body.append(
        f'<details class="bl-widget" id="bl-widget-{esc(node["kind"])}" '
        f'data-widget="{esc(node["kind"])}" data-for="{esc(node["for"])}" '
        f'data-config="{esc(config)}">\n'
        f'<summary class="bl-widget-summary">Explore this figure: {esc(kind.title)}</summary>\n'
        f'<div class="bl-widget-body">\n<p class="bl-widget-about">{esc(kind.about)}</p>\n'
        '<p class="bl-widget-status">This interactive figure needs JavaScript, which is off '
        "or not yet loaded; the figure above shows the same idea for fixed settings.</p>\n"
        "</div>\n</details>\n"
    )
    raise nodes.SkipNode


def add_page_assets(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Give the loader and the stylesheet to the pages that hold a widget, and only to them."""
    if doctree is not None and next(iter(doctree.findall(widget_node)), None) is not None:
        app.add_js_file(LOADER, type="module")
        app.add_css_file(STYLESHEET)


def data_inputs(root: Path) -> list[Path]:
    """What the widgets' data is computed from: the package, its pins and this module."""
    return [
        *files_under(root / "src" / "bendlines"),
        root / "requirements.lock",
        Path(__file__).resolve(),
    ]


def write_widget_data(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        root = Path(app.srcdir).parent
        static = Path(app.outdir) / "_static"
        current = digest(data_inputs(root), root)
        stamp = Stamp(app.doctreedir, "widget-data")
        if stamp.fresh(current, [static / DATA_DIR / f"{name}.json" for name in DATA]):
            return
        write_data(static)
        stamp.record(current)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(widget_node, html=(visit_widget_html, None))
    app.add_directive("widget", WidgetDirective)
    app.connect("doctree-resolved", check_targets)
    app.connect("html-page-context", add_page_assets)
    # Before the page finishing in bendlines_html (priority 500 and 900): data first.
    app.connect("build-finished", write_widget_data, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
