"""Keygen: AIRs and system parameters to a proving key and a verifying key (PROTOCOL 4.1-4.3).

The verifying key follows OpenVM's MultiStarkVerifyingKey field for field (params, per-AIR keys,
trace-height constraints, pre_hash). Its `pre_hash` is NOT OpenVM's: OpenVM hashes the postcard
serialization of its Rust structs (PROTOCOL 4.3, 18), which we cannot reproduce yet, so gpustark
hashes its own injective encoding (`encode_vk`) the same way OpenVM does: a version, the byte
length, the bytes; one field element per byte; the leaf hash H over all of them. Proofs made with a
gpustark vk verify with gpustark; an OpenVM vk's pre_hash must be taken as given.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import hash as _hash
from ._checks import P
from . import _native
from .air import Air, ConstraintDag, DagInteraction, check_trace, interaction_balance
from .air.balance import format_imbalance
from .air.expr import MAIN, PUBLIC
from .native_air import air_program
from .params import SystemParams

__all__ = ["TraceWidth", "LinearConstraint", "AirVerifyingKey", "VerifyingKey", "AirProvingKey", "ProvingKey",
           "keygen", "trace_height_constraints", "encode_vk", "vk_pre_hash", "VK_ENCODING_VERSION"]

# Version of gpustark's own vk encoding (domain separation, like OpenVM's CODEC_VERSION; not equal to it).
VK_ENCODING_VERSION = 1


@dataclass(frozen=True)
class TraceWidth:
    """Widths of an AIR's trace parts; only the common main part exists for now."""

    preprocessed: int | None
    cached_mains: tuple[int, ...]
    common_main: int

    @property
    def main_widths(self) -> tuple[int, ...]:
        """Cached parts then common main: the DAG's part_index order."""
        return self.cached_mains + ((self.common_main,) if self.common_main else ())


@dataclass(frozen=True)
class LinearConstraint:
    """sum_i coefficients[i] * 2^max(log h_i, l_skip) < threshold, over present AIRs i."""

    coefficients: tuple[int, ...]
    threshold: int

    def is_implied_by(self, other: LinearConstraint) -> bool:
        """True if every height vector satisfying `other` satisfies self (OpenVM's test)."""
        return self.threshold >= other.threshold and all(a <= b for a, b in zip(self.coefficients, other.coefficients))

    def satisfied_by(self, log_heights: Sequence[int | None], l_skip: int) -> bool:
        """Check the constraint for per-AIR log2 heights (None for an absent AIR, contributing 0)."""
        total = sum(c << max(lh, l_skip) for c, lh in zip(self.coefficients, log_heights) if lh is not None)
        return total < self.threshold


@dataclass(frozen=True, eq=False)
class AirVerifyingKey:
    """What the verifier knows of one AIR (OpenVM's StarkVerifyingKey, plus its display name).

    dag is the serde dict of PROTOCOL 20; instructions/node_degrees are the same nodes as arrays
    (see gpustark.air.ConstraintDag); constraint_idx and interactions repeat the dict's roots.
    unused_variables lists (part_index, column, offset) cells no node reads (offset 1 only if need_rot).
    """

    name: str
    width: TraceWidth
    num_public_values: int
    need_rot: bool
    dag: dict
    instructions: np.ndarray
    node_degrees: np.ndarray
    constraint_idx: tuple[int, ...]
    interactions: tuple[DagInteraction, ...]
    max_constraint_degree: int
    is_required: bool
    unused_variables: tuple[tuple[int, int, int], ...]

    @property
    def num_interactions(self) -> int:
        return len(self.interactions)

    @property
    def num_constraints(self) -> int:
        return len(self.constraint_idx)


