"""Polynomial helpers of the protocol (PROTOCOL 5.3) over Ext scalars, for the verifier.

Multilinear variables are little-endian: x_1 (index 0) is the least significant bit.
"""
from __future__ import annotations

from typing import Sequence

from .ext import Ext, P, inv_base

__all__ = ["eq", "eq_table", "eq_uni", "l1_uni", "horner", "interpolate_on_integers", "mle_eval"]


def eq(x: Sequence, y: Sequence) -> Ext:
    """prod_k (x_k y_k + (1 - x_k)(1 - y_k))."""
    if len(x) != len(y):
        raise ValueError(f"eq: points of different lengths {len(x)} and {len(y)}")
    acc = Ext(1)
    for a, b in zip(x, y):
        a, b = Ext.of(a), Ext.of(b)
        acc = acc * (a * b + (1 - a) * (1 - b))
    return acc


def eq_table(point: Sequence) -> list[Ext]:
    """[eq(point, bits(i)) for i < 2^len(point)], bit k of i paired with point[k]."""
    table = [Ext(1)]
    for coordinate in point:
        c = Ext.of(coordinate)
        table = [v * (1 - c) for v in table] + [v * c for v in table]
    return table


def eq_uni(log_order: int, x, y) -> Ext:
    """eq_D(x, y) on the subgroup of order 2^log_order: 1 when x = y in D, 0 at other points of D."""
    x, y = Ext.of(x), Ext.of(y)
    acc = Ext(1)
    for _ in range(log_order):
        acc = (x + y) * acc + (x - 1) * (y - 1)
        x, y = x * x, y * y
    return acc * inv_base(pow(2, log_order, P))


def l1_uni(log_order: int, x) -> Ext:
    """eq_D(x, 1) = 2^-l prod_{k<l} (1 + x^(2^k))."""
    return eq_uni(log_order, x, Ext(1))


def horner(coefficients: Sequence, x) -> Ext:
    """sum_j coefficients[j] x^j."""
    x, acc = Ext.of(x), Ext(0)
    for c in reversed(coefficients):
        acc = acc * x + Ext.of(c)
    return acc


def interpolate_on_integers(values: Sequence, x) -> Ext:
    """The polynomial of degree < len(values) through (i, values[i]), i = 0.., evaluated at x."""
    x = Ext.of(x)
    n = len(values)
    total = Ext(0)
    for i, v in enumerate(values):
        numerator, denominator = Ext(1), 1
        for j in range(n):
            if j != i:
                numerator = numerator * (x - j)
                denominator = denominator * (i - j) % P
        total = total + Ext.of(v) * numerator * inv_base(denominator)
    return total


def mle_eval(table: Sequence, point: Sequence) -> Ext:
    """The multilinear extension of an evaluation table (length 2^len(point)) at point."""
    if len(table) != 1 << len(point):
        raise ValueError(f"mle_eval: table of {len(table)} entries for a {len(point)}-variable point")
    values = [Ext.of(v) for v in table]
    for coordinate in point:  # fold the lowest variable first
        c = Ext.of(coordinate)
        values = [values[2 * i] + c * (values[2 * i + 1] - values[2 * i]) for i in range(len(values) // 2)]
    return values[0]
