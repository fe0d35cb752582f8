"""The results store: keyed by what the code does and the settings, never stale, written whole,
corrupt entries refused, filled on any executor (local processes, a Dask cluster) or in shards,
explained where kernels differ, spot-checked bit for bit against the repository's entries."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import bendlines
from bendlines import blas, results
from bendlines.experiments import sweeps
from bendlines.results import CorruptEntryError, KernelMismatchError, Store

ROOT = Path(__file__).resolve().parents[1]

CALLS: list[dict] = []


def square_table(n: int, scale: float = 1.0) -> dict:
    """A cheap deterministic experiment."""
    CALLS.append({"n": n, "scale": scale})
    x = np.arange(n, dtype=np.float64)
    return {"x": x, "y": scale * x**2, "total": np.float64(scale * np.sum(x**2))}


def noisy(seed: int) -> dict:
    return {"value": np.random.default_rng(seed).standard_normal(3)}


@pytest.fixture
def store(tmp_path):
    CALLS.clear()
    return Store(tmp_path / "results")


def test_miss_computes_and_saves_then_hits_without_computing(store):
    first = store.get(square_table, n=5, scale=2.0)
    assert len(CALLS) == 1 and len(store.entries()) == 1
    second = store.get(square_table, n=5, scale=2.0)
    assert len(CALLS) == 1  # read, not recomputed
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    assert second["total"] == 2.0 * (0 + 1 + 4 + 9 + 16)


def test_new_settings_are_a_miss(store):
    store.get(square_table, n=5, scale=2.0)
    assert store.peek(square_table, n=5, scale=3.0) is None
    assert store.peek(square_table, n=6, scale=2.0) is None
    assert store.get(square_table, n=5, scale=3.0)["total"] == 90.0
    assert len(CALLS) == 2 and len(store.entries()) == 2


def test_a_code_change_is_a_miss(store, tmp_path, monkeypatch):
    folder = tmp_path / "mods"
    folder.mkdir()
    source = folder / "exp_mod_for_store.py"
    body = "import numpy as np\n\ndef run(n):\n    return {{'v': np.full(n, {value})}}\n"
    source.write_text(body.format(value=1.0))
    monkeypatch.syspath_prepend(str(folder))
    module = importlib.import_module("exp_mod_for_store")
    try:
        assert store.get(module.run, n=3)["v"].tolist() == [1.0, 1.0, 1.0]
        key = results.entry_key(module.run, {"n": 3})
        source.write_text(body.format(value=2.0))
        results.code_digest.cache_clear()
        module = importlib.reload(module)
        assert results.entry_key(module.run, {"n": 3}) != key
        assert store.peek(module.run, n=3) is None  # stale code: never served
        assert store.get(module.run, n=3)["v"].tolist() == [2.0, 2.0, 2.0]
    finally:
        sys.modules.pop("exp_mod_for_store", None)
        results.code_digest.cache_clear()


def test_digest_follows_bendlines_modules_an_experiment_uses():
    from bendlines.experiments import choosing_training

    used = {m.__name__ for m in results._bendlines_modules(choosing_training)}
    assert {"bendlines.training", "bendlines.mlp", "bendlines.optim"} <= used
    assert "bendlines.regions" not in used  # unrelated code does not invalidate entries


def test_truncated_entry_is_an_error_naming_the_file(store):
    store.get(square_table, n=4)
    (path,) = store.entries()
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(CorruptEntryError, match=path.name):
        store.get(square_table, n=4)


def test_entry_under_the_wrong_name_is_refused(store):
    store.get(square_table, n=4)
    store.get(square_table, n=7)
    a, b = store.entries()
    a.write_bytes(b.read_bytes())
    with pytest.raises(CorruptEntryError, match="does not match"):
        store.peek(square_table, n=4)
        store.peek(square_table, n=7)


def test_fill_replaces_a_corrupt_entry(store):
    store.get(square_table, n=4)
    (path,) = store.entries()
    path.write_bytes(b"not an npz file")
    assert store.fill(lambda: [(square_table, {"n": 4})], workers=1) == 1
    assert store.peek(square_table, n=4)["total"] == 14.0


def test_save_is_all_or_nothing(store, monkeypatch):
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        store.get(square_table, n=4)
    assert list(store.root.iterdir()) == []  # no entry, no temporary file


def test_fill_uses_two_processes_and_repeats_until_nothing_is_missing(store):
    def plan():
        # a "grid" that grows while its last result is large, as an edge extension does
        tasks = [(noisy, {"seed": 0}), (square_table, {"n": 3})]
        n = 3
        while (found := store.peek(square_table, n=n)) is not None and found["total"] < 50:
            n += 1
            tasks.append((square_table, {"n": n}))
        return tasks

    computed = store.fill(plan, workers=2)
    # n = 3, 4, 5, 6 (total 55 stops the growth) and the seed task
    assert computed == 5
    assert store.peek(square_table, n=6)["total"] == 55.0
    assert store.fill(plan, workers=2) == 0
    np.testing.assert_array_equal(
        store.peek(noisy, seed=0)["value"], np.random.default_rng(0).standard_normal(3)
    )


def test_verify_recomputes_and_catches_a_tampered_entry(store):
    store.get(square_table, n=5)
    store.verify(square_table, n=5)
    store.save(square_table, {"n": 5}, {**square_table(5), "total": np.float64(31.0)})
    with pytest.raises(AssertionError, match="total"):
        store.verify(square_table, n=5)
    with pytest.raises(AssertionError, match="make experiments"):
        store.verify(square_table, n=9)


def test_bad_experiments_and_settings_are_rejected(store):
    with pytest.raises(ValueError, match="module-level"):
        store.get(lambda: {"x": 1})
    with pytest.raises(ValueError, match="JSON"):
        store.get(square_table, n=np.arange(3))
    with pytest.raises(ValueError, match="finite"):
        store.get(square_table, n=3, scale=float("nan"))
    with pytest.raises(TypeError, match="dict"):
        store.get(results_list)


def results_list():
    return [1, 2]


def test_prune_deletes_only_stale_entries_of_task_functions(store):
    store.get(square_table, n=3)
    stale = store.get(square_table, n=4) and store.path(square_table, {"n": 4})
    other = store.get(noisy, seed=1) and store.path(noisy, {"seed": 1})
    assert results.prune([(square_table, {"n": 3})], store) == [stale]
    assert other.exists() and store.peek(square_table, n=3) is not None


def test_compare_reports_missing_and_different_entries(store, tmp_path):
    tasks = [(square_table, {"n": 3}), (noisy, {"seed": 2})]
    fresh = Store(tmp_path / "fresh")
    for s in (store, fresh):
        s.get(square_table, n=3)
        s.get(noisy, seed=2)
    assert results.compare(fresh.root, tasks, store) == []
    value = fresh.peek(noisy, seed=2)["value"]
    fresh.save(noisy, {"seed": 2}, {"value": np.nextafter(value, np.inf)})  # one bit off
    store.path(square_table, {"n": 3}).unlink()
    problems = results.compare(fresh.root, tasks, store)
    assert len(problems) == 2
    assert "missing" in problems[0] and "differs" in problems[1]


# --- the repository's store ------------------------------------------------------------------
def test_every_task_of_the_book_is_stored():
    """The committed store holds every task: a newcomer's book build computes nothing heavy."""
    store = results.default_store()
    missing = [
        f"{fn.__name__} {settings}"
        for fn, settings in sweeps.tasks()
        if store.peek(fn, **settings) is None
    ]
    assert not missing, "run `make experiments`; missing entries:\n" + textwrap.indent(
        "\n".join(missing[:10]), "  "
    )