@dataclass(frozen=True, eq=False)
class VerifyingKey:
    """params, per-AIR keys (in AIR order), trace-height constraints, and the 8-element pre_hash."""

    params: SystemParams
    per_air: tuple[AirVerifyingKey, ...]
    trace_height_constraints: tuple[LinearConstraint, ...]
    pre_hash: np.ndarray

    @property
    def num_airs(self) -> int:
        return len(self.per_air)

    def check_trace_heights(self, log_heights: Sequence[int | None]) -> None:
        """Raise ValueError if per-AIR log heights (None = absent) violate a trace-height constraint."""
        if len(log_heights) != self.num_airs:
            raise ValueError(f"expected {self.num_airs} log heights (one per AIR), found {len(log_heights)}")
        for i, c in enumerate(self.trace_height_constraints):
            if not c.satisfied_by(log_heights, self.params.l_skip):
                raise ValueError(f"trace heights {list(log_heights)} violate trace-height constraint {i}: "
                                 f"coefficients {list(c.coefficients)}, threshold {c.threshold}")


@dataclass(frozen=True, eq=False)
class AirProvingKey:
    """The prover's view of one AIR: its definition, its DAG and its verifying key."""

    air: Air
    dag: ConstraintDag
    vk: AirVerifyingKey


@dataclass(frozen=True, eq=False)
class ProvingKey:
    """The verifying key plus, per AIR, the AIR object and its DAG."""

    vk: VerifyingKey
    per_air: tuple[AirProvingKey, ...]

    @property
    def params(self) -> SystemParams:
        return self.vk.params

    def check_witness(self, traces: Sequence[np.ndarray | None],
                      public_values: Sequence[Sequence[int] | None] | None = None) -> None:
        """Refuse a witness the proof would not accept, raising ValueError that says why.

        Checks, in order: one trace per AIR, None (absent) only for an AIR not marked required and
        with no public values, at least one present trace; each present trace's shape and values
        (check_trace), heights at most 2^(l_skip + n_stack), the trace-height constraints, every
        constraint on every row (natively; gpustark.air.find_unsatisfied is the same check in numpy),
        and that every bus balances (an absent AIR sends nothing).
        """
        n = len(self.per_air)
        if len(traces) != n:
            raise ValueError(f"expected {n} traces (one per AIR), found {len(traces)}")
        pvs_list = [None] * n if public_values is None else list(public_values)
        if len(pvs_list) != n:
            raise ValueError(f"expected {n} public value lists (one per AIR), found {len(pvs_list)}")
        max_log = self.params.l_skip + self.params.n_stack
        log_heights, checked_pvs = [], []
        for apk, trace, pvs in zip(self.per_air, traces, pvs_list):
            if trace is None:
                if apk.vk.is_required:
                    raise ValueError(f"AIR {apk.air.name}: a trace is required (the key marks this AIR required)")
                if pvs:
                    raise ValueError(f"AIR {apk.air.name}: absent (trace None) but given {len(pvs)} public values")
                log_heights.append(None)
                checked_pvs.append(None)
                continue
            checked_pvs.append(check_trace(apk.air, trace, pvs))
            log_h = int(trace.shape[0]).bit_length() - 1
            if log_h > max_log:
                raise ValueError(f"AIR {apk.air.name}: trace height 2^{log_h} exceeds the stacked height "
                                 f"2^{max_log} (l_skip + n_stack)")
            log_heights.append(log_h)
        if all(h is None for h in log_heights):
            raise ValueError("every AIR is absent (all traces None); a proof needs at least one trace")
        self.vk.check_trace_heights(log_heights)
        present = [i for i, h in enumerate(log_heights) if h is not None]
        for i in present:
            apk, trace, pvs = self.per_air[i], traces[i], checked_pvs[i]
            bad = _native.first_unsatisfied(air_program(apk.vk), np.ascontiguousarray(trace), [int(v) for v in pvs])
            if bad is not None:
                constraint, row = bad
                node = apk.dag.constraint_idx[constraint]
                raise ValueError(f"AIR {apk.air.name}: constraint {constraint} (node {node}: "
                                 f"{apk.dag.describe(node)}) fails at row {row}")
        imbalance = interaction_balance([apk.air for apk in self.per_air], traces, pvs_list)
        if imbalance:
            raise ValueError(f"interactions do not balance: {format_imbalance(imbalance)}")


