"""OpenVM's SymbolicExpressionDag: constraints and interactions as one interned node list (PROTOCOL 4.1, 20).

Construction follows OpenVM's `build_symbolic_constraints_dag` (stark-backend
`air_builders/symbolic/dag.rs`) so that node indices, and with them the batching powers of the
constraints, are the same:

* every constraint in the order asserted, then every interaction: its message fields in order,
  then its count;
* each expression is added depth first, left operand before right, and its node is interned after
  its operands: an equal node (same kind, same operand indices, same degree_multiple) already in
  the list is reused, otherwise it is appended;
* light simplification while adding: constants fold (`c1 op c2`, `-c`); `0 + x`, `x + 0`, `x - 0`,
  `x * 1`, `1 * x` become x and `x * 0`, `0 * x` become 0; `x + (-y)` becomes `x - y` and
  `x - (-y)` becomes `x + y`. Operands are interned before the rule applies, so a dropped operand's
  nodes stay in the list (as in OpenVM);
* a compound node keeps the degree_multiple of the expression as written, not of its simplified
  form; it is part of the node's identity, as in OpenVM's derived Hash/Eq;
* `constraint_idx` is sorted ascending and deduplicated.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .._checks import P
from .builder import Interaction
from .expr import ADD, CONSTANT, IS_FIRST_ROW, IS_LAST_ROW, IS_TRANSITION, MAIN, MUL, NEG, PUBLIC, SUB, Expr

__all__ = ["ConstraintDag", "DagInteraction", "build_dag", "instructions_from_serde", "KIND_NAMES"]

KIND_NAMES = {MAIN: "variable", PUBLIC: "variable", IS_FIRST_ROW: "is_first_row", IS_LAST_ROW: "is_last_row",
              IS_TRANSITION: "is_transition", CONSTANT: "constant", ADD: "add", SUB: "sub", NEG: "neg",
              MUL: "mul"}
_BINARY = (ADD, SUB, MUL)


@dataclass(frozen=True)
class DagInteraction:
    """An interaction whose message fields and count are node indices of the DAG."""

    bus_index: int
    message: tuple[int, ...]
    count: int
    count_weight: int

    def to_serde(self) -> dict:
        return {"bus_index": self.bus_index, "count": self.count, "message": list(self.message),
                "count_weight": self.count_weight}


@dataclass(frozen=True, eq=False)
class ConstraintDag:
    """Nodes in topological order plus the constraint and interaction roots.

    instructions: uint32 (num_nodes, 4) rows [kind, a, b, c]:
      MAIN [0, part_index, column, offset], PUBLIC [1, index, 0, 0], IS_FIRST_ROW/IS_LAST_ROW/
      IS_TRANSITION [2|3|4, 0, 0, 0], CONSTANT [5, canonical value, 0, 0], ADD/SUB/MUL
      [6|7|9, left, right, 0], NEG [8, operand, 0, 0]; operands always index earlier rows.
    degrees: int64 (num_nodes,) degree_multiple of each node (OpenVM stores it in compound nodes).
    constraint_idx: nodes asserted zero, ascending and unique; lambda^i weights entry i.
    """

    instructions: np.ndarray
    degrees: np.ndarray
    constraint_idx: tuple[int, ...]
    interactions: tuple[DagInteraction, ...]

    @property
    def num_nodes(self) -> int:
        return int(self.instructions.shape[0])

    @property
    def num_constraints(self) -> int:
        return len(self.constraint_idx)

    @property
    def need_rot(self) -> bool:
        """True iff some node reads a next-row cell (OpenVM's max_rotation == 1 over all nodes)."""
        ins = self.instructions
        return bool(((ins[:, 0] == MAIN) & (ins[:, 3] == 1)).any())

    def to_serde(self) -> dict:
        """The DAG as a readable dict (PROTOCOL 20's shape: nodes by kind name, constraint_idx,
        interactions), canonical constants. Not OpenVM's serde_json, which gpustark.openvm writes."""
        nodes = []
        for kind, a, b, c in self.instructions.tolist():
            if kind == MAIN:
                nodes.append({"kind": "variable", "entry": "main", "part_index": a, "index": b, "offset": c})
            elif kind == PUBLIC:
                nodes.append({"kind": "variable", "entry": "public", "part_index": None, "index": a,
                              "offset": None})
            elif kind == CONSTANT:
                nodes.append({"kind": "constant", "value": a})
            elif kind in _BINARY:
                nodes.append({"kind": KIND_NAMES[kind], "left": a, "right": b})
            elif kind == NEG:
                nodes.append({"kind": "neg", "idx": a})
            else:
                nodes.append({"kind": KIND_NAMES[kind]})
        return {"nodes": nodes, "constraint_idx": list(self.constraint_idx),
                "interactions": [it.to_serde() for it in self.interactions]}

    def describe(self, node: int, max_len: int = 160) -> str:
        """A readable formula for one node, cut at max_len characters (for error messages)."""
        text: list[str] = []
        for kind, a, b, c in self.instructions[: node + 1].tolist():
            if kind == MAIN:
                text.append(f"{'next' if c else 'local'}[{b}]" + (f"@part{a}" if a else ""))
            elif kind == PUBLIC:
                text.append(f"public[{a}]")
            elif kind == CONSTANT:
                text.append(str(a) if a <= P // 2 else f"-{P - a}")
            elif kind == NEG:
                text.append(f"-({text[a]})"[:max_len])
            elif kind in _BINARY:
                op = {ADD: "+", SUB: "-", MUL: "*"}[kind]
                text.append(f"({text[a]} {op} {text[b]})"[:max_len])
            else:
                text.append(KIND_NAMES[kind])
        return text[node]


class _Builder:
    """Interning DAG builder; `add` returns the node index of an expression."""

    def __init__(self):
        self.rows: list[tuple[int, int, int, int]] = []
        self.degrees: list[int] = []
        self._interned: dict[tuple, int] = {}
        # Memo by object identity: OpenVM's Arc-pointer fast path. Results equal the structural path;
        # it only avoids walking shared subtrees again. `_alive` pins the objects so ids stay unique.
        self._memo: dict[int, int] = {}
        self._alive: list[Expr] = []

    def _intern(self, key: tuple, row: tuple[int, int, int, int], degree: int) -> int:
        idx = self._interned.get(key)
        if idx is None:
            idx = len(self.rows)
            self._interned[key] = idx
            self.rows.append(row)
            self.degrees.append(degree)
        return idx

    def _const(self, idx: int) -> int | None:
        row = self.rows[idx]
        return row[1] if row[0] == CONSTANT else None

    def _constant(self, value: int) -> int:
        value %= P
        return self._intern((CONSTANT, value), (CONSTANT, value, 0, 0), 0)

    def _leaf(self, e: Expr) -> int:
        k = e.kind
        if k == MAIN:
            part, col, off = e.args
            return self._intern((MAIN, part, col, off), (MAIN, part, col, off), 1)
        if k == PUBLIC:
            return self._intern((PUBLIC, e.args[0]), (PUBLIC, e.args[0], 0, 0), 0)
        if k == CONSTANT:
            return self._constant(e.args[0])
        return self._intern((k,), (k, 0, 0, 0), 1)  # a selector

    def _binary(self, kind: int, left: int, right: int, degree: int) -> int:
        return self._intern((kind, left, right, degree), (kind, left, right, 0), degree)

    def _neg_child(self, idx: int) -> int | None:
        row = self.rows[idx]
        return row[1] if row[0] == NEG else None

    def _compound(self, e: Expr, ops: list[int]) -> int:
        """The simplification rules of OpenVM's SymbolicDagBuilder::add_expr, in its order."""
        k, d = e.kind, e.degree
        if k == NEG:
            c = self._const(ops[0])
            if c is not None:
                return self._constant(-c)
            return self._intern((NEG, ops[0], d), (NEG, ops[0], 0, 0), d)
        left, right = ops
        a, b = self._const(left), self._const(right)
        if k == ADD:
            if a is not None and b is not None:
                return self._constant(a + b)
            if a == 0:
                return right
            if b == 0:
                return left
            neg = self._neg_child(right)
            return self._binary(SUB, left, neg, d) if neg is not None else self._binary(ADD, left, right, d)
        if k == SUB:
            if a is not None and b is not None:
                return self._constant(a - b)
            if b == 0:
                return left
            neg = self._neg_child(right)
            return self._binary(ADD, left, neg, d) if neg is not None else self._binary(SUB, left, right, d)
        # MUL
        if a is not None and b is not None:
            return self._constant(a * b)
        if a == 0 or b == 1:
            return left
        if b == 0 or a == 1:
            return right
        return self._binary(MUL, left, right, d)

    def add(self, root: Expr) -> int:
        """Add `root` depth first, left before right (iterative: sums can be thousands deep)."""
        memo = self._memo
        if id(root) in memo:
            return memo[id(root)]
        self._alive.append(root)
        stack = [root]
        while stack:
            e = stack[-1]
            if id(e) in memo:
                stack.pop()
                continue
            if e.kind in (ADD, SUB, MUL, NEG):
                pending = [c for c in e.args if id(c) not in memo]
                if pending:
                    stack.extend(reversed(pending))  # the left operand ends on top: done first
                    continue
                idx = self._compound(e, [memo[id(c)] for c in e.args])
            else:
                idx = self._leaf(e)
            memo[id(e)] = idx
            stack.pop()
        return memo[id(root)]


def build_dag(constraints: Sequence[Expr], interactions: Sequence[Interaction] = ()) -> ConstraintDag:
    """Build the DAG of `constraints` (asserted zero) and `interactions`, in OpenVM's node order."""
    builder = _Builder()
    constraint_idx = sorted({builder.add(c) for c in constraints})
    dag_interactions = []
    for it in interactions:
        fields = tuple(builder.add(f) for f in it.message)
        count = builder.add(it.count)
        dag_interactions.append(DagInteraction(it.bus_index, fields, count, it.count_weight))
    instructions = np.array(builder.rows, dtype=np.uint32).reshape(-1, 4)
    instructions.setflags(write=False)
    degrees = np.array(builder.degrees, dtype=np.int64)
    degrees.setflags(write=False)
    return ConstraintDag(instructions, degrees, tuple(constraint_idx), tuple(dag_interactions))


def instructions_from_serde(serde: dict) -> np.ndarray:
    """The (num_nodes, 4) instruction array of a DAG given as to_serde's dict; raises ValueError
    on nodes that this subset does not evaluate or that reference later nodes."""
    kinds = {"is_first_row": IS_FIRST_ROW, "is_last_row": IS_LAST_ROW, "is_transition": IS_TRANSITION,
             "add": ADD, "sub": SUB, "mul": MUL}
    rows = []
    for i, node in enumerate(serde["nodes"]):
        kind = node["kind"]
        if kind == "variable" and node["entry"] == "main":
            rows.append((MAIN, node["part_index"], node["index"], node["offset"]))
        elif kind == "variable" and node["entry"] == "public":
            rows.append((PUBLIC, node["index"], 0, 0))
        elif kind == "constant":
            rows.append((CONSTANT, node["value"] % P, 0, 0))
        elif kind == "neg":
            rows.append((NEG, node["idx"], 0, 0))
        elif kind in ("add", "sub", "mul"):
            rows.append((kinds[kind], node["left"], node["right"], 0))
        elif kind in kinds:
            rows.append((kinds[kind], 0, 0, 0))
        else:
            raise ValueError(f"node {i}: unsupported node {node!r}")
        if rows[-1][0] in (ADD, SUB, MUL, NEG) and max(rows[-1][1], rows[-1][2]) >= i:
            raise ValueError(f"node {i}: operands must refer to earlier nodes, found {node!r}")
    return np.array(rows, dtype=np.uint32).reshape(-1, 4)
