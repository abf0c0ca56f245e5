"""Verifying LogUp-GKR (PROTOCOL 8.3-8.4) and the LogUp proof-of-work before it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ext import Ext
from ..poly import eq, interpolate_on_integers
from .errors import VerificationError
from .native import _sponge, canonical, ef_array, ef_scalar, kernels, observe_ext, sample_ext, to_ext, to_exts


@dataclass
class GkrResult:
    alpha: Ext
    beta: Ext
    xi: list[Ext]
    p_claim: Ext
    q_claim: Ext
    # Challenges as sampled, for tests against recorded transcripts: (lambda_j, mu_j) per round.
    challenges: list[tuple[Ext | None, Ext]] = field(default_factory=list)


_observe, _sample = observe_ext, sample_ext


def check_gkr_shape(proof, num_layers: int) -> None:
    """Layer and sumcheck counts (PROTOCOL 13 step 2)."""
    layers, polys = proof.claims_per_layer, proof.sumcheck_polys
    if num_layers == 0:
        if len(layers) or len(polys):
            raise VerificationError("gkr_shape", "claims or sumcheck polynomials present without interactions")
        return
    if len(layers) != num_layers or len(polys) != num_layers - 1:
        raise VerificationError("gkr_shape", f"expected {num_layers} layers and {num_layers - 1} sumchecks, "
                                             f"found {len(layers)} and {len(polys)}")
    for j, rounds in enumerate(polys, start=2):
        if tuple(rounds.shape) != (j - 1, 3, 4):
            raise VerificationError("gkr_shape", f"round {j}: expected {j - 1} sub-rounds of 3 values")


def verify_gkr(transcript, proof, logup_pow_bits: int, num_layers: int, native: bool = True) -> GkrResult:
    """Steps 4-6 of PROTOCOL 7. `num_layers` is l_skip + n_logup, or 0 without interactions.

    `proof` has the GkrProof fields: logup_pow_witness, q0_claim (4,), claims_per_layer (J, 4, 4)
    in struct order (p0, p1, q0, q1), sumcheck_polys (entry j-2 of shape (j-1, 3, 4)).
    native=False runs the layers after the root in Python (the reference); else kernels.gkr_layers.
    """
    if not transcript.check_witness(logup_pow_bits, int(proof.logup_pow_witness)):
        raise VerificationError("logup_pow", "the LogUp proof-of-work witness does not pass")
    alpha, beta = _sample(transcript), _sample(transcript)
    q0_claim = Ext.of(proof.q0_claim)
    layers, polys = proof.claims_per_layer, proof.sumcheck_polys
    check_gkr_shape(proof, num_layers)
    if num_layers == 0:
        if q0_claim != Ext(1):
            raise VerificationError("gkr_q0_claim", "without interactions q0_claim must be 1")
        return GkrResult(alpha, beta, [], Ext(0), alpha)

    _observe(transcript, q0_claim)
    p0, p1, q0, q1 = (Ext.of(v) for v in layers[0])
    for v in (p0, q0, p1, q1):
        _observe(transcript, v)
    if p0 * q1 + p1 * q0 != Ext(0):
        raise VerificationError("gkr_root_numerator", "the root's numerator is not zero")
    if q0 * q1 != q0_claim:
        raise VerificationError("gkr_root_denominator", "the root's children do not multiply to q0_claim")
    mu = _sample(transcript)
    result = GkrResult(alpha, beta, [mu], p0 + mu * (p1 - p0), q0 + mu * (q1 - q0), [(None, mu)])

    if native and num_layers >= 2:
        return _native_layers(transcript, result, num_layers, layers, polys)
    for j in range(2, num_layers + 1):
        lam = _sample(transcript)
        claim = result.p_claim + lam * result.q_claim
        rho = []
        for s1, s2, s3 in (tuple(Ext.of(v) for v in sub_round) for sub_round in polys[j - 2]):
            for v in (s1, s2, s3):
                _observe(transcript, v)
            r = _sample(transcript)
            rho.append(r)
            claim = interpolate_on_integers([claim - s1, s1, s2, s3], r)
        p0, p1, q0, q1 = (Ext.of(v) for v in layers[j - 1])
        for v in (p0, q0, p1, q1):
            _observe(transcript, v)
        if claim != eq(result.xi, rho) * ((p0 * q1 + p1 * q0) + lam * q0 * q1):
            raise VerificationError(f"gkr_layer_{j}", "the layer's sumcheck does not end at its claims")
        mu = _sample(transcript)
        result.xi = [mu] + rho
        result.p_claim, result.q_claim = p0 + mu * (p1 - p0), q0 + mu * (q1 - q0)
        result.challenges.append((lam, mu))
    return result


def _native_layers(transcript, result: GkrResult, num_layers: int, layers, polys) -> GkrResult:
    """Layers 2..num_layers natively (kernels.gkr_layers), the loop above being the reference."""
    claims = canonical(layers[1:], "gkr_shape", "claims_per_layer")
    rounds = canonical(np.concatenate([np.asarray(p).reshape(-1, 3, 4) for p in polys]), "gkr_shape", "sumcheck_polys")
    xi, p_claim, q_claim, lambdas, mus, failed = kernels.gkr_layers(
        _sponge(transcript), ef_array(result.xi), ef_scalar(result.p_claim), ef_scalar(result.q_claim), num_layers,
        claims, rounds)
    if failed >= 0:
        raise VerificationError(f"gkr_layer_{failed}", "the layer's sumcheck does not end at its claims")
    result.xi, result.p_claim, result.q_claim = to_exts(xi), to_ext(p_claim), to_ext(q_claim)
    result.challenges.extend(zip(to_exts(lambdas), to_exts(mus)))
    return result