def test_spot_check_cheap_entries_by_recomputing_them():
    from bendlines.experiments import choosing

    checks = choosing.results_spot_checks()
    assert len(checks) >= 2
    # the same code and settings on the same reference kernels and one BLAS thread (a threaded
    # BLAS moved a float32 loss by a last bit): every array comes out bit for bit
    for fn, settings in checks:
        results.verify(fn, **settings)  # bit for bit


# --- keys on what the code does ---------------------------------------------------------------
MODEL = '''"""A model module, like mlp.py."""

import numpy as np


def forward(x):
    """Double the input."""
    return 2 * np.asarray(x, dtype=float)  # one layer
'''
EXPERIMENT = '''"""An experiment that uses the model."""

from bendlines import keytest_model


def run(n):
    return {"y": keytest_model.forward(range(n))}
'''
UNRELATED = """def other():
    return 1
"""


@pytest.fixture
def key_after(tmp_path, monkeypatch):
    """``key_after(**sources)``: write modules ``bendlines.keytest_NAME``, import them afresh,
    and return the key of the experiment's entry for ``n=3``."""
    folder = tmp_path / "modules"
    folder.mkdir()
    monkeypatch.setattr(bendlines, "__path__", [*bendlines.__path__, str(folder)])
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def forget():
        for name in [n for n in sys.modules if n.startswith("bendlines.keytest_")]:
            del sys.modules[name]
            vars(bendlines).pop(name.rpartition(".")[2], None)  # `from bendlines import` reads it
        results.code_digest.cache_clear()

    def key(**sources):
        for name, text in sources.items():
            (folder / f"keytest_{name}.py").write_text(text)
        forget()
        importlib.invalidate_caches()
        importlib.import_module("bendlines.keytest_unrelated")
        module = importlib.import_module("bendlines.keytest_experiment")
        assert module.run(3)["y"].tolist() == [0.0, 2.0, 4.0]
        return results.entry_key(module.run, {"n": 3})

    yield key
    forget()


