"""Each prover phase of gpustark.phases run alone reproduces its part of the whole proof.

The transcript each phase starts from is brought to its state by the *verifier* replaying the
whole proof (not by the earlier phases), and the challenges a phase is given (alpha, beta, xi, r,
u) are the verifier's. Each phase must then give back the proof's part, the verifier's challenges
and the verifier's transcript state after that part.
"""
from dataclasses import dataclass

import numpy as np
import pytest

import gpustark
from gpustark import phases
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_fixture
from gpustark.ext import Ext
from gpustark.layout import stacked_layout
from gpustark.verifier.batch_constraints import verify_batch_constraints
from gpustark.verifier.gkr import verify_gkr
from gpustark.verifier.stacking import verify_stacked_reduction
from gpustark.verifier.statement import TraceStatement, logup_layout
from gpustark.verifier.verify import air_statement
from gpustark.verifier.whir import verify_whir

P = gpustark.field.P
SMALL = gpustark.test_params_small()


def _fib():
    trace = fibonacci_trace(64)
    return [fibonacci_air()], [trace], [fibonacci_public_values(trace)]


WORKLOADS = {"fib": _fib, "interactions": fixture11, "multi": lambda: multi_fixture(seed=1)}


def limbs(values) -> np.ndarray:
    """Ext or a list of them as a uint32 array of limbs."""
    if isinstance(values, Ext):
        return np.array(values.limbs(), dtype=np.uint32)
    return np.array([v.limbs() for v in values], dtype=np.uint32).reshape(-1, 4)


@dataclass
class Replay:
    """The verifier's walk through a proof: the transcript after each part and its challenges."""

    after_preamble: gpustark.Transcript
    after_gkr: gpustark.Transcript  # xi extended (step 7), as the prover's logup_gkr phase ends
    after_batch: gpustark.Transcript
    after_stacking: gpustark.Transcript
    after_whir: gpustark.Transcript
    gkr: object
    batch: object
    u: list


def replay(vk, proof) -> Replay:
    params, l_skip = vk.params, vk.params.l_skip
    log_heights = [None if v is None else v.log_height for v in proof.trace_vdata]
    order = phases.sorted_trace_order(log_heights)
    traces = [TraceStatement(air_statement(vk.per_air[i]), log_heights[i], proof.public_values[i]) for i in order]
    n_logup, slot_offsets = logup_layout(traces, l_skip)
    t = gpustark.Transcript()
    t.observe_digest(vk.pre_hash)
    t.observe_digest(proof.common_main_commit)
    for avk, log_h, pvs in zip(vk.per_air, log_heights, proof.public_values):
        if not avk.is_required:
            t.observe(0 if log_h is None else 1)
        if log_h is not None:
            t.observe(log_h)
            t.observe_many(pvs)
    after_preamble = t.copy()
    gkr = verify_gkr(t, proof.gkr_proof, params.logup.pow_bits, l_skip + n_logup if n_logup else 0)
    after_gkr = t.copy()
    batch = verify_batch_constraints(t, traces, gkr, proof.batch_constraint_proof, l_skip=l_skip,
                                     max_degree=params.max_constraint_degree, n_logup=n_logup,
                                     slot_offsets=slot_offsets)
    for _ in range(len(batch.xi) - len(gkr.xi)):
        after_gkr.sample_ext()
    after_batch = t.copy()
    layout = stacked_layout(l_skip, params.log_stacked_height,
                            [(log_heights[i], vk.per_air[i].width.common_main) for i in order])
    claims = [[pair for per_trace in batch.openings for pair in per_trace]]
    u = verify_stacked_reduction(t, [layout], claims, [[tr.air.need_rot for tr in traces]], batch.r, params,
                                 proof.stacking_proof)
    after_stacking = t.copy()
    verify_whir(t, [proof.common_main_commit], [layout[1]], u, proof.stacking_proof.stacking_openings, params,
                proof.whir_proof)
    return Replay(after_preamble, after_gkr, after_batch, after_stacking, t, gkr, batch, u)


@pytest.fixture(scope="module", params=sorted(WORKLOADS))
def case(request, backend):
    airs, traces, pvs = WORKLOADS[request.param]()
    pk, vk = gpustark.keygen(airs, SMALL)
    proof = gpustark.prove(pk, traces, public_values=pvs, backend=backend)
    return pk, vk, traces, pvs, proof, replay(vk, proof), backend


def rap_args(pk, traces, pvs):
    w = phases.sort_traces(pk, traces, pvs)
    return w, (w.airs, w.traces, w.present_public_values, pk.params)


