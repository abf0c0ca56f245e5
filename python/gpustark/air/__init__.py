"""AIRs in Python: symbolic constraints and bus interactions, compiled to OpenVM's constraint DAG.

Define an AIR by instantiating `Air` (or subclassing it and recording constraints in `__init__`).
Gating follows Plonky3: `when(...)`, `when_first_row()`, `when_last_row()`, `when_transition()`
return a gated builder whose `assert_*` calls record `condition * x`; the gated builder can be kept
in a variable and reused, or gated again. Interactions are not gated (multiply the count instead).

    from gpustark.air import Air

    fib = Air("FibonacciAir", width=2, num_public_values=3)
    left, right = fib.main(0), fib.main(1)
    a, b, x = fib.public(0), fib.public(1), fib.public(2)
    first = fib.when_first_row()
    first.assert_eq(left, a)
    first.assert_eq(right, b)
    step = fib.when_transition()
    step.assert_eq(right, fib.main(0, next=True))          # next row reads make need_rot true
    step.assert_eq(left + right, fib.main(1, next=True))
    fib.when_last_row().assert_eq(right, x)

    table = Air("Table", width=2)
    table.receive(0, [table.main(0)], table.main(1))      # count -main(1), count_weight 1
    user = Air("User", width=1)
    user.send(0, [user.main(0)], 1)                       # count +1

    dag = fib.dag()               # OpenVM's node order; dag.to_serde(), dag.instructions
    check_trace(fib, trace, [0, 1, x_value])              # ValueError on a malformed witness
    find_unsatisfied(fib, trace, [0, 1, x_value])         # None, or (constraint, row)
    interaction_balance([table, user], [t_trace, u_trace])  # {} when every bus balances

Expressions take `+ - *`, unary minus and Python ints (constants mod p). Operand order is kept as
written, because OpenVM's DAG node order (and so the batching power of each constraint) depends on
it; Python's `sum()` adds no zero constant. Module-level `main(col, next=False)`, `public(i)`,
`constant(v)`, `is_first_row()`, `is_last_row()`, `is_transition()` build expressions without an AIR.
"""
from .balance import format_imbalance, interaction_balance
from .builder import Air, Gated, Interaction
from .check import Unsatisfied, check_trace, find_unsatisfied
from .dag import ConstraintDag, DagInteraction, build_dag, instructions_from_serde
from .expr import (ADD, CONSTANT, IS_FIRST_ROW, IS_LAST_ROW, IS_TRANSITION, MAIN, MUL, NEG, PUBLIC, SUB, Expr,
                   as_expr, constant, is_first_row, is_last_row, is_transition, main, public)

__all__ = ["Air", "Gated", "Interaction", "Expr", "as_expr", "main", "public", "constant", "is_first_row",
           "is_last_row", "is_transition", "ConstraintDag", "DagInteraction", "build_dag",
           "instructions_from_serde", "check_trace", "find_unsatisfied", "Unsatisfied", "interaction_balance",
           "format_imbalance", "MAIN", "PUBLIC", "IS_FIRST_ROW", "IS_LAST_ROW", "IS_TRANSITION", "CONSTANT",
           "ADD", "SUB", "NEG", "MUL"]
