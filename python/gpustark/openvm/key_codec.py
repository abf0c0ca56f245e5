"""gpustark's verifying key <-> OpenVM's `MultiStarkVerifyingKey` (serde values of vk_schema).

`vk0_value` / `vk_value` build the serde value of a key; `verifying_key_from_value` reads one back,
checking everything the prover and verifier rely on (node operands before their node, columns and
public values in range, need_rot as the nodes say) and refusing what gpustark does not support yet
(preprocessed traces, cached main traces, challenge variables) with a message that says so.
"""
from __future__ import annotations

import struct

import numpy as np

from .. import params as _params
from ..air.dag import ConstraintDag, DagInteraction
from ..air.expr import ADD, CONSTANT, IS_FIRST_ROW, IS_LAST_ROW, IS_TRANSITION, MAIN, MUL, NEG, PUBLIC, SUB
from .serde import SerdeError, from_json, from_postcard, to_json, to_postcard
from .vk_schema import VERIFYING_KEY, VERIFYING_KEY0

__all__ = ["CODEC_VERSION", "vk0_value", "pre_hash_input", "verifying_key_from_value", "encode_key", "decode_key"]

# OpenVM's proof codec version, also the domain separator of the bytes hashed into pre_hash.
CODEC_VERSION = 3

_SELECTORS = {IS_FIRST_ROW: "IsFirstRow", IS_LAST_ROW: "IsLastRow", IS_TRANSITION: "IsTransition"}
_BINARY = {ADD: "Add", SUB: "Sub", MUL: "Mul"}
_SELECTOR_KINDS = {name: kind for kind, name in _SELECTORS.items()}
_BINARY_KINDS = {name: kind for kind, name in _BINARY.items()}


# ---- gpustark -> serde value ----

def _proximity_value(p: _params.ProximityStrategy):
    if p.kind == _params.UNIQUE_DECODING:
        return p.kind, None
    if p.kind == _params.LIST_DECODING:
        return p.kind, {"m": p.m}
    return p.kind, {"m": p.m, "list_start_round": p.list_start_round}


def params_value(p: _params.SystemParams) -> dict:
    w = p.whir
    return {"l_skip": p.l_skip, "n_stack": p.n_stack, "w_stack": p.w_stack, "log_blowup": p.log_blowup,
            "whir": {"k": w.k, "rounds": [{"num_queries": q} for q in w.num_queries], "mu_pow_bits": w.mu_pow_bits,
                     "query_phase_pow_bits": w.query_phase_pow_bits, "folding_pow_bits": w.folding_pow_bits,
                     "proximity": _proximity_value(w.proximity)},
            "logup": {"max_interaction_count": p.logup.max_interaction_count,
                      "log_max_message_length": p.logup.log_max_message_length, "pow_bits": p.logup.pow_bits},
            "max_constraint_degree": p.max_constraint_degree}


def _variable(part: int, column: int, offset: int) -> dict:
    return {"entry": ("Main", {"part_index": part, "offset": offset}), "index": column, "_phantom": None}


def _nodes_value(instructions: np.ndarray, degrees: np.ndarray) -> list:
    nodes = []
    for (kind, a, b, c), degree in zip(instructions.tolist(), degrees.tolist()):
        if kind == MAIN:
            nodes.append(("Variable", _variable(a, b, c)))
        elif kind == PUBLIC:
            nodes.append(("Variable", {"entry": ("Public", None), "index": a, "_phantom": None}))
        elif kind in _SELECTORS:
            nodes.append((_SELECTORS[kind], None))
        elif kind == CONSTANT:
            nodes.append(("Constant", a))
        elif kind in _BINARY:
            nodes.append((_BINARY[kind], {"left_idx": a, "right_idx": b, "degree_multiple": degree}))
        elif kind == NEG:
            nodes.append(("Neg", {"idx": a, "degree_multiple": degree}))
        else:
            raise ValueError(f"unknown node kind {kind}")
    return nodes


def _air_value(avk) -> dict:
    return {
        "preprocessed_data": None,
        "params": {"width": {"preprocessed": avk.width.preprocessed, "cached_mains": list(avk.width.cached_mains),
                             "common_main": avk.width.common_main},
                   "num_public_values": avk.num_public_values, "need_rot": bool(avk.need_rot)},
        "symbolic_constraints": {
            "constraints": {"nodes": _nodes_value(avk.instructions, avk.node_degrees),
                            "constraint_idx": list(avk.constraint_idx)},
            "interactions": [{"message": list(it.message), "count": it.count, "bus_index": it.bus_index,
                              "count_weight": it.count_weight} for it in avk.interactions]},
        "max_constraint_degree": avk.max_constraint_degree,
        "is_required": bool(avk.is_required),
        "unused_variables": [_variable(*var) for var in avk.unused_variables],
    }


