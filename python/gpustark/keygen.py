"""Keygen: AIRs and system parameters to a proving key and a verifying key.

The verifying key is OpenVM's MultiStarkVerifyingKey field for field (params, per-AIR keys,
trace-height constraints, pre_hash), and its `pre_hash` is OpenVM's: the leaf hash H over
CODEC_VERSION (u32 LE) || byte length (u64 LE) || postcard(MultiStarkVerifyingKey0), one field
element per byte (`encode_vk`, gpustark.openvm). The transcript starts from it, so a proof is
accepted by OpenVM's verifier exactly when both sides hold the same key bytes.

AIRs are optional unless marked required, as OpenVM's `add_air` (optional, the default of its
`StarkEngine::keygen`) and `add_required_air` make them: an optional AIR may have no trace in a
proof, and the transcript observes a presence bit before its log height.

Keys are files in OpenVM's two forms: `vk.save(path)` / `VerifyingKey.load(path)` (postcard bytes
or serde_json), `vk.to_openvm_bytes()`, `vk.to_openvm_json()` and their `from_` counterparts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import hash as _hash
from ._checks import P, read_file_capped
from . import _native
from .air import Air, ConstraintDag, DagInteraction, check_trace, interaction_balance
from .air.balance import format_imbalance
from .air.expr import MAIN, PUBLIC
from .native_air import air_program
from .openvm import key_codec
from .params import SystemParams

__all__ = ["TraceWidth", "LinearConstraint", "AirVerifyingKey", "VerifyingKey", "AirProvingKey", "ProvingKey",
           "keygen", "trace_height_constraints", "unused_variables", "encode_vk", "vk_pre_hash", "KEY_FORMATS"]

# Key file formats, both OpenVM's: postcard bytes of MultiStarkVerifyingKey, or its serde_json.
KEY_FORMATS = ("openvm", "json")
# Key files are small (keccakf's is about 200 KB); this bounds what load() reads from a path.
MAX_KEY_FILE_BYTES = 64 << 20


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

    @property
    def total_width(self) -> int:
        """Columns over every part: preprocessed, cached mains and common main (OpenVM's total_width)."""
        return (self.preprocessed or 0) + sum(self.cached_mains) + self.common_main


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

    dag is ConstraintDag.to_serde's readable dict (PROTOCOL 20); instructions/node_degrees are the same nodes as arrays
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

    @property
    def key_id(self) -> str:
        """The pre_hash as 64 hex digits (8 canonical field elements, big-endian u32 each): what
        names a key in reports; two keys with the same id are the same key."""
        return "".join(f"{int(x):08x}" for x in self.pre_hash)

    def to_openvm_bytes(self) -> bytes:
        """OpenVM's postcard bytes of MultiStarkVerifyingKey (what `postcard::from_bytes` reads)."""
        return key_codec.encode_key(self, "postcard")

    def to_openvm_json(self) -> str:
        """OpenVM's serde_json of MultiStarkVerifyingKey (field elements in Montgomery form, as
        Plonky3 writes them)."""
        return key_codec.encode_key(self, "json").decode()

    @staticmethod
    def from_openvm_bytes(data: bytes) -> "VerifyingKey":
        """Read OpenVM's postcard bytes; ValueError naming the field if they are not a key gpustark
        can use, or if the pre_hash does not match the contents."""
        return key_codec.decode_key(bytes(data), "postcard")

    @staticmethod
    def from_openvm_json(text: str | bytes) -> "VerifyingKey":
        """Read OpenVM's serde_json text (see from_openvm_bytes)."""
        return key_codec.decode_key(text, "json")

    def save(self, path, format: str = "openvm") -> None:  # noqa: A002 - the CLI's word
        """Write the key to `path`: "openvm" (postcard bytes) or "json" (serde_json)."""
        if format not in KEY_FORMATS:
            raise ValueError(f"key format: expected one of {', '.join(KEY_FORMATS)}, found {format!r}")
        data = self.to_openvm_bytes() if format == "openvm" else self.to_openvm_json().encode()
        with open(path, "wb") as f:
            f.write(data)

    @staticmethod
    def load(path) -> "VerifyingKey":
        """Read a key file in either format (JSON starts with '{'); ValueError if it is neither."""
        data = read_file_capped(path, MAX_KEY_FILE_BYTES, "not a verifying key")
        try:
            if data.lstrip()[:1] == b"{":
                return VerifyingKey.from_openvm_json(data)
            return VerifyingKey.from_openvm_bytes(data)
        except ValueError as exc:
            raise ValueError(f"{path}: not a verifying key gpustark can use: {exc}") from None

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


def unused_variables(dag: ConstraintDag, width: TraceWidth, need_rot: bool) -> tuple[tuple[int, int, int], ...]:
    """(part_index, column, offset) of every main cell no node reads, in OpenVM's order (part,
    column, offset); offset 1 only if the AIR reads the next row at all."""
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


def keygen(airs: Sequence[Air], params: SystemParams,
           required: bool | Sequence[bool] | None = None) -> tuple[ProvingKey, VerifyingKey]:
    """Build the proving and verifying keys of `airs` (in this order: AIR index = list position).

    `required` marks AIRs that every proof must include: None (the default) marks none, as
    OpenVM's `add_air` and `StarkEngine::keygen` do; a bool applies to all; or one bool per AIR.
    Raises ValueError for an empty list, a non-Air entry, an AIR with no constraints and no
    interactions, an empty or too long interaction message, a degree above
    params.max_constraint_degree, or a variable outside the AIR's columns or public values.
    """
    if not isinstance(params, SystemParams):
        raise ValueError(f"keygen: params must be a SystemParams, found {type(params).__name__}")
    airs = list(airs)
    if not airs:
        raise ValueError("keygen: expected at least one AIR, found none")
    required = _required_flags(required, len(airs))
    dags = [_validate_air(i, air, params) for i, air in enumerate(airs)]
    per_air = []
    for air, dag, is_required in zip(airs, dags, required):
        width = TraceWidth(air.preprocessed_width, tuple(air.cached_main_widths), air.width)
        need_rot = dag.need_rot
        per_air.append(AirVerifyingKey(
            name=air.name, width=width, num_public_values=air.num_public_values, need_rot=need_rot,
            dag=dag.to_serde(), instructions=dag.instructions, node_degrees=dag.degrees,
            constraint_idx=dag.constraint_idx, interactions=dag.interactions,
            max_constraint_degree=air.degree, is_required=is_required,
            unused_variables=unused_variables(dag, width, need_rot)))
    thc = trace_height_constraints(per_air, params)
    pre_hash = vk_pre_hash(encode_vk(params, per_air, thc))
    pre_hash.setflags(write=False)
    vk = VerifyingKey(params, tuple(per_air), thc, pre_hash)
    pk = ProvingKey(vk, tuple(AirProvingKey(air, dag, avk) for air, dag, avk in zip(airs, dags, per_air)))
    return pk, vk


def _required_flags(required, count: int) -> list[bool]:
    if required is None or isinstance(required, bool):
        return [bool(required)] * count
    flags = list(required)
    if len(flags) != count or not all(isinstance(f, (bool, np.bool_)) for f in flags):
        raise ValueError(f"keygen: required must be None, a bool or {count} bools (one per AIR), found {required!r}")
    return [bool(f) for f in flags]


def encode_vk(params: SystemParams, per_air: Sequence[AirVerifyingKey],
              thc: Sequence[LinearConstraint]) -> bytes:
    """The bytes OpenVM hashes into pre_hash: CODEC_VERSION (u32 LE), the body's length (u64 LE),
    and the body, postcard(MultiStarkVerifyingKey0)."""
    return key_codec.pre_hash_input(params, per_air, thc)


def vk_pre_hash(encoding: bytes) -> np.ndarray:
    """H over the encoding with one field element per byte (as OpenVM hashes its vk bytes): (8,) uint32."""
    return _hash.hash(np.frombuffer(encoding, dtype=np.uint8).astype(np.uint32))
