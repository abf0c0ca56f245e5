"""OpenVM's InteractionsFixture11 (PROTOCOL 15): two DummyInteractionAir(field_width=1, bus 0).

Each AIR has columns (count, field), no constraints and one interaction (bus, [field], count). As in
OpenVM's DummyInteractionAir, the sender's count is `count` and the receiver's is
`NEG_ONE * count` (a Mul by the constant p - 1, not a Neg), and count_weight defaults to 0.
"""
from __future__ import annotations

import numpy as np

from ..air import Air

__all__ = ["dummy_interaction_air", "fixture11", "SENDER_ROWS", "RECEIVER_ROWS"]

SENDER_ROWS = ((0, 1), (3, 5), (7, 4), (546, 889))
RECEIVER_ROWS = ((1, 5), (3, 4), (4, 4), (2, 5), (0, 123), (545, 889), (1, 889), (0, 456))


def dummy_interaction_air(field_width: int, is_send: bool, bus_index: int, count_weight: int = 0) -> Air:
    """Columns | count | fields[field_width] |; one interaction of the fields with +count or -count."""
    role = "sender" if is_send else "receiver"
    air = Air(f"DummyInteractionAir({role})", width=1 + field_width)
    count = air.main(0)
    fields = [air.main(1 + i) for i in range(field_width)]
    # OpenVM writes AB::Expr::NEG_ONE * count, so the constant comes first in the Mul node.
    air.push_interaction(bus_index, fields, count if is_send else -1 * count, count_weight)
    return air


def fixture11() -> tuple[list[Air], list[np.ndarray], list[list[int]]]:
    """(airs, traces, public values): AIR 0 sends 4 rows, AIR 1 receives 8 rows, on bus 0."""
    airs = [dummy_interaction_air(1, True, 0), dummy_interaction_air(1, False, 0)]
    traces = [np.array(SENDER_ROWS, dtype=np.uint32), np.array(RECEIVER_ROWS, dtype=np.uint32)]
    return airs, traces, [[], []]
