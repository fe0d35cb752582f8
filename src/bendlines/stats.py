"""The statistics behind every comparison in the book: intervals, paired differences, Holm's
correction and the verdicts they allow.

The book's experiments are *paired*: seed s fixes the initial weights and the mini-batch order
of every contender trained with it, so contender A on seed s and contender B on seed s share
their luck. A comparison therefore looks at the per-seed differences ``a[s] - b[s]``
(:func:`paired_difference`, Student's paired t-test, :func:`scipy.stats.ttest_rel`), never at
whether two separate intervals overlap: two 95 % intervals can overlap while the difference is
clearly not zero, and pairing removes the luck the seeds share.

A table compares many pairs; the more pairs, the more "differences" chance alone produces.
:func:`holm` corrects the p-values of one table's pairs (Holm's step-down method, which keeps
the chance of any false "ahead" in the family at most ``1 - confidence``), and
:func:`compare` turns a table into verdicts: "A ahead of B" only when the Holm-corrected
paired interval excludes 0, otherwise "not distinguishable at this strictness", always with
the effect size (the mean difference) and its interval.

Accuracies live in [0, 1]; a t-interval on a few seeds can leave that range. For reporting one
contender's accuracy, :func:`bounded_interval` is a bootstrap over seeds that cannot leave the
range of the data (see its docstring for why not Wilson). A seed that collapsed to the
majority-class rate makes the outcomes bimodal; :func:`collapsed` counts such seeds and
:func:`summarise` then reports the count instead of an interval.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
from scipy import stats as _stats

__all__ = [
    "BOOTSTRAP_DRAWS",
    "COLLAPSE_MARGIN",
    "CONFIDENCE",
    "Comparison",
    "Evidenced",
    "Verdicts",
    "bounded_interval",
    "collapsed",
    "compare",
    "evidence_of",
    "halves",
    "holm",
    "join_words",
    "mean_interval",
    "note_read",
    "observe",
    "paired_difference",
    "proportion_interval",
    "replicated_top",
    "summarise",
    "top_group",
    "verdict",
]

#: Two-sided confidence of every interval, and 1 - the family-wise error rate of verdicts.
CONFIDENCE = 0.95
#: Bootstrap resamples of :func:`bounded_interval`.
BOOTSTRAP_DRAWS = 20_000
#: A seed is *collapsed* when its accuracy is at most the majority-class share plus this.
COLLAPSE_MARGIN = 0.01


# ---- what each result was decided with -----
#: Objects told of every interval and comparison made (``observer.note(method, compared)``):
#: :class:`Verdicts`, and the book's receipts (:mod:`bendlines.receipts`). Held weakly.
_OBSERVERS: weakref.WeakSet = weakref.WeakSet()


def observe(observer) -> None:
    """Tell ``observer`` (an object with ``note(method: str, compared: tuple[str, ...])``) of
    every interval and comparison made from now on, until it is garbage collected."""
    _OBSERVERS.add(observer)


_MUTED = [0]


@contextmanager
def _muted():
    """Make no notes (for the inner steps of a method that notes itself)."""
    _MUTED[0] += 1
    try:
        yield
    finally:
        _MUTED[0] -= 1


def _note(method: str, compared: Iterable[str] = ()) -> None:
    if _MUTED[0]:
        return
    compared = tuple(str(c) for c in compared)
    for observer in list(_OBSERVERS):
        observer.note(method, compared)


def _level(confidence: float) -> str:
    return f"{100 * confidence:g} %"


def _values(values, name: str = "values", minimum: int = 2) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.size < minimum:
        raise ValueError(f"{name}: need a 1-D array of at least {minimum} values, got {x.shape}")
    return x


def _t(confidence: float, df: int) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return float(_stats.t.ppf(0.5 + confidence / 2, df))


# ---- one contender -----
def mean_interval(values, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, standard deviation (ddof = 1) and Student-t interval of the mean over seeds.

    Returns
    -------
    dict
        ``mean``, ``std``, ``half`` (half-width), ``lo``, ``hi`` and ``n``. A ``nan`` value (a
        diverged run) makes every number ``nan``.
    """
    x = _values(values)
    n = x.size
    mean, std = float(x.mean()), float(x.std(ddof=1))
    half = _t(confidence, n - 1) * std / math.sqrt(n)
    _note(f"Student t {_level(confidence)} interval of the mean of {n} values")
    return {"mean": mean, "std": std, "half": half, "lo": mean - half, "hi": mean + half, "n": n}


