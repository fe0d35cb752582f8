"""Tests for bendlines.data (MNIST-1D, 2-D toy sets, entry points) and bendlines.targets."""

from __future__ import annotations

import dataclasses
import math
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import logsumexp

from bendlines import data

TOYS = ("xor", "circles", "moons", "spiral")


def _np_states_equal(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])


def _raw_arrays(split: tuple) -> dict[str, np.ndarray]:
    (X, y), (Xt, yt) = split
    return {"x": X.astype(np.float64), "y": y, "x_test": Xt.astype(np.float64), "y_test": yt}


def _best_line_accuracy(X: np.ndarray, y: np.ndarray, n_angles: int = 720) -> float:
    """Best accuracy of any threshold on X @ (cos a, sin a), over a fine grid of angles a.

    Every line in the plane is a threshold on such a projection, so this is (up to the angle
    grid) the best any linear classifier can do on (X, y).
    """
    angle = np.linspace(0.0, np.pi, n_angles, endpoint=False)
    proj = X @ np.stack([np.cos(angle), np.sin(angle)])  # (n, n_angles)
    ys = y[np.argsort(proj, axis=0)]
    ones_below = np.vstack([np.zeros((1, n_angles)), np.cumsum(ys, axis=0)])
    below = np.arange(len(y) + 1)[:, None]
    zeros_below = below - ones_below
    n1 = y.sum()
    n0 = len(y) - n1
    below_is_0 = zeros_below + (n1 - ones_below)
    below_is_1 = ones_below + (n0 - zeros_below)
    return float(max(below_is_0.max(), below_is_1.max()) / len(y))


def _least_squares_accuracy(X, y, Xt, yt, k: int) -> float:
    A = np.column_stack([X, np.ones(len(X))])
    W, *_ = np.linalg.lstsq(A, np.eye(k)[y], rcond=None)
    return float(np.mean(np.argmax(np.column_stack([Xt, np.ones(len(Xt))]) @ W, axis=1) == yt))


# --------------------------------------------------------------------------- MNIST-1D


@pytest.fixture(scope="module")
def mnist(tmp_path_factory):
    """Generate MNIST-1D once, into an empty cache, from an empty working directory."""
    cache = tmp_path_factory.mktemp("cache")
    cwd = tmp_path_factory.mktemp("cwd")
    py_before, np_before = random.getstate(), np.random.get_state()  # noqa: NPY002
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BENDLINES_CACHE", str(cache))
        mp.chdir(cwd)
        split = data.load("mnist1d")
    return SimpleNamespace(
        split=split,
        cache=cache,
        cwd=cwd,
        py_states=(py_before, random.getstate()),
        np_states=(np_before, np.random.get_state()),  # noqa: NPY002
    )


def _no_generation(args):
    raise AssertionError("MNIST-1D was regenerated although a valid cache file exists")


def test_mnist1d_shapes_dtypes_labels(mnist):
    (X, y), (Xt, yt) = mnist.split
    assert X.shape == (4000, 40) and Xt.shape == (1000, 40)
    assert X.dtype == np.float32 and Xt.dtype == np.float32
    assert y.shape == (4000,) and yt.shape == (1000,)
    assert y.dtype == np.int64 and yt.dtype == np.int64
    for labels in (y, yt):
        assert set(np.unique(labels).tolist()) == set(range(10))
        assert np.bincount(labels, minlength=10).min() > 50  # every digit well represented
    # mnist1d centres and scales all 5000 signals with one global mean and std
    everything = np.concatenate([X, Xt]).astype(np.float64)
    assert abs(everything.mean()) < 1e-6 and abs(everything.std() - 1.0) < 1e-6


def test_mnist1d_leaves_global_rng_state_alone(mnist):
    before, after = mnist.py_states
    assert before == after
    np_before, np_after = mnist.np_states
    assert _np_states_equal(np_before, np_after)


def test_mnist1d_generation_really_seeds_globally():
    """The restore above matters: mnist1d's make_dataset reseeds the global generators."""
    from mnist1d.utils import set_seed

    saved = np.random.get_state()  # noqa: NPY002
    try:
        set_seed(42)
        assert not _np_states_equal(saved, np.random.get_state())  # noqa: NPY002
    finally:
        np.random.set_state(saved)  # noqa: NPY002


