"""The Fiat-Shamir transcript: OpenVM's duplex sponge over Poseidon2-16 (PROTOCOL 2.5).

Overwrite-mode absorption into lanes 0..7, a permutation when the rate is full or before a
sample that follows an observation, and samples read from lane 7 downwards.
"""
from __future__ import annotations

from typing import Iterable

from . import _native
from ._backend import resolve
from ._checks import P, field_array, nonnegative_int

__all__ = ["Transcript"]

MAX_POW_BITS = 30


class Transcript:
    """A fresh sponge (all-zero state). Extension elements are sequences of 4 limbs (a0..a3)."""

    def __init__(self, _native_transcript=None):
        self._t = _native_transcript if _native_transcript is not None else _native.Transcript()

    def observe(self, value: int) -> None:
        self._t.observe(nonnegative_int(value, "value", below=P))

    def observe_many(self, values: Iterable[int]) -> None:
        self._t.observe_many(field_array(list(values), "values", ndim=1).tolist())

    def observe_ext(self, value) -> None:
        self._t.observe_ext(field_array(value, "value", ndim=1, last_dim=4).tolist())

    def observe_digest(self, digest) -> None:
        """observe_commit: the 8 elements of a digest, in order."""
        self._t.observe_many(field_array(digest, "digest", ndim=1, last_dim=8).tolist())

    def sample(self) -> int:
        return self._t.sample()

    def sample_ext(self) -> list[int]:
        return list(self._t.sample_ext())

    def sample_bits(self, bits: int) -> int:
        """One sample's low `bits` bits (bits < 31)."""
        return self._t.sample_bits(nonnegative_int(bits, "bits", below=31))

    def check_witness(self, bits: int, witness: int) -> bool:
        """Proof-of-work check: with bits > 0, observe(witness) then sample_bits(bits) == 0."""
        return self._t.check_witness(nonnegative_int(bits, "bits", below=MAX_POW_BITS + 1),
                                     nonnegative_int(witness, "witness", below=P))

    def grind(self, bits: int, backend: str | None = None) -> int:
        """Find the smallest passing proof-of-work witness, apply the check with it, return it."""
        return self._t.grind(nonnegative_int(bits, "bits", below=MAX_POW_BITS + 1), resolve(backend))

    def replay_witnesses(self, witnesses: Iterable[int]) -> None:
        """Use these proof-of-work witnesses, in order, for the next grinds instead of searching.

        Replays a recorded transcript; a replayed witness that does not pass raises ValueError.
        """
        self._t.replay_witnesses([nonnegative_int(w, "witness", below=P) for w in witnesses])

    def copy(self) -> "Transcript":
        """An independent transcript in the same state."""
        return Transcript(self._t.copy())

    @property
    def state(self) -> list[int]:
        """The 16 sponge lanes (canonical)."""
        return list(self._t.state)
