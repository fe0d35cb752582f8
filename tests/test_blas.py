"""The reference kernels: chosen only where safe and still possible, and named correctly.

The selection logic is tested on given environments and CPU flags: no test starts Python with
another kernel, because some kernels misbehave on some processors (why machines set
``OPENBLAS_CORETYPE`` on purpose), and tests never change a value the machine set.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bendlines import blas

AVX2 = {"sse4_2", "avx", "avx2", "fma"}
AVX512 = AVX2 | {"avx512f", "avx512bw"}


def test_an_avx2_cpu_gets_the_haswell_kernel_and_numpy_as_it_is():
    assert blas.reference_settings("x86_64", AVX2) == {"OPENBLAS_CORETYPE": "Haswell"}


def test_an_avx512_cpu_also_gets_numpys_avx2_code():
    settings = blas.reference_settings("x86_64", AVX512)
    assert settings["OPENBLAS_CORETYPE"] == "Haswell"
    assert settings["NPY_DISABLE_CPU_FEATURES"].split(",") == ["X86_V4", "AVX512_ICL", "AVX512_SPR"]


def test_nothing_is_chosen_where_the_reference_cannot_run():
    assert blas.reference_settings("x86_64", {"sse4_2", "avx"}) == {}  # no AVX2
    assert blas.reference_settings("aarch64", {"asimd"}) == {}
    assert blas.reference_settings("x86_64", None) == {}  # flags unknown


def test_cpu_flags_are_read_from_cpuinfo_text():
    text = "processor\t: 0\nflags\t\t: fpu avx2 fma\nbugs\t\t: spectre\n"
    assert blas.cpu_flags(text) == {"fpu", "avx2", "fma"}
    assert blas.cpu_flags("processor : 0\n") is None


def test_a_value_in_the_environment_is_never_changed(monkeypatch):
    monkeypatch.setattr(blas, "cpu_flags", lambda: frozenset(AVX512))
    monkeypatch.setattr(blas.platform, "machine", lambda: "x86_64")
    environ = {"OPENBLAS_CORETYPE": "Zen"}
    chosen = blas.select_reference(environ, numpy_loaded=False)
    assert environ["OPENBLAS_CORETYPE"] == "Zen"
    assert chosen == {"NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR"}
    environ = {"OPENBLAS_CORETYPE": "Zen", "NPY_DISABLE_CPU_FEATURES": ""}
    assert blas.select_reference(environ, numpy_loaded=False) == {}
    assert environ == {"OPENBLAS_CORETYPE": "Zen", "NPY_DISABLE_CPU_FEATURES": ""}


def test_nothing_is_chosen_once_numpy_is_loaded(monkeypatch):
    monkeypatch.setattr(blas, "cpu_flags", lambda: frozenset(AVX2))
    monkeypatch.setattr(blas.platform, "machine", lambda: "x86_64")
    environ: dict[str, str] = {}
    assert blas.select_reference(environ, numpy_loaded=True) == {}
    assert environ == {}
    assert blas.select_reference(environ, numpy_loaded=False) == {"OPENBLAS_CORETYPE": "Haswell"}


def test_runtime_names_the_kernel_numpy_runs():
    now = blas.runtime()
    assert now["blas"] == "openblas"
    assert now["kernel"] not in ("", "unknown")
    assert isinstance(now["numpy_targets"], list)


def test_importing_bendlines_first_runs_the_reference_where_possible():
    """A fresh interpreter that imports bendlines before numpy runs the reference, unless
    the environment chose a kernel (then the mismatch line names both and what to set)."""
    code = "import bendlines.blas as b, json; print(json.dumps([b.runtime(), b.mismatch()]))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    ).stdout
    import json

    now, why = json.loads(out)
    wanted = blas.reference_settings(blas.platform.machine(), blas.cpu_flags())
    if not wanted or os.environ.get("OPENBLAS_CORETYPE", "Haswell") != "Haswell":
        assert why is not None and "Haswell" in why  # an explained outcome
    else:
        assert now["kernel"] == "Haswell" and why is None


def test_the_mismatch_line_names_both_kernels_and_what_to_set():
    now = {
        "blas": "openblas",
        "kernel": "SkylakeX",
        "numpy_targets": ["X86_V3", "X86_V4"],
        "machine": "x86_64",
        "numpy": "2.4.6",
    }
    why = blas.mismatch(now)
    assert "SkylakeX" in why and "Haswell" in why and "X86_V4" in why
    assert "\n" not in why
    same = {**now, "kernel": "Haswell", "numpy_targets": ["X86_V3"]}
    assert blas.mismatch(same) is None