def test_mnist1d_cache_file_in_cache_folder_not_cwd(mnist):
    files = sorted(p.name for p in mnist.cache.iterdir())
    assert len(files) == 1 and files[0].startswith("mnist1d-") and files[0].endswith(".npz")
    assert list(mnist.cwd.iterdir()) == []
    with np.load(mnist.cache / files[0], allow_pickle=False) as npz:
        assert sorted(npz.files) == ["x", "x_test", "y", "y_test"]


def test_mnist1d_second_load_hits_cache(mnist, monkeypatch):
    monkeypatch.setenv("BENDLINES_CACHE", str(mnist.cache))
    monkeypatch.setattr(data, "_generate_mnist1d", _no_generation)
    (X, y), (Xt, yt) = data.load("mnist1d")
    (X0, y0), (Xt0, yt0) = mnist.split
    for a, b in ((X, X0), (y, y0), (Xt, Xt0), (yt, yt0)):
        np.testing.assert_array_equal(a, b)


def test_mnist1d_float64_and_standardize(mnist, monkeypatch):
    monkeypatch.setenv("BENDLINES_CACHE", str(mnist.cache))
    monkeypatch.setattr(data, "_generate_mnist1d", _no_generation)
    (X, _), (Xt, _) = data.mnist1d(dtype=np.float64)
    assert X.dtype == np.float64
    np.testing.assert_allclose(X, mnist.split[0][0], rtol=0, atol=1e-6)  # float32 rounding
    (S, _), (St, _) = data.mnist1d(dtype=np.float64, standardize=True)
    np.testing.assert_allclose(S.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(S.std(axis=0), 1.0, rtol=1e-12)
    mu = np.array([np.mean(X[:, j]) for j in range(40)])
    sd = np.array([math.sqrt(np.mean((X[:, j] - mu[j]) ** 2)) for j in range(40)])
    np.testing.assert_allclose(St, (Xt - mu) / sd, rtol=1e-10, atol=1e-12)  # train statistics


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a zip file at all" * 100)


def _wrong_shape(path: Path) -> None:
    with path.open("wb") as fh:
        np.savez(fh, x=np.zeros((4000, 39)), y=np.zeros(4000, np.int64))


def _pickled_objects(path: Path) -> None:
    with path.open("wb") as fh:
        np.savez(fh, x=np.array([{"evil": 1}], dtype=object), y=np.zeros(3))


@pytest.mark.parametrize("damage", [_truncated, _garbage, _wrong_shape, _pickled_objects])
def test_mnist1d_recovers_from_corrupt_cache(mnist, tmp_path, monkeypatch, damage):
    good = next(mnist.cache.iterdir())
    bad = tmp_path / good.name
    bad.write_bytes(good.read_bytes())
    damage(bad)
    calls = []

    def regenerate(args):  # stands in for the 2 s generation with the known result
        calls.append(args)
        return _raw_arrays(mnist.split)

    monkeypatch.setenv("BENDLINES_CACHE", str(tmp_path))
    monkeypatch.setattr(data, "_generate_mnist1d", regenerate)
    (X, y), _ = data.load("mnist1d")
    assert len(calls) == 1
    np.testing.assert_array_equal(X, mnist.split[0][0])
    np.testing.assert_array_equal(y, mnist.split[0][1])
    assert [p.name for p in tmp_path.iterdir()] == [good.name]  # rewritten, no temp files left
    monkeypatch.setattr(data, "_generate_mnist1d", _no_generation)
    (X2, _), _ = data.load("mnist1d")  # the rewritten file is valid
    np.testing.assert_array_equal(X2, X)


def test_mnist1d_unwritable_cache_falls_back_to_memory(mnist, tmp_path, monkeypatch, recwarn):
    blocker = tmp_path / "a_file"
    blocker.write_text("a regular file cannot hold a cache folder")
    calls = []

    def regenerate(args):
        calls.append(args)
        return _raw_arrays(mnist.split)

    monkeypatch.setenv("BENDLINES_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(data, "_generate_mnist1d", regenerate)
    for expected_calls in (1, 2):
        (X, _), _ = data.load("mnist1d")
        np.testing.assert_array_equal(X, mnist.split[0][0])
        assert len(calls) == expected_calls  # nothing could be cached
    assert len(recwarn) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_mnist1d_cache_key_depends_on_generator_args(mnist, tmp_path, monkeypatch):
    calls = []

    def regenerate(args):
        calls.append(dict(args))
        return _raw_arrays(mnist.split)

    good = next(mnist.cache.iterdir())
    (tmp_path / good.name).write_bytes(good.read_bytes())
    monkeypatch.setenv("BENDLINES_CACHE", str(tmp_path))
    monkeypatch.setattr(data, "_generate_mnist1d", regenerate)
    data.load("mnist1d")
    assert calls == []  # default arguments: the copied file matches
    data.load("mnist1d", generator_args={"seed": 7})
    assert len(calls) == 1 and calls[0]["seed"] == 7 and "url" not in calls[0]
    assert len(list(tmp_path.glob("mnist1d-*.npz"))) == 2  # no collision with the default file


def test_mnist1d_is_the_real_benchmark(mnist):
    """Multinomial logistic regression: Greydanus & Kobak report about 32 % test accuracy."""
    (X, y), (Xt, yt) = mnist.split
    A = np.column_stack([X.astype(np.float64), np.ones(len(X))])
    Y = np.eye(10)[y]
    lam = 1e-3

    def loss_and_grad(w):
        W = w.reshape(41, 10)
        Z = A @ W
        lse = logsumexp(Z, axis=1)
        P = np.exp(Z - lse[:, None])
        G = A.T @ (P - Y) / len(A)
        G[:-1] += lam * W[:-1]
        return np.mean(lse - np.sum(Z * Y, axis=1)) + lam / 2 * np.sum(W[:-1] ** 2), G.ravel()

    options = {"maxiter": 40}
    fit = minimize(loss_and_grad, np.zeros(410), jac=True, method="L-BFGS-B", options=options)
    W = fit.x.reshape(41, 10)  # 40 iterations are within 0.5 % of the converged accuracy
    At = np.column_stack([Xt.astype(np.float64), np.ones(len(Xt))])
    accuracy = np.mean(np.argmax(At @ W, axis=1) == yt)
    assert 0.27 <= accuracy <= 0.38
    assert 0.15 <= _least_squares_accuracy(X, y, Xt, yt, 10) <= 0.38  # linear models stay low


def test_cache_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("BENDLINES_CACHE", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("BENDLINES_CACHE")
    assert data.cache_dir() == tmp_path / "xdg" / "bendlines"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data.cache_dir() == tmp_path / "home" / ".cache" / "bendlines"


def test_importing_data_does_not_import_matplotlib():
    code = "import sys, bendlines.data; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- 2-D toy sets


def test_names():
    assert data.names() == ("mnist1d", "xor", "circles", "moons", "spiral")


@pytest.mark.parametrize("name", TOYS)
def test_toy_shapes_dtypes_balance(name):
    (X, y), (Xt, yt) = data.load(name, n_train=101, n_test=37, seed=3)
    assert X.shape == (101, 2) and Xt.shape == (37, 2)
    assert X.dtype == np.float64 and y.dtype == np.int64 and yt.dtype == np.int64
    for labels in (y, yt):
        counts = np.bincount(labels)
        assert len(counts) == 2 and counts.max() - counts.min() <= 1
    (X32, y32), _ = data.load(name, n_train=101, n_test=37, seed=3, dtype=np.float32)
    assert X32.dtype == np.float32
    np.testing.assert_array_equal(X32, X.astype(np.float32))
    np.testing.assert_array_equal(y32, y)


def test_spiral_many_classes_balanced():
    (_, y), (_, yt) = data.spiral(n_train=301, n_test=50, classes=7)
    assert np.bincount(y).tolist() == [43] * 7 and set(yt.tolist()) <= set(range(7))
    assert np.bincount(yt, minlength=7).max() - np.bincount(yt, minlength=7).min() <= 1


@pytest.mark.parametrize("name", TOYS)
def test_toy_determinism_and_train_test_differ(name):
    (X, y), (Xt, yt) = data.load(name, seed=11)
    (X2, y2), (Xt2, yt2) = data.load(name, seed=11)
    for a, b in ((X, X2), (y, y2), (Xt, Xt2), (yt, yt2)):
        np.testing.assert_array_equal(a, b)
    (X3, _), _ = data.load(name, seed=12)
    assert not np.array_equal(X, X3)
    shared = np.intersect1d(X.view(np.complex128).ravel(), Xt.view(np.complex128).ravel())
    assert shared.size == 0  # no test point repeats a training point


def test_xor_noiseless_geometry_and_quadrant_rule():
    (X, y), (Xt, yt) = data.xor(n_train=200, n_test=100, noise=0.0)
    for F, labels in ((X, y), (Xt, yt)):
        assert set(map(tuple, F.tolist())) == {(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)}
        np.testing.assert_array_equal(labels, (F[:, 0] * F[:, 1] > 0).astype(np.int64))
        _, per_blob = np.unique(F, axis=0, return_counts=True)
        assert per_blob.max() - per_blob.min() <= 1


def test_xor_noise_is_blob_std_and_quadrant_rule_nearly_exact():
    (X, _), _ = data.xor(n_train=4000, noise=0.1, seed=5)
    offsets = X - np.sign(X)
    assert abs(offsets.std() - 0.1) < 0.005 and np.abs(offsets.mean(axis=0)).max() < 0.01
    (_, _), (Xt, yt) = data.xor()
    assert np.mean((Xt[:, 0] * Xt[:, 1] > 0) == yt) >= 0.99  # a bent boundary reaches 99 %


def test_xor_no_linear_classifier_beats_three_quarters():
    (X, y), (Xt, yt) = data.xor()
    assert _best_line_accuracy(Xt, yt) <= 0.76
    assert _best_line_accuracy(X, y) <= 0.76
    assert _least_squares_accuracy(X, y, Xt, yt, 2) <= 0.76


def test_circles_noiseless_radii():
    (X, y), (Xt, yt) = data.circles(n_train=300, n_test=300, noise=0.0, factor=0.3)
    for F, labels in ((X, y), (Xt, yt)):
        radius = np.hypot(F[:, 0], F[:, 1])
        np.testing.assert_allclose(radius, np.where(labels == 1, 0.3, 1.0), rtol=1e-14)


def test_moons_noiseless_arcs():
    (X, y), _ = data.moons(n_train=500, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-14)
    assert upper[:, 1].min() >= 0.0
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-14)
    assert lower[:, 1].max() <= 0.5


def test_spiral_noiseless_points_lie_on_their_arm():
    classes, turns = 3, 1.5
    (X, y), _ = data.spiral(n_train=600, noise=0.0, classes=classes, turns=turns)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0
    expected = 2 * np.pi * (turns * r + y / classes)
    gap = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(gap, 0.0, atol=1e-9)


# --------------------------------------------------------------------------- targets


def test_target_names_and_domains():
    assert data.target_names() == ("sin", "bump", "abs", "nielsen")
    assert data.target("sin").domain == (0.0, 2 * math.pi)
    assert data.target("bump").domain == data.target("abs").domain == (-1.0, 1.0)
    assert data.target("nielsen").domain == (0.0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.target("sin").domain = (0.0, 1.0)


@pytest.mark.parametrize("name", ["sin", "bump", "nielsen"])
def test_f2_matches_second_differences(name):
    t = data.target(name)
    x = np.linspace(*t.domain, 1001)
    h = 1e-4
    second_difference = (t.f(x + h) - 2 * t.f(x) + t.f(x - h)) / h**2
    scale = np.abs(t.f2(x)).max()
    np.testing.assert_allclose(t.f2(x), second_difference, rtol=0, atol=2e-5 * scale)


def test_abs_has_a_kink_and_no_f2():
    t = data.target("abs")
    assert t.f2 is None
    h = 1e-3
    x = np.array([-0.5, 0.0, 0.5])
    second_difference = (t.f(x + h) - 2 * t.f(x) + t.f(x - h)) / h**2
    np.testing.assert_allclose(second_difference, [0.0, 2.0 / h, 0.0], atol=1e-6)


def test_nielsen_formula_at_points():
    f = data.target("nielsen").f
    xs = [0.0, 0.1, 0.37, 0.5, 0.9, 1.0]
    direct = [0.2 + 0.4 * x**2 + 0.3 * x * math.sin(15 * x) + 0.05 * math.cos(50 * x) for x in xs]
    np.testing.assert_allclose(f(np.array(xs)), direct, rtol=1e-14)
    assert f(np.zeros((2, 3))).shape == (2, 3)


def test_max_abs_f2():
    assert data.target("sin").max_abs_f2() == pytest.approx(1.0, abs=1e-9)
    assert data.target("bump").max_abs_f2() == pytest.approx(16.0, rel=1e-12)  # 1 / 0.25**2
    nielsen = data.target("nielsen")
    x = np.linspace(0.0, 1.0, 20_001)  # an independent grid, second differences of f only
    h = 1e-4  # centred on every grid point, end points included (the maximum is at x = 1)
    reference = np.abs((nielsen.f(x + h) - 2 * nielsen.f(x) + nielsen.f(x - h)) / h**2).max()
    assert nielsen.max_abs_f2() == pytest.approx(reference, rel=1e-5)


# --------------------------------------------------------------------------- bad input


def _raises(match: str, fn, *args, **kwargs) -> str:
    with pytest.raises(ValueError, match=match) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_unknown_names_list_what_is_allowed():
    msg = _raises("unknown data set", data.load, "mnist")
    assert all(n in msg for n in data.names())
    msg = _raises("unknown target", data.target, "cos")
    assert all(n in msg for n in data.target_names())


@pytest.mark.parametrize("name", [*TOYS, "mnist1d"])
def test_unknown_parameter_lists_allowed(name):
    msg = _raises("unknown parameter", data.load, name, nosie=0.1)
    assert "nosie" in msg and "dtype" in msg


@pytest.mark.parametrize("name", TOYS)
@pytest.mark.parametrize(
    ("param", "value", "allowed"),
    [
        ("n_train", 0, "positive integer"),
        ("n_train", -5, "positive integer"),
        ("n_test", 2.5, "positive integer"),
        ("n_test", True, "positive integer"),
        ("noise", -0.1, r"\[0, 1\]"),
        ("noise", 1.5, r"\[0, 1\]"),
        ("noise", float("nan"), r"\[0, 1\]"),
        ("noise", "lots", r"\[0, 1\]"),
        ("seed", -1, "non-negative integer"),
        ("seed", 1.5, "non-negative integer"),
        ("dtype", np.int32, "float32, float64"),
    ],
)
def test_bad_common_parameters(name, param, value, allowed):
    _raises(allowed, data.load, name, **{param: value})


@pytest.mark.parametrize(
    ("name", "params", "allowed"),
    [
        ("circles", {"factor": 1.0}, r"open interval \(0, 1\)"),
        ("circles", {"factor": 0.0}, r"open interval \(0, 1\)"),
        ("spiral", {"classes": 1}, "from 2 to 10"),
        ("spiral", {"classes": 11}, "from 2 to 10"),
        ("spiral", {"classes": 2.0}, "from 2 to 10"),
        ("spiral", {"turns": 0.0}, r"\(0, 5\]"),
        ("spiral", {"turns": 6}, r"\(0, 5\]"),
        ("mnist1d", {"dtype": "int64"}, "float32, float64"),
        ("mnist1d", {"standardize": "yes"}, "True or False"),
        ("mnist1d", {"generator_args": {"seeed": 1}}, "allowed: .*seed"),
    ],
)
def test_bad_specific_parameters(name, params, allowed):
    _raises(allowed, data.load, name, **params)


def test_max_abs_f2_without_f2_lists_allowed_targets():
    msg = _raises("allowed", data.target("abs").max_abs_f2)
    assert "sin" in msg and "nielsen" in msg and "abs" not in msg.split("allowed")[1]
