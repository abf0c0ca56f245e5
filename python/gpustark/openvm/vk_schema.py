"""OpenVM's verifying key as a serde schema: `MultiStarkVerifyingKey` of stark-backend v2.0.1
(`keygen/types.rs`, `config.rs`, `interaction/mod.rs`, `air_builders/symbolic/{dag.rs,
symbolic_variable.rs}`), field for field and variant for variant, in declaration order.

Postcard writes no names, only this order: a field or variant out of place changes every byte
after it, and with them the key's pre_hash.
"""
from __future__ import annotations

from .serde import (BOOL, FIELD, ISIZE, PHANTOM, U8, U16, U32, USIZE, Array, Enum, Option, Struct, Vec)

__all__ = ["SYSTEM_PARAMS", "VERIFYING_KEY0", "VERIFYING_KEY", "DIGEST"]

DIGEST = Array(FIELD, 8)

PROXIMITY = Enum(
    ("UniqueDecoding", None),
    ("SplitUniqueList", Struct(("m", USIZE), ("list_start_round", USIZE))),
    ("ListDecoding", Struct(("m", USIZE))),
)
WHIR_CONFIG = Struct(
    ("k", USIZE),
    ("rounds", Vec(Struct(("num_queries", USIZE)))),
    ("mu_pow_bits", USIZE),
    ("query_phase_pow_bits", USIZE),
    ("folding_pow_bits", USIZE),
    ("proximity", PROXIMITY),
)
LOGUP_PARAMS = Struct(("max_interaction_count", U32), ("log_max_message_length", U32), ("pow_bits", USIZE))
SYSTEM_PARAMS = Struct(
    ("l_skip", USIZE),
    ("n_stack", USIZE),
    ("w_stack", USIZE),
    ("log_blowup", USIZE),
    ("whir", WHIR_CONFIG),
    ("logup", LOGUP_PARAMS),
    ("max_constraint_degree", USIZE),
)

ENTRY = Enum(
    ("Preprocessed", Struct(("offset", USIZE))),
    ("Main", Struct(("part_index", USIZE), ("offset", USIZE))),
    ("Public", None),
    ("Challenge", None),
)
VARIABLE = Struct(("entry", ENTRY), ("index", USIZE), ("_phantom", PHANTOM))
_BINARY = Struct(("left_idx", USIZE), ("right_idx", USIZE), ("degree_multiple", USIZE))
NODE = Enum(
    ("Variable", VARIABLE),
    ("IsFirstRow", None),
    ("IsLastRow", None),
    ("IsTransition", None),
    ("Constant", FIELD),
    ("Add", _BINARY),
    ("Sub", _BINARY),
    ("Neg", Struct(("idx", USIZE), ("degree_multiple", USIZE))),
    ("Mul", _BINARY),
)
INTERACTION = Struct(("message", Vec(USIZE)), ("count", USIZE), ("bus_index", U16), ("count_weight", U32))
CONSTRAINTS_DAG = Struct(
    ("constraints", Struct(("nodes", Vec(NODE)), ("constraint_idx", Vec(USIZE)))),
    ("interactions", Vec(INTERACTION)),
)
AIR_VERIFYING_KEY = Struct(
    ("preprocessed_data", Option(Struct(("commit", DIGEST), ("hypercube_dim", ISIZE), ("stacking_width", USIZE)))),
    ("params", Struct(
        ("width", Struct(("preprocessed", Option(USIZE)), ("cached_mains", Vec(USIZE)), ("common_main", USIZE))),
        ("num_public_values", USIZE),
        ("need_rot", BOOL),
    )),
    ("symbolic_constraints", CONSTRAINTS_DAG),
    ("max_constraint_degree", U8),
    ("is_required", BOOL),
    ("unused_variables", Vec(VARIABLE)),
)
LINEAR_CONSTRAINT = Struct(("coefficients", Vec(U32)), ("threshold", U32))

# What OpenVM hashes into pre_hash (MultiStarkVerifyingKey0), and the key with its pre_hash.
VERIFYING_KEY0 = Struct(
    ("params", SYSTEM_PARAMS),
    ("per_air", Vec(AIR_VERIFYING_KEY)),
    ("trace_height_constraints", Vec(LINEAR_CONSTRAINT)),
)
VERIFYING_KEY = Struct(("inner", VERIFYING_KEY0), ("pre_hash", DIGEST))
