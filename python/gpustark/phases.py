"""The prover's phases, each callable alone from Python (PROTOCOL 7); gpustark.prove is their composition.

    from gpustark import phases
    w = phases.sort_traces(pk, traces, public_values)         # present traces in sorted order
    main = phases.commit(w.traces, pk.params)                 # the stacked commitment (PROTOCOL 6)
    t = gpustark.Transcript()
    phases.preamble(t, pk.vk, main.root, w.log_heights, w.public_values)    # steps 1-3
    gkr = phases.logup_gkr(t, w.airs, w.traces, w.present_public_values, pk.params)       # 4-7
    batch = phases.batch_constraints(t, w.airs, w.traces, w.present_public_values, pk.params,
                                     xi=gkr.xi, alpha=gkr.alpha, beta=gkr.beta)           # 8-14
    stacking = phases.stacking(t, [main.data], batch.r, [w.need_rot], pk.params)          # 15-19
    whir = phases.whir(t, [main.data], stacking.u, pk.params)                             # 20-21

rap_constraints (logup_gkr then batch_constraints) and openings (stacking then whir) run two steps
at once. Every phase advances the transcript it is given and returns a frozen dataclass with its
sub-proof (gpustark.proof types) and the challenges it sampled. The RAP phases take the present
AIRs (AirVerifyingKey), their traces and public values in sorted order (descending height, then
AIR index): sort_traces builds that order from vk-ordered traces, None marking an absent AIR.
Extension elements are uint32 arrays of 4 limbs: a scalar (4,), a vector (n, 4).
Bad inputs raise ValueError naming what is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import _native, pcs
from ._backend import resolve
from ._checks import field_array
from .keygen import AirVerifyingKey, ProvingKey, VerifyingKey
from .native_air import air_program
from .params import SystemParams
from .proof import BatchConstraintProof, GkrProof, StackingProof, WhirProof

__all__ = ["SortedTraces", "Commit", "LogUpGkr", "BatchConstraints", "RapConstraints", "Stacking", "Whir", "Openings",
           "sorted_trace_order", "sort_traces", "commit", "preamble", "logup_gkr", "batch_constraints",
           "rap_constraints", "stacking", "whir", "openings"]


# ---- results ----

@dataclass(frozen=True, eq=False)
class SortedTraces:
    """vk-ordered log heights (None = absent) and public values; the present AIRs in sorted order."""

    log_heights: list
    public_values: list
    order: list                 # AIR indices of the present traces, sorted
    airs: list                  # AirVerifyingKey per present trace, sorted
    traces: list                # (height, width) uint32 arrays, sorted
    present_public_values: list

    @property
    def need_rot(self) -> list[bool]:
        return [avk.need_rot for avk in self.airs]


@dataclass(frozen=True, eq=False)
class Commit:
    """The common main commitment: the native StackedPcsData (its .root, .layout, .matrix, ...)."""

    data: object

    @property
    def root(self) -> np.ndarray:
        return np.asarray(self.data.root, dtype=np.uint32)


@dataclass(frozen=True, eq=False)
class LogUpGkr:
    """Steps 4-7: the GKR proof, alpha and beta, xi (l_skip + max(n_max, n_logup), 4) and the input layer."""

    proof: GkrProof
    alpha: np.ndarray
    beta: np.ndarray
    xi: np.ndarray
    input: object  # native LogUpInput; p and q read it

    @property
    def p(self) -> np.ndarray:
        """The input layer's numerators (2^(l_skip + n_logup), 4); empty without interactions."""
        return self.input.p

    @property
    def q(self) -> np.ndarray:
        """The input layer's denominators, alpha + h_beta(message) (unused leaves: alpha)."""
        return self.input.q

    @property
    def n_logup(self) -> int:
        return self.input.n_logup


@dataclass(frozen=True, eq=False)
class BatchConstraints:
    """Steps 8-14: the batch constraint proof, lambda (`lambda_`), mu and r = (r_0, .., r_{n_max})."""

    proof: BatchConstraintProof
    lambda_: np.ndarray
    mu: np.ndarray
    r: np.ndarray


