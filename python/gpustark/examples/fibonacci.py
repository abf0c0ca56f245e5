"""OpenVM's FibonacciAir (stark-backend test_utils/dummy_airs/fib_air): columns (left, right), public
values (a, b, x). Constraints, in OpenVM's order:

    first row:   left = a,  right = b
    transition:  next.left = right,  next.right = left + right
    last row:    right = x
"""
from __future__ import annotations

import numpy as np

from .._checks import P
from ..air import Air

__all__ = ["fibonacci_air", "fibonacci_trace", "fibonacci_public_values"]


def fibonacci_air() -> Air:
    """The 2-column Fibonacci AIR with 3 public values (5 constraints of degree 2, need_rot)."""
    air = Air("FibonacciAir", width=2, num_public_values=3)
    left, right = air.main(0), air.main(1)
    next_left, next_right = air.main(0, next=True), air.main(1, next=True)
    a, b, x = air.public(0), air.public(1), air.public(2)
    first = air.when_first_row()
    first.assert_eq(left, a)
    first.assert_eq(right, b)
    step = air.when_transition()
    step.assert_eq(right, next_left)
    step.assert_eq(left + right, next_right)
    air.when_last_row().assert_eq(right, x)
    return air


def fibonacci_trace(height: int, a: int = 0, b: int = 1) -> np.ndarray:
    """Rows (left, right) = (a, b), then (right, left + right) mod p: a uint32 (height, 2) array."""
    if isinstance(height, bool) or not isinstance(height, int) or height < 1 or height & (height - 1):
        raise ValueError(f"fibonacci_trace: height must be a power of two >= 1, found {height!r}")
    for name, v in (("a", a), ("b", b)):
        if not 0 <= v < P:
            raise ValueError(f"fibonacci_trace: {name} must be in [0, p), found {v}")
    rows = np.empty((height, 2), dtype=np.uint32)
    left, right = a, b
    for i in range(height):
        rows[i] = left, right
        left, right = right, (left + right) % P
    return rows


def fibonacci_public_values(trace: np.ndarray) -> list[int]:
    """(a, b, x): the first row and the last row's right column."""
    return [int(trace[0, 0]), int(trace[0, 1]), int(trace[-1, 1])]
