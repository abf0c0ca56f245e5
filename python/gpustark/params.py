"""System parameters of the proof system and OpenVM's presets (PROTOCOL 3).

`SystemParams` mirrors OpenVM's struct field for field. The number of WHIR queries per round comes
from the target security through the proximity regime's per-query agreement bound, exactly as
OpenVM computes it, so the presets reproduce OpenVM's query counts.
"""
from __future__ import annotations

import math
import dataclasses
from dataclasses import dataclass, field

P = 2013265921

__all__ = ["UNIQUE_DECODING", "SPLIT_UNIQUE_LIST", "LIST_DECODING", "ProximityStrategy", "with_preset_name", "WhirConfig", "LogUpParams", "SystemParams", "test_params_small",
           "app_params_with_100_bits_security"]


UNIQUE_DECODING, SPLIT_UNIQUE_LIST, LIST_DECODING = "UniqueDecoding", "SplitUniqueList", "ListDecoding"


@dataclass(frozen=True)
class ProximityStrategy:
    """OpenVM's WhirProximityStrategy: `kind` is the Rust variant's name.

    UniqueDecoding in every round; SplitUniqueList{m, list_start_round}: unique decoding before
    that round, list decoding with multiplicity m from it on; ListDecoding{m} in every round.
    """

    kind: str = UNIQUE_DECODING
    m: int = 1
    start_round: int = 0  # SplitUniqueList's list_start_round

    def __post_init__(self):
        if self.kind not in (UNIQUE_DECODING, SPLIT_UNIQUE_LIST, LIST_DECODING):
            raise ValueError(f"proximity: expected {UNIQUE_DECODING}, {SPLIT_UNIQUE_LIST} or {LIST_DECODING}, "
                             f"found {self.kind!r}")

    @staticmethod
    def unique() -> "ProximityStrategy":
        return ProximityStrategy(UNIQUE_DECODING)

    @staticmethod
    def split_unique_list(m: int, list_start_round: int) -> "ProximityStrategy":
        return ProximityStrategy(SPLIT_UNIQUE_LIST, m, list_start_round)

    @staticmethod
    def list_decoding(m: int) -> "ProximityStrategy":
        return ProximityStrategy(LIST_DECODING, m)

    @property
    def list_start_round(self) -> int | None:
        """The first list-decoding round, None if there is none."""
        return {UNIQUE_DECODING: None, LIST_DECODING: 0}.get(self.kind, self.start_round)

    def max_agreement(self, whir_round: int, log_inv_rate: int) -> float:
        """Largest fraction of the domain on which a far word can agree with a codeword."""
        rho = 2.0 ** -log_inv_rate
        if self.list_start_round is None or whir_round < self.list_start_round:
            agreement = (1.0 + rho) / 2.0
        else:
            agreement = math.sqrt(rho) * (1.0 + 1.0 / (2.0 * max(self.m, 1)))
        return min(max(agreement, 2.2250738585072014e-308), 1.0)