def test_sort_traces_and_commit_alone(case):
    pk, vk, traces, pvs, proof, _, backend = case
    w = phases.sort_traces(pk, traces, pvs)
    assert w.log_heights == [v.log_height for v in proof.trace_vdata]
    assert w.public_values == proof.public_values
    assert all(w.traces[k] is traces[i] or np.array_equal(w.traces[k], traces[i]) for k, i in enumerate(w.order))
    main = phases.commit(w.traces, pk.params, backend=backend)
    assert np.array_equal(main.root, proof.common_main_commit)
    t = gpustark.Transcript()
    phases.preamble(t, vk, main.root, w.log_heights, w.public_values)
    assert t.state == case[5].after_preamble.state


def fraction_sum(p: np.ndarray, q: np.ndarray) -> tuple[Ext, Ext]:
    """sum p_i / q_i as one fraction, folded pairwise as the GKR tree does."""
    layer = [(Ext.of(a.tolist()), Ext.of(b.tolist())) for a, b in zip(p, q)]
    while len(layer) > 1:
        layer = [(p0 * q1 + p1 * q0, q0 * q1) for (p0, q0), (p1, q1) in zip(layer[0::2], layer[1::2])]
    return layer[0]


def test_logup_gkr_alone(case):
    pk, vk, traces, pvs, proof, rp, backend = case
    w, args = rap_args(pk, traces, pvs)
    t = rp.after_preamble.copy()
    gkr = phases.logup_gkr(t, *args, backend=backend)
    assert gkr.proof == proof.gkr_proof
    assert np.array_equal(gkr.alpha, limbs(rp.gkr.alpha)) and np.array_equal(gkr.beta, limbs(rp.gkr.beta))
    assert np.array_equal(gkr.xi, limbs(rp.batch.xi))
    assert t.state == rp.after_gkr.state
    interactions = sum(avk.num_interactions for avk in w.airs)
    if interactions == 0:
        assert gkr.p.shape == (0, 4) and gkr.q.shape == (0, 4) and gkr.n_logup == 0
        return
    # The input layer is the tree's leaves: its fractions add up to the root the proof claims,
    # whose numerator is 0 because the buses balance.
    assert gkr.p.shape == gkr.q.shape == (1 << (pk.params.l_skip + gkr.n_logup), 4)
    root_p, root_q = fraction_sum(gkr.p, gkr.q)
    assert root_p == Ext(0)
    assert root_q == Ext.of(proof.gkr_proof.q0_claim.tolist())


@pytest.mark.parametrize("reuse_input", [False, True], ids=["rebuilt", "reused"])
def test_batch_constraints_alone(case, reuse_input):
    pk, vk, traces, pvs, proof, rp, backend = case
    _, args = rap_args(pk, traces, pvs)
    logup_input = None
    if reuse_input:  # the layer a logup_gkr run built from the same alpha, beta
        logup_input = phases.logup_gkr(rp.after_preamble.copy(), *args, backend=backend).input
    t = rp.after_gkr.copy()
    batch = phases.batch_constraints(t, *args, xi=limbs(rp.batch.xi), alpha=limbs(rp.gkr.alpha),
                                     beta=limbs(rp.gkr.beta), logup_input=logup_input, backend=backend)
    assert batch.proof == proof.batch_constraint_proof
    assert np.array_equal(batch.lambda_, limbs(rp.batch.lam)) and np.array_equal(batch.mu, limbs(rp.batch.mu))
    assert np.array_equal(batch.r, limbs(rp.batch.r))
    assert t.state == rp.after_batch.state


def test_rap_constraints_is_both(case):
    pk, vk, traces, pvs, proof, rp, backend = case
    _, args = rap_args(pk, traces, pvs)
    t = rp.after_preamble.copy()
    rap = phases.rap_constraints(t, *args, backend=backend)
    assert rap.gkr.proof == proof.gkr_proof and rap.batch.proof == proof.batch_constraint_proof
    assert t.state == rp.after_batch.state


def test_stacking_and_whir_alone(case):
    pk, vk, traces, pvs, proof, rp, backend = case
    w = phases.sort_traces(pk, traces, pvs)
    main = phases.commit(w.traces, pk.params, backend=backend)
    t = rp.after_batch.copy()
    st = phases.stacking(t, [main], limbs(rp.batch.r), [w.need_rot], pk.params, backend=backend)
    assert st.proof == proof.stacking_proof
    assert np.array_equal(st.u, limbs(rp.u))
    assert t.state == rp.after_stacking.state
    t = rp.after_stacking.copy()
    assert phases.whir(t, [main.data], limbs(rp.u), pk.params, backend=backend).proof == proof.whir_proof
    assert t.state == rp.after_whir.state
    t = rp.after_batch.copy()
    opened = phases.openings(t, [main], limbs(rp.batch.r), [w.need_rot], pk.params, backend=backend)
    assert opened.stacking.proof == proof.stacking_proof and opened.whir.proof == proof.whir_proof


