"""What the RAP verifier needs of each present trace, in sorted order (descending height, then
ascending AIR index): the AIR's constraint program and the trace's claimed height and publics."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class AirStatement:
    name: str
    width: int
    need_rot: bool
    nodes: np.ndarray                     # (num_nodes, 4) instruction rows
    constraints: Sequence[int]            # constraint node indices, ascending
    interactions: Sequence[tuple[int, int, Sequence[int]]]  # (bus, count node, message nodes)
    num_public_values: int = 0
    program: object = field(default=None, compare=False)  # the same AIR as a validated _native.AirProgram


@dataclass(frozen=True)
class TraceStatement:
    air: AirStatement
    log_height: int
    public_values: Sequence[int]


def cube_vars(trace: TraceStatement, l_skip: int) -> int:
    """n~_t = max(log h - l_skip, 0)."""
    return max(trace.log_height - l_skip, 0)


def logup_layout(traces: Sequence[TraceStatement], l_skip: int) -> tuple[int, list[list[int]]]:
    """(n_logup, slot offsets per trace per interaction) of the GKR input layer (PROTOCOL 8.1)."""
    offsets, total = [], 0
    for trace in traces:
        slot = 1 << (l_skip + cube_vars(trace, l_skip))
        offsets.append([])
        for _ in trace.air.interactions:
            offsets[-1].append(total)
            total += slot
    n_logup = total.bit_length() - l_skip if total else 0
    return n_logup, offsets