def bounded_interval(values, confidence: float = CONFIDENCE, seed: int = 0,
                     draws: int = BOOTSTRAP_DRAWS) -> dict[str, float]:  # fmt: skip
    """An interval for the mean of a bounded quantity (an accuracy, a proportion) over seeds.

    The *expanded percentile bootstrap* (Hesterberg 2015): resample the seeds with
    replacement, take the mean of each resample, and read the interval from the percentiles
    of those means at the level whose normal quantile is ``sqrt(n / (n - 1)) * t``, with ``t``
    the Student quantile of the t-interval. Every resampled mean lies between the smallest and
    the largest value, so the interval never leaves [0, 1] when the values do not; the
    expansion undoes the plain percentile bootstrap's narrowness with few seeds, and with many
    seeds the interval approaches the t-interval.

    Why not Wilson on pooled test predictions: it treats every test example of every seed as
    an independent trial, so its width reflects the test set's size, not how much the
    accuracy changes from seed to seed, which is the variation a comparison over seeds is
    about (and the stored runs keep accuracies, not predictions). Wilson is the right interval
    for a proportion of independent trials, such as a fraction of random nets
    (:func:`proportion_interval`).

    Returns
    -------
    dict
        ``mean``, ``lo``, ``hi`` and ``n`` (``nan`` if any value is ``nan``).
    """
    x = _values(values)
    n = x.size
    _note(
        f"expanded percentile bootstrap {_level(confidence)} interval of the mean of {n} "
        f"values ({draws} resamples)"
    )
    if np.isnan(x).any():
        return {"mean": math.nan, "lo": math.nan, "hi": math.nan, "n": n}
    z = math.sqrt(n / (n - 1)) * _t(confidence, n - 1)
    tail = float(_stats.norm.sf(z))
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, n, size=(draws, n))].mean(axis=1)
    lo, hi = np.quantile(means, [tail, 1 - tail])
    return {"mean": float(x.mean()), "lo": float(lo), "hi": float(hi), "n": n}


def proportion_interval(successes: int, trials: int,
                        confidence: float = CONFIDENCE) -> tuple[float, float]:  # fmt: skip
    """Wilson interval of a probability from ``successes`` of ``trials`` independent trials."""
    if not 0 <= successes <= trials or trials < 1:
        raise ValueError(f"need 0 <= successes <= trials and trials >= 1, got {successes}/{trials}")
    _note(f"Wilson {_level(confidence)} interval of a proportion ({successes} of {trials})")
    ci = _stats.binomtest(int(successes), int(trials)).proportion_ci(confidence, method="wilson")
    return float(ci.low), float(ci.high)


def collapsed(values, chance: float, margin: float = COLLAPSE_MARGIN) -> int:
    """How many seeds collapsed: accuracy at most the majority-class share ``chance`` (plus
    ``margin``), the score of a net that answers one class whatever the input."""
    x = np.asarray(values, dtype=np.float64)
    return int(np.count_nonzero(x <= chance + margin))


def summarise(values, chance: float | None = None, confidence: float = CONFIDENCE) -> dict:
    """One contender's accuracies over seeds, for a table.

    ``mean`` and the :func:`bounded_interval`; ``collapsed``, the number of collapsed seeds
    when ``chance`` is given. When any seed collapsed the outcomes are bimodal and no interval
    describes them: ``lo`` and ``hi`` are then ``nan`` and the table reports the count.
    """
    x = _values(values)
    out = {**bounded_interval(x, confidence), "collapsed": 0}
    if chance is not None:
        out["collapsed"] = collapsed(x, chance)
        if out["collapsed"]:
            out["lo"] = out["hi"] = math.nan
    return out