def _validate_air(index: int, air: Air, params: SystemParams) -> ConstraintDag:
    """OpenVM's keygen checks (KeygenError, message length assert) plus variable ranges; the AIR's DAG."""
    if not isinstance(air, Air):
        raise ValueError(f"keygen: airs[{index}] must be a gpustark.air.Air, found {type(air).__name__}")
    name = f"AIR {air.name}"
    if air.width < 1:
        raise ValueError(f"{name} has zero main trace width")
    if not air.constraints and not air.interactions:
        raise ValueError(f"{name} must have at least one constraint or interaction")
    max_len = 1 << params.logup.log_max_message_length
    for i, it in enumerate(air.interactions):
        if not it.message:
            raise ValueError(f"{name} interaction {i} has a zero-length message")
        if len(it.message) + 1 > max_len:
            raise ValueError(f"{name} interaction {i}: message of {len(it.message)} fields plus the bus exceeds "
                             f"the maximum length 2^{params.logup.log_max_message_length} = {max_len}")
    degree = air.degree
    if degree > params.max_constraint_degree:
        raise ValueError(f"{name}: constraint degree {degree} exceeds max_constraint_degree "
                         f"{params.max_constraint_degree}")
    dag = air.dag()
    ins = dag.instructions
    for node, (kind, a, b, c) in enumerate(ins.tolist()):
        if kind == MAIN and (a != air.common_main_part or b >= air.width or c > 1):
            raise ValueError(f"{name}: node {node} reads main part {a}, column {b}, offset {c}; only part "
                             f"{air.common_main_part} (common main) with columns < {air.width} and offset 0/1 exist")
        if kind == PUBLIC and a >= air.num_public_values:
            raise ValueError(f"{name}: node {node} reads public value {a}, but the AIR has "
                             f"{air.num_public_values}")
    return dag


def _unused_variables(dag: ConstraintDag, width: TraceWidth, need_rot: bool) -> tuple[tuple[int, int, int], ...]:
    used = {(a, b, c) for kind, a, b, c in dag.instructions.tolist() if kind == MAIN}
    offsets = (0, 1) if need_rot else (0,)
    return tuple((part, col, off) for part, w in enumerate(width.main_widths) for col in range(w)
                 for off in offsets if (part, col, off) not in used)


def trace_height_constraints(per_air: Sequence[AirVerifyingKey], params: SystemParams) -> tuple[LinearConstraint, ...]:
    """Per bus (ascending bus index) the summed count_weight per AIR with threshold p, then the number
    of interactions per AIR with threshold max_interaction_count; constraints implied by another kept
    one are dropped (OpenVM's keygen, PROTOCOL 4.3)."""
    n = len(per_air)
    per_bus: dict[int, list[int]] = {}
    for i, vk in enumerate(per_air):
        for it in vk.interactions:
            per_bus.setdefault(it.bus_index, [0] * n)[i] += it.count_weight
    candidates = [LinearConstraint(tuple(per_bus[bus]), P) for bus in sorted(per_bus)]
    candidates.append(LinearConstraint(tuple(vk.num_interactions for vk in per_air),
                                       params.logup.max_interaction_count))
    kept: list[LinearConstraint] = []
    for c in candidates:
        if any(c.is_implied_by(k) for k in kept):
            continue
        kept = [k for k in kept if not k.is_implied_by(c)]
        kept.append(c)
    return tuple(kept)