@dataclass(frozen=True, eq=False)
class RapConstraints:
    """Steps 4-14: both RAP phases' results."""

    gkr: LogUpGkr
    batch: BatchConstraints


@dataclass(frozen=True, eq=False)
class Stacking:
    """Steps 15-19: the stacking proof and its point u (n_stack + 1, 4)."""

    proof: StackingProof
    u: np.ndarray


@dataclass(frozen=True, eq=False)
class Whir:
    """Steps 20-21: the WHIR proof."""

    proof: WhirProof


@dataclass(frozen=True, eq=False)
class Openings:
    """Steps 15-21: both opening phases' results."""

    stacking: Stacking
    whir: Whir


# ---- checks ----

def _listed(values) -> list:
    """A public value list; None is none (a numpy array has no truth value, so no `or []`)."""
    return [] if values is None else list(values)


def _native_transcript(transcript):
    native = getattr(transcript, "_t", None)
    if not isinstance(native, _native.Transcript):
        raise ValueError(f"transcript: expected a gpustark.Transcript, found {type(transcript).__name__}")
    return native


def _check_params(params) -> SystemParams:
    if not isinstance(params, SystemParams):
        raise ValueError(f"params: expected a SystemParams, found {type(params).__name__}")
    return params


def _ext(value, name: str) -> np.ndarray:
    array = field_array(value, name, ndim=1)
    if array.shape != (4,):
        raise ValueError(f"{name}: expected one extension element (4 limbs), found shape {array.shape}")
    return array.reshape(1, 4)


def _rap_inputs(airs, traces, public_values, range_checked: bool) -> list:
    """[(AirProgram, trace, public values)] for the native RAP calls; shapes are checked there."""
    airs, traces = list(airs), list(traces)
    public_values = [[] for _ in airs] if public_values is None else list(public_values)
    if not airs:
        raise ValueError("airs: expected at least one present AIR, found none")
    if len(traces) != len(airs) or len(public_values) != len(airs):
        raise ValueError(f"expected one trace and one public value list per AIR ({len(airs)}), found "
                         f"{len(traces)} traces and {len(public_values)} public value lists")
    inputs = []
    for i, (avk, trace, values) in enumerate(zip(airs, traces, public_values)):
        if not isinstance(avk, AirVerifyingKey):
            raise ValueError(f"airs[{i}]: expected an AirVerifyingKey, found {type(avk).__name__}")
        if not isinstance(trace, np.ndarray):
            raise ValueError(f"traces[{i}] (AIR {avk.name}): expected a uint32 numpy array, found {type(trace).__name__}")
        # Values < p are checked natively unless range_checked; lists are range-checked here.
        values = field_array(_listed(values), f"public_values[{i}] (AIR {avk.name})", ndim=1).tolist()
        inputs.append((air_program(avk), np.ascontiguousarray(trace), values))
    return inputs


# ---- phases ----

def sorted_trace_order(log_heights: Sequence[int | None]) -> list[int]:
    """Present AIRs by descending height, then ascending index (PROTOCOL 4.4); None is absent."""
    return sorted((i for i, h in enumerate(log_heights) if h is not None), key=lambda i: (-log_heights[i], i))


