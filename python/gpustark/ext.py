"""Scalar arithmetic in EF = F[X]/(X^4 - 11) for protocol logic in Python (the verifier).

`Ext` is an immutable value with operators; bulk work belongs in the native module. Base-field
scalars are plain ints in [0, p) and mix freely with Ext values.
"""
from __future__ import annotations

from typing import Iterable, Sequence

P = 2013265921
W = 11

__all__ = ["P", "Ext", "inv_base"]


def inv_base(a: int) -> int:
    if a % P == 0:
        raise ZeroDivisionError("inverse of zero in BabyBear")
    return pow(a, P - 2, P)


class Ext:
    """a0 + a1 X + a2 X^2 + a3 X^3 with canonical limbs."""

    __slots__ = ("c",)

    def __init__(self, c0: int = 0, c1: int = 0, c2: int = 0, c3: int = 0):
        self.c = (c0 % P, c1 % P, c2 % P, c3 % P)

    @staticmethod
    def of(value: "Ext | int | Sequence[int]") -> "Ext":
        if isinstance(value, Ext):
            return value
        if isinstance(value, int):
            return Ext(value)
        limbs = [int(v) for v in value]
        if len(limbs) != 4:
            raise ValueError(f"extension element: expected 4 limbs, found {len(limbs)}")
        return Ext(*limbs)

    def limbs(self) -> list[int]:
        return list(self.c)

    def __add__(self, other):
        o = Ext.of(other).c
        return Ext(*(a + b for a, b in zip(self.c, o)))

    __radd__ = __add__

    def __sub__(self, other):
        o = Ext.of(other).c
        return Ext(*(a - b for a, b in zip(self.c, o)))

    def __rsub__(self, other):
        return Ext.of(other) - self

    def __neg__(self):
        return Ext(*(-a for a in self.c))

    def __mul__(self, other):
        if isinstance(other, int):
            return Ext(*(a * other for a in self.c))
        a, b = self.c, Ext.of(other).c
        d = [0] * 7
        for i in range(4):
            for j in range(4):
                d[i + j] += a[i] * b[j]
        return Ext(d[0] + W * d[4], d[1] + W * d[5], d[2] + W * d[6], d[3])

    __rmul__ = __mul__

    def __pow__(self, e: int):
        result, base = Ext(1), self
        while e:
            if e & 1:
                result = result * base
            base = base * base
            e >>= 1
        return result

    def inverse(self) -> "Ext":
        # a = A + X B over K = F[y]/(y^2 - W), y = X^2; a (A - X B) = A^2 - y B^2 lies in K.
        a0, a1, a2, a3 = self.c
        n0 = (a0 * a0 + W * a2 * a2 - 2 * W * a1 * a3) % P
        n1 = (2 * a0 * a2 - a1 * a1 - W * a3 * a3) % P
        norm = (n0 * n0 - W * n1 * n1) % P
        if norm == 0:
            raise ZeroDivisionError("inverse of zero in the extension field")
        inv = inv_base(norm)
        m0, m1 = n0 * inv % P, -n1 * inv % P
        return Ext(a0 * m0 + W * a2 * m1, -(a1 * m0 + W * a3 * m1), a0 * m1 + a2 * m0, -(a1 * m1 + a3 * m0))

    def __truediv__(self, other):
        if isinstance(other, int):
            return self * inv_base(other)
        return self * Ext.of(other).inverse()

    def __eq__(self, other):
        if isinstance(other, int):
            return self.c == (other % P, 0, 0, 0)
        return isinstance(other, Ext) and self.c == other.c

    def __hash__(self):
        return hash(self.c)

    def is_zero(self) -> bool:
        return self.c == (0, 0, 0, 0)

    def __repr__(self):
        return f"Ext({', '.join(map(str, self.c))})"


def ext_list(values: Iterable) -> list[Ext]:
    return [Ext.of(v) for v in values]
