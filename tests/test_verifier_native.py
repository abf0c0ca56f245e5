"""The verifier's native fast paths against its Python reference (verify(..., native=False)):
the same verdict and the same failed check on honest and tampered proofs, the same values from
each native kernel on random inputs, and ValueError (never a crash) on malformed kernel input."""
from __future__ import annotations

import numpy as np
import pytest

import gpustark
from gpustark import merkle
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_fixture
from gpustark.ext import Ext, P
from gpustark.layout import stacked_layout
from gpustark.poly import mle_eval
from gpustark.proof import get_element, proof_fields, set_element
from gpustark.verifier.batch_constraints import _trace_terms, _native_trace_terms
from gpustark.verifier.dag_eval import evaluate_dag
from gpustark.verifier.native import ef_array, ef_scalar, kernels, to_ext, to_exts
from gpustark.verifier.stacking import _slot_kernel
from gpustark.verifier.statement import TraceStatement
from gpustark.verifier.verify import air_statement
from gpustark.verifier.whir import _binary_k_fold, _combine_rows, two_adic_generator

SMALL = gpustark.test_params_small()


def _proof(which: str):
    if which == "fib":
        pk, vk = gpustark.keygen([fibonacci_air()], SMALL)
        trace = fibonacci_trace(64)
        return vk, gpustark.prove(pk, [trace], public_values=[fibonacci_public_values(trace)])
    if which == "interactions":
        airs, traces, pvs = fixture11()
    else:
        airs, traces, pvs = multi_fixture(seed=3)
    pk, vk = gpustark.keygen(airs, SMALL)
    return vk, gpustark.prove(pk, traces, public_values=pvs)


@pytest.fixture(scope="module", params=["fib", "interactions", "multi"])
def proof_case(request):
    return _proof(request.param)


def _verdict(vk, proof, native: bool):
    try:
        gpustark.verify(vk, proof, native=native)
    except gpustark.VerificationError as exc:
        return exc.check
    return "valid"


def test_honest_proofs_verify_both_ways(proof_case):
    vk, proof = proof_case
    assert _verdict(vk, proof, True) == _verdict(vk, proof, False) == "valid"


def test_tampered_proofs_fail_the_same_check(proof_case):
    # Every field kind, and within each field a spread of elements (first, then every 5th).
    vk, proof = proof_case
    seen, compared = {}, 0
    for path, container, index in proof_fields(proof):
        kind = path.split("[")[0]
        seen[kind] = seen.get(kind, -1) + 1
        if seen[kind] % 5:
            continue
        original = get_element(container, index)
        set_element(container, index, (original + 1) % P)
        try:
            fast, reference = _verdict(vk, proof, True), _verdict(vk, proof, False)
        finally:
            set_element(container, index, original)
        assert fast == reference != "valid", f"{path}: native {fast}, reference {reference}"
        compared += 1
    assert compared > 20 and _verdict(vk, proof, True) == "valid"


def test_malformed_openings_are_rejected_not_crashed():
    vk, proof = _proof("multi")
    part = proof.batch_constraint_proof.column_openings[0]
    original = part[0]
    part[0] = original[:-1]  # one opening short
    try:
        for native in (True, False):
            with pytest.raises(gpustark.VerificationError):
                gpustark.verify(vk, proof, native=native)
        part[0] = original.astype(np.int64)
        part[0][0, 0] = P  # not canonical
        with pytest.raises(gpustark.VerificationError):
            gpustark.verify(vk, proof, native=True)
    finally:
        part[0] = original
    gpustark.verify(vk, proof)


# ---- kernels against their Python references ---------------------------------------------------

def _rand_ext(rng) -> Ext:
    return Ext(*(int(v) for v in rng.integers(0, P, 4)))


