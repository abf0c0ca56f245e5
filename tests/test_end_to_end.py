"""Whole proofs: honest ones verify (both presets, every example, several sizes and seeds), every
mutated field is rejected, unsatisfied witnesses are refused, bad input raises ValueError."""
import numpy as np
import pytest

import gpustark
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_fixture
from gpustark.proof import get_element, proof_fields, set_element

P = gpustark.field.P
SMALL = gpustark.test_params_small()


def fib(height, params=SMALL):
    pk, vk = gpustark.keygen([fibonacci_air()], params)
    trace = fibonacci_trace(height)
    return pk, vk, [trace], [fibonacci_public_values(trace)]


def interactions(params=SMALL):
    airs, traces, pvs = fixture11()
    return (*gpustark.keygen(airs, params), traces, pvs)


def multi(seed, params=SMALL, **sizes):
    airs, traces, pvs = multi_fixture(seed=seed, **sizes)
    return (*gpustark.keygen(airs, params), traces, pvs)


def prove_and_verify(pk, vk, traces, pvs, backend):
    proof = gpustark.prove(pk, traces, public_values=pvs, backend=backend)
    gpustark.verify(vk, proof)
    decoded = gpustark.Proof.from_bytes(proof.to_bytes())
    assert decoded == proof
    gpustark.verify(vk, decoded)
    return proof


@pytest.mark.parametrize("height", [1, 2, 4, 16, 256])
def test_fibonacci_small_params(backend, height):
    prove_and_verify(*fib(height), backend)


def test_interaction_fixture_small_params(backend):
    prove_and_verify(*interactions(), backend)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multi_air_small_params(backend, seed):
    prove_and_verify(*multi(seed), backend)


@pytest.mark.parametrize("l_skip", [1, 3, 5, 6])
def test_chunk_sizes(backend, l_skip):
    """Chunks of 2 to 64 rows: a device keeps a chunk of at most 32 in registers (round 0's gather,
    the stacked message) and takes longer ones on the host's composition of its primitives."""
    params = gpustark.test_params_small(l_skip, 10 - l_skip, 2)
    prove_and_verify(*multi(5, params, table_log_height=4, user_log_height=7, pair_log_height=2), backend)


@pytest.mark.parametrize("sizes", [dict(table_log_height=2, user_log_height=2, pair_log_height=0),
                                   dict(table_log_height=5, user_log_height=3, pair_log_height=1)])
def test_multi_air_other_heights(backend, sizes):
    prove_and_verify(*multi(7, **sizes), backend)


@pytest.mark.parametrize("make", [lambda p: fib(64, p), interactions, lambda p: multi(3, p)], ids=["fib", "interactions", "multi"])
def test_app_params(backend, make):
    prove_and_verify(*make(gpustark.app_params_with_100_bits_security(11)), backend)


def test_proofs_are_deterministic(backend):
    pk, vk, traces, pvs = multi(1)
    first = gpustark.prove(pk, traces, public_values=pvs, backend=backend).to_bytes()
    assert gpustark.prove(pk, traces, public_values=pvs, backend=backend).to_bytes() == first


def _bumped(value):
    return value + 1 if isinstance(value, int) and value + 1 < P else (int(value) + 1) % P


def test_every_mutation_is_rejected():
    # The multi-AIR proof has every kind of field: interactions (GKR), rotations, a short trace,
    # three heights, every WHIR round.
    pk, vk, traces, pvs = multi(0)
    proof = gpustark.prove(pk, traces, public_values=pvs)
    paths = []
    for path, container, index in proof_fields(proof):
        original = get_element(container, index)
        set_element(container, index, _bumped(original))
        try:
            with pytest.raises(gpustark.VerificationError):
                gpustark.verify(vk, proof)
        except pytest.fail.Exception:
            raise AssertionError(f"mutating {path} was accepted") from None
        finally:
            set_element(container, index, original)
        paths.append(path)
    gpustark.verify(vk, proof)  # restored
    kinds = {p.split("[")[0] for p in paths}
    assert {"common_main_commit", "gkr_proof.q0_claim", "gkr_proof.sumcheck_polys", "batch_constraint_proof.column_openings",
            "stacking_proof.stacking_openings", "whir_proof.initial_round_merkle_proofs", "whir_proof.final_poly",
            "whir_proof.query_phase_pow_witnesses", "trace_vdata"} <= kinds


