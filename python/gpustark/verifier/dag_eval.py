"""Evaluating an AIR's constraint DAG at an opening point, over Ext scalars.

Nodes are the instruction rows [kind, a, b, c] that keygen produces (see cpp/core/air_program.h
for the kinds); this is the verifier's own evaluator, independent of the prover's native one.
"""
from __future__ import annotations

from typing import Sequence

from ..ext import Ext

MAIN, PUBLIC, IS_FIRST, IS_LAST, IS_TRANSITION, CONSTANT, ADD, SUB, NEG, MUL = range(10)


def evaluate_dag(nodes, local: Sequence[Ext], next_row: Sequence[Ext], selectors: tuple[Ext, Ext, Ext],
                 publics: Sequence[int]) -> list[Ext]:
    """Every node's value; `selectors` are (is_first, is_last, is_transition) at the point."""
    values: list[Ext] = []
    for kind, a, b, c in (tuple(int(v) for v in row) for row in nodes):
        if kind == MAIN:
            values.append(next_row[b] if c else local[b])
        elif kind == PUBLIC:
            values.append(Ext(publics[a]))
        elif kind in (IS_FIRST, IS_LAST, IS_TRANSITION):
            values.append(selectors[kind - IS_FIRST])
        elif kind == CONSTANT:
            values.append(Ext(a))
        elif kind == ADD:
            values.append(values[a] + values[b])
        elif kind == SUB:
            values.append(values[a] - values[b])
        elif kind == NEG:
            values.append(-values[a])
        elif kind == MUL:
            values.append(values[a] * values[b])
        else:
            raise ValueError(f"unknown DAG node kind {kind}")
    return values
