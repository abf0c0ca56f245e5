"""The native form of an AIR: the instruction program that the prover's phases and the native
witness check evaluate, built once per verifying-key entry."""
from __future__ import annotations

import functools

from . import _native


@functools.lru_cache(maxsize=256)
def air_program(avk) -> "_native.AirProgram":
    """The AirProgram of one AirVerifyingKey (hashable by identity)."""
    return _native.AirProgram(avk.name, avk.width.common_main, avk.need_rot, avk.instructions,
                              [int(i) for i in avk.constraint_idx],
                              [(it.bus_index, it.count, list(it.message)) for it in avk.interactions],
                              avk.num_public_values)
