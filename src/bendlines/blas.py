"""The same bits on any x86-64 CPU: which kernels numpy runs, and the choice of the reference.

numpy hands matrix products to OpenBLAS, which picks a *kernel* for the processor when it is
loaded (``Haswell`` on a CPU with AVX2, ``SkylakeX`` on one with AVX-512, ...), and numpy itself
picks SIMD code for functions such as ``exp`` and ``log`` by the CPU's features. Different
kernels round differently in the last bit, and training amplifies the difference, so a result
computed on one processor does not recompute bit for bit on another.

The book's stored results were made with the *reference*: OpenBLAS's ``Haswell`` kernel and
numpy's code for AVX2 (the ``X86_V3`` level), which every x86-64 CPU with AVX2 and FMA can run.
:func:`select_reference` asks for it through the environment variables OpenBLAS and numpy read
when they load (``OPENBLAS_CORETYPE`` and ``NPY_DISABLE_CPU_FEATURES``). It runs when
``bendlines`` is imported, and the Makefile and the downloads' first cell do the same, so
every entry point gets it. It never overrides or unsets a value already in the environment
(some machines set ``OPENBLAS_CORETYPE`` on purpose, because other kernels misbehave on their
processor) and does nothing once numpy is loaded or on a CPU that cannot run the reference.

:func:`runtime` says what actually runs (threadpoolctl names the kernel), and
:func:`mismatch` explains, in one line, why bits may differ from the stored ones.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable, MutableMapping

__all__ = [
    "REFERENCE",
    "cpu_flags",
    "mismatch",
    "reference_settings",
    "runtime",
    "select_reference",
]

#: What the stored results were made with, and what :func:`select_reference` asks for.
REFERENCE = {
    "blas": "openblas",
    "kernel": "Haswell",
    "numpy_level": "X86_V3",
}
CORETYPE = "OPENBLAS_CORETYPE"
NUMPY_FEATURES = "NPY_DISABLE_CPU_FEATURES"
#: numpy's dispatch targets above the reference level (numpy 2.4 names them this way).
_ABOVE_REFERENCE = ("X86_V4", "AVX512_ICL", "AVX512_SPR")
#: CPU flags (as Linux's /proc/cpuinfo names them) the reference kernel needs.
_NEEDS = frozenset({"avx2", "fma"})


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str] | None:
    """The CPU's feature flags from Linux's ``/proc/cpuinfo`` (or the given text), or
    ``None`` where they cannot be read (another operating system)."""
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="ascii", errors="replace") as file:
                cpuinfo = file.read()
        except OSError:
            return None
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return None


def reference_settings(machine: str, flags: Iterable[str] | None) -> dict[str, str]:
    """The environment variables that select the reference on this machine (empty where it
    cannot run it).

    Parameters
    ----------
    machine : str
        ``platform.machine()``, e.g. ``"x86_64"``.
    flags : iterable of str or None
        The CPU's flags (:func:`cpu_flags`); ``None`` when unknown.

    numpy ignores names it does not know, so an older numpy is left as it is (and
    :func:`mismatch` says so).
    """
    if machine.lower() not in {"x86_64", "amd64"} or flags is None:
        return {}
    flags = frozenset(flags)
    if not _NEEDS <= flags:
        return {}
    settings = {CORETYPE: REFERENCE["kernel"]}
    if "avx512f" in flags:
        settings[NUMPY_FEATURES] = ",".join(_ABOVE_REFERENCE)
    return settings


def select_reference(
    environ: MutableMapping[str, str] | None = None, numpy_loaded: bool | None = None
) -> dict[str, str]:
    """Ask OpenBLAS and numpy for the reference kernels, where that is safe and still possible.

    Sets each variable of :func:`reference_settings` that is not already in ``environ``
    (default ``os.environ``), and only while numpy is not yet loaded: a variable someone set
    is never changed, and one set after numpy loaded would have no effect. Returns what it
    set (empty when nothing was).
    """
    environ = os.environ if environ is None else environ
    if numpy_loaded is None:
        numpy_loaded = "numpy" in sys.modules
    if numpy_loaded:
        return {}
    wanted = reference_settings(platform.machine(), cpu_flags())
    chosen = {name: value for name, value in wanted.items() if name not in environ}
    environ.update(chosen)
    return chosen


def runtime() -> dict[str, object]:
    """What numpy runs now: BLAS library, its kernel, numpy's version and its enabled
    dispatch targets (recorded in every stored entry)."""
    import numpy as np
    import threadpoolctl

    blas = [
        info
        for info in threadpoolctl.threadpool_info()
        if info.get("user_api") == "blas" and "numpy" in str(info.get("filepath", ""))
    ] or [info for info in threadpoolctl.threadpool_info() if info.get("user_api") == "blas"]
    info = blas[0] if blas else {}
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # another numpy layout: say nothing rather than guess
        targets: list[str] = []
    else:
        targets = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return {
        "blas": str(info.get("internal_api", "unknown")),
        "blas_version": str(info.get("version", "unknown")),
        "kernel": str(info.get("architecture", "unknown")),
        "numpy": np.__version__,
        "numpy_targets": targets,
        "machine": platform.machine(),
    }


def _level_ok(targets: list[str]) -> bool:
    return not set(targets) & set(_ABOVE_REFERENCE)


def mismatch(now: dict[str, object] | None = None) -> str | None:
    """One line saying why results may not match the stored bits here, or ``None`` when this
    process runs the reference."""
    now = runtime() if now is None else now
    problems = []
    if now["blas"] != REFERENCE["blas"] or now["kernel"] != REFERENCE["kernel"]:
        problems.append(
            f"numpy runs the {now['blas']} kernel {now['kernel']}, "
            f"the stored results were made with {REFERENCE['blas']} {REFERENCE['kernel']}"
        )
    if not _level_ok(list(now["numpy_targets"])):
        above = [t for t in now["numpy_targets"] if t in _ABOVE_REFERENCE]
        problems.append(
            f"numpy uses its {', '.join(above)} code, the stored results its "
            f"{REFERENCE['numpy_level']} code"
        )
    if not problems:
        return None
    set_here = os.environ.get(CORETYPE)
    if set_here and set_here != REFERENCE["kernel"]:
        advice = (
            f"{CORETYPE}={set_here} is set in the environment (kept on purpose: unset it, or set "
            f"it to {REFERENCE['kernel']}, only if this CPU runs that kernel safely)"
        )
    elif now["machine"] not in {"x86_64", "AMD64"}:
        advice = "this is not an x86-64 machine, so its bits differ from the stored ones"
    else:
        advice = (
            f"start Python with {CORETYPE}={REFERENCE['kernel']} and "
            f"{NUMPY_FEATURES}={','.join(_ABOVE_REFERENCE)}, or import bendlines before numpy"
        )
    return "; ".join(problems) + f": {advice}"


if __name__ == "__main__":  # for the Makefile: NAME=VALUE lines of what to set here
    for name, value in reference_settings(platform.machine(), cpu_flags()).items():
        if name not in os.environ:
            print(f"{name}={value}")