def keygen(airs: Sequence[Air], params: SystemParams) -> tuple[ProvingKey, VerifyingKey]:
    """Build the proving and verifying keys of `airs` (in this order: AIR index = list position).

    Raises ValueError for an empty list, a non-Air entry, an AIR with no constraints and no
    interactions, an empty or too long interaction message, a degree above
    params.max_constraint_degree, or a variable outside the AIR's columns or public values.
    """
    if not isinstance(params, SystemParams):
        raise ValueError(f"keygen: params must be a SystemParams, found {type(params).__name__}")
    airs = list(airs)
    if not airs:
        raise ValueError("keygen: expected at least one AIR, found none")
    dags = [_validate_air(i, air, params) for i, air in enumerate(airs)]
    per_air = []
    for air, dag in zip(airs, dags):
        width = TraceWidth(air.preprocessed_width, tuple(air.cached_main_widths), air.width)
        need_rot = dag.need_rot
        per_air.append(AirVerifyingKey(
            name=air.name, width=width, num_public_values=air.num_public_values, need_rot=need_rot,
            dag=dag.to_serde(), instructions=dag.instructions, node_degrees=dag.degrees,
            constraint_idx=dag.constraint_idx, interactions=dag.interactions,
            max_constraint_degree=air.degree, is_required=True,
            unused_variables=_unused_variables(dag, width, need_rot)))
    thc = trace_height_constraints(per_air, params)
    pre_hash = vk_pre_hash(encode_vk(params, per_air, thc))
    pre_hash.setflags(write=False)
    vk = VerifyingKey(params, tuple(per_air), thc, pre_hash)
    pk = ProvingKey(vk, tuple(AirProvingKey(air, dag, avk) for air, dag, avk in zip(airs, dags, per_air)))
    return pk, vk


class _Writer:
    """Fixed-width little-endian fields and length-prefixed sequences: a prefix-free, so injective, code."""

    def __init__(self):
        self.parts: list[bytes] = []

    def u64(self, *values: int) -> None:
        self.parts.append(struct.pack(f"<{len(values)}Q", *values))

    def seq(self, values: Sequence[int]) -> None:
        self.u64(len(values), *values)

    def option(self, value: int | None) -> None:
        if value is None:
            self.u64(0)
        else:
            self.u64(1, value)


def encode_vk(params: SystemParams, per_air: Sequence[AirVerifyingKey],
              thc: Sequence[LinearConstraint]) -> bytes:
    """gpustark's canonical vk encoding: u32 version, u64 body length, body.

    The body holds every field the verifier uses, in OpenVM's struct order, as u64 words and
    length-prefixed lists; each node is its instruction row plus its degree_multiple. Names are
    display data and left out (OpenVM keeps them in the proving key); instructions stand for the
    serde dict, which holds the same nodes.
    """
    w = _Writer()
    wh = params.whir
    w.u64(params.l_skip, params.n_stack, params.w_stack, params.log_blowup, wh.k)
    w.seq(wh.num_queries)
    w.u64(wh.mu_pow_bits, wh.query_phase_pow_bits, wh.folding_pow_bits)
    w.option(wh.proximity.list_start_round)
    w.u64(wh.proximity.m, params.logup.max_interaction_count, params.logup.log_max_message_length,
          params.logup.pow_bits, params.max_constraint_degree)
    w.u64(len(per_air))
    for vk in per_air:
        w.option(vk.width.preprocessed)
        w.seq(vk.width.cached_mains)
        w.u64(vk.width.common_main, vk.num_public_values, int(vk.need_rot))
        nodes = np.concatenate([vk.instructions.astype(np.uint64), vk.node_degrees.astype(np.uint64)[:, None]],
                               axis=1)
        w.u64(nodes.shape[0])
        w.parts.append(nodes.astype("<u8").tobytes())
        w.seq(vk.constraint_idx)
        w.u64(len(vk.interactions))
        for it in vk.interactions:
            w.u64(it.bus_index)
            w.seq(it.message)
            w.u64(it.count, it.count_weight)
        w.u64(vk.max_constraint_degree, int(vk.is_required))
        w.seq([x for var in vk.unused_variables for x in var])
    w.u64(len(thc))
    for c in thc:
        w.seq(c.coefficients)
        w.u64(c.threshold)
    body = b"".join(w.parts)
    return struct.pack("<IQ", VK_ENCODING_VERSION, len(body)) + body


def vk_pre_hash(encoding: bytes) -> np.ndarray:
    """H over the encoding with one field element per byte (as OpenVM hashes its vk bytes): (8,) uint32."""
    return _hash.hash(np.frombuffer(encoding, dtype=np.uint8).astype(np.uint32))
