"""The book's data sets: MNIST-1D and four 2-D toy classification problems.

Entry points
------------
load(name, ...)        ``(X_train, y_train), (X_test, y_test)`` for a classification set
names()                the classification sets ``load`` knows
target(name)           a 1-D :class:`~bendlines.targets.Target` for the approximation chapter
target_names()         the registered targets

The toy sets are drawn from one seeded :class:`numpy.random.Generator` per call (train first,
then test), so train and test come from the same distribution but are different samples.
Labels are int64 ``0 .. k-1`` and the classes are balanced to within one sample.

MNIST-1D (Greydanus & Kobak) is regenerated offline with ``mnist1d.data.make_dataset`` and
cached as an ``.npz`` file in :func:`cache_dir`; it never downloads anything and never writes to
the working directory.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import os
import random
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from bendlines.mlp import float_dtype
from bendlines.targets import TARGETS, Target

__all__ = [
    "cache_dir",
    "circles",
    "load",
    "mnist1d",
    "moons",
    "names",
    "spiral",
    "target",
    "target_names",
    "xor",
]

Split = tuple[np.ndarray, np.ndarray]

_MAX_NOISE = 1.0
_CACHE_FORMAT = 1  # bump when the layout of the cached .npz changes
_MNIST1D_KEYS = ("x", "y", "x_test", "y_test")
_N_DIGITS = 10


# --------------------------------------------------------------------------- validation


def _check_size(name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{name} must be a positive integer (allowed: 1, 2, ...), got {n!r}")
    return int(n)


def _check_noise(noise: Any) -> float:
    try:
        value = float(noise)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 <= value <= _MAX_NOISE:  # also rejects nan
        raise ValueError(f"noise must be a number in [0, {_MAX_NOISE:g}], got {noise!r}")
    return value


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (allowed: 0, 1, ...), got {seed!r}")
    return int(seed)


def _balanced_labels(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Shuffled int64 labels, shape ``(n,)``, with class counts differing by at most one."""
    return rng.permutation(np.arange(n, dtype=np.int64) % k)


def _toy(
    sample: Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]],
    n_train: Any,
    n_test: Any,
    noise: Any,
    seed: Any,
    dtype: Any,
) -> tuple[Split, Split]:
    """Validate the common parameters, then draw train and test from one Generator."""
    n_train = _check_size("n_train", n_train)
    n_test = _check_size("n_test", n_test)
    noise = _check_noise(noise)
    dt = float_dtype(dtype)
    rng = np.random.default_rng(_check_seed(seed))
    splits = []
    for n in (n_train, n_test):
        X, y = sample(rng, n)
        if noise > 0.0:
            X += noise * rng.standard_normal(X.shape)
        splits.append((X.astype(dt, copy=False), y))
    return splits[0], splits[1]


# --------------------------------------------------------------------------- 2-D toy sets


def xor(
    *,
    n_train: int = 800,
    n_test: int = 800,
    noise: float = 0.3,
    seed: int = 0,
    dtype: Any = np.float64,
) -> tuple[Split, Split]:
    """XOR: four Gaussian blobs at ``(±1, ±1)``; label 1 where ``sign(x0) * sign(x1) > 0``.

    Blobs in quadrants I and III have label 1, blobs in quadrants II and IV label 0, and each
    blob holds a quarter of the points (to within one). A line can put at most three of the
    four blobs on the correct side, so no linear classifier gets much beyond 75 % accuracy,
    while one hidden ReLU layer separates the blobs almost perfectly at the default noise.

    Parameters
    ----------
    n_train, n_test : int, default 800
        Number of training and test points (positive).
    noise : float, default 0.3
        Standard deviation of the isotropic Gaussian around each centre, in units of the
        centre's distance to an axis; in ``[0, 1]``. At 0.3 a point lands in the wrong
        quadrant with probability about 0.1 %.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator`; train is drawn before test.
    dtype : {numpy.float64, numpy.float32}, default float64
        Floating type of the features.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Features of shape ``(n, 2)`` and int64 labels of shape ``(n,)`` with values in {0, 1}.
    """

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        blob = rng.permutation(np.arange(n) % 4)  # 0: (+,+)  1: (-,+)  2: (-,-)  3: (+,-)
        centres = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
        return centres[blob], (blob % 2 == 0).astype(np.int64)

    return _toy(sample, n_train, n_test, noise, seed, dtype)


