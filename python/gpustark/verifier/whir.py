"""Verifying the WHIR opening (PROTOCOL 11; Fiat-Shamir steps 20-21), in OpenVM's order.

Shapes (counts, Merkle depths, canonical values) are checked before any transcript work; then each
round's sumcheck, proof-of-work, queries (Merkle paths and k-fold of the opened values) and the
final constraint on the final polynomial.
"""
from __future__ import annotations

import numpy as np

from .. import merkle
from ..ext import Ext, P
from ..poly import eq, horner, mle_eval
from .errors import VerificationError
from .native import ef_array, ef_scalar, kernels, observe_all, to_ext, to_exts
from .stacking import _quadratic_at, as_transcript, ext_list, observe, proof_field, sample, two_adic_generator

__all__ = ["verify_whir"]

_HALF = (P + 1) // 2


def _u32_array(value, shape: tuple, what: str) -> np.ndarray:
    """A canonical uint32 array of exactly `shape`, or a 'whir_shape' VerificationError."""
    try:
        array = np.asarray(value, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise VerificationError("whir_shape", f"{what}: expected integers") from exc
    if array.shape != shape:
        raise VerificationError("whir_shape", f"{what}: expected shape {shape}, found {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= P):
        raise VerificationError("whir_shape", f"{what}: values must be canonical field elements")
    return array.astype(np.uint32)


def _base_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= int(value) < P:
        raise VerificationError("whir_shape", f"{what}: expected a field element, found {value!r}")
    return int(value)


def _combine_rows(rows: np.ndarray, mu_limbs: np.ndarray) -> list[Ext]:
    """sum_c mu^c * rows[t][c] for every t: a base matrix times an EF vector, limb by limb.

    mu limbs are split into 16-bit halves so each uint64 dot product stays below 2^63 for up to
    2^16 columns; the halves are recombined with Python integers.
    """
    rows64 = rows.astype(np.uint64)
    out = [[0] * 4 for _ in range(rows.shape[0])]
    for start in range(0, rows.shape[1], 1 << 16):
        block = rows64[:, start:start + (1 << 16)]
        limbs = mu_limbs[start:start + (1 << 16)]
        lo = block @ (limbs & 0xFFFF)
        hi = block @ (limbs >> 16)
        for t in range(rows.shape[0]):
            for j in range(4):
                out[t][j] += int(lo[t, j]) + (int(hi[t, j]) << 16)
    return [Ext(*v) for v in out]


def _binary_k_fold(values: list[Ext], alphas: list[Ext], x: int) -> Ext:
    """The k-fold of a query's 2^k codeword values at x^(2^k) (PROTOCOL 11, round step 3):
    at level j the pairs (v[i], v[i + half]) sit at t and -t with t = x^(2^j) omega_k^(i 2^j), and
    v[i] <- v[i] + (alpha - t)(v[i] - v[i + half]) / (2t)."""
    values = list(values)
    k = len(alphas)
    omega_k = two_adic_generator(k)
    x_pow = x
    for j, alpha in enumerate(alphas):
        half = len(values) >> (j + 1)
        for i in range(half):
            t = pow(omega_k, i << j, P) * x_pow % P
            inv_2t = pow(t, P - 2, P) * _HALF % P
            values[i] = values[i] + (alpha - t) * (values[i] - values[i + half]) * inv_2t
        x_pow = x_pow * x_pow % P
    return values[0]


def _mobius_eq(u: list[Ext], x: list[Ext]) -> Ext:
    acc = Ext(1)
    for ui, xi in zip(u, x):
        acc = acc * ((1 - ui - ui) * (1 - xi) + ui * xi)
    return acc


def _powers_of_two(z, count: int) -> list:
    out = [z]
    for _ in range(count - 1):
        out.append(out[-1] * out[-1])
    return out


class _Shape:
    """The proof's fields, checked against the parameters and converted."""

    def __init__(self, proof, params, commitments, widths, stacking_openings, u):
        w, m, lb = params.whir, params.log_stacked_height, params.log_blowup
        k, rounds, queries = w.k, w.num_rounds, list(w.num_queries)
        if len(commitments) != len(widths) or len(stacking_openings) != len(widths):
            raise VerificationError("whir_shape", f"{len(commitments)} commitments, {len(widths)} widths and "
                                                  f"{len(stacking_openings)} opening lists")
        self.commitments = [_u32_array(c, (8,), f"commitments[{i}]") for i, c in enumerate(commitments)]
        self.openings = [ext_list(o, "whir_shape", f"stacking_openings[{c}]", int(width))
                         for c, (o, width) in enumerate(zip(stacking_openings, widths))]
        self.u = ext_list(u, "whir_shape", "u", params.n_stack + 1)
        self.mu_pow_witness = _base_int(proof_field(proof, "mu_pow_witness"), "mu_pow_witness")
        polys = proof_field(proof, "whir_sumcheck_polys")
        if len(polys) != rounds * k:
            raise VerificationError("whir_shape", f"expected {rounds * k} sumcheck polynomials, found {len(polys)}")
        self.polys = [ext_list(pair, "whir_shape", f"whir_sumcheck_polys[{i}]", 2) for i, pair in enumerate(polys)]
        commits = proof_field(proof, "codeword_commits")
        if len(commits) != rounds - 1:
            raise VerificationError("whir_shape", f"expected {rounds - 1} codeword commits, found {len(commits)}")
        self.codeword_commits = [_u32_array(c, (8,), f"codeword_commits[{i}]") for i, c in enumerate(commits)]
        self.ood_values = ext_list(proof_field(proof, "ood_values"), "whir_shape", "ood_values", rounds - 1)
        fold = proof_field(proof, "folding_pow_witnesses")
        query = proof_field(proof, "query_phase_pow_witnesses")
        if len(fold) != rounds * k or len(query) != rounds:
            raise VerificationError("whir_shape", f"expected {rounds * k} folding and {rounds} query-phase "
                                                  f"witnesses, found {len(fold)} and {len(query)}")
        self.folding_pow = [_base_int(v, "folding_pow_witnesses") for v in fold]
        self.query_pow = [_base_int(v, "query_phase_pow_witnesses") for v in query]
        rows, paths = proof_field(proof, "initial_round_opened_rows"), proof_field(proof, "initial_round_merkle_proofs")
        if len(rows) != len(widths) or len(paths) != len(widths):
            raise VerificationError("whir_shape", "initial-round openings: expected one entry per commitment")
        depth0 = m + lb - k
        self.initial_rows = [_u32_array(v, (queries[0], 1 << k, int(wd)), f"initial_round_opened_rows[{c}]")
                             for c, (v, wd) in enumerate(zip(rows, widths))]
        self.initial_paths = [_u32_array(v, (queries[0], depth0, 8), f"initial_round_merkle_proofs[{c}]")
                              for c, v in enumerate(paths)]
        values, paths = proof_field(proof, "codeword_opened_values"), proof_field(proof, "codeword_merkle_proofs")
        if len(values) != rounds - 1 or len(paths) != rounds - 1:
            raise VerificationError("whir_shape", f"later-round openings: expected {rounds - 1} rounds")
        self.values = [_u32_array(v, (queries[i], 1 << k, 4), f"codeword_opened_values[{i - 1}]")
                       for i, v in enumerate(values, start=1)]
        self.paths = [_u32_array(v, (queries[i], depth0 - i, 8), f"codeword_merkle_proofs[{i - 1}]")
                      for i, v in enumerate(paths, start=1)]
        self.final_poly = ext_list(proof_field(proof, "final_poly"), "whir_shape", "final_poly",
                                   1 << (m - rounds * k))


def check_whir_shape(proof, params, commitments, widths, stacking_openings) -> "_Shape":
    """Every WhirProof length and Merkle depth (PROTOCOL 13 step 2), before any transcript work;
    returns the checked fields, for verify_whir(checked=...)."""
    return _Shape(proof, params, commitments, widths, stacking_openings, np.zeros((params.n_stack + 1, 4), np.uint32))


def verify_whir(transcript, commitments, widths, u, stacking_openings, params, proof, native: bool = True,
                checked: "_Shape | None" = None) -> None:
    """Check a WhirProof opening every commitment's stacked columns at u (PROTOCOL 11).

    transcript         gpustark.Transcript after the stacking openings were observed (step 19)
    commitments        per commit, the (8,) root; widths: per commit, the stacked width
    u                  the stacking point (u_0, u_1..u_n_stack)
    stacking_openings  per commit, (width_c, 4) claims q^_c(u)
    proof              WhirProof fields (dict or dataclass)
    native             False: Merkle paths, row combinations, folds and the final constraint's
                       per-query terms one by one in Python (the reference)
    checked            check_whir_shape's result for the same proof and statement, to skip
                       converting the proof's fields twice
    Raises VerificationError naming the check: whir_shape, whir_mu_pow, whir_folding_pow,
    whir_query_pow, whir_merkle, whir_final_poly.
    """
    transcript = as_transcript(transcript)
    sponge = transcript._t  # the native transcript, for the query indices (hundreds of samples)
    if checked is None:
        s = _Shape(proof, params, commitments, widths, stacking_openings, u)
    else:  # check_whir_shape's result for these same arguments: only u is new
        s = checked
        s.u = ext_list(u, "whir_shape", "u", params.n_stack + 1)
    w, m, lb = params.whir, params.log_stacked_height, params.log_blowup
    k, rounds = w.k, w.num_rounds
    u_cube = _powers_of_two(s.u[0], params.l_skip) + s.u[1:] if params.l_skip else s.u[1:]

    if not transcript.check_witness(w.mu_pow_bits, s.mu_pow_witness):
        raise VerificationError("whir_mu_pow", "the mu proof-of-work witness does not pass")
    mu = sample(transcript)
    total_width = sum(int(x) for x in widths)
    if native:
        mu_array = kernels.ef_powers(ef_scalar(mu), total_width)
        claim = to_ext(kernels.ef_dot(mu_array, ef_array([v for o in s.openings for v in o])))
    else:
        mu_pows = [Ext(1)]
        for _ in range(total_width - 1):
            mu_pows.append(mu_pows[-1] * mu)
        mu_limbs = np.array([v.limbs() for v in mu_pows], dtype=np.uint64).reshape(-1, 4)
        claim = Ext(0)
        for opening, mu_pow in zip((v for o in s.openings for v in o), mu_pows):
            claim = claim + mu_pow * opening

    alphas, gammas, z0s, zs = [], [], [], []
    log_rs = m + lb
    for rnd in range(rounds):
        last = rnd == rounds - 1
        alphas_round = []
        if native:
            final, folded, failed = kernels.whir_folding_rounds(
                sponge, ef_scalar(claim), ef_array([v for pair in s.polys[rnd * k:(rnd + 1) * k] for v in pair]).reshape(-1, 2, 4),
                w.folding_pow_bits, s.folding_pow[rnd * k:(rnd + 1) * k])
            if failed >= 0:
                raise VerificationError("whir_folding_pow", f"round {rnd}, fold {failed}: the witness does not pass")
            claim, alphas_round = to_ext(final), to_exts(folded)
        for j in range(0 if native else k):
            e1, e2 = s.polys[rnd * k + j]
            observe(transcript, e1)
            observe(transcript, e2)
            if not transcript.check_witness(w.folding_pow_bits, s.folding_pow[rnd * k + j]):
                raise VerificationError("whir_folding_pow", f"round {rnd}, fold {j}: the witness does not pass")
            alpha = sample(transcript)
            alphas_round.append(alpha)
            claim = _quadratic_at(claim - e1, e1, e2, alpha)
        y0 = None
        if last:
            observe_all(transcript, s.final_poly)
        else:
            sponge.observe_many(s.codeword_commits[rnd].tolist())  # canonical: checked in _Shape
            z0s.append(sample(transcript))
            y0 = s.ood_values[rnd]
            observe(transcript, y0)
        if not transcript.check_witness(w.query_phase_pow_bits, s.query_pow[rnd]):
            raise VerificationError("whir_query_pow", f"round {rnd}: the witness does not pass")
        if not 0 <= log_rs - k < 31:
            raise VerificationError("whir_shape", f"query indices of {log_rs - k} bits: expected fewer than 31")
        indices = [sponge.sample_bits(log_rs - k) for _ in range(w.num_queries[rnd])]

        omega = two_adic_generator(log_rs)
        if native:
            ys = _native_round_values(s, rnd, widths, k, log_rs, indices, mu_array, alphas_round)
            zs_round = [pow(omega, index << k, P) for index in indices]
        else:
            ys, zs_round = _reference_round_values(s, rnd, widths, k, log_rs, indices, mu_limbs, alphas_round)
        gamma = sample(transcript)  # sampled in the last round too
        if y0 is not None:
            claim = claim + y0 * gamma
        if native:  # ys: a (queries, 4) array
            claim = claim + to_ext(kernels.ef_dot(kernels.ef_powers(ef_scalar(gamma), len(ys) + 2)[2:], ys))
        else:
            weight = gamma * gamma
            for y in ys:
                claim = claim + y * weight
                weight = weight * gamma
        gammas.append(gamma)
        zs.append(zs_round)
        alphas.extend(alphas_round)
        log_rs -= 1

    # Final constraint: sum_b f(b) (K_u(alpha || b) + sum gamma eq(pow(z), alpha_{>k(i+1)} || b)).
    t = k * rounds
    if native:
        final_poly = ef_array(s.final_poly)
        acc = (to_ext(kernels.mobius_eq(ef_array(u_cube[:t]), ef_array(alphas)))
               * to_ext(kernels.mle_eval(final_poly, ef_array(u_cube[t:]))))
    else:
        acc = _mobius_eq(u_cube[:t], alphas) * mle_eval(s.final_poly, u_cube[t:])
    for i in range(rounds):
        alpha_slice = alphas[k * (i + 1):t]
        if native:  # points: the OOD point z0 (weight gamma) unless last, then the queries' z (gamma^2, gamma^3..)
            weights = kernels.ef_powers(ef_scalar(gammas[i]), len(zs[i]) + 2)[1:]
            points = np.zeros((len(zs[i]) + 1, 4), np.uint32)
            points[1:, 0] = zs[i]
            if i != rounds - 1:
                points[0] = z0s[i].c
            else:
                points, weights = points[1:], weights[1:]
            acc = acc + to_ext(kernels.whir_query_terms(final_poly, ef_array(alpha_slice), points, weights))
            continue
        points = ([(z0s[i], gammas[i])] if i != rounds - 1 else [])
        weight = gammas[i] * gammas[i]
        for z in zs[i]:
            points.append((Ext(z), weight))
            weight = weight * gammas[i]
        for z, weight in points:
            z_pows = _powers_of_two(z, len(alpha_slice) + 1)
            acc = acc + weight * eq(alpha_slice, z_pows[:-1]) * horner(s.final_poly, z_pows[-1])
    if acc != claim:
        raise VerificationError("whir_final_poly", "the final polynomial does not explain the folded claims")


def _native_round_values(s: _Shape, rnd: int, widths, k: int, log_rs: int, indices, mu_array, alphas_round) -> np.ndarray:
    """Every query's folded value in one round, (queries, 4): the Merkle paths, row combinations and
    k-folds natively."""
    if rnd == 0:
        values = None
        offset = 0
        for c, (root, width) in enumerate(zip(s.commitments, widths)):
            bad = kernels.merkle_first_failure(root, 1 << log_rs, int(width), k, indices, s.initial_rows[c],
                                               s.initial_paths[c])
            if bad >= 0:
                raise VerificationError("whir_merkle", f"round 0, commit {c}, query {bad}: bad Merkle path")
            combined = kernels.combine_rows(s.initial_rows[c], mu_array[offset:offset + int(width)])
            values = combined if values is None else ((values.astype(np.uint64) + combined) % P).astype(np.uint32)
            offset += int(width)
    else:
        bad = kernels.merkle_first_failure(s.codeword_commits[rnd - 1], 1 << log_rs, 4, k, indices, s.values[rnd - 1],
                                           s.paths[rnd - 1])
        if bad >= 0:
            raise VerificationError("whir_merkle", f"round {rnd}, query {bad}: bad Merkle path")
        values = s.values[rnd - 1]
    return kernels.whir_fold(values, ef_array(alphas_round), log_rs, indices)


def _reference_round_values(s: _Shape, rnd: int, widths, k: int, log_rs: int, indices, mu_limbs, alphas_round):
    """(folded values, z = x^(2^k) per query) of one round, query by query in Python."""
    omega = two_adic_generator(log_rs)
    ys, zs_round = [], []
    for q, index in enumerate(indices):
        x = pow(omega, index, P)
        if rnd == 0:
            # The batched codeword's values: every commitment's opened rows, weighted by mu^J.
            values = [Ext(0)] * (1 << k)
            offset = 0
            for c, (root, width) in enumerate(zip(s.commitments, widths)):
                rows, path = s.initial_rows[c][q], s.initial_paths[c][q]
                if not merkle.verify(root, 1 << log_rs, int(width), k, index, rows, path):
                    raise VerificationError("whir_merkle", f"round 0, commit {c}, query {q}: bad Merkle path")
                combined = _combine_rows(rows, mu_limbs[offset:offset + int(width)])
                values = [a + b for a, b in zip(values, combined)]
                offset += int(width)
        else:
            opened, path = s.values[rnd - 1][q], s.paths[rnd - 1][q]
            if not merkle.verify(s.codeword_commits[rnd - 1], 1 << log_rs, 4, k, index, opened, path):
                raise VerificationError("whir_merkle", f"round {rnd}, query {q}: bad Merkle path")
            values = [Ext(*map(int, v)) for v in opened]
        ys.append(_binary_k_fold(values, alphas_round, x))
        zs_round.append(pow(x, 1 << k, P))
    return ys, zs_round