def test_prove_is_the_phases_in_order(case):
    """The phases one after another from a fresh transcript give gpustark.prove's proof."""
    pk, vk, traces, pvs, proof, rp, backend = case
    w, args = rap_args(pk, traces, pvs)
    main = phases.commit(w.traces, pk.params, backend=backend)
    t = gpustark.Transcript()
    phases.preamble(t, vk, main.root, w.log_heights, w.public_values)
    gkr = phases.logup_gkr(t, *args, backend=backend)
    batch = phases.batch_constraints(t, *args, xi=gkr.xi, alpha=gkr.alpha, beta=gkr.beta, backend=backend)
    st = phases.stacking(t, [main], batch.r, [w.need_rot], pk.params, backend=backend)
    wh = phases.whir(t, [main], st.u, pk.params, backend=backend)
    assert gpustark.Proof(main.root, proof.trace_vdata, w.public_values, gkr.proof, batch.proof, st.proof,
                          wh.proof).to_bytes() == proof.to_bytes()
    assert t.state == rp.after_whir.state


def _ext_plus_one(value: np.ndarray) -> np.ndarray:
    out = np.array(value, dtype=np.uint32).copy()
    out.reshape(-1, 4)[0, 0] = (int(out.reshape(-1, 4)[0, 0]) + 1) % P
    return out


def _batch_at(case, **changes):
    """The batch phase from the verifier's state after the GKR, at its challenges with changes."""
    pk, vk, traces, pvs, proof, rp, backend = case
    w, args = rap_args(pk, traces, pvs)
    challenges = {"xi": limbs(rp.batch.xi), "alpha": limbs(rp.gkr.alpha), "beta": limbs(rp.gkr.beta)}
    challenges.update({name: _ext_plus_one(challenges[name]) for name in changes})
    t = rp.after_gkr.copy()
    return w, t, phases.batch_constraints(t, *args, **challenges, backend=backend)


@pytest.mark.parametrize("wrong", ["xi", "beta"])
def test_wrong_challenges_are_rejected(case, wrong):
    """The batch phase at a wrong xi or beta, then honest openings after it: the verifier rejects
    the proof (its xi and beta come from the transcript)."""
    pk, vk, traces, pvs, proof, rp, backend = case
    if wrong == "beta" and not any(avk.num_interactions for avk in pk.vk.per_air):
        pytest.skip("without interactions beta is not used by the batch sumcheck")
    w, t, batch = _batch_at(case, **{wrong: True})
    assert batch.proof != proof.batch_constraint_proof
    main = phases.commit(w.traces, pk.params, backend=backend)
    opened = phases.openings(t, [main], batch.r, [w.need_rot], pk.params, backend=backend)
    forged = gpustark.Proof(proof.common_main_commit, proof.trace_vdata, proof.public_values, proof.gkr_proof,
                            batch.proof, opened.stacking.proof, opened.whir.proof)
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(vk, forged)


def test_alpha_does_not_enter_the_batch_sumcheck(case):
    """alpha only shifts the GKR leaves (q = alpha + h_beta); the batch sums use q - alpha, and the
    constraints h_beta alone, so a wrong alpha gives the honest batch proof, which verifies."""
    pk, vk, traces, pvs, proof, rp, backend = case
    _, t, batch = _batch_at(case, alpha=True)
    assert batch.proof == proof.batch_constraint_proof
    assert t.state == rp.after_batch.state


# ---- bad inputs ----

@pytest.fixture(scope="module")
def multi_case():
    airs, traces, pvs = multi_fixture(seed=0)
    pk, vk = gpustark.keygen(airs, SMALL)
    return pk, traces, pvs


def test_bad_rap_inputs(multi_case):
    pk, traces, pvs = multi_case
    w, (airs, sorted_traces, sorted_pvs, params) = rap_args(pk, traces, pvs)
    t = gpustark.Transcript()
    with pytest.raises(ValueError, match="one trace and one public value list per AIR"):
        phases.logup_gkr(t, airs, sorted_traces[:-1], sorted_pvs, params)
    with pytest.raises(ValueError, match="at least one present AIR"):
        phases.logup_gkr(t, [], [], [], params)
    with pytest.raises(ValueError, match="sorted by descending height"):
        phases.logup_gkr(t, airs[::-1], sorted_traces[::-1], sorted_pvs[::-1], params)
    big = sorted_traces[0].copy()
    big[0, 0] = P
    with pytest.raises(ValueError, match="< p|p ="):
        phases.logup_gkr(t, airs, [big, *sorted_traces[1:]], sorted_pvs, params)
    with pytest.raises(ValueError, match="width"):
        phases.logup_gkr(t, airs, [sorted_traces[0][:, :2], *sorted_traces[1:]], sorted_pvs, params)
    with pytest.raises(ValueError, match="power of two"):
        phases.logup_gkr(t, airs, [sorted_traces[0][:3], *sorted_traces[1:]], sorted_pvs, params)
    with pytest.raises(ValueError, match="airs\\[0\\]: expected an AirVerifyingKey"):
        phases.logup_gkr(t, ["air", *airs[1:]], sorted_traces, sorted_pvs, params)
    with pytest.raises(ValueError, match="params"):
        phases.logup_gkr(t, airs, sorted_traces, sorted_pvs, None)
    with pytest.raises(ValueError, match="transcript"):
        phases.logup_gkr(object(), airs, sorted_traces, sorted_pvs, params)


