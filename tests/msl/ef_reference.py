"""Field arithmetic for the lane emulator's models of the Ef kernels (sumcheck, GKR, trace tables,
DAG), in two interchangeable implementations:

- `NumpyField`: written here from the definitions (BabyBear, EF = F[X]/(X^4 - 11)), independent of
  the kernel headers;
- `NativeField`: the same operations through gpustark.field, i.e. the CPU's native field code.

A model written once against this interface runs on both, so each emulator test can compare with
an independent model and with the CPU's arithmetic. Values are numpy uint64 arrays of canonical
field elements; an extension element is a last axis of 4 limbs (a0..a3).
"""

from __future__ import annotations

import numpy as np

P = 2013265921
W = 11


class NumpyField:
    name = "reference"

    @staticmethod
    def add(a, b):
        return (np.asarray(a, np.uint64) + np.asarray(b, np.uint64)) % P

    @staticmethod
    def sub(a, b):
        return (np.asarray(a, np.uint64) + P - np.asarray(b, np.uint64)) % P

    @staticmethod
    def mul(a, b):
        return np.asarray(a, np.uint64) * np.asarray(b, np.uint64) % P

    @staticmethod
    def neg(a):
        return (P - np.asarray(a, np.uint64)) % P

    ext_add = add
    ext_sub = sub
    ext_neg = neg

    @classmethod
    def ext_mul(cls, a, b):
        a, b = np.broadcast_arrays(np.asarray(a, np.uint64), np.asarray(b, np.uint64))
        d = [np.zeros(a.shape[:-1], np.uint64) for _ in range(7)]
        for i in range(4):
            for j in range(4):
                d[i + j] = (d[i + j] + a[..., i] * b[..., j] % P) % P
        # X^4 = W folds degrees 4..6 down.
        return np.stack([(d[0] + W * d[4]) % P, (d[1] + W * d[5]) % P, (d[2] + W * d[6]) % P, d[3]], axis=-1)

    @classmethod
    def ext_mul_base(cls, a, b):
        return np.asarray(a, np.uint64) * np.asarray(b, np.uint64)[..., None] % P


class NativeField:
    """gpustark.field's native arithmetic (import gpustark before use)."""

    name = "cpu"

    def __init__(self, field_module):
        self.f = field_module

    def _call(self, op, *args):
        args = np.broadcast_arrays(*(np.asarray(x, np.uint64) for x in args))
        return op(*(np.ascontiguousarray(x, dtype=np.uint32) for x in args)).astype(np.uint64)

    def add(self, a, b):
        return self._call(self.f.add, a, b)

    def sub(self, a, b):
        return self._call(self.f.sub, a, b)

    def mul(self, a, b):
        return self._call(self.f.mul, a, b)

    def neg(self, a):
        return self._call(self.f.neg, a)

    def ext_add(self, a, b):
        return self._call(self.f.ext_add, a, b)

    def ext_sub(self, a, b):
        return self._call(self.f.ext_sub, a, b)

    def ext_neg(self, a):
        return self._call(self.f.ext_neg, a)

    def ext_mul(self, a, b):
        return self._call(self.f.ext_mul, a, b)

    def ext_mul_base(self, a, b):
        b = np.asarray(b, np.uint64)
        lifted = np.zeros(b.shape + (4,), np.uint64)
        lifted[..., 0] = b
        return self.ext_mul(a, lifted)


def ext_from_base(b):
    b = np.asarray(b, np.uint64)
    out = np.zeros(b.shape + (4,), np.uint64)
    out[..., 0] = b
    return out


def ext_one(shape=()):
    return ext_from_base(np.ones(shape, np.uint64))


def ext_sum(values, axis=0):
    """Sum of extension (or base) elements along an axis: addition needs no model of its own."""
    return np.asarray(values, np.uint64).sum(axis=axis, dtype=np.uint64) % P


def random_ext(rng, *shape):
    return rng.integers(0, P, size=shape + (4,), dtype=np.uint64)


def random_base(rng, *shape):
    return rng.integers(0, P, size=shape, dtype=np.uint64)


def strided_grid(lanes: int, group: int, groups_cap: int | None):
    """(threadgroups, threads) of the emulator's grid-stride dispatch (scenario_io.h)."""
    groups = max(1, -(-lanes // group))
    if groups_cap:
        groups = min(groups, groups_cap)
    return groups, groups * group


def group_partials(contributions, group: int, groups_cap: int | None):
    """Per-threadgroup sums of per-lane contributions (lanes, ...): lane l runs on thread
    l % threads, which is in threadgroup thread // group, as in every grid-stride kernel."""
    contributions = np.asarray(contributions, np.uint64)
    groups, threads = strided_grid(len(contributions), group, groups_cap)
    out = np.zeros((groups,) + contributions.shape[1:], np.uint64)
    owner = (np.arange(len(contributions)) % threads) // group
    np.add.at(out, owner, contributions)
    return out % P