def sort_traces(pk: ProvingKey, traces: Sequence[np.ndarray | None], public_values=None) -> SortedTraces:
    """The present traces in sorted order (PROTOCOL 4.4: descending height, then AIR index).

    traces and public_values are in vk order; None is an absent AIR (allowed only for an AIR whose
    key is not required; its public values must be empty). Shapes are checked, values are not
    (gpustark.prove checks the witness first).
    """
    vk = pk.vk
    count = len(vk.per_air)
    traces = list(traces)
    if len(traces) != count:
        raise ValueError(f"expected {count} traces (one per AIR), found {len(traces)}")
    if public_values is None:
        public_values = [[] for _ in range(count)]
    if len(public_values) != count:
        raise ValueError(f"public_values: expected {count} lists (one per AIR), found {len(public_values)}")
    pvs = [[int(v) for v in _listed(values)] for values in public_values]
    log_heights = []
    for avk, trace, values in zip(vk.per_air, traces, pvs):
        if trace is None:
            if avk.is_required:
                raise ValueError(f"AIR {avk.name}: a trace is required (the key marks this AIR required)")
            if values:
                raise ValueError(f"AIR {avk.name}: absent (trace None) but given {len(values)} public values")
            log_heights.append(None)
            continue
        if not isinstance(trace, np.ndarray) or trace.ndim != 2:
            raise ValueError(f"AIR {avk.name}: expected a (height, width) uint32 array, found "
                             f"{getattr(trace, 'shape', type(trace).__name__)}")
        height = int(trace.shape[0])
        if height < 1 or height & (height - 1):
            raise ValueError(f"AIR {avk.name}: trace height must be a power of two, found {height}")
        log_heights.append(height.bit_length() - 1)
    order = sorted_trace_order(log_heights)
    if not order:
        raise ValueError("traces: every AIR is absent; a proof needs at least one trace")
    return SortedTraces(log_heights, pvs, order, [vk.per_air[i] for i in order],
                        [np.ascontiguousarray(traces[i]) for i in order], [pvs[i] for i in order])


def commit(traces: Sequence[np.ndarray], params: SystemParams, backend: str | None = None, *,
           range_checked: bool = False) -> Commit:
    """Stack and commit the sorted traces (PROTOCOL 6): the common main commitment.

    range_checked: the values are known to be < p (gpustark.prove checks them once), so they are
    not scanned again.
    """
    return Commit(pcs.stacked_commit(traces, _check_params(params), backend, range_checked=range_checked))


def preamble(transcript, vk: VerifyingKey, root, log_heights: Sequence[int | None], public_values) -> None:
    """Steps 1-3: observe the vk's pre_hash and the commitment root, then per AIR in vk order its
    presence bit (for an AIR not required: 1 present, 0 absent) and, if present, its log height and
    public values."""
    if not isinstance(vk, VerifyingKey):
        raise ValueError(f"vk: expected a VerifyingKey, found {type(vk).__name__}")
    count = len(vk.per_air)
    log_heights, public_values = list(log_heights), list(public_values)
    if len(log_heights) != count or len(public_values) != count:
        raise ValueError(f"expected {count} log heights and public value lists (one per AIR), found "
                         f"{len(log_heights)} and {len(public_values)}")
    for avk, log_h in zip(vk.per_air, log_heights):
        if log_h is None and avk.is_required:
            raise ValueError(f"AIR {avk.name}: required, but its log height is None (absent)")
    _native_transcript(transcript)
    transcript.observe_digest(vk.pre_hash)
    transcript.observe_digest(root)
    for avk, log_h, values in zip(vk.per_air, log_heights, public_values):
        if not avk.is_required:
            transcript.observe(0 if log_h is None else 1)
        if log_h is not None:
            transcript.observe(log_h)
            transcript.observe_many(_listed(values))


def logup_gkr(transcript, airs: Sequence[AirVerifyingKey], traces: Sequence[np.ndarray], public_values,
              params: SystemParams, backend: str | None = None, *, range_checked: bool = False) -> LogUpGkr:
    """Steps 4-7: the LogUp proof-of-work, alpha and beta, the input layer, the GKR fractional
    sumcheck over it (PROTOCOL 8) and xi extended to l_skip + max(n_max, n_logup)."""
    params = _check_params(params)
    inputs = _rap_inputs(airs, traces, public_values, range_checked)
    out = _native.prove_logup_gkr(_native_transcript(transcript), inputs, params.l_skip, params.logup.pow_bits,
                                  resolve(backend), range_checked=range_checked)
    return LogUpGkr(GkrProof(**out["gkr"]), out["alpha"], out["beta"], out["xi"], out["input"])