def test_air_claims_match_the_python_dag():
    rng = np.random.default_rng(5)
    airs, _, _ = multi_fixture(seed=1)
    _, vk = gpustark.keygen(airs + list(fixture11()[0]) + [fibonacci_air()], SMALL)
    for avk in vk.per_air:
        air = air_statement(avk)
        trace = TraceStatement(air, 3, [int(v) for v in rng.integers(0, P, avk.num_public_values)])
        pairs = [(_rand_ext(rng), _rand_ext(rng) if air.need_rot else Ext(0)) for _ in range(air.width)]
        selectors, lam, beta = tuple(_rand_ext(rng) for _ in range(3)), _rand_ext(rng), _rand_ext(rng)
        array = np.array([[a.c, b.c] for a, b in pairs], dtype=np.uint32).reshape(-1, 2, 4)
        assert _native_trace_terms(trace, array, selectors, lam, beta) == _trace_terms(trace, pairs, selectors, lam, beta)
        nodes = evaluate_dag(air.nodes, [a for a, _ in pairs], [b for _, b in pairs], selectors, trace.public_values)
        assert len(nodes) == len(air.nodes)


@pytest.mark.parametrize("l_skip, n_stack, heights", [(2, 8, [10, 6, 2, 1, 0]), (4, 5, [9, 4, 3]), (0, 3, [3, 1])])
def test_stacking_kernels_match_the_slot_kernels(l_skip, n_stack, heights):
    rng = np.random.default_rng(l_skip + n_stack)
    matrices = [(h, int(rng.integers(1, 4))) for h in heights]
    slots, width = stacked_layout(l_skip, l_skip + n_stack, matrices)
    need_rot = [bool(rng.integers(0, 2)) for _ in matrices]
    u = [_rand_ext(rng) for _ in range(n_stack + 1)]
    r = [_rand_ext(rng) for _ in range(n_stack + 1)]
    lam, power = _rand_ext(rng), _rand_ext(rng)
    expected, weight = [Ext(0)] * width, power
    for s in slots:
        expected[s.stacked_col] += _slot_kernel(l_skip, n_stack, s, need_rot[s.matrix], u, r, weight, lam)
        weight = weight * lam * lam
    got = kernels.stacking_kernels(l_skip, n_stack, np.array(slots, dtype=np.uint32), need_rot, ef_array(u),
                                   ef_array(r), ef_scalar(lam), ef_scalar(power), width)
    assert to_exts(got) == expected


def test_whir_fold_and_combine_match_python():
    rng = np.random.default_rng(9)
    k, log_rs, queries = 3, 12, [0, 5, 511, 77]
    alphas = [_rand_ext(rng) for _ in range(k)]
    values = rng.integers(0, P, (len(queries), 1 << k, 4), dtype=np.uint32)
    omega = two_adic_generator(log_rs)
    expected = [_binary_k_fold(to_exts(v), alphas, pow(omega, q, P)) for v, q in zip(values, queries)]
    assert to_exts(kernels.whir_fold(values, ef_array(alphas), log_rs, queries)) == expected

    rows = rng.integers(0, P, (4, 1 << k, 37), dtype=np.uint32)
    mu = ef_array([_rand_ext(rng) for _ in range(37)])
    combined = kernels.combine_rows(rows, mu)
    for q in range(4):
        assert to_exts(combined[q]) == _combine_rows(rows[q], mu.astype(np.uint64))


def test_mle_eval_and_query_terms_match_python():
    rng = np.random.default_rng(4)
    table = [_rand_ext(rng) for _ in range(16)]
    point = [_rand_ext(rng) for _ in range(4)]
    assert to_ext(kernels.mle_eval(ef_array(table), ef_array(point))) == mle_eval(table, point)
    alpha_slice = [_rand_ext(rng) for _ in range(3)]
    zs, weights = [_rand_ext(rng), Ext(12345)], [_rand_ext(rng), _rand_ext(rng)]
    expected = Ext(0)
    for z, w in zip(zs, weights):
        z_pows = [z, z * z, z ** 4, z ** 8]
        acc = Ext(1)
        for a, zp in zip(alpha_slice, z_pows):
            acc = acc * (a * zp + (1 - a) * (1 - zp))
        value = Ext(0)
        for c in reversed(table):
            value = value * z_pows[3] + c
        expected = expected + w * acc * value
    assert to_ext(kernels.whir_query_terms(ef_array(table), ef_array(alpha_slice), ef_array(zs), ef_array(weights))) == expected