def vk0_value(params, per_air, trace_height_constraints) -> dict:
    """MultiStarkVerifyingKey0: what OpenVM hashes into pre_hash."""
    return {"params": params_value(params), "per_air": [_air_value(avk) for avk in per_air],
            "trace_height_constraints": [{"coefficients": list(c.coefficients), "threshold": c.threshold}
                                         for c in trace_height_constraints]}


def pre_hash_input(params, per_air, trace_height_constraints) -> bytes:
    """CODEC_VERSION (u32 LE) || byte length (u64 LE) || postcard(MultiStarkVerifyingKey0)."""
    body = to_postcard(VERIFYING_KEY0, vk0_value(params, per_air, trace_height_constraints))
    return struct.pack("<IQ", CODEC_VERSION, len(body)) + body


def encode_key(vk, fmt: str) -> bytes:
    """The whole key (inner and pre_hash) as OpenVM's postcard bytes ('postcard') or serde_json ('json')."""
    value = {"inner": vk0_value(vk.params, vk.per_air, vk.trace_height_constraints),
             "pre_hash": [int(x) for x in vk.pre_hash]}
    if fmt == "postcard":
        return to_postcard(VERIFYING_KEY, value)
    if fmt == "json":
        return to_json(VERIFYING_KEY, value).encode()
    raise ValueError(f"key format: expected 'postcard' or 'json', found {fmt!r}")


# ---- serde value -> gpustark ----

def _unsupported(path: str, what: str) -> SerdeError:
    return SerdeError(f"{path}: {what}, which gpustark does not support yet")


def _proximity_from_value(value) -> _params.ProximityStrategy:
    kind, payload = value
    if kind == _params.UNIQUE_DECODING:
        return _params.ProximityStrategy.unique()
    if kind == _params.LIST_DECODING:
        return _params.ProximityStrategy.list_decoding(payload["m"])
    return _params.ProximityStrategy.split_unique_list(payload["m"], payload["list_start_round"])


def params_from_value(v: dict) -> _params.SystemParams:
    w, logup = v["whir"], v["logup"]
    whir = _params.WhirConfig(w["k"], tuple(r["num_queries"] for r in w["rounds"]), w["mu_pow_bits"],
                              w["query_phase_pow_bits"], w["folding_pow_bits"], _proximity_from_value(w["proximity"]))
    try:
        p = _params.SystemParams(v["l_skip"], v["n_stack"], v["w_stack"], v["log_blowup"], whir,
                                 _params.LogUpParams(logup["max_interaction_count"], logup["log_max_message_length"],
                                                     logup["pow_bits"]),
                                 v["max_constraint_degree"])
    except ValueError as exc:
        raise SerdeError(f"$.inner.params: {exc}") from None
    return _params.with_preset_name(p)


def _nodes_from_value(nodes: list, width: int, num_public_values: int, path: str):
    rows, degrees = [], []
    for i, (kind, payload) in enumerate(nodes):
        where = f"{path}.nodes[{i}]"
        if kind == "Variable":
            entry, args = payload["entry"]
            if entry == "Main":
                part, offset, column = args["part_index"], args["offset"], payload["index"]
                if part != 0 or column >= width or offset > 1:
                    raise SerdeError(f"{where}: main part {part}, column {column}, offset {offset} is outside the "
                                     f"trace (one main part of width {width}, offsets 0 and 1)")
                rows.append((MAIN, part, column, offset))
                degrees.append(1)
            elif entry == "Public":
                if payload["index"] >= num_public_values:
                    raise SerdeError(f"{where}: public value {payload['index']} of {num_public_values}")
                rows.append((PUBLIC, payload["index"], 0, 0))
                degrees.append(0)
            else:
                raise _unsupported(where, f"a {entry} variable")
        elif kind in _SELECTOR_KINDS:
            rows.append((_SELECTOR_KINDS[kind], 0, 0, 0))
            degrees.append(1)
        elif kind == "Constant":
            rows.append((CONSTANT, payload, 0, 0))
            degrees.append(0)
        else:
            operands = (payload["idx"],) if kind == "Neg" else (payload["left_idx"], payload["right_idx"])
            if any(op >= i for op in operands):
                raise SerdeError(f"{where}: operand {max(operands)} is not an earlier node")
            rows.append((NEG, operands[0], 0, 0) if kind == "Neg" else (_BINARY_KINDS[kind], *operands, 0))
            degrees.append(payload["degree_multiple"])
    instructions = np.array(rows, dtype=np.uint32).reshape(len(rows), 4)
    degrees = np.array(degrees, dtype=np.int64)
    instructions.setflags(write=False)
    degrees.setflags(write=False)
    return instructions, degrees


