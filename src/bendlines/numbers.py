"""Numbers for prose: very large and very small values written in powers of ten.

A reader who knows school algebra reads ``4.3 × 10⁶`` more easily than ``4.3e+06``. The
chapters glue these strings into the text as math, so the number on the page is the one the
code computed.
"""

from __future__ import annotations

import math


def scientific_tex(value: float, digits: int = 2) -> str:
    r"""LaTeX for ``value`` with ``digits`` significant digits, in powers of ten when needed.

    Examples: ``4.3e6`` gives ``4.3 \times 10^{6}``, ``1e-16`` gives ``10^{-16}``, ``3.14159``
    with three digits gives ``3.14``, and ``0`` gives ``0``.

    Raises
    ------
    ValueError
        If ``value`` is not finite or ``digits`` is below 1.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value} in powers of ten")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = int(exponent)
    if power == 0:
        return mantissa
    sign = "-" if mantissa.startswith("-") else ""
    if float(mantissa) in (1.0, -1.0) and digits == 1:
        return f"{sign}10^{{{power}}}"
    return rf"{mantissa} \times 10^{{{power}}}"
