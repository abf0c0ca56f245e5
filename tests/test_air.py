"""gpustark.air: expressions, OpenVM's DAG construction (node order, interning, simplification),
instruction arrays, witness checks and interaction balance.

Expected node lists are derived by hand from OpenVM's dag.rs / symbolic_expression.rs rules and
Plonky3's builder semantics (condition * x, assert_eq = x - y); the first group repeats the unit
tests of OpenVM's dag.rs with this package's API.
"""
from __future__ import annotations

import numpy as np
import pytest

import gpustark.air.evaluate as evaluate_mod
from gpustark.air import (ADD, CONSTANT, MAIN, MUL, NEG, SUB, Air, Expr, Interaction, build_dag, check_trace,
                          constant, find_unsatisfied, instructions_from_serde, interaction_balance, is_first_row,
                          is_last_row, main)
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_fixture

P = 2013265921


def var(i, offset=0, part=0):
    return {"kind": "variable", "entry": "main", "part_index": part, "index": i, "offset": offset}


def pub(i):
    return {"kind": "variable", "entry": "public", "part_index": None, "index": i, "offset": None}


def op(kind, a, b):
    return {"kind": kind, "left": a, "right": b}


def const(v):
    return {"kind": "constant", "value": v % P}


def nodes(constraints, interactions=()):
    return build_dag(constraints, interactions).to_serde()["nodes"]


# ---- OpenVM dag.rs unit tests, restated ----

def test_same_constraint_twice_is_one_node_and_one_constraint():
    x = main(0)
    dag = build_dag([x, x])
    assert dag.num_nodes == 1
    assert dag.constraint_idx == (0,)


def test_structurally_equal_expressions_share_nodes():
    dag = build_dag([main(0) - 1, main(0) - 1])  # distinct objects
    assert dag.to_serde()["nodes"] == [var(0), const(1), op("sub", 0, 1)]
    assert dag.constraint_idx == (2,)


@pytest.mark.parametrize("make, root_kind", [
    (lambda x: x + constant(0), "variable"), (lambda x: constant(0) + x, "variable"),
    (lambda x: x * constant(1), "variable"), (lambda x: constant(1) * x, "variable"),
    (lambda x: x * constant(0), "constant"), (lambda x: x - constant(0), "variable"),
])
def test_identity_simplifications(make, root_kind):
    dag = build_dag([make(main(0))]).to_serde()
    assert dag["nodes"][dag["constraint_idx"][0]]["kind"] == root_kind
    assert len(dag["nodes"]) == 2  # the dropped constant stays interned, as in OpenVM


def test_add_of_negation_becomes_sub_and_sub_of_negation_becomes_add():
    x, y = main(0), main(1)
    add_neg = build_dag([x + (-y)]).to_serde()
    assert add_neg["nodes"] == [var(0), var(1), {"kind": "neg", "idx": 1}, op("sub", 0, 1)]
    assert add_neg["constraint_idx"] == [3]
    sub_neg = build_dag([x - (-y)]).to_serde()
    assert sub_neg["nodes"][3] == op("add", 0, 1) and sub_neg["constraint_idx"] == [3]


@pytest.mark.parametrize("make, value", [
    (lambda: constant(2) + constant(3), 5), (lambda: constant(3) - constant(2), 1),
    (lambda: constant(2) * constant(3), 6), (lambda: -constant(3), P - 3),
    (lambda: (constant(2) + constant(3)) * constant(2), 10), (lambda: constant(2) - constant(3), P - 1),
])
def test_constant_folding(make, value):
    dag = build_dag([make()]).to_serde()
    assert dag["nodes"][dag["constraint_idx"][0]] == const(value)