def circles(
    *,
    n_train: int = 800,
    n_test: int = 800,
    noise: float = 0.08,
    factor: float = 0.5,
    seed: int = 0,
    dtype: Any = np.float64,
) -> tuple[Split, Split]:
    """Two concentric rings: the outer ring (radius 1) is class 0, the inner ring class 1.

    Angles are uniform on ``[0, 2π)``; Gaussian noise of standard deviation ``noise`` is
    added to both coordinates.

    Parameters
    ----------
    n_train, n_test : int, default 800
        Number of training and test points (positive).
    noise : float, default 0.08
        Standard deviation of the coordinate noise, in units of the outer radius; in ``[0, 1]``.
    factor : float, default 0.5
        Radius of the inner ring relative to the outer ring; in the open interval ``(0, 1)``.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator`; train is drawn before test.
    dtype : {numpy.float64, numpy.float32}, default float64
        Floating type of the features.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Features of shape ``(n, 2)`` and int64 labels of shape ``(n,)`` with values in {0, 1}.
    """
    try:
        inner = float(factor)
    except (TypeError, ValueError):
        inner = float("nan")
    if not 0.0 < inner < 1.0:  # also rejects nan
        raise ValueError(f"factor must be a number in the open interval (0, 1), got {factor!r}")

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        y = _balanced_labels(rng, n, 2)
        angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
        radius = np.where(y == 1, inner, 1.0)
        return radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), y

    return _toy(sample, n_train, n_test, noise, seed, dtype)


def moons(
    *,
    n_train: int = 800,
    n_test: int = 800,
    noise: float = 0.1,
    seed: int = 0,
    dtype: Any = np.float64,
) -> tuple[Split, Split]:
    """Two interleaved half circles of radius 1 (the geometry of scikit-learn's ``make_moons``).

    Class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on the lower arc
    ``(1 - cos t, 0.5 - sin t)``, with ``t`` uniform on ``[0, π]``; Gaussian noise of standard
    deviation ``noise`` is added to both coordinates.

    Parameters
    ----------
    n_train, n_test : int, default 800
        Number of training and test points (positive).
    noise : float, default 0.1
        Standard deviation of the coordinate noise, in units of the arc radius; in ``[0, 1]``.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator`; train is drawn before test.
    dtype : {numpy.float64, numpy.float32}, default float64
        Floating type of the features.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Features of shape ``(n, 2)`` and int64 labels of shape ``(n,)`` with values in {0, 1}.
    """

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        y = _balanced_labels(rng, n, 2)
        t = rng.uniform(0.0, np.pi, size=n)
        upper = np.column_stack([np.cos(t), np.sin(t)])
        lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
        return np.where((y == 0)[:, None], upper, lower), y

    return _toy(sample, n_train, n_test, noise, seed, dtype)


def spiral(
    *,
    n_train: int = 800,
    n_test: int = 800,
    noise: float = 0.04,
    classes: int = 2,
    turns: float = 1.0,
    seed: int = 0,
    dtype: Any = np.float64,
) -> tuple[Split, Split]:
    """Interleaved spiral arms, one per class.

    A point of class ``k`` at radius ``r`` in ``[0, 1]`` sits at angle
    ``2π (turns * r + k / classes)``. The radius is ``sqrt(u)`` with ``u`` uniform, so points
    are spread roughly evenly along the arms rather than crowded at the centre. Gaussian noise
    of standard deviation ``noise`` is added to both coordinates.

    Parameters
    ----------
    n_train, n_test : int, default 800
        Number of training and test points (positive).
    noise : float, default 0.04
        Standard deviation of the coordinate noise, in units of the outer radius; in ``[0, 1]``.
        Neighbouring arms are ``1 / (classes * turns)`` apart along a ray.
    classes : int, default 2
        Number of arms and classes; an integer from 2 to 10.
    turns : float, default 1.0
        Number of full turns of each arm; in ``(0, 5]``.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator`; train is drawn before test.
    dtype : {numpy.float64, numpy.float32}, default float64
        Floating type of the features.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Features of shape ``(n, 2)`` and int64 labels of shape ``(n,)`` with values in
        ``0 .. classes - 1``.
    """
    if (
        isinstance(classes, bool)
        or not isinstance(classes, int | np.integer)
        or not 2 <= classes <= 10
    ):
        raise ValueError(f"classes must be an integer from 2 to 10, got {classes!r}")
    try:
        n_turns = float(turns)
    except (TypeError, ValueError):
        n_turns = float("nan")
    if not 0.0 < n_turns <= 5.0:  # also rejects nan
        raise ValueError(f"turns must be a number in (0, 5], got {turns!r}")
    k = int(classes)

    def sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        y = _balanced_labels(rng, n, k)
        r = np.sqrt(rng.uniform(0.0, 1.0, size=n))
        angle = 2.0 * np.pi * (n_turns * r + y / k)
        return r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), y

    return _toy(sample, n_train, n_test, noise, seed, dtype)


# --------------------------------------------------------------------------- MNIST-1D


