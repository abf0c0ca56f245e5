"""Verifying the batch constraint sumcheck (PROTOCOL 9.2, 7 steps 7-14)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import _native, field
from ..ext import Ext, P, inv_base
from ..poly import eq, eq_uni, horner, interpolate_on_integers
from .dag_eval import evaluate_dag
from .errors import VerificationError
from .gkr import GkrResult
from .native import ef_array, ef_scalar, kernels, observe_all, observe_ext, sample_ext, sumcheck_rounds, to_ext, to_exts
from .statement import TraceStatement, cube_vars


@dataclass
class BatchResult:
    r: list[Ext]
    xi: list[Ext]
    lam: Ext
    mu: Ext
    s0_at_r0: Ext
    final_claim: Ext
    # Per trace, per column (claim, rotated claim or 0): Ext pairs, or with native=True a
    # (width, 2, 4) canonical array.
    openings: list


_observe, _sample = observe_ext, sample_ext


def check_batch_shape(traces, proof, *, l_skip: int, max_degree: int) -> None:
    """Lengths of every batch-proof field (PROTOCOL 13 step 2)."""
    n_max = max(cube_vars(t, l_skip) for t in traces)
    _check_shapes(traces, proof, (max_degree + 1) * ((1 << l_skip) - 1) + 1, n_max, max_degree)


def _check_shapes(traces, proof, num_coeffs: int, n_max: int, degree: int) -> None:
    count = len(traces)
    if len(proof.numerator_term_per_air) != count or len(proof.denominator_term_per_air) != count:
        raise VerificationError("batch_shape", f"expected {count} numerator and denominator terms")
    if len(proof.univariate_round_coeffs) != num_coeffs:
        raise VerificationError("batch_shape", f"expected {num_coeffs} round-0 coefficients, "
                                               f"found {len(proof.univariate_round_coeffs)}")
    if tuple(proof.sumcheck_round_polys.shape[:2]) != (n_max, degree + 1) and not (n_max == 0 and len(proof.sumcheck_round_polys) == 0):
        raise VerificationError("batch_shape", f"expected {n_max} rounds of {degree + 1} values")
    if len(proof.column_openings) != count:
        raise VerificationError("batch_shape", f"expected openings for {count} traces")
    for trace, parts in zip(traces, proof.column_openings):
        expected = trace.air.width * (2 if trace.air.need_rot else 1)
        if len(parts) != 1 or len(parts[0]) != expected:
            raise VerificationError("batch_shape", f"AIR '{trace.air.name}': expected one part of {expected} openings")


def selectors_at(trace: TraceStatement, l_skip: int, r: Sequence[Ext]) -> tuple[Ext, Ext, Ext]:
    """is_first, is_last, is_transition of the (lifted) trace at its opening point (PROTOCOL 5.4)."""
    n = trace.log_height - l_skip
    log_order, rho0 = (l_skip, r[0]) if n >= 0 else (l_skip + n, r[0] ** (1 << -n))
    vars_ = max(n, 0)

    def geometric(y: Ext) -> Ext:
        acc, power = Ext(0), Ext(1)
        for _ in range(1 << log_order):
            acc, power = acc + power, power * y
        return acc

    scale = inv_base(1 << log_order)
    first, last = geometric(rho0) * scale, geometric(rho0 * field.two_adic_generator(log_order)) * scale
    for i in range(1, vars_ + 1):
        first, last = first * (1 - r[i]), last * r[i]
    return first, last, 1 - last


def verify_batch_constraints(transcript, traces: Sequence[TraceStatement], gkr: GkrResult, proof, *, l_skip: int,
                             max_degree: int, n_logup: int, slot_offsets: Sequence[Sequence[int]],
                             native: bool = True) -> BatchResult:
    """Checks the batch sumcheck against the GKR claims; returns r = (r_0..r_{n_max}) and more.
    native=False evaluates the constraint DAGs in Python (the reference)."""
    count, n = len(traces), 1 << l_skip
    n_max = max(cube_vars(t, l_skip) for t in traces)
    num_coeffs = (max_degree + 1) * (n - 1) + 1
    _check_shapes(traces, proof, num_coeffs, n_max, max_degree)

    xi = list(gkr.xi)
    while len(xi) < l_skip + max(n_max, n_logup):
        xi.append(_sample(transcript))
    lam = _sample(transcript)
    sums_p = [Ext.of(v) for v in proof.numerator_term_per_air]
    sums_q = [Ext.of(v) for v in proof.denominator_term_per_air]
    for sp, sq in zip(sums_p, sums_q):
        _observe(transcript, sp)
        _observe(transcript, sq)
    if gkr.p_claim - sum(sums_p, Ext(0)) != Ext(0):
        raise VerificationError("logup_numerator_sum", "the per-trace numerator sums do not add up to the GKR claim")
    if gkr.q_claim - sum(sums_q, Ext(0)) != gkr.alpha:
        raise VerificationError("logup_denominator_sum", "the per-trace denominator sums do not add up to the GKR claim")
    mu = _sample(transcript)
    mu_powers = [Ext(1)]
    for _ in range(3 * count):
        mu_powers.append(mu_powers[-1] * mu)

    coeffs = [Ext.of(v) for v in proof.univariate_round_coeffs]
    observe_all(transcript, coeffs)
    batched = sum((mu_powers[2 * t] * sums_p[t] + mu_powers[2 * t + 1] * sums_q[t] for t in range(count)), Ext(0))
    if sum(coeffs[::n], Ext(0)) * n != batched:
        raise VerificationError("univariate_skip_sum", "round 0's sum over D does not equal the batched claim")
    r = [_sample(transcript)]
    claim = to_ext(kernels.horner(ef_array(coeffs), ef_scalar(r[0]))) if native else horner(coeffs, r[0])
    s0_at_r0 = claim
    if native:
        claim, challenges = sumcheck_rounds(transcript, claim, proof.sumcheck_round_polys, "batch_shape",
                                            "sumcheck_round_polys")
        r.extend(challenges)
    else:
        for values in proof.sumcheck_round_polys:
            values = [Ext.of(v) for v in values]
            observe_all(transcript, values)
            r.append(_sample(transcript))
            claim = interpolate_on_integers([claim - values[0]] + values, r[-1])

    if native:
        openings = [_opening_pairs(trace, parts[0]) for trace, parts in zip(traces, proof.column_openings)]
        for pairs in openings:
            observe_all(transcript, pairs)
    else:
        openings = []
        for trace, parts in zip(traces, proof.column_openings):
            flat = [Ext.of(v) for v in parts[0]]
            pairs = list(zip(flat[0::2], flat[1::2])) if trace.air.need_rot else [(v, Ext(0)) for v in flat]
            for claim_value, rot_value in pairs:
                _observe(transcript, claim_value)
                _observe(transcript, rot_value)
            openings.append(pairs)

    expected = _final_claim(traces, openings, xi, r, lam, mu_powers, gkr.beta, l_skip, n_max, n_logup, slot_offsets,
                            native)
    if claim != expected:
        raise VerificationError("batch_final_claim", "the sumcheck's last claim does not match the openings")
    return BatchResult(r, xi, lam, mu, s0_at_r0, claim, openings)


def _opening_pairs(trace: TraceStatement, part) -> np.ndarray:
    """A trace's openings as a (width, 2, 4) array of (claim, rotated claim or 0) pairs."""
    try:
        array = np.asarray(part, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise VerificationError("batch_shape", f"AIR '{trace.air.name}': openings must be integers") from exc
    width = trace.air.width
    if array.shape != ((2 * width if trace.air.need_rot else width), 4):
        raise VerificationError("batch_shape", f"AIR '{trace.air.name}': unexpected openings shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= P):
        raise VerificationError("batch_shape", f"AIR '{trace.air.name}': openings must be canonical")
    array = array.astype(np.uint32)
    if trace.air.need_rot:
        return array.reshape(width, 2, 4)
    return np.stack([array, np.zeros_like(array)], axis=1)


def _trace_terms(trace: TraceStatement, pairs, selectors, lam: Ext, beta: Ext):
    """(sum_i lam^i C_i, [(count, denominator) per interaction]) of one trace at the point, in Python."""
    nodes = evaluate_dag(trace.air.nodes, [c for c, _ in pairs], [rot for _, rot in pairs], selectors,
                         trace.public_values)
    expr, lam_power = Ext(0), Ext(1)
    for node in trace.air.constraints:
        expr, lam_power = expr + lam_power * nodes[node], lam_power * lam
    terms = []
    for bus, count_node, message in trace.air.interactions:
        h, beta_power = Ext(0), Ext(1)
        for m in message:
            h, beta_power = h + beta_power * nodes[m], beta_power * beta
        terms.append((nodes[count_node], h + beta_power * (bus + 1)))
    return expr, terms


def _native_program(air):
    if air.program is not None:
        return air.program
    return _native.AirProgram(air.name, air.width, air.need_rot, np.ascontiguousarray(air.nodes, dtype=np.uint32),
                              list(air.constraints), [(b, c, list(m)) for b, c, m in air.interactions],
                              air.num_public_values)


def _native_trace_terms(trace: TraceStatement, pairs: np.ndarray, selectors, lam: Ext, beta: Ext):
    """_trace_terms with the DAG evaluated natively (kernels.air_claims)."""
    publics = [int(v) for v in trace.public_values]
    if any(not 0 <= v < P for v in publics):
        raise VerificationError("batch_shape", f"AIR '{trace.air.name}': public values must be canonical")
    expr, counts, denominators = kernels.air_claims(
        _native_program(trace.air), np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1]),
        np.array([v.c for v in selectors], dtype=np.uint32), publics, ef_scalar(lam), ef_scalar(beta))
    return to_ext(expr), [(to_ext(c), to_ext(d)) for c, d in zip(counts, denominators)]


