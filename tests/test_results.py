"""The results store: keyed by code and settings, never stale, written whole, corrupt entries
refused, filled on several processes, spot-checked against the repository's entries."""

from __future__ import annotations

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

from bendlines import results
from bendlines.results import CorruptEntryError, Store

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


def test_cli_rejects_bad_options(capsys):
    with pytest.raises(SystemExit):
        results.main(["--workers", "0"])
    assert "--workers" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        results.main(["--bogus"])


def test_prune_deletes_only_stale_entries_of_task_functions(store, monkeypatch):
    monkeypatch.setattr(results, "tasks", lambda: [(square_table, {"n": 3})])
    store.get(square_table, n=3)
    stale = store.get(square_table, n=4) and store.path(square_table, {"n": 4})
    other = store.get(noisy, seed=1) and store.path(noisy, {"seed": 1})
    assert results.prune(store) == [stale]
    assert other.exists() and store.peek(square_table, n=3) is not None


def test_compare_reports_missing_and_different_entries(store, tmp_path, monkeypatch):
    monkeypatch.setattr(results, "tasks", lambda: [(square_table, {"n": 3}), (noisy, {"seed": 2})])
    fresh = Store(tmp_path / "fresh")
    for s in (store, fresh):
        s.get(square_table, n=3)
        s.get(noisy, seed=2)
    assert results.compare(fresh.root, store) == []
    fresh.save(noisy, {"seed": 2}, {"value": np.zeros(3)})
    store.path(square_table, {"n": 3}).unlink()
    problems = results.compare(fresh.root, store)
    assert len(problems) == 2
    assert "missing" in problems[0] and "differs" in problems[1]


# --- the repository's store ------------------------------------------------------------------
def test_every_task_of_the_book_is_stored():
    """The committed store holds every task: a newcomer's book build computes nothing heavy."""
    store = results.default_store()
    missing = [
        f"{fn.__name__} {settings}"
        for fn, settings in results.tasks()
        if store.peek(fn, **settings) is None
    ]
    assert not missing, "run `make experiments`; missing entries:\n" + textwrap.indent(
        "\n".join(missing[:10]), "  "
    )


def test_spot_check_cheap_entries_by_recomputing_them():
    from bendlines.experiments import choosing

    checks = choosing.results_spot_checks()
    assert len(checks) >= 2
    # the same code and settings on the same reference kernels: counts and accuracies come out
    # equal, a float32 loss at most a last bit apart (1.2e-7 measured), far under 1e-6
    for fn, settings in checks:
        results.verify(fn, rtol=1e-6, atol=0, **settings)