def cache_dir() -> Path:
    """The folder where generated data sets are cached.

    ``$BENDLINES_CACHE`` if set, else ``$XDG_CACHE_HOME/bendlines``, else
    ``~/.cache/bendlines``. The folder is created on first write, not here.

    Returns
    -------
    pathlib.Path
        Absolute path of the cache folder.
    """
    explicit = os.environ.get("BENDLINES_CACHE")
    if explicit:
        return Path(explicit).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "bendlines").absolute()


def _mnist1d_args(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """mnist1d's standard generation arguments (minus the download URL) with overrides."""
    from mnist1d.data import get_dataset_args  # lazy: heavy import

    args = get_dataset_args(as_dict=True)
    args.pop("url", None)
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(args))
    if unknown:
        raise ValueError(
            f"unknown MNIST-1D generator argument(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(args))}"
        )
    args.update(overrides)
    return args


def _cache_file(args: Mapping[str, Any]) -> Path:
    """Cache path keyed by the generation arguments, the mnist1d version and our format."""
    version = importlib.metadata.version("mnist1d")
    try:
        blob = json.dumps(
            {"args": args, "mnist1d": version, "format": _CACHE_FORMAT}, sort_keys=True
        )
    except TypeError as err:
        raise ValueError(
            "MNIST-1D generator arguments must be numbers, strings, booleans or lists"
        ) from err
    digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
    return cache_dir() / f"mnist1d-{version}-{digest}.npz"