def test_batched_merkle_agrees_with_single_paths():
    rng = np.random.default_rng(2)
    rows, width, k = 64, 5, 2
    tree = merkle.MerkleTree(rng.integers(0, P, (rows, width), dtype=np.uint32), log_group=k)
    queries = [3, 0, 15, 7]
    opened = np.stack([tree.open(q)[0] for q in queries])
    paths = np.stack([tree.open(q)[1] for q in queries])
    assert kernels.merkle_first_failure(tree.root, rows, width, k, queries, opened, paths) == -1
    for q, what in [(2, "row"), (1, "path"), (3, "query")]:
        o, p, qs = opened.copy(), paths.copy(), list(queries)
        if what == "row":
            o[q, 1, 2] = (o[q, 1, 2] + 1) % P
        elif what == "path":
            p[q, -1, 0] = (p[q, -1, 0] + 1) % P
        else:
            qs[q] = rows  # out of range
        single = [merkle.verify(tree.root, rows, width, k, qq, oo, pp) if qq < rows >> k else False
                  for qq, oo, pp in zip(qs, o, p)]
        assert kernels.merkle_first_failure(tree.root, rows, width, k, qs, o, p) == single.index(False) == q


@pytest.mark.parametrize("call", [
    lambda: kernels.merkle_first_failure(np.zeros(8, np.uint32), 64, 5, 2, [0], np.zeros((1, 4, 4), np.uint32),
                                         np.zeros((1, 4, 8), np.uint32)),
    lambda: kernels.whir_fold(np.zeros((2, 8, 4), np.uint32), np.zeros((3, 4), np.uint32), 10, [0]),
    lambda: kernels.combine_rows(np.full((1, 2, 3), P, np.uint32), np.zeros((3, 4), np.uint32)),
    lambda: kernels.stacking_kernels(2, 3, np.array([[0, 0, 5, 0, 3]], np.uint32), [False], np.zeros((4, 4), np.uint32),
                                     np.zeros((4, 4), np.uint32), np.zeros(4, np.uint32), np.zeros(4, np.uint32), 2),
    lambda: kernels.stacking_kernels(2, 3, np.array([[0, 0, 0, 0, 9]], np.uint32), [False], np.zeros((4, 4), np.uint32),
                                     np.zeros((4, 4), np.uint32), np.zeros(4, np.uint32), np.zeros(4, np.uint32), 2),
    lambda: kernels.mle_eval(np.zeros((3, 4), np.uint32), np.zeros((2, 4), np.uint32)),
    lambda: kernels.ef_dot(np.zeros((3, 4), np.uint32), np.zeros((2, 4), np.uint32)),
])
def test_malformed_kernel_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_air_claims_check_their_inputs():
    _, vk = gpustark.keygen([fibonacci_air()], SMALL)
    air = air_statement(vk.per_air[0])
    zeros = np.zeros((air.width, 4), np.uint32)
    args = [zeros, zeros, np.zeros((3, 4), np.uint32), [0] * vk.per_air[0].num_public_values,
            np.zeros(4, np.uint32), np.zeros(4, np.uint32)]
    kernels.air_claims(air.program, *args)
    for i, bad in [(0, zeros[:-1]), (2, np.zeros((2, 4), np.uint32)), (3, [P] * len(args[3])), (3, [])]:
        with pytest.raises(ValueError):
            kernels.air_claims(air.program, *args[:i], bad, *args[i + 1:])


# ---- the stacked reduction and WHIR alone: two commitments, short and rotated traces -------------

