"""Random constraint-DAG programs in the device format (cpp/kernels/dag/dag_code.h) and their
meaning, written from that header's definition, for the lane emulator's DAG tests.

A program is a list of groups, each a self-contained run of four-word instructions
[op, aux, a, b]: arithmetic writes slot `aux` from the operands a (and b); CONSTRAINT and
NUMERATOR add W[aux] a to their sum; DEN_BEGIN sets term = W[aux], DEN_ADD adds W[aux] a to it,
DEN_END adds W[aux] term to the denominator. Operand references name a slot, a local or next
column, a selector or a constant. The model evaluates every group at many points at once, on
numpy arrays, with the arithmetic of ef_reference (numpy or the CPU's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ef_reference import P, ext_from_base

ADD, SUB, MUL, NEG, CONSTRAINT, NUMERATOR, DEN_BEGIN, DEN_ADD, DEN_END = range(9)
SLOT, LOCAL, NEXT, SELECTOR, CONSTANT = range(5)


def ref(src: int, index: int) -> int:
    return (src << 28) | index


@dataclass
class Program:
    width: int
    slots: int
    code: np.ndarray       # (instructions, 4) u32
    groups: np.ndarray     # (groups, 2): first instruction, count
    weights: np.ndarray    # (W, 4) canonical Ef
    constants: np.ndarray  # (C,) canonical Fp

    def words(self):
        """The scenario's program pieces, in its input order."""
        return [self.code, self.groups, self.weights, self.constants]

    def sizes(self):
        """SLOTS INSTRS GROUPS WEIGHTS CONSTANTS, as the scenarios take them."""
        return [self.slots, len(self.code), len(self.groups), len(self.weights), len(self.constants)]


def random_operand(rng, width: int, constants: int, written: set) -> int:
    """A reference to a local or next column, a selector, a constant (when there are any) or, more
    often, a slot already written (its group's own: `written`)."""
    sources = [LOCAL, NEXT, SELECTOR] + ([CONSTANT] if constants else []) + ([SLOT] * 3 if written else [])
    src = int(rng.choice(sources))
    index = {SLOT: lambda: int(rng.choice(sorted(written))), LOCAL: lambda: int(rng.integers(width)),
             NEXT: lambda: int(rng.integers(width)), SELECTOR: lambda: int(rng.integers(3)),
             CONSTANT: lambda: int(rng.integers(constants))}[src]()
    return ref(src, index)


def random_program(rng, width: int, groups: int, instructions: int, slots: int, weights: int = 6,
                   constants: int = 3) -> Program:
    """`groups` groups of about `instructions` instructions each, over `slots` reused slots. A slot
    is read only after its group wrote it (a group may run on any thread)."""
    code, table = [], []
    for _ in range(groups):
        first, written = len(code), set()

        def operand():
            return random_operand(rng, width, constants, written)

        def weight():
            return int(rng.integers(weights))

        while len(code) - first < instructions:
            kind = rng.integers(10)
            if kind < 6 and slots:
                op, slot = int(rng.integers(4)), int(rng.integers(slots))
                code.append([op, slot, operand(), operand() if op <= MUL else 0])
                written.add(slot)
            elif kind < 8:
                code.append([int(rng.choice([CONSTRAINT, NUMERATOR])), weight(), operand(), 0])
            else:
                code.append([DEN_BEGIN, weight(), 0, 0])
                code += [[DEN_ADD, weight(), operand(), 0] for _ in range(int(rng.integers(1, 4)))]
                code.append([DEN_END, weight(), 0, 0])
        table.append([first, len(code) - first])
    return Program(width, slots, np.array(code, np.uint32).reshape(-1, 4), np.array(table, np.uint32),
                   rng.integers(0, P, size=(weights, 4), dtype=np.uint64),
                   rng.integers(0, P, size=constants, dtype=np.uint64))