def test_public_values_are_bound():
    pk, vk, traces, pvs = fib(16)
    proof = gpustark.prove(pk, traces, public_values=pvs)
    for i in range(len(proof.public_values[0])):
        proof.public_values[0][i] = (proof.public_values[0][i] + 1) % P
        with pytest.raises(gpustark.VerificationError):
            gpustark.verify(vk, proof)
        proof.public_values[0][i] = (proof.public_values[0][i] - 1) % P


def test_unsatisfied_trace_is_refused_and_a_forced_proof_rejected():
    pk, vk, traces, pvs = fib(32)
    traces[0][5, 1] = (int(traces[0][5, 1]) + 1) % P
    with pytest.raises(ValueError, match="fails at row"):
        gpustark.prove(pk, traces, public_values=pvs)
    proof = gpustark.prove(pk, traces, public_values=pvs, check_witness=False)
    with pytest.raises(gpustark.VerificationError, match="batch_final_claim|univariate_skip_sum"):
        gpustark.verify(vk, proof)


def test_wrong_public_value_is_refused_and_a_forced_proof_rejected():
    pk, vk, traces, pvs = fib(32)
    pvs[0][2] = (pvs[0][2] + 1) % P
    with pytest.raises(ValueError, match="fails at row"):
        gpustark.prove(pk, traces, public_values=pvs)
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(vk, gpustark.prove(pk, traces, public_values=pvs, check_witness=False))


def test_unbalanced_interactions_are_refused_and_a_forced_proof_rejected():
    pk, vk, traces, pvs = interactions()
    traces[1][0, 0] += 1  # the receiver takes one more (5) than was sent
    with pytest.raises(ValueError, match="do not balance"):
        gpustark.prove(pk, traces, public_values=pvs)
    with pytest.raises(gpustark.VerificationError, match="gkr_root_numerator"):
        gpustark.verify(vk, gpustark.prove(pk, traces, public_values=pvs, check_witness=False))


@pytest.mark.parametrize("edit, message", [
    (lambda t, p: ([t[0][:, :1].copy()], p), "width"),
    (lambda t, p: ([t[0][:12].copy()], p), "power of two"),
    (lambda t, p: ([t[0][:0].copy()], p), "power of two|height"),
    (lambda t, p: ([np.full_like(t[0], P)], p), "2013265921"),
    (lambda t, p: ([t[0].astype(np.int64)], p), "dtype"),
    (lambda t, p: (t, [p[0][:2]]), "public"),
    (lambda t, p: (t, [p[0][:2] + [P + 3]]), "public|2013265924"),
    (lambda t, p: (t + t, p), "expected 1 traces"),
    (lambda t, p: (t, p + p), "expected 1"),
])
def test_bad_input_raises_value_error(edit, message):
    pk, _, traces, pvs = fib(16)
    traces, pvs = edit(traces, pvs)
    with pytest.raises(ValueError, match=message):
        gpustark.prove(pk, traces, public_values=pvs)


def test_verifier_rejects_a_proof_for_another_key():
    pk, _, traces, pvs = fib(16)
    proof = gpustark.prove(pk, traces, public_values=pvs)
    _, other_vk, _, _ = interactions()
    with pytest.raises(gpustark.VerificationError, match="shape"):
        gpustark.verify(other_vk, proof)


def _pow_witnesses(proof):
    """Every witness in transcript order: LogUp, WHIR mu, then per round its k folds and its query phase."""
    w = proof.whir_proof
    k = len(w.folding_pow_witnesses) // len(w.query_phase_pow_witnesses)
    per_round = [[*w.folding_pow_witnesses[i * k:(i + 1) * k], q] for i, q in enumerate(w.query_phase_pow_witnesses)]
    return [proof.gkr_proof.logup_pow_witness, w.mu_pow_witness, *(x for r in per_round for x in r)]


def test_replayed_witnesses_reproduce_the_proof():
    pk, vk, traces, pvs = multi(4)
    proof = gpustark.prove(pk, traces, public_values=pvs)
    replayed = gpustark.prove(pk, traces, public_values=pvs, pow_witnesses=_pow_witnesses(proof))
    assert replayed.to_bytes() == proof.to_bytes()


