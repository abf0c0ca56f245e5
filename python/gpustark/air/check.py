"""Witness checks before proving: trace shape and range, and the first unsatisfied constraint."""
from __future__ import annotations

from numbers import Integral
from typing import NamedTuple, Sequence

import numpy as np

from .._checks import P, largest_value
from .builder import Air
from .dag import ConstraintDag
from .evaluate import evaluate_rows

__all__ = ["check_trace", "find_unsatisfied", "Unsatisfied"]


class Unsatisfied(NamedTuple):
    """The first failing constraint: its position in the sorted constraint_idx, and the row."""

    constraint: int
    row: int


def check_trace(air: Air, trace: np.ndarray, public_values: Sequence[int] | None = None) -> tuple[int, ...]:
    """Validate a trace and public values for `air`; return the public values as a tuple of ints.

    The trace must be a numpy uint32 array of shape (height, air.width), height a power of two >= 1,
    every value a canonical field element (< p); there must be exactly air.num_public_values public
    values, each an int in [0, p). Raises ValueError naming the AIR and what is wrong.
    """
    name = f"AIR {air.name}"
    if not isinstance(trace, np.ndarray):
        raise ValueError(f"{name}: trace must be a numpy array, found {type(trace).__name__}")
    if trace.dtype != np.uint32:
        raise ValueError(f"{name}: trace dtype must be uint32, found {trace.dtype}")
    if trace.ndim != 2:
        raise ValueError(f"{name}: trace must be 2-d (height, width), found shape {trace.shape}")
    height, width = trace.shape
    if width != air.width:
        raise ValueError(f"{name}: trace width must be {air.width}, found {width}")
    if height < 1 or height & (height - 1):
        raise ValueError(f"{name}: trace height must be a power of two >= 1, found {height}")
    if trace.size and largest_value(trace) >= P:
        row, col = (int(x) for x in np.argwhere(trace >= P)[0])
        raise ValueError(f"{name}: trace value {int(trace[row, col])} at row {row}, column {col} "
                         f"is not a canonical field element (< p = {P})")
    pvs = [] if public_values is None else list(public_values)
    if len(pvs) != air.num_public_values:
        raise ValueError(f"{name}: expected {air.num_public_values} public values, found {len(pvs)}")
    for i, v in enumerate(pvs):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (Integral, np.integer)) or not 0 <= int(v) < P:
            raise ValueError(f"{name}: public value {i} must be an int in [0, p = {P}), found {v!r}")
    return tuple(int(v) for v in pvs)


def find_unsatisfied(air: Air, trace: np.ndarray, public_values: Sequence[int] | None = None,
                     dag: ConstraintDag | None = None) -> Unsatisfied | None:
    """Evaluate every constraint on every row; return the first failure or None.

    "First" is the smallest constraint (in sorted constraint_idx order, the batching order), then
    the smallest row. Rows wrap cyclically; selectors are those of the trace as given. Pass `dag`
    to reuse an already built DAG. The trace is validated first (check_trace).
    """
    pvs = check_trace(air, trace, public_values)
    dag = air.dag() if dag is None else dag
    if not dag.constraint_idx:
        return None
    first_bad: dict[int, int] = {}  # constraint position -> first failing row
    for start, values in evaluate_rows(dag, trace, pvs, dag.constraint_idx):
        for pos, node in enumerate(dag.constraint_idx):
            if pos in first_bad:
                continue
            bad = np.flatnonzero(values[node])
            if bad.size:
                first_bad[pos] = start + int(bad[0])
    if not first_bad:
        return None
    pos = min(first_bad)
    return Unsatisfied(pos, first_bad[pos])