def test_docstring_and_comment_edits_keep_the_key(key_after):
    first = key_after(model=MODEL, experiment=EXPERIMENT, unrelated=UNRELATED)
    edited = MODEL.replace(
        '"""Double the input."""', '"""Twice the input, as an array.\n\n    More."""'
    )
    edited = edited.replace("# one layer", "# the only layer").replace(
        "import numpy", "# np\nimport numpy"
    )
    edited = edited.replace('"""A model module, like mlp.py."""', "'''Reworded.'''")
    assert edited != MODEL
    assert key_after(model=edited) == first
    reflowed = MODEL.replace(
        "return 2 * np.asarray(x, dtype=float)", "return (2 *\n        np.asarray(x, dtype=float))"
    )
    assert key_after(model=reflowed) == first  # layout is not code either


def test_a_code_edit_changes_the_key_of_entries_that_reach_it(key_after):
    first = key_after(model=MODEL, experiment=EXPERIMENT, unrelated=UNRELATED)
    assert key_after(model=MODEL.replace("dtype=float", "dtype=np.float64")) != first
    assert key_after(model=MODEL) == first  # and back
    assert key_after(model=MODEL + "\nSCALE = 1\n") != first  # a new definition is code too


def test_an_unrelated_modules_edit_keeps_the_key(key_after):
    first = key_after(model=MODEL, experiment=EXPERIMENT, unrelated=UNRELATED)
    assert key_after(unrelated=UNRELATED.replace("1", "2")) == first


def test_the_key_covers_numpy_and_the_reference_kernels(monkeypatch):
    key = results.entry_key(square_table, {"n": 3})
    monkeypatch.setattr(np, "__version__", "0.0.0")
    assert results.entry_key(square_table, {"n": 3}) != key
    monkeypatch.undo()
    monkeypatch.setattr(blas, "REFERENCE", {**blas.REFERENCE, "kernel": "Zen"})
    assert results.entry_key(square_table, {"n": 3}) != key


def test_normalised_code_drops_docstrings_but_keeps_other_strings():
    plain = results.normalised_code("def f():\n    return 'a'\n")
    assert results.normalised_code('def f():\n    """Doc."""\n    return \'a\'\n') == plain
    assert results.normalised_code("def f():\n    return 'b'\n") != plain
    assert results.normalised_code("def f():\n    'a'\n    return 'a'\n") == plain
    assert "lineno" not in plain


# --- kernels ----------------------------------------------------------------------------------
SKYLAKE = {
    "blas": "openblas",
    "blas_version": "0.3.31",
    "kernel": "SkylakeX",
    "numpy": np.__version__,
    "numpy_targets": ["X86_V3", "X86_V4"],
    "machine": "x86_64",
}


def test_each_entry_records_the_kernels_that_computed_it(store):
    store.get(square_table, n=3)
    _, meta = store.load(square_table, n=3)
    assert meta["runtime"] == blas.runtime()
    assert {"blas", "kernel", "numpy", "numpy_targets"} <= set(meta["runtime"])