def _final_claim(traces, openings, xi, r, lam, mu_powers, beta, l_skip, n_max, n_logup, slot_offsets,
                 native: bool) -> Ext:
    count = len(traces)
    if native:
        evaluate = _native_trace_terms
        eq_sharp = to_ext(kernels.eq_sharp(l_skip, ef_scalar(r[0]), ef_array(xi[:l_skip])))
    else:
        evaluate = _trace_terms
        omega = field.two_adic_generator(l_skip)
        eq_sharp = sum((eq_uni(l_skip, r[0], pow(omega, a, P)) * eq(xi[:l_skip], [(a >> b) & 1 for b in range(l_skip)])
                        for a in range(1 << l_skip)), Ext(0))
    eq_d = eq_uni(l_skip, xi[0], r[0])
    total = Ext(0)
    for t, (trace, pairs) in enumerate(zip(traces, openings)):
        vars_ = cube_vars(trace, l_skip)
        cube = eq(xi[l_skip:l_skip + vars_], r[1:vars_ + 1])
        for j in range(vars_ + 1, n_max + 1):
            cube = cube * r[j]
        if native:
            selectors = tuple(to_exts(kernels.selectors(l_skip, trace.log_height, ef_array(r[:vars_ + 1]))))
        else:
            selectors = selectors_at(trace, l_skip, r)
        expr, terms = evaluate(trace, pairs, selectors, lam, beta)
        numerator, denominator = Ext(0), Ext(0)
        for (count_value, h), offset in zip(terms, slot_offsets[t]):
            tail = xi[l_skip + vars_:l_skip + n_logup]
            weight = eq(tail, [(offset >> (l_skip + vars_ + b)) & 1 for b in range(len(tail))])
            numerator, denominator = numerator + weight * count_value, denominator + weight * h
        norm = inv_base(1 << (l_skip - trace.log_height)) if trace.log_height < l_skip else 1
        total = total + mu_powers[2 * t] * numerator * norm * eq_sharp * cube
        total = total + mu_powers[2 * t + 1] * denominator * eq_sharp * cube
        total = total + mu_powers[2 * count + t] * eq_d * cube * expr
    return total
