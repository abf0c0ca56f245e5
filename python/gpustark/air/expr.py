"""Symbolic expressions over one row window of a trace (PROTOCOL 4.1).

An `Expr` is an immutable tree node, built with `+ - *`, unary minus and Python ints (constants mod
p). It carries OpenVM's `degree_multiple`, computed on the tree as written (before the DAG's
simplification): variables of a trace part and the three selectors count 1, public values and
constants 0, `+ -` take the max, `*` the sum. Keygen checks the AIR's degree on these values, as
OpenVM does.

Operand order is kept exactly as written (`3 * x` is Mul(3, x), `x * 3` is Mul(x, 3)): the DAG's
node order, and with it the constraint batching powers, depends on it.
"""
from __future__ import annotations

from numbers import Integral
from typing import Union

from .._checks import P

__all__ = ["Expr", "ExprLike", "as_expr", "main", "public", "constant", "is_first_row", "is_last_row",
           "is_transition", "MAIN", "PUBLIC", "IS_FIRST_ROW", "IS_LAST_ROW", "IS_TRANSITION", "CONSTANT",
           "ADD", "SUB", "NEG", "MUL"]

# Node kinds; the numbers are also the instruction array's kind column (gpustark.air.dag).
MAIN, PUBLIC, IS_FIRST_ROW, IS_LAST_ROW, IS_TRANSITION, CONSTANT, ADD, SUB, NEG, MUL = range(10)


class Expr:
    """One node of a symbolic expression tree.

    `kind` is one of the module's kind constants; `args` holds (part_index, column, offset) for MAIN,
    (index,) for PUBLIC, (value,) for CONSTANT, (left, right) for ADD/SUB/MUL, (operand,) for NEG and
    () for the selectors. `degree` is OpenVM's degree_multiple of the tree as written.

    `==` is identity (expressions are dictionary keys while the DAG is built); compare structure
    through the DAG instead.
    """

    __slots__ = ("kind", "args", "degree")

    def __init__(self, kind: int, args: tuple, degree: int):
        self.kind = kind
        self.args = args
        self.degree = degree

    # Arithmetic. Python ints become constants on the side where they were written.
    def __add__(self, other: ExprLike) -> Expr:
        other = as_expr(other)
        return Expr(ADD, (self, other), max(self.degree, other.degree))

    def __radd__(self, other: ExprLike) -> Expr:
        # Python's sum() starts from the int 0; Rust's Sum reduces without a zero seed, so an int 0
        # on the left adds nothing (no Constant(0) node), keeping sum() equal to OpenVM's order.
        if isinstance(other, Integral) and not isinstance(other, bool) and int(other) == 0:
            return self
        return as_expr(other) + self

    def __sub__(self, other: ExprLike) -> Expr:
        other = as_expr(other)
        return Expr(SUB, (self, other), max(self.degree, other.degree))

    def __rsub__(self, other: ExprLike) -> Expr:
        return as_expr(other) - self

    def __mul__(self, other: ExprLike) -> Expr:
        other = as_expr(other)
        return Expr(MUL, (self, other), self.degree + other.degree)

    def __rmul__(self, other: ExprLike) -> Expr:
        return as_expr(other) * self

    def __neg__(self) -> Expr:
        return Expr(NEG, (self,), self.degree)

    # Plonky3's PrimeCharacteristicRing defaults, in its operand order, so that AIRs ported from
    # Rust that call them intern the same nodes.
    def double(self) -> Expr:
        """x + x."""
        return self + self

    def square(self) -> Expr:
        """x * x."""
        return self * self

    def cube(self) -> Expr:
        """x.square() * x."""
        return self.square() * self

    def andn(self, y: ExprLike) -> Expr:
        """(1 - x) * y: NOT x AND y on bits."""
        return (constant(1) - self) * as_expr(y)

    def xor(self, y: ExprLike) -> Expr:
        """x + y - x * (2y): XOR on bits."""
        y = as_expr(y)
        return self + y - self * y.double()

    def bool_check(self) -> Expr:
        """x * (x - 1), zero exactly on bits: Plonky3 v0.4.3's bool_check, whose node shape
        OpenVM's DAG (and so the lambda powers) depends on."""
        return self * (self - 1)

    def __bool__(self) -> bool:
        # `if expr:` or `a == b` in a condition is always a bug in constraint code.
        raise TypeError("a symbolic expression has no truth value; use assert_zero / assert_eq")

    def __repr__(self) -> str:
        return f"Expr({_describe(self)})"


ExprLike = Union[Expr, int]


def as_expr(value: ExprLike) -> Expr:
    """An Expr as is, or a Python int as a constant mod p."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, Integral) and not isinstance(value, bool):
        return constant(int(value))
    raise TypeError(f"expected a symbolic expression or an int, found {type(value).__name__}")


def constant(value: int) -> Expr:
    """The field constant value mod p (negative ints wrap: -1 is p - 1)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"constant: expected an int, found {type(value).__name__}")
    return Expr(CONSTANT, (int(value) % P,), 0)


def main(column: int, next: bool = False, part_index: int = 0) -> Expr:  # noqa: A002 - the row's name
    """Column `column` of the current row (next=False) or of the next row, cyclically (next=True).

    part_index selects the main trace part: cached parts first, common main last. With only a common
    main (the only layout supported now) it is 0; `Air.main` fills it in and checks the column.
    """
    if isinstance(column, bool) or not isinstance(column, Integral) or column < 0:
        raise ValueError(f"main: expected a column index >= 0, found {column!r}")
    if isinstance(part_index, bool) or not isinstance(part_index, Integral) or part_index < 0:
        raise ValueError(f"main: expected a part index >= 0, found {part_index!r}")
    return Expr(MAIN, (int(part_index), int(column), 1 if next else 0), 1)


def public(index: int) -> Expr:
    """Public value number `index` (degree 0)."""
    if isinstance(index, bool) or not isinstance(index, Integral) or index < 0:
        raise ValueError(f"public: expected an index >= 0, found {index!r}")
    return Expr(PUBLIC, (int(index),), 0)


def is_first_row() -> Expr:
    """1 on the trace's first row, 0 elsewhere (degree 1)."""
    return Expr(IS_FIRST_ROW, (), 1)


def is_last_row() -> Expr:
    """1 on the trace's last row, 0 elsewhere (degree 1)."""
    return Expr(IS_LAST_ROW, (), 1)


def is_transition() -> Expr:
    """1 - is_last_row: 0 only on the last row (degree 1)."""
    return Expr(IS_TRANSITION, (), 1)


_NAMES = {IS_FIRST_ROW: "is_first_row", IS_LAST_ROW: "is_last_row", IS_TRANSITION: "is_transition"}


def _describe(expr: Expr) -> str:
    """A short description: leaves in full, compound nodes by kind and degree (trees can be deep)."""
    if expr.kind == MAIN:
        part, col, off = expr.args
        return f"{'next' if off else 'local'}[{col}]" + (f" part {part}" if part else "")
    if expr.kind == PUBLIC:
        return f"public[{expr.args[0]}]"
    if expr.kind == CONSTANT:
        return str(expr.args[0])
    if expr.kind in _NAMES:
        return _NAMES[expr.kind]
    name = {ADD: "add", SUB: "sub", NEG: "neg", MUL: "mul"}[expr.kind]
    return f"{name}, degree {expr.degree}"
