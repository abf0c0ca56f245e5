"""The stacked reduction (PROTOCOL 10) and WHIR (PROTOCOL 11) end to end: commit, open the columns
at a random r, prove on one transcript, verify on a fresh one replaying the same observations.
Honest proofs are accepted; tampering with any value of any proof field (one random limb of each
value) or with the statement is rejected."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pytest

from gpustark import Transcript, pcs
from gpustark.ext import P
from gpustark.params import LogUpParams, ProximityStrategy, SystemParams, WhirConfig
from gpustark.params import test_params_small as small_params
from gpustark.verifier.errors import VerificationError
from gpustark.verifier.stacking import verify_stacked_reduction
from gpustark.verifier.whir import verify_whir


def custom_params(l_skip, n_stack, log_blowup, k, queries, pow_bits) -> SystemParams:
    mu, fold, query = pow_bits
    whir = WhirConfig(k=k, num_queries=tuple(queries), mu_pow_bits=mu, query_phase_pow_bits=query,
                      folding_pow_bits=fold, proximity=ProximityStrategy.unique())
    return SystemParams(l_skip, n_stack, 1 << 12, log_blowup, whir, LogUpParams(P, 7, 0), 3, name="custom")


PARAMS = {
    "small": small_params(),                                       # l=2, n_stack=8, k=3: queries 10, 4, 2
    "tiny": custom_params(1, 3, 1, 2, (3, 2), (1, 1, 1)),          # final polynomial of one coefficient
    "tiny_no_pow": custom_params(3, 2, 2, 1, (2, 2, 1), (0, 0, 0)),  # k = 1, PoW off, final length 4
}


@dataclass
class Instance:
    params: SystemParams
    commits: list
    need_rot: list
    r: np.ndarray
    claims: list
    start: Transcript      # the transcript just before step 15 (claims observed)
    end_state: list        # the prover's transcript state after WHIR
    stacking: dict
    u: np.ndarray
    whir: dict

    def layouts(self):
        return [(c.layout, c.width) for c in self.commits]

    def verify(self, stacking=None, whir=None, claims=None, roots=None) -> Transcript:
        t = self.start.copy()
        stacking = self.stacking if stacking is None else stacking
        u = verify_stacked_reduction(t, self.layouts(), self.claims if claims is None else claims, self.need_rot,
                                     self.r, self.params, stacking)
        verify_whir(t, [c.root for c in self.commits] if roots is None else roots, [c.width for c in self.commits],
                    u, stacking["stacking_openings"], self.params, self.whir if whir is None else whir)
        return t, u


def make_instance(params: SystemParams, rng) -> Instance:
    l, m = params.l_skip, params.log_stacked_height
    # Common main: a full-height trace, then n = 2, 0, -1 (short, lifted), with rotations.
    heights = [1 << m, 1 << (l + 2), 1 << l, 1 << max(l - 1, 0)]
    widths, rots = [1, 3, 2, 2], [False, True, False, True]
    traces = [rng.integers(0, P, (h, w), dtype=np.uint32) for h, w in zip(heights, widths)]
    cached = rng.integers(0, P, (1 << (l + 1), 2), dtype=np.uint32)  # a second, cached-style commitment
    commits = [pcs.stacked_commit(traces, params), pcs.stacked_commit([cached], params)]
    need_rot = [rots, [True]]

    t = Transcript()
    for c in commits:
        t.observe_digest(c.root)
    r = np.array([t.sample_ext() for _ in range(m - l + 1)], dtype=np.uint32)
    claims = [np.concatenate([pcs.column_openings(tr, r, l, nr) for tr, nr in zip(traces, rots)]),
              pcs.column_openings(cached, r, l, True)]
    for per_commit in claims:  # step 14: (claim, claim_rot) pairs, the 0 of a non-rotated column included
        for value in per_commit.reshape(-1, 4):
            t.observe_ext(value)
    start = t.copy()
    stacking, u = pcs.prove_stacked_reduction(t, commits, r, need_rot, params)
    whir = pcs.prove_whir(t, commits, u, params)
    return Instance(params, commits, need_rot, r, claims, start, t.state, stacking, u, whir)


@pytest.fixture(scope="module", params=list(PARAMS))
def instance(request):
    rng = np.random.default_rng(list(PARAMS).index(request.param) + 11)
    return make_instance(PARAMS[request.param], rng)


def test_honest_proof_verifies(instance):
    t, u = instance.verify()
    assert [v.limbs() for v in u] == instance.u.tolist()
    assert t.state == instance.end_state  # prover and verifier transcripts agree to the end


def test_proof_shapes(instance):
    p, s, w = instance.params, instance.stacking, instance.whir
    n, k, rounds, m = 1 << p.l_skip, p.whir.k, p.whir.num_rounds, p.log_stacked_height
    queries = p.whir.num_queries
    assert s["univariate_round_coeffs"].shape == (2 * (n - 1) + 1, 4)
    assert s["sumcheck_round_polys"].shape == (p.n_stack, 2, 4)
    assert [o.shape for o in s["stacking_openings"]] == [(c.width, 4) for c in instance.commits]
    assert instance.u.shape == (p.n_stack + 1, 4)
    assert w["whir_sumcheck_polys"].shape == (rounds * k, 2, 4)
    assert len(w["codeword_commits"]) == rounds - 1 and w["ood_values"].shape == (rounds - 1, 4)
    assert len(w["folding_pow_witnesses"]) == rounds * k and len(w["query_phase_pow_witnesses"]) == rounds
    depth = m + p.log_blowup - k
    for c, rows, path in zip(instance.commits, w["initial_round_opened_rows"], w["initial_round_merkle_proofs"]):
        assert rows.shape == (queries[0], 1 << k, c.width) and path.shape == (queries[0], depth, 8)
    for i, (values, path) in enumerate(zip(w["codeword_opened_values"], w["codeword_merkle_proofs"]), start=1):
        assert values.shape == (queries[i], 1 << k, 4) and path.shape == (queries[i], depth - i, 8)
    assert w["final_poly"].shape == (1 << (m - rounds * k), 4)


def test_pow_witnesses_are_smallest(instance):
    bits = instance.params.whir.mu_pow_bits
    t = instance.start.copy()
    verify_stacked_reduction(t, instance.layouts(), instance.claims, instance.need_rot, instance.r, instance.params,
                             instance.stacking)
    witness = instance.whir["mu_pow_witness"]
    if bits == 0:
        assert witness == 0
    else:
        assert t.copy().check_witness(bits, witness)
        assert not any(t.copy().check_witness(bits, w) for w in range(witness))


# ---- tampering -------------------------------------------------------------------------------

def _positions(array: np.ndarray, last_axis: int, rng, limit):
    """Element positions (one limb each) of an array whose trailing `last_axis` dims form one value."""
    shape = array.shape[:array.ndim - last_axis] if last_axis else array.shape
    values = list(np.ndindex(*shape))
    if limit is not None and len(values) > limit:
        values = [values[i] for i in sorted(rng.choice(len(values), limit, replace=False))]
    size = int(np.prod(array.shape[array.ndim - last_axis:])) if last_axis else 1
    return [(v, int(rng.integers(0, size))) for v in values]


def _bump(array: np.ndarray, value_index, limb: int, last_axis: int) -> None:
    """Add 1 (mod p) to one limb of one value, in place."""
    index = tuple(value_index) + (np.unravel_index(limb, array.shape[array.ndim - last_axis:]) if last_axis else ())
    array[index] = (int(array[index]) + 1) % P


# (part, field, trailing dims forming one value, expected check or None for "any")
ARRAY_FIELDS = [
    ("stacking", "sumcheck_round_polys", 1, "stacking_final_sum"),
    ("whir", "whir_sumcheck_polys", 1, None),
    ("whir", "ood_values", 1, None),
    ("whir", "final_poly", 1, None),
]
LIST_FIELDS = [
    ("stacking", "stacking_openings", 1, "stacking_final_sum"),
    ("whir", "codeword_commits", 1, None),
    ("whir", "initial_round_opened_rows", 0, "whir_merkle"),
    ("whir", "initial_round_merkle_proofs", 1, "whir_merkle"),
    ("whir", "codeword_opened_values", 1, "whir_merkle"),
    ("whir", "codeword_merkle_proofs", 1, "whir_merkle"),
]


def _expect_rejected(instance, check, **tampered):
    with pytest.raises(VerificationError) as info:
        instance.verify(**tampered)
    if check is not None:
        assert info.value.check == check, info.value


def test_tampered_univariate_coefficients(instance):
    n = 1 << instance.params.l_skip
    for i in range(len(instance.stacking["univariate_round_coeffs"])):
        stacking = copy.deepcopy(instance.stacking)
        _bump(stacking["univariate_round_coeffs"], (i,), i % 4, 1)
        # Coefficients of degree divisible by N enter the sum over D; the others only s_0(u_0).
        _expect_rejected(instance, "stacking_s0_sum" if i % n == 0 else "stacking_final_sum", stacking=stacking)


@pytest.mark.parametrize("part, name, last_axis, check", ARRAY_FIELDS)
def test_tampered_array_fields(instance, rng, part, name, last_axis, check):
    proof = getattr(instance, part)
    if proof[name].size == 0:
        pytest.skip(f"{name} is empty at these parameters")
    for position, limb in _positions(proof[name], last_axis, rng, None):
        tampered = copy.deepcopy(proof)
        _bump(tampered[name], position, limb, last_axis)
        _expect_rejected(instance, check, **{part: tampered})


@pytest.mark.parametrize("part, name, last_axis, check", LIST_FIELDS)
def test_tampered_list_fields(instance, rng, part, name, last_axis, check):
    proof = getattr(instance, part)
    if not proof[name]:
        pytest.skip(f"{name} is empty at these parameters")
    for j, array in enumerate(proof[name]):
        for position, limb in _positions(array, last_axis, rng, None):
            tampered = copy.deepcopy(proof)
            _bump(tampered[name][j], position, limb, last_axis)
            _expect_rejected(instance, check, **{part: tampered})


def test_tampered_pow_witnesses(instance):
    w = instance.params.whir
    fields = [("mu_pow_witness", None, w.mu_pow_bits)]
    fields += [("folding_pow_witnesses", i, w.folding_pow_bits) for i in range(len(instance.whir["folding_pow_witnesses"]))]
    fields += [("query_phase_pow_witnesses", i, w.query_phase_pow_bits)
               for i in range(len(instance.whir["query_phase_pow_witnesses"]))]
    tried = 0
    for name, index, bits in fields:
        if bits == 0:
            continue  # a zero-bit witness is never observed: any value passes, as in OpenVM
        tampered = copy.deepcopy(instance.whir)
        if index is None:
            tampered[name] = (tampered[name] + 1) % P
        else:
            tampered[name][index] = (tampered[name][index] + 1) % P
        _expect_rejected(instance, None, whir=tampered)
        tried += 1
    assert tried or (w.mu_pow_bits, w.folding_pow_bits, w.query_phase_pow_bits) == (0, 0, 0)


def test_tampered_statement(instance, rng):
    for c in range(len(instance.claims)):  # the column-opening claims
        for position, limb in _positions(instance.claims[c], 1, rng, 4):
            claims = copy.deepcopy(instance.claims)
            _bump(claims[c], position, limb, 1)
            _expect_rejected(instance, "stacking_s0_sum", claims=claims)
    for c in range(len(instance.commits)):  # the commitments WHIR opens
        roots = [commit.root.copy() for commit in instance.commits]
        i = int(rng.integers(0, 8))
        roots[c][i] = (int(roots[c][i]) + 1) % P
        _expect_rejected(instance, "whir_merkle", roots=roots)


def test_wrong_shapes_rejected(instance):
    s, w = instance.stacking, instance.whir
    short_initial = [a[:, 1:] for a in w["initial_round_merkle_proofs"]]
    cases = [
        ("stacking_shape", dict(stacking={**s, "univariate_round_coeffs": s["univariate_round_coeffs"][:-1]})),
        ("stacking_shape", dict(stacking={**s, "sumcheck_round_polys": s["sumcheck_round_polys"][:-1]})),
        ("stacking_shape", dict(stacking={**s, "stacking_openings": [o[:-1] for o in s["stacking_openings"]]})),
        ("whir_shape", dict(whir={**w, "whir_sumcheck_polys": w["whir_sumcheck_polys"][1:]})),
        ("whir_shape", dict(whir={**w, "final_poly": np.concatenate([w["final_poly"], w["final_poly"]])})),
        ("whir_shape", dict(whir={**w, "initial_round_opened_rows": [a[1:] for a in w["initial_round_opened_rows"]]})),
        ("whir_shape", dict(whir={**w, "initial_round_merkle_proofs": short_initial})),
        ("whir_shape", dict(whir={**w, "query_phase_pow_witnesses": w["query_phase_pow_witnesses"][1:]})),
        ("whir_shape", dict(whir={**w, "final_poly": w["final_poly"] + np.uint32(P)})),  # not canonical
    ]
    if w["codeword_merkle_proofs"]:
        short_paths = [a[:, :-1] for a in w["codeword_merkle_proofs"]]
        cases.append(("whir_shape", dict(whir={**w, "codeword_merkle_proofs": short_paths})))
    for check, tampered in cases:
        _expect_rejected(instance, check, **tampered)


def test_proofs_as_objects(instance):
    """The verifiers read proof fields by attribute too (gpustark.proof's dataclasses)."""
    from types import SimpleNamespace

    t = instance.start.copy()
    stacking = SimpleNamespace(**instance.stacking)
    u = verify_stacked_reduction(t._t, instance.layouts(), instance.claims, instance.need_rot, instance.r,
                                 instance.params, stacking)
    verify_whir(t._t, [c.root for c in instance.commits], [c.width for c in instance.commits], u,
                stacking.stacking_openings, instance.params, SimpleNamespace(**instance.whir))
    assert t.state == instance.end_state


def test_prove_openings_runs_both_phases(instance):
    t = instance.start.copy()
    stacking, whir = pcs.prove_openings(t, instance.commits, instance.r, instance.need_rot, instance.params)
    assert t.state == instance.end_state
    assert all(np.array_equal(a, b) for a, b in zip(stacking["stacking_openings"], instance.stacking["stacking_openings"]))
    assert np.array_equal(whir["final_poly"], instance.whir["final_poly"])


def test_openings_on_another_backend_than_the_commitment(instance):
    # The commitments were made on the default backend; openings on another one copy the stacked
    # matrix and message there (stacked_on) and must give the same proof.
    t = instance.start.copy()
    stacking, whir = pcs.prove_openings(t, instance.commits, instance.r, instance.need_rot, instance.params,
                                        backend="dual:cpu,cpu")
    assert t.state == instance.end_state
    assert all(np.array_equal(a, b) for a, b in zip(stacking["stacking_openings"], instance.stacking["stacking_openings"]))
    assert np.array_equal(whir["final_poly"], instance.whir["final_poly"])
