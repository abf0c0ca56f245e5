"""gpustark.keygen: per-AIR verifying keys, trace-height constraints, pre_hash, errors, witness checks."""
from __future__ import annotations

import numpy as np
import pytest

import gpustark.hash
from gpustark.air import MUL, Air, Expr, main, public
from gpustark.examples import (dummy_interaction_air, fibonacci_air, fibonacci_public_values, fibonacci_trace,
                               fixture11, multi_fixture)
from gpustark.keygen import LinearConstraint, TraceWidth, encode_vk, keygen, vk_pre_hash
from gpustark import params

P = 2013265921
SMALL = params.test_params_small()     # max_interaction_count 2^30, d = 3
APP = params.app_params_with_100_bits_security(20)  # max_interaction_count p


def test_fixture11_verifying_key():
    airs, _, _ = fixture11()
    pk, vk = keygen(airs, SMALL)
    assert vk.num_airs == 2 and pk.vk is vk and vk.params == SMALL
    send, recv = vk.per_air
    assert send.width == TraceWidth(None, (), 2) and send.width.main_widths == (2,)
    assert send.num_public_values == 0 and not send.need_rot and not send.is_required  # OpenVM's add_air
    assert send.max_constraint_degree == recv.max_constraint_degree == 1
    assert send.constraint_idx == () and send.num_interactions == 1
    assert recv.dag == {"nodes": [
        {"kind": "variable", "entry": "main", "part_index": 0, "index": 1, "offset": 0},
        {"kind": "constant", "value": P - 1},
        {"kind": "variable", "entry": "main", "part_index": 0, "index": 0, "offset": 0},
        {"kind": "mul", "left": 1, "right": 2}],
        "constraint_idx": [], "interactions": [{"bus_index": 0, "count": 3, "message": [0], "count_weight": 0}]}
    assert recv.instructions.tolist() == [[0, 0, 1, 0], [5, P - 1, 0, 0], [0, 0, 0, 0], [9, 1, 2, 0]]
    assert recv.interactions[0].count == 3 and recv.interactions[0].message == (0,)
    assert send.unused_variables == () and recv.unused_variables == ()


def test_fibonacci_verifying_key():
    _, vk = keygen([fibonacci_air()], SMALL)
    (fib,) = vk.per_air
    assert fib.need_rot and fib.num_public_values == 3 and fib.max_constraint_degree == 2
    assert fib.constraint_idx == (4, 8, 12, 16, 20) and fib.num_constraints == 5
    assert fib.dag["constraint_idx"] == [4, 8, 12, 16, 20]
    assert fib.unused_variables == ()
    # no interactions: only the global constraint, with coefficient 0
    assert vk.trace_height_constraints == (LinearConstraint((0,), 1 << 30),)


def test_unused_variables_list_unread_cells():
    airs, _, _ = multi_fixture()
    _, vk = keygen(airs, SMALL)
    # PairSum reads u (both rows), w and s (this row only); need_rot adds offset-1 cells.
    assert vk.per_air[2].unused_variables == ((0, 1, 1), (0, 2, 1))
    assert vk.per_air[0].unused_variables == ((0, 1, 1), (0, 2, 1))


# ---- trace-height constraints ----

def test_fixture11_trace_height_constraints():
    airs, _, _ = fixture11()
    # count_weight 0 on bus 0: the bus constraint (0, 0) < p is implied by the global one and dropped.
    assert keygen(airs, SMALL)[1].trace_height_constraints == (LinearConstraint((1, 1), 1 << 30),)
    assert keygen(airs, APP)[1].trace_height_constraints == (LinearConstraint((1, 1), P),)


def test_weighted_bus_constraints():
    airs = [dummy_interaction_air(1, True, 0, count_weight=3), dummy_interaction_air(1, False, 0, count_weight=3)]
    # With max_interaction_count = p the global (1, 1) < p is implied by (3, 3) < p.
    assert keygen(airs, APP)[1].trace_height_constraints == (LinearConstraint((3, 3), P),)
    # With 2^30 neither implies the other: bus constraints first, then the global one.
    assert keygen(airs, SMALL)[1].trace_height_constraints == (
        LinearConstraint((3, 3), P), LinearConstraint((1, 1), 1 << 30))