def test_openvm_symbolic_constraints_dag_example():
    # OpenVM's test_symbolic_constraints_dag: expr = 1 * Variable(part 1, offset 2, column 3).
    expr = constant(1) * Expr(MAIN, (1, 3, 2), 1)
    c0 = is_first_row() * is_last_row() + constant(1) + is_first_row() * is_last_row() + expr
    c1 = expr * expr
    inter = Interaction(0, (expr, constant(2)), constant(1), 1)
    dag = build_dag([c0, c1], [inter])
    assert dag.to_serde()["nodes"] == [
        {"kind": "is_first_row"}, {"kind": "is_last_row"}, op("mul", 0, 1), const(1), op("add", 2, 3),
        op("add", 4, 2), var(3, offset=2, part=1), op("add", 5, 6), op("mul", 6, 6), const(2)]
    assert dag.constraint_idx == (7, 8)
    assert dag.to_serde()["interactions"] == [{"bus_index": 0, "count": 3, "message": [6, 9], "count_weight": 1}]
    assert dag.degrees.tolist() == [1, 1, 2, 0, 2, 2, 1, 2, 2, 0]


# ---- interning details ----

def test_degree_multiple_is_part_of_node_identity():
    x, y, z, w = main(0), main(1), main(2), main(3)
    # y + (z*w)*0 simplifies to y, but its degree_multiple (2) stays in the product's node.
    dag = build_dag([x * (y + z * w * 0), x * y])
    products = [i for i, row in enumerate(dag.instructions.tolist()) if row[:3] == [MUL, 0, 1]]
    assert len(products) == 2
    assert sorted(dag.degrees[products].tolist()) == [2, 3]


def test_air_degree_uses_expressions_as_written():
    air = Air("a", 2)
    air.assert_zero(air.main(0) * (air.main(1) + air.main(1) * air.main(1) * 0))
    assert air.degree == 3


def test_constraint_idx_sorted_and_deduplicated():
    x, y = main(0), main(1)
    xy = x * y
    dag = build_dag([xy, x, xy, x * y])
    assert dag.to_serde()["nodes"] == [var(0), var(1), op("mul", 0, 1)]
    assert dag.constraint_idx == (0, 2)


def test_interactions_follow_constraints_message_before_count():
    air = Air("a", 3)
    air.assert_zero(air.main(0))
    air.send(4, [air.main(1), air.main(0)], air.main(2), count_weight=7)
    dag = air.dag()
    assert dag.to_serde()["nodes"] == [var(0), var(1), var(2)]
    assert dag.to_serde()["interactions"] == [{"bus_index": 4, "count": 2, "message": [1, 0], "count_weight": 7}]


def test_receive_negates_count_and_minus_one_times_is_a_mul():
    air = Air("a", 2)
    air.receive(1, [air.main(1)], air.main(0))
    air.push_interaction(1, [air.main(1)], -1 * air.main(0), 0)
    s = air.dag().to_serde()
    assert s["nodes"] == [var(1), var(0), {"kind": "neg", "idx": 1}, const(-1), op("mul", 3, 1)]
    assert [it["count"] for it in s["interactions"]] == [2, 4]
    assert [it["count_weight"] for it in s["interactions"]] == [1, 0]


def test_gates_multiply_on_the_left_and_nest():
    air = Air("a", 3)
    air.when(air.main(0)).when(air.main(1)).assert_zero(air.main(2))
    assert air.dag().to_serde()["nodes"] == [var(0), var(1), var(2), op("mul", 1, 2), op("mul", 0, 3)]


def test_assert_bool_is_plonky3_bool_check_and_assert_one():
    air = Air("a", 1)
    air.assert_bool(air.main(0))
    air.assert_one(air.main(0))
    s = air.dag().to_serde()
    # x * (x - 1) (Plonky3 v0.4.3), then x - 1, which interns to the same node.
    assert s["nodes"] == [var(0), const(1), op("sub", 0, 1), op("mul", 0, 2)]
    assert s["constraint_idx"] == [2, 3]


def test_python_sum_adds_no_zero_constant():
    xs = [main(i) for i in range(3)]
    assert nodes([sum(xs)]) == [var(0), var(1), op("add", 0, 1), var(2), op("add", 2, 3)]
    assert nodes([5 - xs[0]]) == [const(5), var(0), op("sub", 0, 1)]


