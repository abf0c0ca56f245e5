"""The prover: OpenVM's Coordinator::prove (PROTOCOL 7), orchestrating native phases.

    proof = gpustark.prove(pk, traces, public_values=[...], backend="cpu")

Phases: witness checks; sort traces (descending height, then AIR index); commit the common main
trace (stacked PCS); the preamble transcript; the RAP constraints (LogUp-GKR and the batch
constraint sumcheck); the openings (stacked reduction and WHIR). Every phase runs natively on the
chosen backend; grinding returns the smallest witness, so the proof bytes depend only on the inputs.
Each phase is a span under OpenVM's name: record them with gpustark.spans.record().
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Sequence

import numpy as np

from . import _native, pcs
from ._backend import resolve
from .air import check_trace
from .keygen import ProvingKey
from .native_air import air_program
from .proof import BatchConstraintProof, GkrProof, Proof, StackingProof, TraceVData, WhirProof
from .spans import span
from .transcript import Transcript

__all__ = ["prove", "sorted_trace_order"]


def sorted_trace_order(log_heights: Sequence[int | None]) -> list[int]:
    """Present AIRs by descending height, then ascending index (PROTOCOL 4.4)."""
    return sorted((i for i, h in enumerate(log_heights) if h is not None), key=lambda i: (-log_heights[i], i))


def _public_values(pk: ProvingKey, public_values) -> list[list[int]]:
    count = len(pk.vk.per_air)
    if public_values is None:
        public_values = [[] for _ in range(count)]
    if len(public_values) != count:
        raise ValueError(f"public_values: expected {count} lists (one per AIR), found {len(public_values)}")
    return [[int(v) for v in (pvs or [])] for pvs in public_values]


@contextmanager
def _held_traces(backend: str):
    """A function that keeps the proof's traces on the backend's device (the commitment, round 0
    and the trace tables then read one copy); they are released when the block ends, error or not.
    The caller keeps the arrays alive and unchanged until then."""
    held = []

    def hold(traces):
        _native.hold_traces(list(traces), backend)
        held.append(True)

    try:
        yield hold
    finally:
        if held:
            _native.release_traces(backend)


def prove(pk: ProvingKey, traces: Sequence[np.ndarray], public_values=None, backend: str | None = None, *,
          check_witness: bool = True, pow_witnesses: Sequence[int] | None = None,
          mle_memory_limit: int = 1 << 30, mle_memory_cap: int = 5 << 30) -> Proof:
    """Prove that `traces` (one (height, width) uint32 array per AIR, vk order) satisfy the AIRs.

    With check_witness (the default) an unsatisfied constraint or unbalanced interactions raise
    ValueError before any work; without it the prover still runs and the verifier rejects.
    pow_witnesses replays recorded proof-of-work witnesses (in transcript order: LogUp, WHIR mu,
    then per WHIR round its k folds and its query phase) instead of grinding for the smallest ones.
    mle_memory_limit / mle_memory_cap (bytes) bound the batch sumcheck's MLE evaluation: traces
    are evaluated in batches under the limit, one larger trace raises it up to the cap, and a trace
    above the cap is evaluated alone in pieces; the proof is the same for any limits.
    """
    if not (isinstance(mle_memory_limit, int) and isinstance(mle_memory_cap, int) and 0 < mle_memory_limit <= mle_memory_cap):
        raise ValueError(f"mle_memory_limit, mle_memory_cap: expected 0 < limit <= cap, found {mle_memory_limit} and "
                         f"{mle_memory_cap}")
    backend = resolve(backend)
    params, vk = pk.params, pk.vk
    pvs = _public_values(pk, public_values)
    if check_witness:
        pk.check_witness(traces, pvs)
    else:
        if len(traces) != len(vk.per_air):
            raise ValueError(f"expected {len(vk.per_air)} traces (one per AIR), found {len(traces)}")
        for apk, trace, values in zip(pk.per_air, traces, pvs):
            check_trace(apk.air, trace, values)
    # Spans (gpustark.spans) under OpenVM's names; the witness checks above are not part of the headline.
    with span("stark_prove_excluding_trace"), _held_traces(backend) as hold:
        traces = [np.ascontiguousarray(t) for t in traces]
        log_heights = [int(t.shape[0]).bit_length() - 1 for t in traces]
        order = sorted_trace_order(log_heights)

        # Commit the common main traces, stacked in sorted order.
        # The traces were checked above (check_trace, values < p included): the native calls
        # check shapes and dtypes but do not scan the values again.
        with span("prover.main_trace_commit"):
            hold(traces)  # on a device, copied up once for the whole proof
            common = _native.stacked_commit([traces[i] for i in order], params.l_skip, params.n_stack,
                                            params.log_blowup, params.whir.k, backend, range_checked=True)

        # Preamble (PROTOCOL 7 steps 1-3).
        transcript = Transcript()
        if pow_witnesses is not None:
            transcript.replay_witnesses(pow_witnesses)
        transcript.observe_digest(vk.pre_hash)
        transcript.observe_digest(common.root)
        for avk, log_h, values in zip(vk.per_air, log_heights, pvs):
            if not avk.is_required:
                transcript.observe(1)
            transcript.observe(log_h)
            transcript.observe_many(values)

        # RAP constraints (steps 4-14).
        with span("prover.rap_constraints"):
            rap = _native.prove_rap_constraints(
                transcript._t, [(air_program(vk.per_air[i]), traces[i], pvs[i]) for i in order],
                params.l_skip, params.logup.pow_bits, params.max_constraint_degree, backend, mle_memory_limit, mle_memory_cap,
                range_checked=True)

        # Openings (steps 15-21): one commitment, every trace's need_rot per stacked matrix.
        need_rot = [[vk.per_air[i].need_rot for i in order]]
        with span("prover.openings"):
            stacking, whir = pcs.prove_openings(transcript, [common], rap["r"], need_rot, params, backend=backend)

        return Proof(
            common_main_commit=np.asarray(common.root, dtype=np.uint32),
            trace_vdata=[TraceVData(log_height=h, cached_commitments=[]) for h in log_heights],
            public_values=pvs,
            gkr_proof=GkrProof(**rap["gkr"]),
            batch_constraint_proof=BatchConstraintProof(**rap["batch"]),
            stacking_proof=StackingProof(**stacking),
            whir_proof=WhirProof(**whir),
        )