@pytest.mark.parametrize("preset", ["small", "tiny", "tiny_no_pow"])
def test_stacking_and_whir_agree_on_tampering(preset):
    import copy

    from test_stacking_whir import PARAMS, make_instance

    from gpustark.verifier.stacking import verify_stacked_reduction
    from gpustark.verifier.whir import verify_whir

    instance = make_instance(PARAMS[preset], np.random.default_rng(21))

    def verdict(native, stacking, whir, claims):
        t = instance.start.copy()
        try:
            u = verify_stacked_reduction(t, instance.layouts(), claims, instance.need_rot, instance.r, instance.params,
                                         stacking, native=native)
            verify_whir(t, [c.root for c in instance.commits], [c.width for c in instance.commits], u,
                        stacking["stacking_openings"], instance.params, whir, native=native)
        except gpustark.VerificationError as exc:
            return exc.check
        return t.state

    honest = verdict(True, instance.stacking, instance.whir, instance.claims)
    assert honest == verdict(False, instance.stacking, instance.whir, instance.claims) == instance.end_state
    rng = np.random.default_rng(1)
    cases = []
    for part, proof in (("stacking", instance.stacking), ("whir", instance.whir), ("claims", instance.claims)):
        items = proof.items() if isinstance(proof, dict) else [(None, proof)]
        for name, value in items:
            for j, array in enumerate(value if isinstance(value, list) else [value]):
                if not isinstance(array, np.ndarray) or array.size == 0:
                    continue
                for _ in range(3):
                    cases.append((part, name, j if isinstance(value, list) else None,
                                  tuple(int(rng.integers(0, n)) for n in array.shape)))
    for part, name, j, index in cases:
        stacking, whir, claims = copy.deepcopy(instance.stacking), copy.deepcopy(instance.whir), copy.deepcopy(instance.claims)
        target = {"stacking": stacking, "whir": whir}.get(part, {None: claims})[name]
        array = target[j] if j is not None else target
        array[index] = (int(array[index]) + 1) % P
        fast, reference = verdict(True, stacking, whir, claims), verdict(False, stacking, whir, claims)
        assert fast == reference and isinstance(fast, str), f"{part}.{name}[{j}]{index}: {fast} vs {reference}"
    assert len(cases) > 30


@pytest.mark.parametrize("rounds, degree", [(3, 2), (2, 3), (4, 4), (1, 1)])
def test_sumcheck_rounds_match_python(rounds, degree):
    from gpustark.poly import interpolate_on_integers
    from gpustark.verifier.native import sumcheck_rounds

    rng = np.random.default_rng(rounds * 10 + degree)
    values = rng.integers(0, P, (rounds, degree, 4), dtype=np.uint32)
    claim = _rand_ext(rng)
    fast_t, ref_t = gpustark.Transcript(), gpustark.Transcript()
    fast_claim, fast_r = sumcheck_rounds(fast_t, claim, values, "test", "values")
    ref_claim, ref_r = claim, []
    for row in values:
        row = to_exts(row)
        for v in row:
            ref_t.observe_ext(v.limbs())
        ref_r.append(Ext.of(ref_t.sample_ext()))
        ref_claim = interpolate_on_integers([ref_claim - row[0]] + row, ref_r[-1])
    assert (fast_claim, fast_r, fast_t.state) == (ref_claim, ref_r, ref_t.state)
    with pytest.raises(gpustark.VerificationError):
        sumcheck_rounds(fast_t, claim, values.astype(np.int64) + P, "test", "values")


