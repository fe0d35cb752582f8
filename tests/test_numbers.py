"""Powers of ten for prose, checked against hand-written expectations and round trips."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bendlines.numbers import scientific_tex


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (4.3e6, 2, r"4.3 \times 10^{6}"),
        (6e-17, 1, r"6 \times 10^{-17}"),
        (1e-16, 1, "10^{-16}"),
        (-1e5, 1, "-10^{5}"),
        (1e-16, 2, r"1.0 \times 10^{-16}"),
        (-2.5e-3, 2, r"-2.5 \times 10^{-3}"),
        (9.96e5, 2, r"1.0 \times 10^{6}"),  # rounding carries into the power
        (3.14159, 3, "3.14"),
        (0.0, 2, "0"),
    ],
)
def test_known_values(value, digits, expected):
    assert scientific_tex(value, digits) == expected


@pytest.mark.parametrize(("value", "digits"), [(math.inf, 2), (math.nan, 2), (1.0, 0)])
def test_bad_input_is_refused(value, digits):
    with pytest.raises(ValueError):
        scientific_tex(value, digits)


@given(
    st.floats(min_value=1e-300, max_value=1e300) | st.floats(min_value=-1e300, max_value=-1e-300),
    st.integers(min_value=1, max_value=6),
)
def test_the_written_number_is_the_value_rounded(value, digits):
    tex = scientific_tex(value, digits)
    found = re.fullmatch(r"(-?)(?:([\d.]+)(?: \\times )?)?(?:10\^\{(-?\d+)\})?", tex)
    assert found, tex
    sign, mantissa, power = found.groups()
    written = (-1 if sign else 1) * float(mantissa or 1) * 10.0 ** int(power or 0)
    assert written == pytest.approx(value, rel=10.0 ** (1 - digits))
