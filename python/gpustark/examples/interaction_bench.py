"""A LogUp-heavy benchmark: one lookup table and two AIRs of other heights that look it up on two buses.

Bus 0 carries (x, x^2); bus 1 carries (x, x^2, x^3). With `height` = 2^L:

* `CubeTable` (height 2^(L-2)): columns (x, sq, cube, mult_pair, mult_triple); x runs 0, 1, 2, ...
  (first-row and next-row constraints), sq = x * x, cube = x * sq; it receives (x, sq) mult_pair
  times and (x, sq, cube) mult_triple times (count_weight 0: OpenVM's LookupBus key side).
* `PairLookup` (height 2^L): columns (a, b, mult); mult is 0, 1 or 2 (a degree-3 constraint); it
  sends (a, b) on bus 0 with count mult.
* `TripleLookup` (height 2^(L-1)): columns (a, b, c, mult, s); mult is 1, 2 or 3 and s = a + b;
  it sends (a, b, c) on bus 1 with count mult, and (a, b) on bus 0 once per row.

Every row of every AIR carries interactions: at L = 16 that is 2^14 + 2^16 + 2^15 rows and
163,840 (row, interaction) pairs, so the LogUp-GKR input has 2^18 leaves.
"""
from __future__ import annotations

import numpy as np

from .._checks import P
from ..air import Air

__all__ = ["PAIR_BUS", "TRIPLE_BUS", "cube_table_air", "pair_lookup_air", "triple_lookup_air", "interaction_bench_airs",
           "interaction_bench_witness"]

PAIR_BUS, TRIPLE_BUS = 0, 1
MIN_LOG_HEIGHT, MAX_LOG_HEIGHT = 2, 24  # the table needs 2^(L-2) >= 1 rows


def cube_table_air() -> Air:
    """Rows (x, x^2, x^3, mult_pair, mult_triple) for x = 0, 1, ...; receives on both buses."""
    air = Air("CubeTable", width=5)
    x, sq, cube, mult_pair, mult_triple = (air.main(i) for i in range(5))
    air.when_first_row().assert_zero(x)
    air.when_transition().assert_eq(air.main(0, next=True), x + 1)
    air.assert_eq(sq, x * x)
    air.assert_eq(cube, x * sq)
    air.receive(PAIR_BUS, [x, sq], mult_pair, count_weight=0)
    air.receive(TRIPLE_BUS, [x, sq, cube], mult_triple, count_weight=0)
    return air


def pair_lookup_air() -> Air:
    """Rows (a, b, mult) with mult in {0, 1, 2}; sends (a, b) mult times."""
    air = Air("PairLookup", width=3)
    a, b, mult = air.main(0), air.main(1), air.main(2)
    air.assert_zero(mult * (mult - 1) * (mult - 2))
    air.send(PAIR_BUS, [a, b], mult, count_weight=2)
    return air


def triple_lookup_air() -> Air:
    """Rows (a, b, c, mult, s) with mult in {1, 2, 3} and s = a + b; sends (a, b, c) mult times and (a, b) once."""
    air = Air("TripleLookup", width=5)
    a, b, c, mult, s = (air.main(i) for i in range(5))
    air.assert_zero((mult - 1) * (mult - 2) * (mult - 3))
    air.assert_eq(s, a + b)
    air.send(TRIPLE_BUS, [a, b, c], mult, count_weight=3)
    air.send(PAIR_BUS, [a, b], 1)
    return air


def interaction_bench_airs() -> list[Air]:
    """[CubeTable, PairLookup, TripleLookup], in AIR index order."""
    return [cube_table_air(), pair_lookup_air(), triple_lookup_air()]


def _powers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x^2, x^3) mod p for x < 2^22 (x^2 < 2^44, and (x^2 mod p) * x < 2^53 fit in uint64)."""
    sq = x * x % P
    return sq, sq * x % P


def interaction_bench_witness(log_height: int = 16, seed: int = 0) -> tuple[list[np.ndarray], list[list[int]]]:
    """(traces, public values) of an honest witness with PairLookup of height 2^log_height; looked-up
    values and multiplicities come from numpy's default_rng(seed)."""
    if isinstance(log_height, bool) or not isinstance(log_height, int) or \
            not MIN_LOG_HEIGHT <= log_height <= MAX_LOG_HEIGHT:
        raise ValueError(f"interaction_bench_witness: log_height must be in [{MIN_LOG_HEIGHT}, {MAX_LOG_HEIGHT}], "
                         f"found {log_height!r}")
    rng = np.random.default_rng(seed)
    n = 1 << (log_height - 2)

    pair = np.empty((1 << log_height, 3), dtype=np.uint64)
    pair[:, 0] = rng.integers(0, n, size=len(pair))
    pair[:, 1], _ = _powers(pair[:, 0])
    pair[:, 2] = rng.integers(0, 3, size=len(pair))

    triple = np.empty((1 << (log_height - 1), 5), dtype=np.uint64)
    triple[:, 0] = rng.integers(0, n, size=len(triple))
    triple[:, 1], triple[:, 2] = _powers(triple[:, 0])
    triple[:, 3] = rng.integers(1, 4, size=len(triple))
    triple[:, 4] = (triple[:, 0] + triple[:, 1]) % P

    table = np.empty((n, 5), dtype=np.uint64)
    table[:, 0] = np.arange(n)
    table[:, 1], table[:, 2] = _powers(table[:, 0])
    # Bus 0: PairLookup's weighted sends plus one send per TripleLookup row; bus 1: TripleLookup's.
    table[:, 3] = np.bincount(pair[:, 0].astype(np.int64), weights=pair[:, 2], minlength=n).astype(np.uint64)
    table[:, 3] += np.bincount(triple[:, 0].astype(np.int64), minlength=n).astype(np.uint64)
    table[:, 4] = np.bincount(triple[:, 0].astype(np.int64), weights=triple[:, 3], minlength=n).astype(np.uint64)

    traces = [t.astype(np.uint32) for t in (table, pair, triple)]
    return traces, [[], [], []]
