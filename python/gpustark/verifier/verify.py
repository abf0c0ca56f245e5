"""gpustark.verify: OpenVM's verifier order (PROTOCOL 13) over the phase verifiers.

    proof shape -> trace-height constraints -> preamble -> LogUp-GKR -> batch constraints
    -> stacked reduction -> WHIR

Everything is recomputed from the vk and the proof: the verifier shares no code with the prover's
phases, only the native primitives (field, Poseidon2 hashing, Merkle paths), the transcript and
the AIR program type with its node evaluator (cpp/core/air_program.h). Its hot loops run in
gpustark._native.verifier (cpp/verifier/); native=False runs them in Python instead, the
readable reference that tests/test_verifier_native.py holds the native paths to.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import _native
from ..keygen import AirVerifyingKey, VerifyingKey
from ..layout import stacked_layout
from ..proof import Proof
from ..transcript import Transcript
from .batch_constraints import check_batch_shape, verify_batch_constraints
from .errors import VerificationError
from .gkr import check_gkr_shape, verify_gkr
from .proof_shape import check_trace_data
from .stacking import check_stacking_shape, verify_stacked_reduction
from .statement import AirStatement, TraceStatement, logup_layout
from .whir import check_whir_shape, verify_whir

__all__ = ["verify", "VerificationError"]


@functools.lru_cache(maxsize=256)
def air_statement(avk: AirVerifyingKey) -> AirStatement:
    """The AIR as the verifier evaluates it; made once per key (the native program is validated
    here, not per proof)."""
    constraints = [int(i) for i in avk.constraint_idx]
    interactions = [(int(it.bus_index), int(it.count), [int(m) for m in it.message]) for it in avk.interactions]
    try:
        program = _native.AirProgram(avk.name, avk.width.common_main, avk.need_rot,
                                     np.ascontiguousarray(avk.instructions, dtype=np.uint32), constraints,
                                     interactions, avk.num_public_values)
    except ValueError as exc:
        raise VerificationError("vk_air_program", str(exc)) from None
    return AirStatement(avk.name, avk.width.common_main, avk.need_rot, avk.instructions, constraints, interactions,
                        avk.num_public_values, program)


@functools.lru_cache(maxsize=64)
def _stacked_layout(l_skip: int, log_stacked_height: int, matrices: tuple) -> tuple:
    """stacked_layout with the slots as a read-only (num_slots, 5) array, kept per shape:
    keccakf's 2633 slots take milliseconds to place and convert."""
    slots, width = stacked_layout(l_skip, log_stacked_height, matrices)
    array = np.array(slots, dtype=np.uint32).reshape(-1, 5)
    array.flags.writeable = False
    return array, width


def verify(vk: VerifyingKey, proof: Proof, *, native: bool = True) -> None:
    """Return normally if `proof` is valid for `vk`; raise VerificationError naming the failed check.

    native=False runs every phase's hot loops in Python (the reference the native fast paths are
    tested against); both accept and reject the same proofs."""
    if not isinstance(vk, VerifyingKey):
        raise TypeError(f"vk: expected a gpustark VerifyingKey, found {type(vk).__name__}")
    if not isinstance(proof, Proof):
        raise VerificationError("shape_proof", f"expected a gpustark Proof, found {type(proof).__name__}")
    params = vk.params
    l_skip = params.l_skip

    # Proof shape, before any transcript work.
    log_heights = check_trace_data(vk, proof)
    order = sorted(
        (i for i, h in enumerate(log_heights) if h is not None), key=lambda i: (-log_heights[i], i))
    traces = [TraceStatement(air_statement(vk.per_air[i]), log_heights[i], proof.public_values[i]) for i in order]
    n_logup, slot_offsets = logup_layout(traces, l_skip)
    num_gkr_layers = l_skip + n_logup if n_logup else 0
    check_gkr_shape(proof.gkr_proof, num_gkr_layers)
    check_batch_shape(traces, proof.batch_constraint_proof, l_skip=l_skip, max_degree=params.max_constraint_degree)
    try:
        layout = _stacked_layout(l_skip, params.log_stacked_height,
                                 tuple((log_heights[i], vk.per_air[i].width.common_main) for i in order))
    except ValueError as exc:
        raise VerificationError("shape_stacking_layout", str(exc)) from None
    if layout[1] > params.w_stack:
        raise VerificationError("shape_w_stack", f"stacked width {layout[1]} exceeds w_stack = {params.w_stack}")
    check_stacking_shape(proof.stacking_proof, [layout], params)
    whir_shape = check_whir_shape(proof.whir_proof, params, [proof.common_main_commit], [layout[1]],
                                  proof.stacking_proof.stacking_openings)

    # Trace-height linear constraints.
    try:
        vk.check_trace_heights(log_heights)
    except ValueError as exc:
        raise VerificationError("trace_height_constraints", str(exc)) from None

    # Preamble (PROTOCOL 7 steps 1-3).
    # The values are observed through the native sponge in one call: the commit passed the shape
    # checks; the sponge itself rejects a public value that is not canonical.
    transcript = Transcript()
    preamble = [int(v) for v in vk.pre_hash] + whir_shape.commitments[0].tolist()
    try:
        for avk, log_h, pvs in zip(vk.per_air, log_heights, proof.public_values):
            if not avk.is_required:
                preamble.append(0 if log_h is None else 1)
            if log_h is not None:
                preamble.append(log_h)
                preamble.extend(int(v) for v in pvs)
        transcript._t.observe_many(preamble)
    except (ValueError, TypeError, OverflowError) as exc:
        raise VerificationError("shape_public_values", f"public values must be canonical field elements: {exc}") from None

    gkr = verify_gkr(transcript, proof.gkr_proof, params.logup.pow_bits, num_gkr_layers, native=native)
    batch = verify_batch_constraints(transcript, traces, gkr, proof.batch_constraint_proof, l_skip=l_skip,
                                     max_degree=params.max_constraint_degree, n_logup=n_logup,
                                     slot_offsets=slot_offsets, native=native)

    # One commitment (common main): its slots are the sorted traces' columns in order.
    if native:
        claims = [np.concatenate(batch.openings)]
    else:
        claims = [[pair for per_trace in batch.openings for pair in per_trace]]
    need_rot = [[t.air.need_rot for t in traces]]
    u = verify_stacked_reduction(transcript, [layout], claims, need_rot, batch.r, params, proof.stacking_proof,
                                 native=native)
    verify_whir(transcript, [proof.common_main_commit], [layout[1]], u, proof.stacking_proof.stacking_openings, params,
                proof.whir_proof, native=native, checked=whir_shape)
