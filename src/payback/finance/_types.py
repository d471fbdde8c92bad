"""Array type aliases shared by the model."""

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
ArrayLike: TypeAlias = float | int | npt.NDArray[np.floating] | npt.NDArray[np.integer]


def as_float(x: ArrayLike) -> FloatArray:
    """``x`` as a float64 array (no copy when it already is one)."""
    return np.asarray(x, dtype=np.float64)


def per_sample(x: ArrayLike) -> FloatArray:
    """``x`` with a trailing axis of length 1, so it broadcasts against the month axis."""
    return as_float(x)[..., np.newaxis]