def test_a_replayed_witness_that_fails_is_refused():
    pk, vk, traces, pvs = fib(16)
    witnesses = _pow_witnesses(gpustark.prove(pk, traces, public_values=pvs))
    # The LogUp PoW (2 bits) witness is the smallest passing one, so every smaller value fails.
    assert witnesses[0] > 0
    with pytest.raises(ValueError, match="does not pass"):
        gpustark.prove(pk, traces, public_values=pvs, pow_witnesses=[witnesses[0] - 1] + witnesses[1:])


@pytest.mark.parametrize("edit", [(5, 1), (0, 0), (31, 1), (31, 0)])
def test_native_witness_check_agrees_with_numpy(edit):
    from gpustark.air import find_unsatisfied
    from gpustark.native_air import air_program

    pk, _, traces, pvs = fib(32)
    row, col = edit
    traces[0][row, col] = (int(traces[0][row, col]) + 7) % P
    expected = find_unsatisfied(pk.per_air[0].air, traces[0], pvs[0])
    found = gpustark._native.first_unsatisfied(air_program(pk.per_air[0].vk), traces[0], pvs[0])
    assert expected is not None and found == (expected.constraint, expected.row)


@pytest.mark.parametrize("cut, check", [
    (lambda p: setattr(p.stacking_proof, "sumcheck_round_polys", p.stacking_proof.sumcheck_round_polys[:-1]), "stacking_shape"),
    (lambda p: setattr(p.whir_proof, "final_poly", p.whir_proof.final_poly[:-1]), "whir_shape"),
    (lambda p: setattr(p.whir_proof, "query_phase_pow_witnesses", p.whir_proof.query_phase_pow_witnesses[:-1]), "whir_shape"),
    (lambda p: setattr(p.batch_constraint_proof, "univariate_round_coeffs", p.batch_constraint_proof.univariate_round_coeffs[:-1]), "batch_shape"),
    (lambda p: setattr(p.gkr_proof, "claims_per_layer", p.gkr_proof.claims_per_layer[:-1]), "gkr_shape"),
])
def test_shape_errors_come_before_any_transcript_check(cut, check):
    pk, vk, traces, pvs = multi(5)
    proof = gpustark.prove(pk, traces, public_values=pvs)
    cut(proof)
    with pytest.raises(gpustark.VerificationError) as info:
        gpustark.verify(vk, proof)
    assert info.value.check == check


def _mle_counters(pk, traces, pvs, **limits):
    from gpustark import spans

    with spans.record() as recorded:
        proof = gpustark.prove(pk, traces, public_values=pvs, **limits)
    (mle,) = [s for s in recorded if s.name == "mle_rounds"]
    return proof.to_bytes(), mle.counters


def test_mle_batching_paths_give_the_same_proof():
    # At test params the multi fixture's traces need 0 B (the 2-row trace), 64 B and 128 B of MLE
    # evaluation scratch (pairs x (d+1) points x DAG program slots x 16 B, batch_constraints.cpp).
    pk, _, traces, pvs = multi(2)
    reference, packed = _mle_counters(pk, traces, pvs)
    assert packed["mle_batch_count"] == 1 and packed["peak_batch_memory_bytes"] == 192
    assert packed["fallback_count"] == 0 and packed["memory_limit_raises"] == 0
    assert packed["total_logup_traces"] == 3 and packed["mle_trace_count"] == 3

    split_bytes, split = _mle_counters(pk, traces, pvs, mle_memory_limit=150, mle_memory_cap=1 << 20)
    assert split["mle_batch_count"] == 2 and split["memory_limit_raises"] == 0 and split["fallback_count"] == 0

    raised_bytes, raised = _mle_counters(pk, traces, pvs, mle_memory_limit=100, mle_memory_cap=1 << 20)
    assert raised["memory_limit_raises"] == 1 and raised["fallback_count"] == 0
    assert raised["effective_memory_limit_bytes"] == 128 and raised["initial_memory_limit_bytes"] == 100

    fallback_bytes, fallback = _mle_counters(pk, traces, pvs, mle_memory_limit=32, mle_memory_cap=100)
    assert fallback["fallback_count"] == 1 and fallback["memory_limit_raises"] == 1

    assert split_bytes == raised_bytes == fallback_bytes == reference


def test_mle_memory_limits_are_checked():
    pk, _, traces, pvs = multi(2)
    with pytest.raises(ValueError, match="mle_memory_limit"):
        gpustark.prove(pk, traces, public_values=pvs, mle_memory_limit=1 << 20, mle_memory_cap=1 << 10)