def test_bus_constraints_sorted_by_bus_and_summed_per_air():
    a = Air("a", 1)
    a.send(5, [a.main(0)], 1, count_weight=2)
    a.send(5, [a.main(0)], 1, count_weight=2)
    a.send(2, [a.main(0)], 1, count_weight=9)
    b = Air("b", 1)
    b.receive(2, [b.main(0)], 1, count_weight=1)
    b.receive(5, [b.main(0)], 1, count_weight=7)
    thc = keygen([a, b], SMALL)[1].trace_height_constraints
    assert thc == (LinearConstraint((9, 1), P), LinearConstraint((4, 7), P), LinearConstraint((3, 2), 1 << 30))


def test_linear_constraint_semantics():
    c = LinearConstraint((1, 2), 100)
    assert c.satisfied_by([5, 5], 2)                 # 32 + 64 = 96 < 100
    assert not c.satisfied_by([6, 5], 2)             # 64 + 64 = 128
    assert c.satisfied_by([6, None], 2)              # an absent AIR contributes 0
    assert c.satisfied_by([0, 0], 3)                 # heights below 2^l_skip count as 2^l_skip: 8 + 16
    assert LinearConstraint((1, 1), 200).is_implied_by(c) and not c.is_implied_by(LinearConstraint((1, 1), 200))


def test_check_trace_heights():
    airs, _, _ = fixture11()
    _, vk = keygen(airs, SMALL)
    vk.check_trace_heights([2, 3])
    with pytest.raises(ValueError, match="violate trace-height constraint 0"):
        vk.check_trace_heights([30, 2])
    with pytest.raises(ValueError, match="expected 2 log heights"):
        vk.check_trace_heights([2])


# ---- pre_hash ----

def _fib_with(extra=None, name="FibonacciAir"):
    air = fibonacci_air()
    air.name = name
    if extra:
        extra(air)
    return air


def test_pre_hash_is_h_of_the_encoding_bytes():
    airs, _, _ = fixture11()
    _, vk = keygen(airs, SMALL)
    enc = encode_vk(vk.params, vk.per_air, vk.trace_height_constraints)
    # OpenVM's CODEC_VERSION, then the postcard body's length.
    assert enc[:4] == (3).to_bytes(4, "little") and int.from_bytes(enc[4:12], "little") == len(enc) - 12
    expected = gpustark.hash.hash([int(b) for b in enc])
    assert vk.pre_hash.shape == (8,) and vk.pre_hash.dtype == np.uint32
    np.testing.assert_array_equal(vk.pre_hash, expected)
    np.testing.assert_array_equal(vk_pre_hash(enc), expected)


def test_required_flags():
    airs, _, _ = fixture11()
    assert [a.is_required for a in keygen(airs, SMALL)[1].per_air] == [False, False]
    assert [a.is_required for a in keygen(airs, SMALL, required=True)[1].per_air] == [True, True]
    assert [a.is_required for a in keygen(airs, SMALL, required=[True, False])[1].per_air] == [True, False]
    hashes = {keygen(airs, SMALL, required=r)[1].key_id for r in (None, True, [True, False], [False, True])}
    assert len(hashes) == 4  # the flag is part of the hashed key
    for bad in ([True], [1, 0], "yes"):
        with pytest.raises(ValueError, match="required must be None, a bool or 2 bools"):
            keygen(airs, SMALL, required=bad)


def test_pre_hash_deterministic_and_sensitive():
    base = keygen([_fib_with()], SMALL)[1].pre_hash
    np.testing.assert_array_equal(base, keygen([_fib_with()], SMALL)[1].pre_hash)
    np.testing.assert_array_equal(base, keygen([_fib_with(name="renamed")], SMALL)[1].pre_hash)  # display only
    variants = [
        keygen([_fib_with(lambda a: a.assert_zero(a.main(0) - a.main(1)))], SMALL),
        keygen([_fib_with()], params.test_params_small(2, 8, 2)),
        keygen([_fib_with()], APP),
        keygen([_fib_with(lambda a: a.send(0, [a.main(0)], 1, count_weight=0))], SMALL),
        keygen([_fib_with(lambda a: a.send(0, [a.main(0)], 1, count_weight=1))], SMALL),
        keygen([_fib_with(), _fib_with()], SMALL),
    ]
    hashes = {tuple(base.tolist())} | {tuple(vk.pre_hash.tolist()) for _, vk in variants}
    assert len(hashes) == 1 + len(variants)