def random_interaction_program(rng, width: int, interactions: int, slots: int, first_slot_weight: int,
                               weights: int = 8, constants: int = 3) -> Program:
    """One group shaped as compile_dag's interaction group: per interaction k a few arithmetic ops,
    NUMERATOR(first_slot_weight + k, count), then DEN_BEGIN, DEN_ADDs and DEN_END(first_slot_weight
    + k). The other weights are drawn from those below first_slot_weight + interactions and after."""
    code, written = [], set()
    total_weights = first_slot_weight + interactions + weights

    def operand():
        return random_operand(rng, width, constants, written)

    def other_weight():
        return int(first_slot_weight + interactions + rng.integers(weights))

    for k in range(interactions):
        for _ in range(int(rng.integers(0, 4)) if slots else 0):
            op, slot = int(rng.integers(4)), int(rng.integers(slots))
            code.append([op, slot, operand(), operand() if op <= MUL else 0])
            written.add(slot)
        code.append([NUMERATOR, first_slot_weight + k, operand(), 0])
        code.append([DEN_BEGIN, other_weight(), 0, 0])
        code += [[DEN_ADD, other_weight(), operand(), 0] for _ in range(int(rng.integers(1, 4)))]
        code.append([DEN_END, first_slot_weight + k, 0, 0])
    return Program(width, slots, np.array(code, np.uint32).reshape(-1, 4), np.array([[0, len(code)]], np.uint32),
                   rng.integers(0, P, size=(total_weights, 4), dtype=np.uint64),
                   rng.integers(0, P, size=constants, dtype=np.uint64))


class BaseValues:
    """Values in the base field: arrays (points,)."""

    def __init__(self, F):
        self.F = F
        self.add, self.sub, self.mul, self.neg = F.add, F.sub, F.mul, F.neg

    def scale(self, w, a):
        return self.F.ext_mul_base(w, a)

    def lift(self, c, shape):
        return np.broadcast_to(np.uint64(c), shape)


class ExtValues:
    """Values in the extension: arrays (points, 4)."""

    def __init__(self, F):
        self.F = F
        self.add, self.sub, self.mul, self.neg = F.ext_add, F.ext_sub, F.ext_mul, F.ext_neg

    def scale(self, w, a):
        return self.F.ext_mul(w, a)

    def lift(self, c, shape):
        return np.broadcast_to(ext_from_base(np.uint64(c)), shape + (4,))


def walk_group(F, values, prog: Program, g: int, local, nxt, selectors, accumulate):
    """Runs group g at every point, handing each accumulating op to accumulate(op, aux, value):
    CONSTRAINT and NUMERATOR with their operand, DEN_END with the term (values at every point).
    local/nxt/selectors: column c of the points at [:, c] (base: (points, n); ext: (points, n, 4))."""
    points = local.shape[0]
    term, slots = np.zeros((points, 4), np.uint64), {}
    first, count = (int(v) for v in prog.groups[g])

    def weight(aux):
        return np.broadcast_to(prog.weights[aux], (points, 4))

    def read(r):
        src, index = r >> 28, r & 0x0FFFFFFF
        if src == SLOT:
            return slots[index]
        if src == LOCAL:
            return local[:, index]
        if src == NEXT:
            return nxt[:, index]
        if src == SELECTOR:
            return selectors[:, index]
        return values.lift(prog.constants[index], (points,))

    for op, aux, a, b in (tuple(int(v) for v in row) for row in prog.code[first:first + count]):
        if op == DEN_BEGIN:
            term = weight(aux)
        elif op == DEN_END:
            accumulate(op, aux, term)
        elif op <= NEG:
            x = read(a)
            slots[aux] = {ADD: lambda: values.add(x, read(b)), SUB: lambda: values.sub(x, read(b)),
                          MUL: lambda: values.mul(x, read(b)), NEG: lambda: values.neg(x)}[op]()
        elif op == DEN_ADD:
            term = F.ext_add(term, values.scale(weight(aux), read(a)))
        else:
            accumulate(op, aux, read(a))


def run_group(F, values, prog: Program, g: int, local, nxt, selectors):
    """Group g's (constraint, numerator, denominator) sums at every point: (points, 3, 4)."""
    zero = np.zeros((local.shape[0], 4), np.uint64)
    sums = [zero, zero, zero]

    def accumulate(op, aux, value):
        k = {CONSTRAINT: 0, NUMERATOR: 1, DEN_END: 2}[op]
        w = np.broadcast_to(prog.weights[aux], value.shape[:1] + (4,))
        sums[k] = F.ext_add(sums[k], F.ext_mul(w, value) if op == DEN_END else values.scale(w, value))

    walk_group(F, values, prog, g, local, nxt, selectors, accumulate)
    return np.stack(sums, axis=1)
