"""The prover: OpenVM's Coordinator::prove (PROTOCOL 7), the composition of gpustark.phases.

    proof = gpustark.prove(pk, traces, public_values=[...], backend="cpu")

Phases: witness checks; sort traces (descending height, then AIR index); commit the common main
trace (stacked PCS); the preamble transcript; the RAP constraints (LogUp-GKR and the batch
constraint sumcheck); the openings (stacked reduction and WHIR). Each is a public function of
gpustark.phases, callable alone, and runs natively on the chosen backend; grinding returns the
smallest witness, so the proof bytes depend only on the inputs.
Each phase is a span under OpenVM's name: record them with gpustark.spans.record().
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Sequence

import numpy as np

from . import _native, phases
from ._backend import resolve
from .air import check_trace
from .keygen import ProvingKey
from .phases import sorted_trace_order
from .proof import Proof, TraceVData
from .spans import span
from .transcript import Transcript

__all__ = ["prove", "sorted_trace_order"]


def _public_values(pk: ProvingKey, public_values) -> list[list[int]]:
    count = len(pk.vk.per_air)
    if public_values is None:
        public_values = [[] for _ in range(count)]
    if len(public_values) != count:
        raise ValueError(f"public_values: expected {count} lists (one per AIR), found {len(public_values)}")
    return [[int(v) for v in (pvs or [])] for pvs in public_values]


class _HeldTraces:
    """The proof's traces kept on the backend's device from hold() to release() (the commitment,
    round 0 and the trace tables then read one copy); the openings read only the stacked matrix,
    so the prover releases them before it. The caller keeps the arrays alive and unchanged until then."""

    def __init__(self, backend: str):
        self.backend, self.held = backend, False

    def hold(self, traces) -> None:
        _native.hold_traces(list(traces), self.backend)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            _native.release_traces(self.backend)


@contextmanager
def _held_traces(backend: str):
    """_HeldTraces for the block, released when it ends, error or not."""
    held = _HeldTraces(backend)
    try:
        yield held
    finally:
        held.release()


def prove(pk: ProvingKey, traces: Sequence[np.ndarray | None], public_values=None, backend: str | None = None, *,
          check_witness: bool = True, pow_witnesses: Sequence[int] | None = None,
          mle_memory_limit: int = 1 << 30, mle_memory_cap: int = 5 << 30) -> Proof:
    """Prove that `traces` (one (height, width) uint32 array per AIR, vk order) satisfy the AIRs.

    The trace of an AIR the key does not mark required may be None: that AIR is absent from the
    proof (no trace data, no public values, presence bit 0). A required AIR's trace may not be None,
    and at least one trace must be present.
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
    # Absent AIRs, presence and sorting first: they decide what the witness checks see.
    sorted_traces = phases.sort_traces(pk, traces, pvs)
    if check_witness:
        pk.check_witness(traces, pvs)
    else:
        for i in sorted_traces.order:
            check_trace(pk.per_air[i].air, traces[i], pvs[i])
    # Spans (gpustark.spans) under OpenVM's names; the witness checks above are not part of the headline.
    with span("stark_prove_excluding_trace"), _held_traces(backend) as held:
        w = sorted_traces
        # The traces were checked above (check_trace, values < p included): the phases check
        # shapes and dtypes but do not scan the values again.
        with span("prover.main_trace_commit"):
            held.hold(w.traces)  # on a device, copied up once for the constraint phases
            main = phases.commit(w.traces, params, backend, range_checked=True)

        transcript = Transcript()
        if pow_witnesses is not None:
            transcript.replay_witnesses(pow_witnesses)
        phases.preamble(transcript, vk, main.root, w.log_heights, w.public_values)

        with span("prover.rap_constraints"):
            rap = phases.rap_constraints(transcript, w.airs, w.traces, w.present_public_values, params, backend,
                                         mle_memory_limit=mle_memory_limit, mle_memory_cap=mle_memory_cap,
                                         range_checked=True)
        held.release()  # the openings read the stacked matrix, not the traces

        # One commitment (common main): every trace's need_rot in its stacked matrix.
        with span("prover.openings"):
            opened = phases.openings(transcript, [main], rap.batch.r, [w.need_rot], params, backend)

        return Proof(
            common_main_commit=main.root,
            trace_vdata=[None if h is None else TraceVData(log_height=h, cached_commitments=[]) for h in w.log_heights],
            public_values=w.public_values,
            gkr_proof=rap.gkr.proof,
            batch_constraint_proof=rap.batch.proof,
            stacking_proof=opened.stacking.proof,
            whir_proof=opened.whir.proof,
        )