def test_deep_expression_builds_without_recursion_limit():
    e = main(0)
    for i in range(5000):
        e = e + main(1 + i % 3)
    dag = build_dag([e])
    assert dag.num_nodes == 4 + 5000


def test_expression_has_no_truth_value():
    with pytest.raises(TypeError):
        bool(main(0))
    with pytest.raises(TypeError):
        main(0) + 1.5


# ---- need_rot, degree ----

def test_need_rot():
    a = Air("a", 2)
    a.assert_zero(a.main(0) * a.main(1))
    assert not a.dag().need_rot
    b = Air("b", 2)
    b.send(0, [b.main(1, next=True)], 1)
    assert b.dag().need_rot  # a next-row read in an interaction counts
    c = Air("c", 2)
    c.assert_zero(a.main(0) + c.main(1, next=True) * 0)
    assert c.dag().need_rot  # read by a node that simplification dropped, as OpenVM's max_rotation


def test_degree_counts_selectors_publics_and_interactions():
    air = Air("a", 2, num_public_values=1)
    air.when_transition().assert_eq(air.main(0), air.public(0))
    assert air.degree == 2
    air.send(0, [air.main(0)], air.main(0) * air.main(1) * air.main(1))
    assert air.degree == 3
    assert Air("b", 1).degree == 0


# ---- fixtures' DAGs ----

FIB_NODES = [
    {"kind": "is_first_row"}, var(0), pub(0), op("sub", 1, 2), op("mul", 0, 3),
    var(1), pub(1), op("sub", 5, 6), op("mul", 0, 7),
    {"kind": "is_transition"}, var(0, 1), op("sub", 5, 10), op("mul", 9, 11),
    op("add", 1, 5), var(1, 1), op("sub", 13, 14), op("mul", 9, 15),
    {"kind": "is_last_row"}, pub(2), op("sub", 5, 18), op("mul", 17, 19)]


def test_fibonacci_dag():
    dag = fibonacci_air().dag()
    s = dag.to_serde()
    assert s["nodes"] == FIB_NODES
    assert s["constraint_idx"] == [4, 8, 12, 16, 20]
    assert s["interactions"] == []
    assert dag.need_rot and fibonacci_air().degree == 2


def test_interaction_fixture_dags():
    sender, receiver = fixture11()[0]
    assert sender.dag().to_serde() == {
        "nodes": [var(1), var(0)], "constraint_idx": [],
        "interactions": [{"bus_index": 0, "count": 1, "message": [0], "count_weight": 0}]}
    assert receiver.dag().to_serde() == {
        "nodes": [var(1), const(-1), var(0), op("mul", 1, 2)], "constraint_idx": [],
        "interactions": [{"bus_index": 0, "count": 3, "message": [0], "count_weight": 0}]}
    assert sender.degree == receiver.degree == 1
    assert not sender.dag().need_rot and not receiver.dag().need_rot


def test_instructions_match_serde():
    airs = [fibonacci_air(), *fixture11()[0], *multi_fixture()[0]]
    for air in airs:
        dag = air.dag()
        assert dag.instructions.dtype == np.uint32 and dag.instructions.shape == (dag.num_nodes, 4)
        np.testing.assert_array_equal(instructions_from_serde(dag.to_serde()), dag.instructions)
    ins = fibonacci_air().dag().instructions
    assert ins[2].tolist() == [1, 0, 0, 0] and ins[10].tolist() == [0, 0, 0, 1]
    assert ins[13].tolist() == [ADD, 1, 5, 0] and ins[15].tolist() == [SUB, 13, 14, 0]
    assert fixture11()[0][1].dag().instructions[1].tolist() == [CONSTANT, P - 1, 0, 0]
    neg = Air("n", 1)
    neg.receive(0, [neg.main(0)], neg.main(0))
    assert neg.dag().instructions[1].tolist() == [NEG, 0, 0, 0]


def test_instructions_from_serde_rejects_forward_references():
    with pytest.raises(ValueError, match="earlier"):
        instructions_from_serde({"nodes": [op("add", 0, 1), var(0)]})