# ---- two contenders -----
def paired_difference(a, b, confidence: float = CONFIDENCE) -> dict[str, float]:
    """The per-seed difference ``a - b`` of two contenders run on the same seeds.

    Returns
    -------
    dict
        ``diff`` (mean difference), ``std``, ``lo``, ``hi`` (Student-t interval at
        ``confidence``), ``t``, ``p`` (two-sided, as :func:`scipy.stats.ttest_rel`) and ``n``.
        Identical differences on every seed give ``p = 0`` (or 1 if they are all 0).
    """
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same seeds, got {a.size} and {b.size}")
    d = a - b
    n = d.size
    mean, std = float(d.mean()), float(d.std(ddof=1))
    if np.isnan(mean):
        t = p = math.nan
    elif std == 0.0:
        t, p = (math.copysign(math.inf, mean), 0.0) if mean != 0.0 else (0.0, 1.0)
    else:
        t = mean / (std / math.sqrt(n))
        p = float(2 * _stats.t.sf(abs(t), n - 1))
    half = _t(confidence, n - 1) * std / math.sqrt(n)
    return {"diff": mean, "std": std, "lo": mean - half, "hi": mean + half, "t": t, "p": p, "n": n}


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (same order as given).

    Sorted ascending, the i-th smallest of m p-values (i from 1) is multiplied by m - i + 1,
    each adjusted value is at least the one before it, and none exceeds 1. Declaring every
    pair whose adjusted p-value is below 1 - confidence keeps the chance of any false
    declaration in the family at most 1 - confidence.
    """
    p = np.asarray(pvalues, dtype=np.float64)
    if p.ndim != 1 or np.isnan(p).any() or np.any((p < 0) | (p > 1)):
        raise ValueError(f"p-values must be a 1-D array in [0, 1], got {p}")
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = stepped
    return out


@dataclass(frozen=True)
class Comparison:
    """The verdict on one pair of a family: contender ``first`` against ``second``.

    ``diff`` is the mean of first minus second over seeds; ``lo`` and ``hi`` its interval at the
    Holm-consistent level ``level`` (it excludes 0 exactly when the pair is declared);
    ``p`` the paired p-value and ``p_holm`` the adjusted one; ``family`` the number of pairs.
    """

    first: str
    second: str
    diff: float
    lo: float
    hi: float
    level: float
    p: float
    p_holm: float
    n: int
    family: int
    confidence: float = CONFIDENCE
    #: How the family's verdicts are corrected: "Holm" (:func:`compare`) or "Bonferroni"
    #: (:func:`verdict`).
    correction: str = "Holm"

    @property
    def method(self) -> str:
        """The statistics of this verdict in words, e.g. ``"paired t-test on 10 seeds, Holm
        over 15 comparisons (95 % family-wise)"``."""
        test = f"paired t-test on {self.n} seeds"
        if self.family == 1:
            return f"{test} ({_level(self.confidence)})"
        return (
            f"{test}, {self.correction} over {self.family} comparisons "
            f"({_level(self.confidence)} family-wise)"
        )

    @property
    def winner(self) -> str | None:
        """The contender ahead, or None when the two are not distinguishable."""
        if not self.p_holm < 1 - self.confidence:
            return None
        return self.first if self.diff > 0 else self.second

    def renamed(self, names: Mapping[str, str]) -> Comparison:
        """The same verdict with the contenders' names looked up in ``names``."""
        return replace(self, first=names[self.first], second=names[self.second])

    @property
    def loser(self) -> str | None:
        """The contender behind, or None."""
        w = self.winner
        return None if w is None else (self.second if w == self.first else self.first)

    def words(self, unit: str = "points", scale: float = 100.0, digits: int = 1,
              ahead: str = "ahead of", sentence: bool = False) -> str:  # fmt: skip
        """The verdict in words, with the effect size and its interval (``a - b`` in
        ``unit`` after multiplying by ``scale``), e.g. ``"SiLU ahead of tanh by 3.4 points
        (interval 0.9 to 5.9)"``; ``ahead`` names what a larger value means ("faster than");
        ``sentence`` adds the verb ("is ahead of", "are not distinguishable")."""
        return Evidenced(self._words(unit, scale, digits, ahead, sentence), self.method,
                         (self.first, self.second))  # fmt: skip

    def _words(self, unit: str, scale: float, digits: int, ahead: str, sentence: bool) -> str:
        are, is_ = (" are", " is") if sentence else ("", "")
        if math.isnan(self.diff):
            return f"{self.first} and {self.second}{are} not comparable: a run diverged"
        d, lo, hi = (scale * v for v in (self.diff, self.lo, self.hi))

        def fmt(x: float) -> str:
            # a nonzero end must not print as 0.0 or -0.0: add decimals until its sign shows
            for places in range(digits, digits + 3):
                text = f"{x:.{places}f}"
                if x == 0 or float(text) != 0:
                    break
            return text

        if self.winner is None:
            head = f"{self.first} and {self.second}{are} not distinguishable at this strictness"
            return f"{head} (difference {fmt(d)} {unit}, interval {fmt(lo)} to {fmt(hi)})"
        if self.winner == self.first:
            head = f"{self.first}{is_} {ahead} {self.second} by {fmt(d)} {unit}"
            return f"{head} (interval {fmt(lo)} to {fmt(hi)})"
        head = f"{self.second}{is_} {ahead} {self.first} by {fmt(-d)} {unit}"
        return f"{head} (interval {fmt(-hi)} to {fmt(-lo)})"


