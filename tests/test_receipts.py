"""Receipts without a built book: glue's output and metadata, the lineage read from a chapter's
code (aliases, code, settings, seeds), the store's read hook, statistics that verdicts carry,
the rerun command's formatting and errors, and the test markers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bendlines import receipts, results
from bendlines import stats as st
from bendlines.receipts import lineage, markers, rerun

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_session():
    """No chapter session before or after the test (each test starts its own)."""
    saved = list(receipts._SESSION)
    receipts._SESSION[:] = []
    yield
    receipts._SESSION[:] = saved


def run_cells(cells: list[str]) -> dict:
    """Run ``cells`` as a kernel runs a chapter: one namespace, each cell watched."""
    namespace: dict = {"__name__": "__main__"}
    session = receipts.start(namespace)
    for number, source in enumerate(cells):
        source = textwrap.dedent(source)
        session.begin_cell(source)
        exec(compile(source, f"<cell {number}>", "exec"), namespace)
    return namespace


def captured_glue(monkeypatch, fn, *args, **kwargs):
    """The (bundle, metadata) that ``fn`` passes to IPython's ``display``."""
    import IPython.display

    seen = []
    monkeypatch.setattr(IPython.display, "display", lambda b, **kw: seen.append((b, kw)))
    fn(*args, **kwargs)
    (bundle, kw), = seen  # fmt: skip
    assert kw["raw"] is True
    return bundle, kw["metadata"]


# --- glue ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [3, 0.1234, "text", [1, 2]])
@pytest.mark.parametrize("display", [False, True])
def test_glue_emits_what_myst_nb_glue_emits_plus_the_receipt(monkeypatch, clean_session,
                                                             value, display):  # fmt: skip
    import myst_nb.ext.glue as myst_glue

    seen = []
    monkeypatch.setattr(myst_glue, "ipy_display", lambda b, **kw: seen.append((b, kw)))
    myst_glue.glue("k", value, display=display)
    bundle, metadata = captured_glue(monkeypatch, receipts.glue, "k", value, display=display)
    theirs, their_kw = seen[0]
    assert bundle == theirs
    receipt = metadata.pop("bendlines_receipt")
    assert metadata == their_kw["metadata"]
    assert receipt == receipts.FIELDS


def test_glue_receipt_takes_provenance_blocks_rules_and_arguments(monkeypatch, clean_session):
    receipts.for_keys({"acc_*": {"settings": {"task": "spiral"}, "seeds": [7]}})
    with receipts.provenance(settings={"depth": 2, "steps": 100}, seeds=range(3)):
        with receipts.provenance(settings={"steps": 200}, method="by hand"):
            _, meta = captured_glue(monkeypatch, receipts.glue, "acc_relu", 0.5,
                                    compared=("relu", "tanh"))  # fmt: skip
    receipt = meta["bendlines_receipt"]
    assert receipt["settings"] == {"task": "spiral", "depth": 2, "steps": 200}
    assert receipt["seeds"] == [0, 1, 2]
    assert receipt["method"] == "by hand"
    assert receipt["compared"] == ["relu", "tanh"]
    _, meta = captured_glue(monkeypatch, receipts.glue, "other", 1)
    assert meta["bendlines_receipt"] == receipts.FIELDS


def test_a_verdict_sentence_brings_its_statistics_and_is_glued_as_plain_text(monkeypatch):
    a, b = [0.9, 0.8, 0.85, 0.95], [0.5, 0.55, 0.6, 0.52]
    text = st.verdict(a, b, names=("ReLU", "tanh"), family=2).words()
    bundle, meta = captured_glue(monkeypatch, receipts.glue, "v", text)
    assert bundle["application/papermill.record/text/plain"] == repr(str(text))
    assert meta["bendlines_receipt"]["compared"] == ["ReLU", "tanh"]
    assert meta["bendlines_receipt"]["method"] == (
        "paired t-test on 4 seeds, Bonferroni over 2 comparisons (95 % family-wise)"
    )


@pytest.mark.parametrize(
    "fields, message",
    [({"colour": 1}, "unknown receipt fields"), ({"seeds": [1.5]}, "seeds must be integers"),
     ({"settings": [1]}, "settings must be a mapping"), ({"method": 3}, "method must be"),
     ({"settings": {"net": object()}}, "is not a JSON value")],
)  # fmt: skip
def test_bad_provenance_is_refused_with_a_clear_error(fields, message):
    with pytest.raises(TypeError, match=message):
        with receipts.provenance(**fields):
            pass