def test_encoding_separates_degree_multiples():
    # Same instructions, different degree_multiple (as simplification can leave): distinct encodings.
    a = Air("a", 2)
    a.assert_zero(a.main(0) * a.main(1))
    b = Air("a", 2)
    b.assert_zero(Expr(MUL, (b.main(0), b.main(1)), 3))
    vka, vkb = keygen([a], SMALL)[1], keygen([b], SMALL)[1]
    assert vka.per_air[0].instructions.tolist() == vkb.per_air[0].instructions.tolist()
    assert vka.per_air[0].node_degrees.tolist() != vkb.per_air[0].node_degrees.tolist()
    assert vka.pre_hash.tolist() != vkb.pre_hash.tolist()


# ---- errors ----

def _air_with(build, width=2, pvs=0):
    air = Air("bad", width, pvs)
    build(air)
    return air


@pytest.mark.parametrize("airs, match", [
    ([], "at least one AIR"),
    (["not an air"], r"airs\[0\] must be a gpustark.air.Air"),
    ([Air("empty", 2)], "AIR empty must have at least one constraint or interaction"),
    ([_air_with(lambda a: a.send(0, [], 1))], "interaction 0 has a zero-length message"),
    ([_air_with(lambda a: a.send(0, [a.main(0)] * 128, 1))], r"128 fields plus the bus exceeds .* 128"),
    ([_air_with(lambda a: a.assert_zero(a.main(0) * a.main(0) * a.main(1) * a.main(1)))],
     "constraint degree 4 exceeds max_constraint_degree 3"),
    ([_air_with(lambda a: a.send(0, [a.main(0)], a.main(0) * a.main(0) * a.main(1) * a.main(1)))],
     "constraint degree 4 exceeds"),
    ([_air_with(lambda a: a.assert_zero(main(2)))], "column 2"),
    ([_air_with(lambda a: a.assert_zero(main(0, part_index=1)))], "main part 1"),
    ([_air_with(lambda a: a.assert_zero(public(0)))], "public value 0, but the AIR has 0"),
])
def test_keygen_errors(airs, match):
    with pytest.raises(ValueError, match=match):
        keygen(airs, SMALL)


def test_keygen_accepts_longest_message_and_rejects_bad_params():
    keygen([_air_with(lambda a: a.send(0, [a.main(0)] * 127, 1))], SMALL)
    with pytest.raises(ValueError, match="SystemParams"):
        keygen([fibonacci_air()], {"l_skip": 2})


# ---- ProvingKey.check_witness ----

def test_check_witness_accepts_honest_witnesses():
    for airs, traces, pvs in (fixture11(), multi_fixture(2)):
        pk, _ = keygen(airs, SMALL)
        pk.check_witness(traces, pvs)
    trace = fibonacci_trace(32)
    keygen([fibonacci_air()], SMALL)[0].check_witness([trace], [fibonacci_public_values(trace)])


def test_check_witness_refuses_bad_witnesses():
    airs, traces, pvs = fixture11()
    pk, _ = keygen(airs, SMALL)
    traces[0][1, 0] = 4
    with pytest.raises(ValueError, match=r"do not balance: bus 0: 1 unbalanced message\(s\) .*\[5\]: \+1"):
        pk.check_witness(traces, pvs)
    with pytest.raises(ValueError, match="expected 2 traces"):
        pk.check_witness(traces[:1], pvs)
    with pytest.raises(ValueError, match="a trace is required"):
        keygen(airs, SMALL, required=True)[0].check_witness([traces[0], None], pvs)

    trace = fibonacci_trace(16)
    pvs = fibonacci_public_values(trace)
    trace[3, 0] += 1
    pk, _ = keygen([fibonacci_air()], SMALL)
    with pytest.raises(ValueError, match=r"constraint 2 \(node 12: .*\) fails at row 2"):
        pk.check_witness([trace], [pvs])
    tall = fibonacci_trace(1 << 11)
    with pytest.raises(ValueError, match=r"2\^11 exceeds the stacked height 2\^10"):
        pk.check_witness([tall], [fibonacci_public_values(tall)])