# ---- Air validation ----

@pytest.mark.parametrize("args", [("", 1), ("a", 0), ("a", -1), ("a", 2, -1), ("a", True)])
def test_air_rejects_bad_shape(args):
    with pytest.raises(ValueError):
        Air(*args)


def test_air_variables_checked():
    air = Air("a", 2, num_public_values=1)
    with pytest.raises(ValueError, match="column"):
        air.main(2)
    with pytest.raises(ValueError, match="public"):
        air.public(1)
    with pytest.raises(ValueError, match="bus"):
        air.send(1 << 16, [air.main(0)], 1)
    with pytest.raises(ValueError, match="count_weight"):
        air.send(0, [air.main(0)], 1, count_weight=-1)
    with pytest.raises(ValueError, match="list"):
        air.send(0, air.main(0), 1)


# ---- check_trace ----

def _fib():
    air = fibonacci_air()
    trace = fibonacci_trace(8)
    return air, trace, fibonacci_public_values(trace)


@pytest.mark.parametrize("mutate, match", [
    (lambda t: t.tolist(), "numpy array"),
    (lambda t: t.astype(np.int64), "dtype must be uint32, found int64"),
    (lambda t: t.reshape(-1), "2-d"),
    (lambda t: np.zeros((8, 3), np.uint32), "width must be 2"),
    (lambda t: t[:6], "power of two"),
    (lambda t: t[:0], "power of two"),
    (lambda t: np.where(np.arange(16).reshape(8, 2) == 5, np.uint32(P), t).astype(np.uint32), r"row 2, column 1"),
    # Column-major memory: the scan's flat index is still read as (row, column).
    (lambda t: np.asfortranarray(np.where(np.arange(16).reshape(8, 2) == 12, np.uint32(P + 3), t).astype(np.uint32)),
     r"value 2013265924 at row 6, column 0"),
])
def test_check_trace_rejects_bad_traces(mutate, match):
    air, trace, pvs = _fib()
    with pytest.raises(ValueError, match=match):
        check_trace(air, mutate(trace), pvs)


@pytest.mark.parametrize("pvs, match", [
    ([0, 1], "expected 3 public values, found 2"), ([0, 1, P], "public value 2"), ([0, -1, 2], "public value 1"),
    ([0, 1, 2.0], "public value 2"), (None, "expected 3 public values, found 0"),
])
def test_check_trace_rejects_bad_public_values(pvs, match):
    air, trace, _ = _fib()
    with pytest.raises(ValueError, match=match):
        check_trace(air, trace, pvs)


def test_check_trace_accepts_and_normalizes():
    air, trace, pvs = _fib()
    assert check_trace(air, trace, np.array(pvs, dtype=np.uint32)) == tuple(pvs)


# ---- find_unsatisfied ----

@pytest.mark.parametrize("height", [1, 2, 4, 64])
def test_honest_fibonacci_is_satisfied(height):
    trace = fibonacci_trace(height, 3, 7)
    assert find_unsatisfied(fibonacci_air(), trace, fibonacci_public_values(trace)) is None


@pytest.mark.parametrize("row, col, expected", [
    (0, 0, (0, 0)),    # first-row left != a
    (5, 1, (2, 5)),    # right(5) != next left(6); constraint 3 also fails at row 4, but 2 comes first
    (6, 0, (2, 5)),    # next left(6) != right(5)
    (7, 1, (3, 6)),    # right(7) != left(6) + right(6), before the last-row check (constraint 4)
])
def test_planted_fibonacci_error_found(row, col, expected):
    trace = fibonacci_trace(8)
    pvs = fibonacci_public_values(trace)
    trace[row, col] = (int(trace[row, col]) + 1) % P
    assert tuple(find_unsatisfied(fibonacci_air(), trace, pvs)) == expected