def _check_node_refs(refs, num_nodes: int, path: str) -> None:
    for r in refs:
        if r >= num_nodes:
            raise SerdeError(f"{path}: node {r} does not exist (the DAG has {num_nodes} nodes)")


def _air_from_value(index: int, v: dict):
    from ..keygen import AirVerifyingKey, TraceWidth, unused_variables

    path = f"$.inner.per_air[{index}]"
    if v["preprocessed_data"] is not None or v["params"]["width"]["preprocessed"] is not None:
        raise _unsupported(path, "a preprocessed trace")
    width_v = v["params"]["width"]
    if width_v["cached_mains"]:
        raise _unsupported(path, "cached main traces")
    if width_v["common_main"] < 1:
        raise SerdeError(f"{path}.params.width.common_main: an AIR needs at least one column")
    width = TraceWidth(None, (), width_v["common_main"])
    num_pvs = v["params"]["num_public_values"]
    dag_v = v["symbolic_constraints"]["constraints"]
    instructions, degrees = _nodes_from_value(dag_v["nodes"], width.common_main, num_pvs,
                                              f"{path}.symbolic_constraints.constraints")
    num_nodes = len(instructions)
    constraint_idx = tuple(dag_v["constraint_idx"])
    _check_node_refs(constraint_idx, num_nodes, f"{path}.symbolic_constraints.constraints.constraint_idx")
    interactions = []
    for j, it in enumerate(v["symbolic_constraints"]["interactions"]):
        where = f"{path}.symbolic_constraints.interactions[{j}]"
        if not it["message"]:
            raise SerdeError(f"{where}: an interaction needs a non-empty message")
        _check_node_refs([*it["message"], it["count"]], num_nodes, where)
        interactions.append(DagInteraction(it["bus_index"], tuple(it["message"]), it["count"], it["count_weight"]))
    dag = ConstraintDag(instructions, degrees, constraint_idx, tuple(interactions))
    if v["params"]["need_rot"] != dag.need_rot:
        raise SerdeError(f"{path}.params.need_rot is {v['params']['need_rot']}, but the nodes "
                         f"{'do' if dag.need_rot else 'do not'} read the next row")
    unused = []
    for var in v["unused_variables"]:
        entry, args = var["entry"]
        if entry != "Main":
            raise _unsupported(f"{path}.unused_variables", f"a {entry} variable")
        unused.append((args["part_index"], var["index"], args["offset"]))
    if tuple(unused) != unused_variables(dag, width, dag.need_rot):
        raise SerdeError(f"{path}.unused_variables does not list exactly the cells no node reads")
    return AirVerifyingKey(
        name=f"air{index}", width=width, num_public_values=num_pvs, need_rot=dag.need_rot, dag=dag.to_serde(),
        instructions=instructions, node_degrees=degrees, constraint_idx=constraint_idx,
        interactions=tuple(interactions), max_constraint_degree=v["max_constraint_degree"],
        is_required=v["is_required"], unused_variables=tuple(unused))


def verifying_key_from_value(value: dict):
    """A gpustark VerifyingKey from MultiStarkVerifyingKey's serde value; its pre_hash must be the
    hash of its contents (a key whose pre_hash disagrees would make proofs no one else accepts)."""
    from ..keygen import LinearConstraint, VerifyingKey, vk_pre_hash

    inner = value["inner"]
    params = params_from_value(inner["params"])
    if not inner["per_air"]:
        raise SerdeError("$.inner.per_air: a key needs at least one AIR")
    per_air = tuple(_air_from_value(i, v) for i, v in enumerate(inner["per_air"]))
    thc = []
    for i, c in enumerate(inner["trace_height_constraints"]):
        if len(c["coefficients"]) != len(per_air):
            raise SerdeError(f"$.inner.trace_height_constraints[{i}]: {len(c['coefficients'])} coefficients for "
                             f"{len(per_air)} AIRs")
        thc.append(LinearConstraint(tuple(c["coefficients"]), c["threshold"]))
    pre_hash = vk_pre_hash(pre_hash_input(params, per_air, thc))
    if pre_hash.tolist() != list(value["pre_hash"]):
        raise SerdeError("$.pre_hash is not the hash of the key's contents (a damaged or edited key)")
    pre_hash.setflags(write=False)
    return VerifyingKey(params, per_air, tuple(thc), pre_hash)


def decode_key(data: bytes, fmt: str):
    """A VerifyingKey from OpenVM's postcard bytes ('postcard') or serde_json text ('json')."""
    if fmt == "postcard":
        value = from_postcard(VERIFYING_KEY, data, what="verifying key")
    elif fmt == "json":
        value = from_json(VERIFYING_KEY, data)
    else:
        raise ValueError(f"key format: expected 'postcard' or 'json', found {fmt!r}")
    return verifying_key_from_value(value)