def test_verify_explains_in_one_line_where_this_process_runs_other_kernels(store, monkeypatch):
    store.get(square_table, n=3)
    line = "numpy runs the openblas kernel SkylakeX, the stored results were made with Haswell"
    monkeypatch.setattr(blas, "mismatch", lambda now=None: line)
    CALLS.clear()
    with pytest.raises(KernelMismatchError) as caught:
        store.verify(square_table, n=3)
    assert line in str(caught.value) and "\n" not in str(caught.value)
    assert CALLS == []  # explained before computing, not an assert_allclose wall


def test_verify_explains_an_entry_made_with_other_kernels(store):
    if blas.mismatch() is not None:
        pytest.skip(blas.mismatch())
    store.save(square_table, {"n": 3}, square_table(3), runtime=SKYLAKE)
    with pytest.raises(KernelMismatchError, match=r"SkylakeX.*Haswell") as caught:
        store.verify(square_table, n=3)
    assert "\n" not in str(caught.value)


def test_compare_says_once_when_the_stores_were_made_with_other_kernels(store, tmp_path):
    tasks = [(square_table, {"n": n}) for n in (3, 4, 5)]
    other = Store(tmp_path / "elsewhere")
    for fn, settings in tasks:
        store.get(fn, **settings)
        other.save(fn, settings, fn(**settings), runtime=SKYLAKE)
    (line,) = results.compare(other.root, tasks, store)
    assert line.startswith("3 entries") and "SkylakeX" in line and "OPENBLAS_CORETYPE" in line


