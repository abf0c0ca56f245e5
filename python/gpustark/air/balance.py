"""Interaction balance: the LogUp sum is zero for honest witnesses exactly when, on every bus, the
multiset sum of count * [message] over all rows of all AIRs is zero (PROTOCOL 4.2).

Short traces count once per row of the trace as given: lifting repeats each row 2^i times but the
LogUp numerator is normalized by 2^-i, so the unlifted sum is what the proof checks.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from .._checks import P
from .builder import Air
from .check import check_trace
from .evaluate import evaluate_rows

__all__ = ["interaction_balance", "format_imbalance"]


def _signed(v: int) -> int:
    return v - P if v > P // 2 else v


def interaction_balance(airs: Sequence[Air], traces: Sequence[np.ndarray | None],
                        public_values: Sequence[Sequence[int] | None] | None = None
                        ) -> dict[int, dict[tuple[int, ...], int]]:
    """Net count of every message on every bus that does not cancel: {bus: {message: net count}}.

    traces[i] (None for an absent AIR) and public_values[i] (None for none) belong to airs[i].
    Net counts are mod p, shown signed in (-p/2, p/2] (a receive surplus is negative). An empty dict
    means every bus balances. Each trace is validated first (check_trace).
    """
    if len(traces) != len(airs):
        raise ValueError(f"interaction_balance: expected {len(airs)} traces (one per AIR), found {len(traces)}")
    if public_values is None:
        public_values = [None] * len(airs)
    if len(public_values) != len(airs):
        raise ValueError(f"interaction_balance: expected {len(airs)} public value lists, found {len(public_values)}")
    net: dict[int, dict[tuple[int, ...], int]] = defaultdict(lambda: defaultdict(int))
    for air, trace, pvs in zip(airs, traces, public_values):
        if trace is None or not air.interactions:
            continue
        pvs = check_trace(air, trace, pvs)
        dag = air.dag()
        if any(not it.message for it in dag.interactions):
            raise ValueError(f"AIR {air.name}: an interaction has an empty message")
        wanted = sorted({n for it in dag.interactions for n in (*it.message, it.count)})
        for _, values in evaluate_rows(dag, trace, pvs, wanted):
            for it in dag.interactions:
                counts = values[it.count]
                live = np.flatnonzero(counts)
                if not live.size:
                    continue
                msgs = np.stack([values[m][live] for m in it.message], axis=1)
                keys, inverse = np.unique(msgs, axis=0, return_inverse=True)
                sums = np.zeros(len(keys), dtype=np.uint64)
                np.add.at(sums, inverse.reshape(-1), counts[live])
                bus = net[it.bus_index]
                for key, s in zip(map(tuple, keys.tolist()), (sums % np.uint64(P)).tolist()):
                    bus[key] = (bus[key] + s) % P
    out: dict[int, dict[tuple[int, ...], int]] = {}
    for bus_index in sorted(net):
        bad = {msg: _signed(c) for msg, c in sorted(net[bus_index].items()) if c}
        if bad:
            out[bus_index] = bad
    return out


def format_imbalance(imbalance: dict[int, dict[tuple[int, ...], int]], limit: int = 5) -> str:
    """A short message listing up to `limit` unbalanced messages per bus."""
    lines = []
    for bus_index, msgs in imbalance.items():
        shown = ", ".join(f"{list(m)}: {c:+d}" for m, c in list(msgs.items())[:limit])
        more = f" and {len(msgs) - limit} more" if len(msgs) > limit else ""
        lines.append(f"bus {bus_index}: {len(msgs)} unbalanced message(s) (net count) {shown}{more}")
    return "; ".join(lines)
