"""gpustark: SWIRL (OpenVM v2) STARK proving and verification on Metal, CUDA and the CPU.

The primitives of the proof system, on numpy uint32 arrays of canonical BabyBear elements:

    gpustark.field      BabyBear and its quartic extension
    gpustark.hash       Poseidon2-16, the leaf hash H and compression C
    gpustark.ntt        batched NTTs over Plonky3's two-adic subgroups
    gpustark.merkle     Merkle commitments with grouped query leaves
    gpustark.Transcript the Fiat-Shamir duplex sponge with proof-of-work grinding

Every function takes `backend=` ('cpu', or a device backend from gpustark.backends()).
"""
from . import field, hash, merkle, ntt  # noqa: A004 - `hash` is the protocol's name
from ._backend import backends, device_info
from .transcript import Transcript

__version__ = "0.1.0"
__all__ = ["field", "hash", "merkle", "ntt", "Transcript", "backends", "device_info", "__version__"]