def test_whir_folding_rounds_match_python():
    from gpustark.verifier.stacking import _quadratic_at

    rng = np.random.default_rng(8)
    polys = rng.integers(0, P, (3, 2, 4), dtype=np.uint32)
    claim, bits = _rand_ext(rng), 2
    # Witnesses that pass, found on a reference transcript as it goes.
    ref, witnesses, ref_claim, ref_alphas = gpustark.Transcript(), [], claim, []
    for e1, e2 in (to_exts(p) for p in polys):
        ref.observe_ext(e1.limbs())
        ref.observe_ext(e2.limbs())
        witnesses.append(next(w for w in range(1 << 12) if ref.copy().check_witness(bits, w)))
        assert ref.check_witness(bits, witnesses[-1])
        ref_alphas.append(Ext.of(ref.sample_ext()))
        ref_claim = _quadratic_at(ref_claim - e1, e1, e2, ref_alphas[-1])
    fast = gpustark.Transcript()
    final, alphas, failed = kernels.whir_folding_rounds(fast._t, ef_scalar(claim), polys, bits, witnesses)
    assert (to_ext(final), to_exts(alphas), failed, fast.state) == (ref_claim, ref_alphas, -1, ref.state)
    bad = list(witnesses)
    bad[1] = next(w for w in range(1 << 12) if w != witnesses[1])
    probe = gpustark.Transcript()
    _, alphas, failed = kernels.whir_folding_rounds(probe._t, ef_scalar(claim), polys, bits, bad)
    assert failed in (1, -1) and (failed == -1 or len(alphas) == 1)
    with pytest.raises(ValueError):
        kernels.whir_folding_rounds(probe._t, ef_scalar(claim), polys[:2], bits, witnesses)


@pytest.mark.parametrize("value", [P, -1, 1 << 40, "x"])
def test_bad_public_values_are_verification_errors(value):
    vk, proof = _proof("fib")
    original = proof.public_values[0][0]
    proof.public_values[0][0] = value
    try:
        for native in (True, False):
            with pytest.raises(gpustark.VerificationError):
                gpustark.verify(vk, proof, native=native)
    finally:
        proof.public_values[0][0] = original


@pytest.mark.parametrize("l_skip, log_height", [(2, 5), (2, 2), (2, 1), (2, 0), (4, 9), (0, 3)])
def test_selectors_horner_and_mobius_eq_match_python(l_skip, log_height):
    from gpustark.poly import horner
    from gpustark.verifier.batch_constraints import selectors_at
    from gpustark.verifier.whir import _mobius_eq

    rng = np.random.default_rng(l_skip * 16 + log_height)
    r = [_rand_ext(rng) for _ in range(max(log_height - l_skip, 0) + 1)]
    trace = TraceStatement(None, log_height, [])
    assert tuple(to_exts(kernels.selectors(l_skip, log_height, ef_array(r)))) == selectors_at(trace, l_skip, r)
    coeffs, x = [_rand_ext(rng) for _ in range(2 * log_height + 1)], _rand_ext(rng)
    assert to_ext(kernels.horner(ef_array(coeffs), ef_scalar(x))) == horner(coeffs, x)
    u, alphas = [_rand_ext(rng) for _ in range(log_height)], [_rand_ext(rng) for _ in range(log_height)]
    assert to_ext(kernels.mobius_eq(ef_array(u), ef_array(alphas))) == _mobius_eq(u, alphas)
    with pytest.raises(ValueError):
        kernels.selectors(l_skip, l_skip + len(r), ef_array(r))  # one cube coordinate short


def test_corrupted_proof_bytes_are_rejected_cleanly():
    """Random byte edits of an encoded proof: the decoder refuses them (ProofFormatError) or both
    verifier paths reject them with the same check; nothing else escapes."""
    vk, proof = _proof("multi")
    data = proof.to_bytes()
    rng = np.random.default_rng(13)
    verdicts = set()
    for _ in range(150):
        corrupted = bytearray(data)
        for position in rng.integers(0, len(data), int(rng.integers(1, 4))):
            corrupted[position] ^= 1 << int(rng.integers(0, 8))
        try:
            decoded = gpustark.Proof.from_bytes(bytes(corrupted))
        except gpustark.ProofFormatError:
            verdicts.add("format")
            continue
        fast, reference = _verdict(vk, decoded, True), _verdict(vk, decoded, False)
        assert fast == reference != "valid"
        verdicts.add("rejected")
    assert verdicts == {"format", "rejected"}
