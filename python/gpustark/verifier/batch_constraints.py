"""Verifying the batch constraint sumcheck (PROTOCOL 9.2, 7 steps 7-14)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .. import field
from ..ext import Ext, P, inv_base
from ..poly import eq, eq_uni, horner, interpolate_on_integers
from .dag_eval import evaluate_dag
from .errors import VerificationError
from .gkr import GkrResult
from .statement import TraceStatement, cube_vars


@dataclass
class BatchResult:
    r: list[Ext]
    xi: list[Ext]
    lam: Ext
    mu: Ext
    s0_at_r0: Ext
    final_claim: Ext
    openings: list[list[tuple[Ext, Ext]]]  # per trace, per column: (claim, rotated claim or 0)


def _observe(transcript, value: Ext) -> None:
    transcript.observe_ext(value.limbs())


def _sample(transcript) -> Ext:
    return Ext.of(transcript.sample_ext())


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
                             max_degree: int, n_logup: int, slot_offsets: Sequence[Sequence[int]]) -> BatchResult:
    """Checks the batch sumcheck against the GKR claims; returns r = (r_0..r_{n_max}) and more."""
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
    for c in coeffs:
        _observe(transcript, c)
    batched = sum((mu_powers[2 * t] * sums_p[t] + mu_powers[2 * t + 1] * sums_q[t] for t in range(count)), Ext(0))
    if sum(coeffs[::n], Ext(0)) * n != batched:
        raise VerificationError("univariate_skip_sum", "round 0's sum over D does not equal the batched claim")
    r = [_sample(transcript)]
    claim = horner(coeffs, r[0])
    s0_at_r0 = claim
    for values in proof.sumcheck_round_polys:
        values = [Ext.of(v) for v in values]
        for v in values:
            _observe(transcript, v)
        r.append(_sample(transcript))
        claim = interpolate_on_integers([claim - values[0]] + values, r[-1])

    openings = []
    for trace, parts in zip(traces, proof.column_openings):
        flat = [Ext.of(v) for v in parts[0]]
        pairs = list(zip(flat[0::2], flat[1::2])) if trace.air.need_rot else [(v, Ext(0)) for v in flat]
        for claim_value, rot_value in pairs:
            _observe(transcript, claim_value)
            _observe(transcript, rot_value)
        openings.append(pairs)

    expected = _final_claim(traces, openings, xi, r, lam, mu_powers, gkr.beta, l_skip, n_max, n_logup, slot_offsets)
    if claim != expected:
        raise VerificationError("batch_final_claim", "the sumcheck's last claim does not match the openings")
    return BatchResult(r, xi, lam, mu, s0_at_r0, claim, openings)


def _final_claim(traces, openings, xi, r, lam, mu_powers, beta, l_skip, n_max, n_logup, slot_offsets) -> Ext:
    count = len(traces)
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
        nodes = evaluate_dag(trace.air.nodes, [c for c, _ in pairs], [rot for _, rot in pairs],
                             selectors_at(trace, l_skip, r), trace.public_values)
        expr, lam_power = Ext(0), Ext(1)
        for node in trace.air.constraints:
            expr, lam_power = expr + lam_power * nodes[node], lam_power * lam
        numerator, denominator = Ext(0), Ext(0)
        for (bus, count_node, message), offset in zip(trace.air.interactions, slot_offsets[t]):
            tail = xi[l_skip + vars_:l_skip + n_logup]
            weight = eq(tail, [(offset >> (l_skip + vars_ + b)) & 1 for b in range(len(tail))])
            h, beta_power = Ext(0), Ext(1)
            for m in message:
                h, beta_power = h + beta_power * nodes[m], beta_power * beta
            h = h + beta_power * (bus + 1)
            numerator, denominator = numerator + weight * nodes[count_node], denominator + weight * h
        norm = inv_base(1 << (l_skip - trace.log_height)) if trace.log_height < l_skip else 1
        total = total + mu_powers[2 * t] * numerator * norm * eq_sharp * cube
        total = total + mu_powers[2 * t + 1] * denominator * eq_sharp * cube
        total = total + mu_powers[2 * count + t] * eq_d * cube * expr
    return total