def test_importing_receipts_loads_neither_ipython_nor_myst_nb():
    code = (
        "import sys, bendlines.receipts; print('IPython' in sys.modules, 'myst_nb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- lineage ---------------------------------------------------------------------------------
def test_aliases_resolve_every_import_form():
    import ast

    tree = ast.parse(
        "import numpy as np\nimport bendlines.stats\nfrom bendlines import stats as st\n"
        "from bendlines.mlp import MLP\nimport bendlines.results as r\n"
    )
    assert lineage.aliases(tree) == {
        "np": "numpy", "bendlines": "bendlines", "st": "bendlines.stats",
        "MLP": "bendlines.mlp.MLP", "r": "bendlines.results",
    }  # fmt: skip
    names = lineage.aliases(tree)
    assert lineage.qualify("st.mean_interval", names) == "bendlines.stats.mean_interval"
    assert lineage.qualify("np.mean", names) is None
    assert lineage.resolve("bendlines.stats.CONFIDENCE.real")[0] == "bendlines.stats.CONFIDENCE"
    assert lineage.resolve("bendlines.stats") is None  # a module is not code


def test_lineage_follows_assignments_back_through_cells():
    import bendlines.mlp  # noqa: F401  names resolve among the modules a chapter imported

    chapter = lineage.Chapter()
    chapter.add_cell("from bendlines import stats as st\nfrom bendlines.mlp import MLP\n")
    chapter.add_cell(
        "a = st.mean_interval([1.0, 2.0])\nb = MLP([1, 2, 1], 'relu')\nc = st.CONFIDENCE\n"
    )
    chapter.add_cell("d = a['lo'] + c\nd = d + 1\nunrelated = b\n")
    last = chapter.statement_at(2, 2)
    steps = chapter.lineage(last)
    assert [(s.cell, s.first) for s in steps] == [(0, 1), (1, 1), (1, 3), (2, 1), (2, 2)]
    assert chapter.code(steps) == ["bendlines.stats.mean_interval"]
    settings, seeds = chapter.settings(steps)
    assert settings == {"confidence": 0.95, "CONFIDENCE": 0.95}
    assert seeds == []
    net = chapter.lineage(chapter.statement_at(2, 3))
    assert chapter.code(net) == ["bendlines.mlp.MLP"]
    assert chapter.settings(net)[1] == [0]  # MLP's seed default


def test_names_bound_inside_functions_and_comprehensions_stay_there():
    import ast

    def names(code):
        return lineage.scope_names(ast.parse(code).body[0])

    assert names("def f(a, b=c):\n    s = a + d\n    return s") == ({"f"}, {"c", "d"})
    assert names("ranks = [min(s) for s in sizes if s]") == ({"ranks"}, {"min", "sizes"})
    assert names("for k, v in t.items():\n    out[k] = g(v)") == ({"k", "v"}, {"t", "out", "g"})
    assert names("with p() as b:\n    c = b + e") == ({"b", "c"}, {"p", "e"})
    assert names("h = lambda x: x + y") == ({"h"}, {"y"})
    assert names("from bendlines import stats as st") == ({"st"}, set())
    chapter = lineage.Chapter()
    chapter.add_cell("s = 1\nvalues = [2]\ndef _ci(values):\n    s = sum(values)\n    return s\n")
    chapter.add_cell("shown = _ci([3])\n")
    assert [(x.cell, x.first) for x in chapter.lineage(chapter.statement_at(1, 1))] == [
        (0, 3),
        (1, 1),
    ]


def test_settings_come_from_defaults_and_seeds_from_names_with_seed():
    from bendlines.experiments import primer

    chapter = lineage.Chapter()
    chapter.add_cell(
        "from bendlines.experiments import primer as pr\nfrom bendlines import stats as st\n"
        "x = pr.overfitting()\ny = st.bounded_interval([1.0, 2.0], seed=3)\nz = (x, y)\n"
    )
    steps = chapter.lineage(chapter.statement_at(0, 5))
    settings, seeds = chapter.settings(steps)
    assert seeds == list(primer.OVERFIT_SEEDS)  # the call's seed=3 is the code's, not a default
    assert settings["draws"] == st.BOOTSTRAP_DRAWS and "seed" not in settings


def test_defaults_count_only_for_parameters_no_call_sets():
    import bendlines.mlp  # noqa: F401

    chapter = lineage.Chapter()
    chapter.add_cell(
        "from bendlines.mlp import MLP\nfrom bendlines import stats as st\n"
        "a = MLP([1, 2, 1], 'tanh', 'xavier', 7)\nb = MLP([1, 2, 1], bias_init=0.5)\n"
        "c = st.mean_interval\nd = (a, b, c)\n"
    )
    settings, seeds = chapter.settings(chapter.lineage(chapter.statement_at(0, 6)))
    assert seeds == []  # a call sets the seed (by position), so its default is not claimed
    assert "bias_init" not in settings and "confidence" not in settings  # c is never called


def test_plain_values_are_json_numbers_strings_and_short_lists():
    import numpy as np

    assert lineage.plain_value(np.float64(0.5)) == 0.5
    assert lineage.plain_value((1, 2)) == [1, 2]
    assert lineage.plain_value(float("nan")) is None
    assert lineage.plain_value(list(range(100))) is None
    assert lineage.plain_value({"a": 1}) is None


# --- a chapter run as a kernel runs it ------------------------------------------------------
def tiny_experiment(n: int) -> dict:
    """A stored experiment for the tests."""
    import numpy as np

    return {"x": np.arange(n, dtype=float)}


def test_the_store_read_hook_records_reads_per_statement_and_per_block(tmp_path, clean_session):
    store = results.Store(tmp_path)
    namespace = run_cells([
        "from bendlines import receipts, stats as st",
        f"""
        from bendlines import results
        from test_receipts import tiny_experiment
        store = results.Store({str(tmp_path)!r})
        first = store.get(tiny_experiment, n=3)
        other = store.get(tiny_experiment, n=4)
        ci = st.mean_interval(first["x"])
        r_first = receipts.receipt("first", ci["lo"])
        with receipts.provenance() as block:
            again = store.get(tiny_experiment, n=3)
        r_block = receipts.receipt("x", 1)
        """,
    ])  # fmt: skip
    key3 = store.path(tiny_experiment, {"n": 3}).stem
    key4 = store.path(tiny_experiment, {"n": 4}).stem
    receipt = namespace["r_first"]
    assert receipt["store"] == [key3]  # computed (a miss) by the statement ci depends on
    assert key4 not in receipt["store"]
    assert receipt["method"] == "Student t 95 % interval of the mean of 3 values"
    assert "bendlines.stats.mean_interval" in receipt["code"]
    assert namespace["block"]["store"] == [key3]  # read (a hit) inside the block
    assert namespace["r_block"]["store"] == []


def test_the_hook_leaves_results_untouched_so_no_stored_key_changes():
    source = (ROOT / "src" / "bendlines" / "results.py").read_text(encoding="utf-8")
    assert "receipts" not in source
    assert results.Store.load._receipts and results.Store.compute._receipts


# --- verdicts keep their statistics ----------------------------------------------------------
def test_verdicts_attach_the_comparisons_made_since_the_previous_sentence():
    a, b, c = [1.0, 2.0, 3.0, 4.5], [0.0, 1.0, 1.5, 2.0], [0.5, 0.4, 0.3, 0.2]
    out = st.Verdicts()
    st.compare({"a": a, "b": b, "c": c})
    out["table"] = "some sentence"
    out["again"] = "another sentence from the same table"
    out["pair"] = st.verdict(a, c, names=("A", "C"), family=3).words()
    st.mean_interval(a)
    out.update(one="x", two="y")
    assert (
        out["table"].method
        == "paired t-test on 4 seeds, Holm over 3 comparisons (95 % family-wise)"
    )
    assert out["table"].compared == ("a", "b", "c")
    assert st.evidence_of(out["again"]) == st.evidence_of(out["table"])
    assert out["pair"].compared == ("A", "C") and "Bonferroni over 3" in out["pair"].method
    assert (
        out["one"].method == out["two"].method == "Student t 95 % interval of the mean of 4 values"
    )
    assert out == {"table": "some sentence", "again": "another sentence from the same table",
                   "pair": str(out["pair"]), "one": "x", "two": "y"}  # fmt: skip


def test_verdicts_keep_the_entries_read_for_each_sentence(monkeypatch):
    out = st.Verdicts()
    st.note_read("entry-a")
    out["first"] = st.verdict([1.0, 2, 3, 5], [0.0, 1, 1, 2], names=("A", "B")).words()
    out["same"] = "from the same computation"
    out["next"] = st.verdict([1.0, 2, 3, 5], [0.0, 1, 1, 3], names=("A", "C")).words()
    st.note_read("entry-b")
    st.note_read("entry-b")
    out["second"] = "read b"
    assert out["first"].store == out["same"].store == out["next"].store == ("entry-a",)
    assert out["first"].compared == ("A", "B") and out["next"].compared == ("A", "C")
    assert out["second"].store == ("entry-b",) and out["second"].compared == ("A", "C")
    receipt = receipts.receipt("second", out["second"])
    assert receipt["store"] == ["entry-b"]


def test_a_replicated_top_notes_itself_not_its_halves():
    notes = st._Notes()
    st.observe(notes)
    st.replicated_top({"a": [1.0, 2, 3, 4], "b": [0.0, 1, 1, 2]})
    methods = [m for m, _ in notes.made]
    assert methods[-1] == "top group on all 4 seeds and on each half of them"
    assert not any("on 2 seeds" in m for m in methods)


# --- the rerun command -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "plain, spec",
    [("0.123456", ".2f"), ("0.123456", ""), ("'text'", "s"), ("12", "d"), ("3.0", ".0%"),
     ("'a, b'", "s"), ("1234567.0", ",.0f"), ("7", ".1f"), ("[1, 2]", "s"),
     ("np.float64(2.5)", "s")],
)  # fmt: skip
def test_format_specs_are_applied_as_myst_nb_applies_them(plain, spec):
    from myst_nb.core.variables import format_plain_text

    assert rerun.format_plain(plain, spec) == format_plain_text(plain, spec)


