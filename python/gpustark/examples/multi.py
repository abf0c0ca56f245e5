"""A three-AIR example: a lookup table of squares and two AIRs of other heights that look it up.

Bus 0 carries messages (x, x^2):

* `SquareTable` (height 2^table_log_height): columns (x, sq, mult); x runs 0, 1, 2, ... (first-row
  and next-row constraints), sq = x * x, and it receives (x, sq) with multiplicity mult
  (count -mult, count_weight 0: OpenVM's LookupBus key side).
* `SquareUser` (height 2^user_log_height): columns (a, b, is_real); is_real is a bit and the real
  rows form a prefix (a next-row constraint of degree 3); it sends (a, b) with count is_real.
* `PairSum` (height 2^pair_log_height, default 2: shorter than 2^l_skip for l_skip >= 2): columns
  (u, w, s); s = u + next.u on every row, wrapping around; it sends (u, w) with count 1.

The table's mult column counts every lookup of x by the two users, so bus 0 balances.
"""
from __future__ import annotations

import numpy as np

from .._checks import P
from ..air import Air

__all__ = ["SQUARES_BUS", "square_table_air", "square_user_air", "pair_sum_air", "multi_airs", "multi_fixture"]

SQUARES_BUS = 0


def square_table_air() -> Air:
    """Rows (x, x^2, mult) for x = 0, 1, ...; receives (x, x^2) mult times."""
    air = Air("SquareTable", width=3)
    x, sq, mult = air.main(0), air.main(1), air.main(2)
    air.when_first_row().assert_zero(x)
    air.when_transition().assert_eq(air.main(0, next=True), x + 1)
    air.assert_eq(sq, x * x)
    air.receive(SQUARES_BUS, [x, sq], mult, count_weight=0)
    return air


def square_user_air() -> Air:
    """Rows (a, b, is_real); real rows first; sends (a, b) when is_real."""
    air = Air("SquareUser", width=3)
    a, b, is_real = air.main(0), air.main(1), air.main(2)
    air.assert_bool(is_real)
    air.when_transition().assert_zero(air.main(2, next=True) * (1 - is_real))
    air.send(SQUARES_BUS, [a, b], is_real)
    return air


def pair_sum_air() -> Air:
    """Rows (u, w, s) with s = u + next.u (cyclic); sends (u, w) once per row."""
    air = Air("PairSum", width=3)
    u, w, s = air.main(0), air.main(1), air.main(2)
    air.assert_eq(s, u + air.main(0, next=True))
    air.send(SQUARES_BUS, [u, w], 1)
    return air


def multi_airs() -> list[Air]:
    """[SquareTable, SquareUser, PairSum], in AIR index order."""
    return [square_table_air(), square_user_air(), pair_sum_air()]


def multi_fixture(seed: int = 0, table_log_height: int = 3, user_log_height: int = 4,
                  pair_log_height: int = 1) -> tuple[list[Air], list[np.ndarray], list[list[int]]]:
    """(airs, traces, public values) of an honest witness; looked-up values are random below the
    table height, drawn from numpy's default_rng(seed)."""
    for name, v in (("table_log_height", table_log_height), ("user_log_height", user_log_height),
                    ("pair_log_height", pair_log_height)):
        if not 0 <= v <= 20:
            raise ValueError(f"multi_fixture: {name} must be in [0, 20], found {v}")
    rng = np.random.default_rng(seed)
    n = 1 << table_log_height
    user_h, pair_h = 1 << user_log_height, 1 << pair_log_height

    user = np.zeros((user_h, 3), dtype=np.uint64)
    real = int(rng.integers(1, user_h + 1))
    user[:real, 0] = rng.integers(0, n, size=real)
    user[:real, 1] = user[:real, 0] ** 2
    user[:real, 2] = 1

    pair = np.zeros((pair_h, 3), dtype=np.uint64)
    pair[:, 0] = rng.integers(0, n, size=pair_h)
    pair[:, 1] = pair[:, 0] ** 2
    pair[:, 2] = pair[:, 0] + np.roll(pair[:, 0], -1)

    table = np.zeros((n, 3), dtype=np.uint64)
    table[:, 0] = np.arange(n)
    table[:, 1] = table[:, 0] ** 2
    table[:, 2] = np.bincount(np.concatenate([user[:real, 0], pair[:, 0]]).astype(np.int64), minlength=n)

    traces = [(t % P).astype(np.uint32) for t in (table, user, pair)]
    return multi_airs(), traces, [[], [], []]