def test_bad_batch_inputs(multi_case):
    pk, traces, pvs = multi_case
    w, args = rap_args(pk, traces, pvs)
    t = gpustark.Transcript()
    gkr = phases.logup_gkr(t.copy(), *args)
    good = dict(xi=gkr.xi, alpha=gkr.alpha, beta=gkr.beta)
    with pytest.raises(ValueError, match="xi: expected"):
        phases.batch_constraints(t.copy(), *args, **{**good, "xi": gkr.xi[:-1]})
    with pytest.raises(ValueError, match="xi"):
        phases.batch_constraints(t.copy(), *args, **{**good, "xi": gkr.xi.reshape(-1)})
    with pytest.raises(ValueError, match="alpha: expected one extension element"):
        phases.batch_constraints(t.copy(), *args, **{**good, "alpha": gkr.alpha[:3]})
    with pytest.raises(ValueError, match="beta"):
        phases.batch_constraints(t.copy(), *args, **{**good, "beta": [P, 0, 0, 0]})
    big_xi = gkr.xi.copy()
    big_xi[0, 0] = P
    with pytest.raises(ValueError, match="xi"):
        phases.batch_constraints(t.copy(), *args, **{**good, "xi": big_xi})
    # A layer built from other challenges, or for other traces, is refused.
    with pytest.raises(ValueError, match="logup_input: built from another alpha or beta"):
        phases.batch_constraints(t.copy(), *args, **{**good, "alpha": _ext_plus_one(gkr.alpha)},
                                 logup_input=gkr.input)
    airs, sorted_traces, sorted_pvs, params = args
    with pytest.raises(ValueError, match="logup_input: built for traces of other heights"):
        phases.batch_constraints(t.copy(), airs[:1], sorted_traces[:1], sorted_pvs[:1], params, **good,
                                 logup_input=gkr.input)
    with pytest.raises(ValueError, match="logup_input: expected"):
        phases.batch_constraints(t.copy(), *args, **good, logup_input="layer")
    with pytest.raises(ValueError, match="mle_memory_limit"):
        phases.batch_constraints(t.copy(), *args, **good, mle_memory_limit=0)


def test_bad_commit_and_openings_inputs(multi_case):
    pk, traces, pvs = multi_case
    w = phases.sort_traces(pk, traces, pvs)
    with pytest.raises(ValueError, match="descending heights"):
        phases.commit(w.traces[::-1], pk.params)
    big = w.traces[0].copy()
    big[1, 1] = P + 5
    with pytest.raises(ValueError, match="canonical field elements"):
        phases.commit([big, *w.traces[1:]], pk.params)
    with pytest.raises(ValueError, match="uint32"):
        phases.commit([w.traces[0].astype(np.int64)], pk.params)
    main = phases.commit(w.traces, pk.params)
    t = gpustark.Transcript()
    with pytest.raises(ValueError, match="need_rot: expected one list per commitment"):
        phases.stacking(t, [main], np.zeros((3, 4), np.uint32), [w.need_rot, w.need_rot], pk.params)
    with pytest.raises(ValueError, match="commits\\[0\\]"):
        phases.stacking(t, ["root"], np.zeros((3, 4), np.uint32), [w.need_rot], pk.params)
    with pytest.raises(ValueError, match="expected 3 traces"):
        phases.sort_traces(pk, traces[:2], pvs)
    with pytest.raises(ValueError, match="power of two"):
        phases.sort_traces(pk, [traces[0][:3], *traces[1:]], pvs)
    required_pk, _ = gpustark.keygen(multi_fixture(seed=0)[0], SMALL, required=True)
    with pytest.raises(ValueError, match="a trace is required"):
        phases.sort_traces(required_pk, [None, *traces[1:]], pvs)
    with pytest.raises(ValueError, match="expected 3 log heights"):
        phases.preamble(t, pk.vk, main.root, w.log_heights[:2], w.public_values)
