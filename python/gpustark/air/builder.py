"""The `Air` a user defines: trace width, public values, constraints and interactions (PROTOCOL 4.1-4.2).

Constraints are recorded in the order they are asserted, with Plonky3's builder semantics, because
that order fixes OpenVM's DAG node order:

* `assert_zero(x)` records x; `assert_eq(a, b)` records a - b; `assert_one(x)` records x - 1;
  `assert_bool(x)` records Plonky3's bool_check, x * (x - 1).
* a gated builder (`when(c)`, `when_first_row()`, ...) records `c * x` for every `x` asserted
  through it (the condition on the left, as Plonky3's FilteredAirBuilder does); gating a gated
  builder nests: `c1 * (c2 * x)`.
* `send` records the count as given, `receive` records `-count` (OpenVM's PermutationCheckBus);
  `push_interaction` records exactly what it is given.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Sequence

from . import expr as ex
from .expr import Expr, ExprLike, as_expr

__all__ = ["Air", "Gated", "Interaction", "MAX_BUS_INDEX", "MAX_COUNT_WEIGHT"]

MAX_BUS_INDEX = (1 << 16) - 1     # OpenVM's BusIndex is a u16
MAX_COUNT_WEIGHT = (1 << 32) - 1  # count_weight is a u32


@dataclass(frozen=True)
class Interaction:
    """One bus interaction with symbolic message fields and count (OpenVM's Interaction<Expr>)."""

    bus_index: int
    message: tuple[Expr, ...]
    count: Expr
    count_weight: int


class _Asserts:
    """assert_* helpers shared by Air and Gated; each funnels into assert_zero."""

    def assert_zero(self, x: ExprLike) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def assert_eq(self, a: ExprLike, b: ExprLike) -> None:
        """Assert a = b (records a - b)."""
        self.assert_zero(as_expr(a) - as_expr(b))

    def assert_one(self, x: ExprLike) -> None:
        """Assert x = 1 (records x - 1)."""
        self.assert_zero(as_expr(x) - ex.constant(1))

    def assert_bool(self, x: ExprLike) -> None:
        """Assert x is 0 or 1 (records x * (x - 1), Plonky3 v0.4.3's bool_check)."""
        self.assert_zero(as_expr(x).bool_check())

    def when(self, condition: ExprLike) -> Gated:
        """A builder whose assertions hold only where `condition` is nonzero (records condition * x)."""
        return Gated(self, as_expr(condition))

    def when_ne(self, a: ExprLike, b: ExprLike) -> Gated:
        """Gate on a - b, i.e. where a != b."""
        return self.when(as_expr(a) - as_expr(b))

    def when_first_row(self) -> Gated:
        """Gate on is_first_row."""
        return self.when(ex.is_first_row())

    def when_last_row(self) -> Gated:
        """Gate on is_last_row."""
        return self.when(ex.is_last_row())

    def when_transition(self) -> Gated:
        """Gate on is_transition (every row but the last)."""
        return self.when(ex.is_transition())


class Gated(_Asserts):
    """A gated view of a builder: `assert_zero(x)` records `condition * x` on the parent."""

    def __init__(self, parent: _Asserts, condition: Expr):
        self._parent = parent
        self.condition = condition

    def assert_zero(self, x: ExprLike) -> None:
        """Assert condition * x = 0 on every row."""
        self._parent.assert_zero(self.condition * as_expr(x))


class Air(_Asserts):
    """An AIR over one common main trace of `width` columns and `num_public_values` public values.

    Instantiate it and record constraints, or subclass it and record them in `__init__` after
    calling `super().__init__(...)`. Only the common main trace exists for now; its part index is
    `len(cached_main_widths)` (cached parts come first, common main last), so it is 0.
    """

    def __init__(self, name: str, width: int, num_public_values: int = 0):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Air: expected a non-empty name, found {name!r}")
        if isinstance(width, bool) or not isinstance(width, Integral) or width < 1:
            raise ValueError(f"Air {name}: width must be an int >= 1, found {width!r}")
        if isinstance(num_public_values, bool) or not isinstance(num_public_values, Integral) \
                or num_public_values < 0:
            raise ValueError(f"Air {name}: num_public_values must be an int >= 0, found {num_public_values!r}")
        self.name = name
        self.width = int(width)
        self.num_public_values = int(num_public_values)
        # Reserved: preprocessed and cached main parts are not implemented yet.
        self.preprocessed_width: int | None = None
        self.cached_main_widths: tuple[int, ...] = ()
        self.constraints: list[Expr] = []
        self.interactions: list[Interaction] = []

    def __repr__(self) -> str:
        return (f"Air({self.name!r}, width={self.width}, public values={self.num_public_values}, "
                f"{len(self.constraints)} constraints, {len(self.interactions)} interactions)")

    @property
    def common_main_part(self) -> int:
        """The DAG part index of the common main trace (after the cached parts)."""
        return len(self.cached_main_widths)

    # Variables, checked against this AIR's shape.
    def main(self, column: int, next: bool = False) -> Expr:  # noqa: A002 - the row's name
        """Common main column `column` of the current row, or of the next row (cyclic) if next=True."""
        if isinstance(column, bool) or not isinstance(column, Integral) or not 0 <= column < self.width:
            raise ValueError(f"Air {self.name}: column must be in [0, {self.width}), found {column!r}")
        return ex.main(int(column), next, self.common_main_part)

    def local(self, column: int) -> Expr:
        """main(column) of the current row."""
        return self.main(column)

    def next(self, column: int) -> Expr:
        """main(column) of the next row."""
        return self.main(column, next=True)

    def public(self, index: int) -> Expr:
        """Public value `index`."""
        if isinstance(index, bool) or not isinstance(index, Integral) or not 0 <= index < self.num_public_values:
            raise ValueError(f"Air {self.name}: public value index must be in [0, {self.num_public_values}), "
                             f"found {index!r}")
        return ex.public(int(index))

    # Constraints.
    def assert_zero(self, x: ExprLike) -> None:
        """Assert x = 0 on every row."""
        self.constraints.append(as_expr(x))

    # Interactions.
    def push_interaction(self, bus: int, message: Sequence[ExprLike], count: ExprLike,
                         count_weight: int) -> None:
        """Record (bus, message, count, count_weight) exactly as given (OpenVM's push_interaction)."""
        if isinstance(bus, bool) or not isinstance(bus, Integral) or not 0 <= bus <= MAX_BUS_INDEX:
            raise ValueError(f"Air {self.name}: bus index must be in [0, {MAX_BUS_INDEX}], found {bus!r}")
        if isinstance(count_weight, bool) or not isinstance(count_weight, Integral) \
                or not 0 <= count_weight <= MAX_COUNT_WEIGHT:
            raise ValueError(f"Air {self.name}: count_weight must be in [0, 2^32), found {count_weight!r}")
        if isinstance(message, (Expr, Integral)):
            raise ValueError(f"Air {self.name}: message must be a list of expressions, found a single value")
        fields = tuple(as_expr(f) for f in message)
        self.interactions.append(Interaction(int(bus), fields, as_expr(count), int(count_weight)))

    def send(self, bus: int, message: Sequence[ExprLike], count: ExprLike, count_weight: int = 1) -> None:
        """Send `message` on `bus` with multiplicity +count (count_weight 1, as PermutationCheckBus)."""
        self.push_interaction(bus, message, count, count_weight)

    def receive(self, bus: int, message: Sequence[ExprLike], count: ExprLike, count_weight: int = 1) -> None:
        """Receive `message` on `bus`: multiplicity -count, recorded as Neg(count) (PermutationCheckBus)."""
        self.push_interaction(bus, message, -as_expr(count), count_weight)

    # Derived data.
    def dag(self):
        """This AIR's constraint DAG in OpenVM's node order (gpustark.air.dag.build_dag)."""
        from .dag import build_dag

        return build_dag(self.constraints, self.interactions)

    @property
    def degree(self) -> int:
        """Max degree_multiple over constraints and interaction counts and messages (0 if none)."""
        exprs = list(self.constraints)
        for it in self.interactions:
            exprs.append(it.count)
            exprs.extend(it.message)
        return max((e.degree for e in exprs), default=0)