@pytest.mark.parametrize("index, expected", [(0, (0, 0)), (1, (1, 0)), (2, (4, 15))])
def test_wrong_public_value_found(index, expected):
    trace = fibonacci_trace(16)
    pvs = fibonacci_public_values(trace)
    pvs[index] += 1
    assert tuple(find_unsatisfied(fibonacci_air(), trace, pvs)) == expected


def test_next_row_wraps_around():
    airs, traces, _ = multi_fixture(1)
    pair, trace = airs[2], traces[2].copy()  # s = u + next.u on every row, the last row reads row 0
    assert find_unsatisfied(pair, trace, []) is None
    trace[-1, 2] = (int(trace[-1, 2]) + 1) % P
    assert tuple(find_unsatisfied(pair, trace, [])) == (0, trace.shape[0] - 1)


def test_chunked_evaluation_agrees(monkeypatch):
    trace = fibonacci_trace(64)
    pvs = fibonacci_public_values(trace)
    trace[37, 1] += 1
    expected = find_unsatisfied(fibonacci_air(), trace, pvs)
    monkeypatch.setattr(evaluate_mod, "_BUDGET", 8)  # a few rows per chunk
    assert find_unsatisfied(fibonacci_air(), trace, pvs) == expected == (2, 37)


# ---- interaction_balance ----

def test_fixture11_balances():
    airs, traces, pvs = fixture11()
    assert interaction_balance(airs, traces, pvs) == {}


def test_unbalanced_fixture_reported():
    airs, traces, pvs = fixture11()
    traces[1][0, 0] = 2       # receive (5) twice instead of once: net -1
    traces[0][0, 0] = 4       # send (1) four times, nobody receives it
    assert interaction_balance(airs, traces, pvs) == {0: {(1,): 4, (5,): -1}}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_multi_fixture_is_honest(seed):
    airs, traces, pvs = multi_fixture(seed)
    assert [t.shape[0] for t in traces] == [8, 16, 2]
    assert all(find_unsatisfied(a, t, p) is None for a, t, p in zip(airs, traces, pvs))
    assert interaction_balance(airs, traces, pvs) == {}


def test_multi_fixture_missing_lookup_reported():
    airs, traces, pvs = multi_fixture(0)
    x = int(traces[2][0, 0])
    traces[0][x, 2] -= 1  # the table undercounts x
    assert interaction_balance(airs, traces, pvs) == {0: {(x, x * x): 1}}
    traces[0][x, 2] += 1
    assert interaction_balance(airs, [traces[0], traces[1], None], pvs)  # an absent user unbalances


def test_interaction_balance_chunked(monkeypatch):
    airs, traces, pvs = multi_fixture(5, table_log_height=4, user_log_height=6)
    monkeypatch.setattr(evaluate_mod, "_BUDGET", 4)
    assert interaction_balance(airs, traces, pvs) == {}
    traces[1][0, 2] = 2  # a real row sends twice
    x, sq = (int(v) for v in traces[1][0, :2])
    assert interaction_balance(airs, traces, pvs) == {0: {(x, sq): 1}}


def test_interaction_balance_argument_checks():
    airs, traces, _ = fixture11()
    with pytest.raises(ValueError, match="expected 2 traces"):
        interaction_balance(airs, traces[:1])
    with pytest.raises(ValueError, match="dtype"):
        interaction_balance(airs, [traces[0].astype(np.int32), traces[1]])


def test_subclassing_air():
    class Counter(Air):
        def __init__(self):
            super().__init__("Counter", width=1)
            self.when_first_row().assert_zero(self.local(0))
            self.when_transition().assert_eq(self.next(0), self.local(0) + 1)

    air = Counter()
    assert air.dag().to_serde()["nodes"] == [
        {"kind": "is_first_row"}, var(0), op("mul", 0, 1), {"kind": "is_transition"}, var(0, 1), const(1),
        op("add", 1, 5), op("sub", 4, 6), op("mul", 3, 7)]
    trace = np.arange(4, dtype=np.uint32).reshape(4, 1)
    assert find_unsatisfied(air, trace, []) is None
    assert tuple(find_unsatisfied(air, trace[::-1].copy(), [])) == (0, 0)