def test_shown_text_is_the_markdown_source_for_markdown_values():
    from IPython.display import Markdown

    assert rerun.shown_text(Markdown("$10^{3}$"), None) == "$10^{3}$"
    assert rerun.shown_text(0.5, None) == "0.5"
    assert rerun.shown_text(0.5, ".2f") == "0.50"
    assert rerun.shown_text("words", None) == "words"


def test_receipt_ids_parse_and_bad_ones_are_refused():
    assert rerun.parse_id("choosing:bad_relu") == rerun.ReceiptId("choosing", "bad_relu")
    assert rerun.parse_id("primer:x1:.2f") == rerun.ReceiptId("primer", "x1", ".2f")
    assert str(rerun.parse_id("primer:x1:.2f")) == "primer:x1:.2f"
    for bad in ("primer", "primer:", ":key"):
        with pytest.raises(rerun.RerunError):
            rerun.parse_id(bad)


@pytest.fixture
def tiny_book(tmp_path):
    """A book folder with two chapters: ``tiny`` glues two values in cell 1 and a third in
    cell 2, which then fails (a rerun never needs to reach it); ``whole`` glues one value."""
    book = tmp_path / "book"
    (book / "_ext").mkdir(parents=True)
    shutil.copy(ROOT / "book" / "_ext" / "bendlines_imports.py", book / "_ext")
    fence = "```"
    (book / "tiny.md").write_text(textwrap.dedent(f"""\
        # Tiny

        {fence}{{code-cell}} ipython3
        :tags: [remove-cell]

        from IPython.display import Markdown
        from bendlines.receipts import glue
        glue("half", 1 / 2, display=False)
        glue("big", Markdown("$10^{{6}}$"), display=False)
        print("chapter output is not the command's")
        {fence}

        Text {{glue:text}}`half:.2f`.

        {fence}{{code-cell}} ipython3
        glue("name", "ReLU", display=False)
        raise RuntimeError("never reached by a rerun of the keys above")
        {fence}

        {fence}{{code-cell}} ipython3
        glue("late", 1, display=False)
        {fence}
        """), encoding="utf-8")  # fmt: skip
    (book / "whole.md").write_text(
        f"{fence}{{code-cell}} ipython3\nfrom bendlines.receipts import glue\n"
        f"glue('one', 1)\n{fence}\n", encoding="utf-8",
    )  # fmt: skip
    return book