def _generate_mnist1d(args: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Run ``mnist1d.data.make_dataset`` without leaking its global seeding to the caller."""
    from mnist1d.data import make_dataset  # lazy: imports matplotlib
    from mnist1d.utils import ObjectView

    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 - saved to undo mnist1d's set_seed
    try:
        raw = make_dataset(ObjectView(dict(args)))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
    return {
        "x": np.ascontiguousarray(raw["x"], dtype=np.float64),
        "y": np.ascontiguousarray(raw["y"], dtype=np.int64),
        "x_test": np.ascontiguousarray(raw["x_test"], dtype=np.float64),
        "y_test": np.ascontiguousarray(raw["y_test"], dtype=np.int64),
    }


def _valid_mnist1d(arrays: Mapping[str, np.ndarray], args: Mapping[str, Any]) -> bool:
    """Whether ``arrays`` has the keys, shapes, dtypes and values ``args`` produce."""
    if set(arrays) != set(_MNIST1D_KEYS):
        return False
    n_total = int(args["num_samples"]) // _N_DIGITS * _N_DIGITS
    n_train = int(n_total * float(args["train_split"]))
    length = int(args["final_seq_length"])
    expected = {
        "x": ((n_train, length), np.float64),
        "y": ((n_train,), np.int64),
        "x_test": ((n_total - n_train, length), np.float64),
        "y_test": ((n_total - n_train,), np.int64),
    }
    for key, (shape, dtype) in expected.items():
        a = arrays[key]
        if a.shape != shape or a.dtype != dtype:
            return False
    labels_ok = all(
        arrays[k].size == 0 or (arrays[k].min() >= 0 and arrays[k].max() < _N_DIGITS)
        for k in ("y", "y_test")
    )
    finite = all(np.isfinite(arrays[k]).all() for k in ("x", "x_test"))
    return bool(labels_ok and finite)


def _read_cache(path: Path, args: Mapping[str, Any]) -> dict[str, np.ndarray] | None:
    """The cached arrays, or None if missing; a corrupt file is deleted and None returned."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        arrays = None
    if arrays is not None and _valid_mnist1d(arrays, args):
        return arrays
    try:
        path.unlink()
    except OSError:
        pass  # unwritable cache: regenerate in memory, the caller will not manage to write
    return None


def _write_cache(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``arrays`` atomically (temp file in the same folder, then rename); never raise."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # documented: an unwritable cache folder means generating in memory each time
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def mnist1d(
    *,
    dtype: Any = np.float32,
    standardize: bool = False,
    cache: bool = True,
    generator_args: Mapping[str, Any] | None = None,
) -> tuple[Split, Split]:
    """MNIST-1D (Greydanus & Kobak, 2020), regenerated offline and cached.

    The data set is produced by ``mnist1d.data.make_dataset(get_dataset_args())``: 5000
    one-dimensional signals of length 40, 4000 for training and 1000 for testing, ten digit
    classes. ``make_dataset`` seeds Python's ``random`` and NumPy's global generator; both
    states are saved before and restored after, so the caller's global RNG state is untouched.

    The arrays are cached in :func:`cache_dir` as an uncompressed ``.npz`` whose name is keyed by
    the generation arguments, the mnist1d version and the cache format. The file is written
    atomically; a corrupt, truncated or mis-shaped file is deleted and regenerated. If the cache
    folder cannot be created or written, the data set is generated in memory on every call,
    silently.

    Parameters
    ----------
    dtype : {numpy.float32, numpy.float64}, default float32
        Floating type of the returned signals (they are generated and cached in float64).
    standardize : bool, default False
        If True, shift and scale every one of the 40 positions to mean 0 and standard deviation
        1 over the training set (population std), and apply the *training* statistics to the
        test set. If False, return the signals as mnist1d makes them: already centred and
        scaled by one global mean and standard deviation over all 5000 signals.
    cache : bool, default True
        If False, neither read nor write the cache; always generate (about 1-2 s).
    generator_args : mapping, optional
        Overrides of ``mnist1d.data.get_dataset_args()`` (except ``url``), e.g. ``{"seed": 1}``.
        Shapes follow the arguments: ``num_samples`` rounded down to a multiple of 10, split by
        ``train_split``, signals of length ``final_seq_length``.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Signals of shape ``(4000, 40)`` and ``(1000, 40)`` with the standard arguments; int64
        labels of shape ``(4000,)`` and ``(1000,)`` with values 0..9.
    """
    dt = float_dtype(dtype)
    if not isinstance(standardize, bool | np.bool_):
        raise ValueError(f"standardize must be True or False, got {standardize!r}")
    if not isinstance(cache, bool | np.bool_):
        raise ValueError(f"cache must be True or False, got {cache!r}")
    args = _mnist1d_args(generator_args)
    path = _cache_file(args)

    arrays = _read_cache(path, args) if cache else None
    if arrays is None:
        arrays = _generate_mnist1d(args)
        if cache:
            _write_cache(path, arrays)

    X_train, X_test = arrays["x"], arrays["x_test"]
    if standardize:
        mean = X_train.mean(axis=0)
        std = X_train.std(axis=0)
        std[std == 0.0] = 1.0
        X_train = (X_train - mean) / std
        X_test = (X_test - mean) / std
    return (
        (X_train.astype(dt, copy=False), arrays["y"]),
        (X_test.astype(dt, copy=False), arrays["y_test"]),
    )


# --------------------------------------------------------------------------- entry points

_LOADERS: dict[str, Callable[..., tuple[Split, Split]]] = {
    "mnist1d": mnist1d,
    "xor": xor,
    "circles": circles,
    "moons": moons,
    "spiral": spiral,
}


def names() -> tuple[str, ...]:
    """Names of the classification data sets :func:`load` knows.

    Returns
    -------
    tuple of str
        ``("mnist1d", "xor", "circles", "moons", "spiral")``.
    """
    return tuple(_LOADERS)


def load(name: str, **params: Any) -> tuple[Split, Split]:
    """Load a classification data set by name.

    Parameters
    ----------
    name : {"mnist1d", "xor", "circles", "moons", "spiral"}
        The data set; see :func:`mnist1d`, :func:`xor`, :func:`circles`, :func:`moons` and
        :func:`spiral` for what each one is.
    **params
        Keyword parameters of that data set's function, e.g. ``n_train``, ``noise``, ``seed``.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuple of ndarray
        Features of shape ``(n, d)`` and int64 labels of shape ``(n,)``.

    Raises
    ------
    ValueError
        For an unknown name or parameter (the message lists the allowed ones) or a parameter
        value out of range.
    """
    loader = _LOADERS.get(name) if isinstance(name, str) else None
    if loader is None:
        raise ValueError(f"unknown data set {name!r}; allowed: {', '.join(_LOADERS)}")
    allowed = list(inspect.signature(loader).parameters)
    unknown = [p for p in params if p not in allowed]
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for {name!r}; "
            f"allowed: {', '.join(allowed)}"
        )
    return loader(**params)


def target_names() -> tuple[str, ...]:
    """Names of the registered 1-D target functions.

    Returns
    -------
    tuple of str
        ``("sin", "bump", "abs", "nielsen")``.
    """
    return tuple(TARGETS)


def target(name: str) -> Target:
    """A 1-D target function for the approximation chapter.

    Parameters
    ----------
    name : {"sin", "bump", "abs", "nielsen"}
        ``sin`` on ``[0, 2π]``; a Gaussian ``bump`` (standard deviation 0.25) on ``[-1, 1]``;
        ``abs`` = ``|x|`` on ``[-1, 1]`` (no second derivative at 0); Nielsen's goal function
        ``0.2 + 0.4x² + 0.3x sin(15x) + 0.05 cos(50x)`` on ``[0, 1]``.

    Returns
    -------
    Target
        Frozen record with vectorised ``f``, exact ``f2`` (or None), ``domain`` and
        ``description``; ``max_abs_f2()`` gives ``max |f''|`` on the domain.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed ones.
    """
    found = TARGETS.get(name) if isinstance(name, str) else None
    if found is None:
        raise ValueError(f"unknown target {name!r}; allowed: {', '.join(TARGETS)}")
    return found