# --- where the store lives --------------------------------------------------------------------
def test_the_store_module_does_not_import_the_chapters():
    code = (
        "import sys, bendlines.results; print(sorted(m for m in sys.modules if 'experiments' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_default_store_is_the_checkout_then_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("BENDLINES_RESULTS", raising=False)
    assert results.default_root() == ROOT / "results"
    monkeypatch.setattr(results, "_checkout_root", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert results.default_root() == tmp_path / "cache" / "bendlines" / "results"
    monkeypatch.setenv("BENDLINES_RESULTS", str(tmp_path / "mine"))
    assert results.default_store().root == tmp_path / "mine"


def _pip(*args: str) -> None:
    """Run this Python's pip quietly, without its dependencies or version check; fail on error."""
    command = [sys.executable, "-m", "pip", *args, "--no-deps", "--quiet"]
    subprocess.run([*command, "--disable-pip-version-check"], check=True, capture_output=True)


def test_an_installed_wheel_writes_its_store_into_the_user_cache_only(tmp_path):
    wheels = tmp_path / "wheels"
    _pip("wheel", "--no-build-isolation", "-w", str(wheels), str(ROOT))
    (wheel,) = wheels.glob("bendlines-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert not [n for n in archive.namelist() if n.startswith("results/") or "/results/" in n]
    target = tmp_path / "site"
    _pip("install", "--no-index", "--target", str(target), str(wheel))
    (tmp_path / "tinyexp.py").write_text("def table(n):\n    return {'x': list(range(n))}\n")
    before = sorted(p for p in target.rglob("*") if "__pycache__" not in p.parts)
    script = (
        "import bendlines, tinyexp\n"
        "from bendlines import results\n"
        "print(bendlines.__file__)\n"
        "print(results.get(tinyexp.table, n=4)['x'].tolist())\n"
        "print(results.default_root())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "BENDLINES_RESULTS"}
    env |= {"PYTHONPATH": f"{target}{os.pathsep}{tmp_path}", "XDG_CACHE_HOME": str(tmp_path / "c")}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    module, values, root = out.stdout.splitlines()
    assert Path(module).is_relative_to(target)  # the wheel's copy, not the checkout's
    assert values == "[0, 1, 2, 3]"
    assert Path(root) == tmp_path / "c" / "bendlines" / "results"
    assert len(list(Path(root).glob("tinyexp-table-*.npz"))) == 1
    after = sorted(p for p in target.rglob("*") if "__pycache__" not in p.parts)
    assert after == before  # nothing written into the installation


# --- the command line -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["--workers", "0"],
        ["--workers", "two"],
        ["--shard", "0/3"],
        ["--shard", "4/3"],
        ["--shard", "1-3"],
        ["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
        ["--shard", "1/2", "--compare", "."],
        ["--compare", "no-such-folder"],
        ["--bogus"],
    ],
)
def test_bad_options_give_one_clear_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        sweeps.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "error:" in err


def test_the_command_line_fills_prunes_and_compares(store, monkeypatch, capsys):
    listed = [(square_table, {"n": 3}), (noisy, {"seed": 1})]
    monkeypatch.setattr(sweeps, "tasks", lambda: listed)
    store.get(square_table, n=9)  # a stale entry
    argv = ["--store", str(store.root), "--workers", "1", "--prune"]
    assert sweeps.main(argv) == 0
    assert len(store.entries()) == 2 and store.peek(square_table, n=9) is None
    assert sweeps.main(["--store", str(store.root), "--compare", str(store.root)]) == 0
    assert "computed 0 entries" in capsys.readouterr().out


# --- executors and shards ---------------------------------------------------------------------
def _arrays_and_settings(store):
    out = {}
    for path in store.entries():
        with np.load(path) as archive:
            out[path.name] = {k: archive[k] for k in archive.files if k != "__meta__"}
    return out


def _same(a: Store, b: Store):
    left, right = _arrays_and_settings(a), _arrays_and_settings(b)
    assert sorted(left) == sorted(right)
    for name in left:
        assert sorted(left[name]) == sorted(right[name])
        for key in left[name]:
            np.testing.assert_array_equal(left[name][key], right[name][key], strict=True)


def test_fill_takes_any_executor(store, tmp_path):
    listed = [(square_table, {"n": n}) for n in range(2, 6)]
    with ThreadPoolExecutor(2) as pool:
        assert store.fill(lambda: listed, executor=pool) == 4
    serial = Store(tmp_path / "serial")
    serial.fill(lambda: listed, workers=1)
    _same(store, serial)


def test_shards_partition_the_tasks_and_merge_by_copying_files(tmp_path):
    listed = [(square_table, {"n": n}) for n in range(1, 25)]
    whole = Store(tmp_path / "whole")
    whole.fill(lambda: listed, workers=1)
    merged = Store(tmp_path / "merged")
    counts = []
    for k in (1, 2, 3):
        part = Store(tmp_path / f"shard{k}")
        counts.append(part.fill(lambda: listed, workers=1, shard=(k, 3)))
        assert len(part.entries()) == counts[-1]
        merged.root.mkdir(exist_ok=True)
        for path in part.entries():
            assert not (merged.root / path.name).exists()  # no task in two shards
            shutil.copy(path, merged.root)
    assert sum(counts) == len(listed) and min(counts) > 0
    _same(merged, whole)
    assert merged.fill(lambda: listed, workers=1) == 0


def test_fill_on_a_dask_cluster_equals_the_serial_fill_bit_for_bit(tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    from bendlines.experiments import sign_runs

    listed = [(sign_runs.sign_run, {"steps": 60, "lr": 0.01, "seed": s}) for s in range(3)]
    serial = Store(tmp_path / "serial")
    for fn, settings in listed:
        serial.compute(fn, **settings)
    cluster_store = Store(tmp_path / "cluster")
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        computed = cluster_store.fill(lambda: listed, executor=client.get_executor())
        assert len(client.scheduler_info()["workers"]) == 2
        # the command line's --scheduler: the same entries, through the scheduler's address
        by_address = tmp_path / "by_address"
        argv = ["--scheduler", cluster.scheduler_address, "--store", str(by_address)]
        monkeypatch.setattr(sweeps, "tasks", lambda: listed)
        assert sweeps.main(argv) == 0
    assert computed == 3
    _same(cluster_store, serial)
    _same(Store(by_address), serial)
    for fn, settings in listed:
        assert cluster_store.load(fn, **settings)[1]["runtime"] == blas.runtime()


def test_the_spot_checks_report_a_kernel_mismatch_as_a_skip_with_its_one_line():
    import conftest

    call = conftest.pytest_pyfunc_call(None)
    next(call)
    line = "numpy runs the openblas kernel SkylakeX, the stored results Haswell: set ..."
    with pytest.raises(pytest.skip.Exception, match="SkylakeX") as skipped:
        call.throw(KernelMismatchError(line))
    assert skipped.value.msg == line


def blas_threads() -> dict:
    from threadpoolctl import threadpool_info

    return {"n": np.array([i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"])}


def test_entries_are_computed_and_verified_on_one_blas_thread(store):
    """A threaded BLAS splits sums by the core count: entries would differ between machines."""
    assert store.get(blas_threads)["n"].tolist() in ([1], [1, 1])
    assert store.verify(blas_threads)["n"].max() == 1