def batch_constraints(transcript, airs: Sequence[AirVerifyingKey], traces: Sequence[np.ndarray], public_values,
                      params: SystemParams, *, xi, alpha, beta, backend: str | None = None, logup_input=None,
                      mle_memory_limit: int = 1 << 30, mle_memory_cap: int = 5 << 30,
                      range_checked: bool = False) -> BatchConstraints:
    """Steps 8-14 from given xi, alpha, beta: the batch constraint sumcheck (PROTOCOL 9).

    The phase reads only the LogUp input layer's layout (its slots' offsets), made from the traces
    unless logup_input (LogUpGkr.input, built from the same alpha and beta for these traces) is
    given; the LogUp sums come from round 0's sums on the trace rows. A wrong xi or beta gives a
    proof the verifier rejects; alpha only shifts the input layer's q, which this phase does not
    read, so a wrong alpha gives the same proof. A wrong xi length raises ValueError.
    """
    params = _check_params(params)
    if not (isinstance(mle_memory_limit, int) and isinstance(mle_memory_cap, int)
            and 0 < mle_memory_limit <= mle_memory_cap):
        raise ValueError(f"mle_memory_limit, mle_memory_cap: expected 0 < limit <= cap, found {mle_memory_limit} and "
                         f"{mle_memory_cap}")
    if logup_input is not None and not isinstance(logup_input, _native.LogUpInput):
        raise ValueError(f"logup_input: expected LogUpGkr.input, found {type(logup_input).__name__}")
    inputs = _rap_inputs(airs, traces, public_values, range_checked)
    xi = field_array(xi, "xi", ndim=2, last_dim=4)
    out = _native.prove_batch_constraints(
        _native_transcript(transcript), inputs, xi, _ext(alpha, "alpha"), _ext(beta, "beta"), params.l_skip,
        params.max_constraint_degree, resolve(backend), mle_memory_limit, mle_memory_cap, logup_input=logup_input,
        range_checked=range_checked)
    return BatchConstraints(BatchConstraintProof(**out["batch"]), out["lambda"], out["mu"], out["r"])


def rap_constraints(transcript, airs, traces, public_values, params: SystemParams, backend: str | None = None, *,
                    mle_memory_limit: int = 1 << 30, mle_memory_cap: int = 5 << 30,
                    range_checked: bool = False) -> RapConstraints:
    """Steps 4-14: logup_gkr, then batch_constraints at its xi, alpha, beta (reusing its input layer)."""
    gkr = logup_gkr(transcript, airs, traces, public_values, params, backend, range_checked=range_checked)
    batch = batch_constraints(transcript, airs, traces, public_values, params, xi=gkr.xi, alpha=gkr.alpha,
                              beta=gkr.beta, backend=backend, logup_input=gkr.input, mle_memory_limit=mle_memory_limit,
                              mle_memory_cap=mle_memory_cap, range_checked=range_checked)
    return RapConstraints(gkr, batch)


def stacking(transcript, commits: Sequence, r, need_rot: Sequence[Sequence[bool]], params: SystemParams,
             backend: str | None = None) -> Stacking:
    """Steps 15-19: the stacked reduction of the column claims at r to openings at u (PROTOCOL 10).

    commits: Commit or StackedPcsData per commitment; need_rot[c][i]: matrix i of commit c.
    """
    proof, u = pcs.prove_stacked_reduction(_native_transcript(transcript), _pcs_data(commits), r, need_rot,
                                           _check_params(params), backend=backend)
    return Stacking(StackingProof(**proof), u)


def whir(transcript, commits: Sequence, u, params: SystemParams, backend: str | None = None) -> Whir:
    """Steps 20-21: WHIR opens every commitment at the stacking point u (PROTOCOL 11)."""
    return Whir(WhirProof(**pcs.prove_whir(_native_transcript(transcript), _pcs_data(commits), u,
                                           _check_params(params), backend=backend)))


def openings(transcript, commits: Sequence, r, need_rot: Sequence[Sequence[bool]], params: SystemParams,
             backend: str | None = None) -> Openings:
    """Steps 15-21: stacking at r, then whir at its u."""
    st = stacking(transcript, commits, r, need_rot, params, backend)
    return Openings(st, whir(transcript, commits, st.u, params, backend))


def _pcs_data(commits) -> list:
    out = []
    for i, c in enumerate(commits):
        data = c.data if isinstance(c, Commit) else c
        if not isinstance(data, _native.StackedPcsData):
            raise ValueError(f"commits[{i}]: expected a phases.Commit or StackedPcsData, found {type(c).__name__}")
        out.append(data)
    return out