def compare(table: Mapping[str, Sequence[float]], pairs: Sequence[tuple[str, str]] | None = None,
            confidence: float = CONFIDENCE) -> dict[tuple[str, str], Comparison]:  # fmt: skip
    """Paired, Holm-corrected verdicts on the pairs of one table.

    Parameters
    ----------
    table : mapping
        Contender name -> values over the same seeds (same order).
    pairs : sequence of (name, name), optional
        The family of comparisons; default every pair of the table.
    confidence : float
        1 - the family-wise error rate.

    Returns
    -------
    dict
        ``(a, b)`` -> :class:`Comparison`. The interval of the pair at Holm rank r (1 = the
        smallest p) is at level ``1 - alpha / (m - min(r, f) + 1)``, f being the rank where the
        step-down stops, so it excludes 0 exactly when the pair is declared. A pair with a
        diverged (``nan``) seed gets ``p = 1``: it is never declared.
    """
    names = list(table)
    pairs = list(combinations(names, 2)) if pairs is None else [tuple(p) for p in pairs]
    if not pairs:
        raise ValueError("need at least one pair")
    alpha = 1 - confidence
    raw = [paired_difference(table[a], table[b]) for a, b in pairs]
    p = np.array([1.0 if np.isnan(r["p"]) else r["p"] for r in raw])
    adjusted = holm(p)
    m = len(pairs)
    order = np.argsort(p, kind="stable")
    rank = np.empty(m, dtype=int)
    rank[order] = np.arange(1, m + 1)
    stops = [r for r in range(1, m + 1) if not adjusted[order[r - 1]] < alpha]
    stop = stops[0] if stops else m + 1
    out = {}
    for i, (a, b) in enumerate(pairs):
        level = 1 - alpha / (m - min(rank[i], stop) + 1)
        d = paired_difference(table[a], table[b], confidence=level)
        out[a, b] = Comparison(a, b, d["diff"], d["lo"], d["hi"], level, float(p[i]),
                               float(adjusted[i]), d["n"], m, confidence)  # fmt: skip
        _note(out[a, b].method, (a, b))
    return out


def verdict(a, b, names: tuple[str, str] = ("A", "B"), family: int = 1,
            confidence: float = CONFIDENCE) -> Comparison:  # fmt: skip
    """The verdict on one pair, ``a`` and ``b`` over the same seeds, as one of ``family``
    comparisons judged together (Bonferroni for a lone pair of a family: Holm's first step)."""
    d = paired_difference(a, b)
    p = 1.0 if np.isnan(d["p"]) else d["p"]
    level = 1 - (1 - confidence) / family
    w = paired_difference(a, b, confidence=level)
    out = Comparison(names[0], names[1], w["diff"], w["lo"], w["hi"], level, p,
                     min(1.0, family * p), w["n"], family, confidence, "Bonferroni")  # fmt: skip
    _note(out.method, names)
    return out


# ---- leaders -----
def top_group(table: Mapping[str, Sequence[float]], confidence: float = CONFIDENCE) -> set[str]:
    """The contenders no other contender is ahead of, by :func:`compare` on every pair."""
    verdicts = compare(table, confidence=confidence)
    beaten = {v.loser for v in verdicts.values() if v.loser is not None}
    return set(table) - beaten