@dataclass(frozen=True)
class WhirConfig:
    k: int
    num_queries: tuple[int, ...]
    mu_pow_bits: int
    query_phase_pow_bits: int
    folding_pow_bits: int
    proximity: ProximityStrategy

    @staticmethod
    def new(log_blowup: int, log_stacked_height: int, *, k: int, log_final_poly_len: int, query_phase_pow_bits: int,
            folding_pow_bits: int, mu_pow_bits: int, proximity: ProximityStrategy, security_bits: int) -> "WhirConfig":
        protocol_bits = max(security_bits - query_phase_pow_bits, 0)
        num_rounds = -(-max(log_stacked_height - log_final_poly_len, 0) // k)
        queries = []
        log_inv_rate = log_blowup
        for whir_round in range(num_rounds):
            # Queries use the round's current rate; the rate drops by k - 1 bits per round.
            per_query_bits = -math.log2(proximity.max_agreement(whir_round, log_inv_rate))
            queries.append(math.ceil(protocol_bits / per_query_bits))
            log_inv_rate += k - 1
        return WhirConfig(k, tuple(queries), mu_pow_bits, query_phase_pow_bits, folding_pow_bits, proximity)

    @property
    def num_rounds(self) -> int:
        return len(self.num_queries)


@dataclass(frozen=True)
class LogUpParams:
    max_interaction_count: int
    log_max_message_length: int
    pow_bits: int


@dataclass(frozen=True)
class SystemParams:
    l_skip: int
    n_stack: int
    w_stack: int
    log_blowup: int
    whir: WhirConfig
    logup: LogUpParams
    max_constraint_degree: int
    # Not part of OpenVM's struct: which preset made these, for reports and the CLI.
    name: str = field(default="custom", compare=False)

    def __post_init__(self):
        if not 0 <= self.l_skip <= 27 or self.n_stack < 0 or self.l_skip + self.n_stack + self.log_blowup > 27:
            raise ValueError(f"params: l_skip + n_stack + log_blowup must fit BabyBear's 2^27 subgroup, found "
                             f"l_skip={self.l_skip}, n_stack={self.n_stack}, log_blowup={self.log_blowup}")
        if self.log_blowup < 1 or self.whir.k < 1 or self.max_constraint_degree < 1:
            raise ValueError("params: log_blowup, whir.k and max_constraint_degree must be at least 1")
        if self.whir.num_rounds < 1:
            raise ValueError(f"params: WHIR needs at least one round, but log_stacked_height {self.log_stacked_height} "
                             f"leaves none (OpenVM's prover cannot run without one either)")
        if self.log_final_poly_len < 0:
            raise ValueError(f"params: {self.whir.num_rounds} WHIR rounds of k={self.whir.k} exceed m={self.log_stacked_height}")

    @property
    def log_stacked_height(self) -> int:
        """m = l_skip + n_stack."""
        return self.l_skip + self.n_stack

    @property
    def log_final_poly_len(self) -> int:
        return self.log_stacked_height - self.whir.num_rounds * self.whir.k


def test_params_small(l_skip: int = 2, n_stack: int = 8, k: int = 3) -> SystemParams:
    """OpenVM's test_system_params_small: the backend test suite's parameters (5-bit security)."""
    log_blowup = 1
    whir = WhirConfig.new(log_blowup, l_skip + n_stack, k=k, log_final_poly_len=(l_skip + n_stack) % k,
                          query_phase_pow_bits=1, folding_pow_bits=2, mu_pow_bits=3,
                          proximity=ProximityStrategy.split_unique_list(3, 1), security_bits=5)
    return SystemParams(l_skip, n_stack, 1 << 12, log_blowup, whir, LogUpParams(1 << 30, 7, 2), 3,
                        name=f"test_params_small({l_skip},{n_stack},{k})")


def _logup_pow_bits_unique_decoding() -> int:
    # 100 - (4 log2 p - log2(2p) - 7 - log2 L_PCS), floored at 18; L_PCS = 1 for unique decoding.
    security = 4 * math.log2(P) - math.log2(2 * P) - 7 - 0.0
    return max(18, math.ceil(100 - security))


def app_params_with_100_bits_security(log_stacked_height: int) -> SystemParams:
    """OpenVM's app preset: l_skip=4, log_blowup=1, k=4, unique decoding, 100-bit target.

    log_stacked_height runs from 11 (below that WHIR would have no round) to 24.
    """
    if not 11 <= log_stacked_height <= 24:
        raise ValueError(f"log_stacked_height: expected 11..24, found {log_stacked_height}")
    l_skip, log_blowup = 4, 1
    whir = WhirConfig.new(log_blowup, log_stacked_height, k=4, log_final_poly_len=10, query_phase_pow_bits=20,
                          folding_pow_bits=5, mu_pow_bits=15, proximity=ProximityStrategy.unique(), security_bits=100)
    logup = LogUpParams(P, 7, _logup_pow_bits_unique_decoding())
    return SystemParams(l_skip, log_stacked_height - l_skip, 2048, log_blowup, whir, logup, 3,
                        name=f"app_params_with_100_bits_security({log_stacked_height})")


def with_preset_name(params: SystemParams) -> SystemParams:
    """`params` named after the OpenVM preset they equal (test_params_small or
    app_params_with_100_bits_security(h)), or "custom": a key read from a file carries no name."""
    candidates = [test_params_small()]
    if 11 <= params.log_stacked_height <= 24:
        candidates.append(app_params_with_100_bits_security(params.log_stacked_height))
    for preset in candidates:
        if preset == params:
            return dataclasses.replace(params, name=preset.name)
    return dataclasses.replace(params, name="custom")
