"""Evaluate a DAG on every row of a trace with numpy (a slow, simple reference for witness checks).

Rows are taken cyclically (row h-1's next row is row 0) and the selectors are those of the trace as
given (`is_first[i] = [i == 0]`, `is_last[i] = [i == h-1]`): a short trace is checked unlifted,
which is what its lift repeats.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np

from .._checks import P
from .dag import ConstraintDag
from .expr import ADD, CONSTANT, IS_FIRST_ROW, IS_LAST_ROW, IS_TRANSITION, MAIN, MUL, NEG, PUBLIC, SUB

__all__ = ["evaluate_rows"]

_P = np.uint64(P)
_BUDGET = 1 << 23  # uint64 values alive at once per chunk (64 MiB)


def _last_uses(dag: ConstraintDag, keep: set[int]) -> np.ndarray:
    """For each node, the last node that reads it (nodes in `keep` are never freed)."""
    ins = dag.instructions
    last = np.arange(dag.num_nodes)
    for i, (kind, a, b, _) in enumerate(ins.tolist()):
        if kind in (ADD, SUB, MUL):
            last[a] = max(last[a], i)
            last[b] = max(last[b], i)
        elif kind == NEG:
            last[a] = max(last[a], i)
    for k in keep:
        last[k] = dag.num_nodes
    return last


def evaluate_rows(dag: ConstraintDag, trace: np.ndarray, public_values: Sequence[int],
                  wanted: Sequence[int]) -> Iterator[tuple[int, dict[int, np.ndarray]]]:
    """Yield (first_row, {node: values}) per chunk of rows, for the nodes in `wanted`.

    `trace` is a validated uint32 (h, width) array of the common main part. Values are uint64
    canonical field elements, one per row of the chunk (read-only views where broadcast).
    """
    height = trace.shape[0]
    keep = set(int(w) for w in wanted)
    last = _last_uses(dag, keep)
    ins = dag.instructions.tolist()
    # Peak live values bounds the chunk size: count nodes alive after each step.
    alive, peak = 0, 1
    frees = np.bincount(last, minlength=dag.num_nodes + 1)
    for i in range(dag.num_nodes):
        alive += 1
        peak = max(peak, alive)
        alive -= int(frees[i])
    # Per row: the live node values plus this row's and the next row's cells, widened to uint64.
    rows = max(1, min(height, _BUDGET // (peak + 2 * trace.shape[1])))
    pubs = [np.uint64(int(v)) for v in public_values]
    for start in range(0, height, rows):
        idx = np.arange(start, min(height, start + rows))
        local = trace[idx].astype(np.uint64)
        nxt = trace[(idx + 1) % height].astype(np.uint64)
        first = (idx == 0).astype(np.uint64)
        last_row = (idx == height - 1).astype(np.uint64)
        values: dict[int, np.ndarray] = {}
        for i, (kind, a, b, c) in enumerate(ins):
            if kind == MAIN:
                v = (nxt if c else local)[:, b]
            elif kind == PUBLIC:
                v = np.asarray(pubs[a])
            elif kind == IS_FIRST_ROW:
                v = first
            elif kind == IS_LAST_ROW:
                v = last_row
            elif kind == IS_TRANSITION:
                v = np.uint64(1) - last_row
            elif kind == CONSTANT:
                v = np.asarray(np.uint64(a))
            elif kind == ADD:
                v = (values[a] + values[b]) % _P
            elif kind == SUB:
                v = (values[a] + (_P - values[b])) % _P
            elif kind == MUL:
                v = (values[a] * values[b]) % _P
            else:  # NEG
                v = (_P - values[a]) % _P
            values[i] = v
            # Free operands whose last reader this node is.
            if kind in (ADD, SUB, MUL):
                for o in {a, b}:
                    if last[o] == i:
                        del values[o]
            elif kind == NEG and last[a] == i:
                del values[a]
            if last[i] == i:
                del values[i]
        yield start, {k: np.broadcast_to(values[k], idx.shape) for k in keep}