def halves(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint halves of ``n`` seeds (by position): the first and the second half."""
    if n < 4:
        raise ValueError(f"need at least 4 seeds to split in halves, got {n}")
    idx = np.arange(n)
    return idx[: n // 2], idx[n // 2 : 2 * (n // 2)]


def replicated_top(table: Mapping[str, Sequence[float]],
                   confidence: float = CONFIDENCE) -> dict:  # fmt: skip
    """A leader sentence's evidence: the top group (:func:`top_group`) on all seeds and on each
    of two disjoint halves (:func:`halves`).

    Returns
    -------
    dict
        ``"all"``, ``"first"``, ``"second"``: the top groups; ``"holds"``: whether the three
        are the same set, the only case in which a sentence may name them as the leaders;
        ``"unseparated"``: the union of the three, the contenders the data cannot separate
        from the best (what the prose names when the leaders do not replicate).
    """
    x = {k: np.asarray(v, dtype=np.float64) for k, v in table.items()}
    n = len(next(iter(x.values())))
    first, second = halves(n)
    out = {"all": top_group(x, confidence)}
    with _muted():
        out["first"] = top_group({k: v[first] for k, v in x.items()}, confidence)
        out["second"] = top_group({k: v[second] for k, v in x.items()}, confidence)
    out["holds"] = out["all"] == out["first"] == out["second"]
    out["unseparated"] = out["all"] | out["first"] | out["second"]
    _note(f"top group on all {n} seeds and on each half of them")
    return out


def join_words(words: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``: names in a sentence."""
    words = list(words)
    if not words:
        raise ValueError("nothing to join")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---- verdict sentences that keep their statistics -----
class Evidenced(str):
    """A verdict sentence (a ``str``) that carries what it was decided with: ``method``
    (the statistics in words, ``""`` if none), ``compared`` (the contenders' names) and
    ``store`` (the results-store entries read for it, when something reported reads: see
    :func:`note_read`)."""

    method: str
    compared: tuple[str, ...]
    store: tuple[str, ...]

    def __new__(cls, text: str, method: str = "", compared: Iterable[str] = (),
                store: Iterable[str] = ()):  # fmt: skip
        out = super().__new__(cls, text)
        out.method, out.compared, out.store = method, tuple(compared), tuple(store)
        return out


def note_read(key: str) -> None:
    """Tell the observers that read entries (:class:`Verdicts`) that the results-store entry
    ``key`` was read (the book's receipts call this from their store hook)."""
    for observer in list(_OBSERVERS):
        read = getattr(observer, "read", None)
        if read is not None:
            read(key)


class _Notes:
    """The intervals and comparisons made, and the stored entries read, while it lives (an
    observer for :func:`observe`)."""

    def __init__(self):
        self.made: list[tuple[str, tuple[str, ...]]] = []
        self.reads: list[str] = []

    def note(self, method: str, compared: tuple[str, ...]) -> None:
        self.made.append((method, compared))

    def read(self, key: str) -> None:
        self.reads.append(key)


def evidence_of(text) -> tuple[str, tuple[str, ...]]:
    """``(method, compared)`` of an :class:`Evidenced` sentence; ``("", ())`` for other values."""
    return (text.method, text.compared) if isinstance(text, Evidenced) else ("", ())


class Verdicts(dict):
    """A chapter's verdict sentences (glue name -> text) that remember what decided them.

    Each value set is stored as an :class:`Evidenced` sentence carrying the methods and
    contenders of every interval and comparison made (by this module) since the previous value
    was set or the dict was made, and the stored entries read (:func:`note_read`) since then;
    when none were made (or none read) since, the statistics (or the entries) of the value
    before: sentences set one after another from one computation share them.
    :meth:`update` gives all its values the same. A sentence already :class:`Evidenced` (such
    as :meth:`Comparison.words`) keeps its statistics and gets the entries read.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()
        self._notes = _Notes()
        self._last: tuple[str, tuple[str, ...], tuple[str, ...]] = ("", (), ())
        observe(self._notes)
        self.update(*args, **kwargs)

    def _evidenced(self, text: str) -> Evidenced:
        made, reads = self._notes.made, self._notes.reads
        method, compared, store = self._last
        if made:
            method = "; ".join(dict.fromkeys(m for m, _ in made))
            compared = tuple(dict.fromkeys(c for _, names in made for c in names))
        if reads:
            store = tuple(dict.fromkeys(reads))
        self._last = (method, compared, store)
        self._notes.made, self._notes.reads = [], []
        method, compared, store = self._last
        if isinstance(text, Evidenced):
            return Evidenced(text, text.method, text.compared, text.store or store)
        return Evidenced(text, method, compared, store)

    def __setitem__(self, key: str, text: str) -> None:
        super().__setitem__(key, self._evidenced(text))

    def update(self, *args, **kwargs) -> None:
        """Set every item of ``dict(*args, **kwargs)``, all with what was made and read since
        the previous value was set."""
        items = dict(*args, **kwargs)
        shared = self._evidenced("")
        for key, text in items.items():
            if isinstance(text, Evidenced):
                value = Evidenced(text, text.method, text.compared, text.store or shared.store)
            else:
                value = Evidenced(text, shared.method, shared.compared, shared.store)
            super().__setitem__(key, value)