def command(book: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bendlines.receipts", *args], cwd=book.parent,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_rerun_prints_the_shown_values_and_stops_at_the_last_needed_statement(tiny_book):
    out = command(tiny_book, "tiny:half:.2f", "tiny:big", "tiny:half", "tiny:name")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "0.50\n$10^{6}$\n0.5\nReLU\n"
    assert out.stderr == ""


@pytest.mark.parametrize(
    "args, message",
    [(["tiny:late"], "tiny: cell 2 failed: RuntimeError: never reached"),
     (["whole:nothing"], "whole glues no value named nothing"),
     (["other:x"], "no chapter 'other'"), (["nokey"], "is not a receipt id")],
)  # fmt: skip
def test_rerun_errors_are_one_line_and_exit_2(tiny_book, args, message):
    out = command(tiny_book, *args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.splitlines()) == 1 and message in out.stderr, out.stderr


def test_rerun_without_a_book_folder_says_so(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bendlines.receipts", "primer:x"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 2 and "no book folder" in out.stderr


# --- markers ---------------------------------------------------------------------------------
def test_markers_are_read_from_decorators_classes_and_pytestmark(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_a.py").write_text(textwrap.dedent("""\
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.receipts("primer:shared_*")]

        @pytest.mark.receipts("primer:x1", "choosing:verdict_*")
        @pytest.mark.parametrize("n", [1, 2])
        def test_one(n):
            pass

        def test_two():
            pass

        class TestGroup:
            @mark.receipts("deep:rs_verdicts")
            def test_three(self):
                pass

        def helper():
            pass
        """), encoding="utf-8")  # fmt: skip
    (tests / "test_b.py").write_text("def test_plain():\n    pass\n", encoding="utf-8")
    found = markers.declared(tests)
    assert found == {
        "tests/test_a.py::test_one": ["primer:shared_*", "primer:x1", "choosing:verdict_*"],
        "tests/test_a.py::test_two": ["primer:shared_*"],
        "tests/test_a.py::TestGroup::test_three": ["primer:shared_*", "deep:rs_verdicts"],
    }
    assert markers.tests_for("choosing", "verdict_short", found) == ["tests/test_a.py::test_one"]
    assert markers.tests_for("primer", "shared_a", found) == sorted(found)
    assert markers.tests_for("primer", "x10", found) == []  # a pattern is not a prefix
    assert markers.tests_for("deep", "x1", found) == []  # nor another chapter's key


def test_a_receipts_test_list_holds_only_tests_that_declare_its_key():
    """By construction: every test a receipt lists declares a pattern matching its key."""
    found = markers.declared(ROOT / "tests", ROOT)
    assert found, "no test declares a receipt"
    for node, patterns in found.items():
        for pattern in patterns:
            doc, _, key = pattern.partition(":")
            concrete = key.replace("*", "x").replace("?", "x").replace("[28]", "2")
            assert node in markers.tests_for(doc, concrete, found)
            for other in markers.tests_for(doc, concrete, found):
                assert any(markers.matches(p, doc, concrete) for p in found[other])


def test_a_marker_must_name_literal_docname_key_strings(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_bad.py").write_text(
        "import pytest\n\n@pytest.mark.receipts('no_colon')\ndef test_x():\n    pass\n"
    )
    with pytest.raises(ValueError, match="is not DOCNAME:KEY"):
        markers.declared(tests)


def test_recompute_recomputes_the_stored_entries_instead_of_reading_them(tmp_path, monkeypatch):
    """A stored entry that disagrees with its code is read by a plain rerun and replaced by
    the recomputed value under ``--recompute``, which says how long that took."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "tiny_runs.py").write_text(
        "import numpy as np\n\n\ndef run(n):\n    return {'x': np.arange(float(n))}\n",
        encoding="utf-8",
    )
    book = tmp_path / "book"
    (book / "_ext").mkdir(parents=True)
    shutil.copy(ROOT / "book" / "_ext" / "bendlines_imports.py", book / "_ext")
    (book / "stored.md").write_text(
        "```{code-cell} ipython3\nimport tiny_runs\nfrom bendlines import results\n"
        "from bendlines.receipts import glue\n"
        "glue('total', float(results.get(tiny_runs.run, n=3)['x'].sum()))\n```\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path / "figures"))
    import tiny_runs

    store = tmp_path / "store"
    results.Store(store).save(tiny_runs.run, {"n": 3}, {"x": [100.0]})
    env = {**os.environ, "BENDLINES_RESULTS": str(store)}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bendlines.receipts", "stored:total", *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip

    plain, fresh = run(), run("--recompute")
    assert (plain.returncode, plain.stdout) == (0, "100.0\n"), plain.stderr
    assert (fresh.returncode, fresh.stdout) == (0, "3.0\n"), fresh.stderr
    assert re.fullmatch(r"stored: recomputed 1 stored entries in \d+\.\d s\n", fresh.stderr)
    assert results.Store(store).peek(tiny_runs.run, n=3)["x"].tolist() == [100.0]  # unwritten
