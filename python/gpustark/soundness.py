"""Security level, in bits, of a SWIRL verifying key (OpenVM stark-backend v2.0.1's soundness model).

This is a from-scratch Python rendering of the estimate OpenVM computes in
`SoundnessCalculator::calculate_from_vk` / `SoundnessCalculator::calculate`
(crates/stark-backend/src/soundness/{calculator.rs,vk.rs,mod.rs}). Every sub-protocol of the
proof system gets a round-by-round error bound, written as bits (-log2 of the error); the key's
security is the smallest of them.

Conventions used throughout:

* `F` is BabyBear (p = 2^31 - 2^27 + 1, Plonky3) and challenges live in its degree-4 extension,
  so a challenge carries `4 * log2(p)` (about 123.6) bits.
* Proof-of-work grinding of g bits adds the -log2 of the probability that a random witness hits
  the all-zero target of `sample_bits(g)`, which is a little under g because `p mod 2^g != 0`.
* `L_PCS` is the list size of the first WHIR round's proximity regime (1, i.e. 0 bits, under
  unique decoding). Every claim about "the" committed trace is union-bounded over that list.
* WHIR's proximity regime is read per round through `regime_in_round`, so a strategy that says
  which rounds use list decoding (and with which multiplicity m) is all it needs.

Use `security_report(vk)` for a `gpustark.keygen.VerifyingKey`, or `security_report_for_params`
with explicit circuit bounds (OpenVM's `calculate` inputs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, NamedTuple

from .params import P as BABYBEAR_P, SystemParams

__all__ = ["SecurityReport", "Regime", "security_report", "security_report_for_params", "base_field_order",
           "challenge_field_bits", "regime_in_round", "n_logup_bound", "COMPONENTS", "WHIR_PARTS"]

# Degree of the challenge field over BabyBear (Plonky3's BinomialExtensionField<BabyBear, 4>).
EXTENSION_DEGREE = 4

# The top-level protocol components, in protocol order; total_bits is the minimum over these.
COMPONENTS = ("logup", "gkr_sumcheck", "gkr_batching", "zerocheck_sumcheck", "constraint_batching",
              "stacked_reduction", "whir")
# WHIR's own error sources (each already folded into "whir" as OpenVM does).
WHIR_PARTS = ("whir_mu_batching", "whir_fold", "whir_proximity_gaps", "whir_sumcheck", "whir_ood",
              "whir_shift", "whir_query", "whir_gamma_batching")

_TINY = 2.2250738585072014e-308  # smallest normal double: keeps log2 of a probability finite
_INF = math.inf


def base_field_order() -> float:
    """|F| as a float, as OpenVM feeds it to the calculator."""
    return float(BABYBEAR_P)


def challenge_field_bits() -> float:
    """Bits of the challenge (extension) field: D * log2 |F|."""
    return EXTENSION_DEGREE * math.log2(base_field_order())


# --------------------------------------------------------------------------------------------------
# Proximity regime per WHIR round
# --------------------------------------------------------------------------------------------------

class Regime(NamedTuple):
    """One WHIR round's decoding regime: list_m None = unique decoding, else list decoding with
    multiplicity list_m (OpenVM's ProximityRegime)."""

    list_m: int | None = None

    @property
    def unique(self) -> bool:
        return self.list_m is None

    def max_agreement(self, log_inv_rate: int) -> float:
        """Largest agreement fraction of a far word with the code: (1 + rho)/2 when unique,
        sqrt(rho) * (1 + 1/(2m)) (the Guruswami-Sudan radius as WHIR states it) when listing."""
        rho = 2.0 ** -log_inv_rate
        if self.unique:
            frac = (1.0 + rho) / 2.0
        else:
            frac = math.sqrt(rho) * (1.0 + 1.0 / (2.0 * max(self.list_m, 1)))
        return min(max(frac, _TINY), 1.0)


def regime_in_round(strategy, whir_round: int) -> Regime:
    """The regime of WHIR round `whir_round` under a params.ProximityStrategy.

    Only two facts about the strategy matter: the first list-decoding round (`list_start_round`,
    None when every round is unique) and the multiplicity `m`. ListDecoding{m} and
    SplitUniqueList{m, 0} therefore give the same regime in every round, as in OpenVM.
    """
    start = strategy.list_start_round
    if start is None or whir_round < start:
        return Regime(None)
    return Regime(int(strategy.m))


# --------------------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------------------

def _log2_sum(x: float, y: float) -> float:
    """log2(2^x + 2^y) without overflow."""
    if x == _INF or y == _INF:
        return _INF
    if math.isnan(x) or math.isnan(y):
        return math.nan
    big, small = (x, y) if x >= y else (y, x)
    if small == -_INF:
        return big
    return big + math.log2(1.0 + 2.0 ** (small - big))


def _bits_of_two_errors(bits_a: float, bits_b: float) -> float:
    """Bits of the summed error 2^-a + 2^-b (an infinite side contributes no error)."""
    if bits_a == _INF:
        return bits_b
    if bits_b == _INF:
        return bits_a
    return -_log2_sum(-bits_a, -bits_b)


def _ceil_log2(n: int) -> int:
    """ceil(log2 n) for n >= 1, and 0 for n = 0 (p3_util::log2_ceil_usize)."""
    return (n - 1).bit_length() if n > 0 else 0


def _residue_split(n_bits: float, order: float) -> tuple[float, float]:
    """Taking a uniform element of [0, p) mod 2^n: write p = c*2^n + r. Returns (c, r): the r
    residues below r are hit c+1 times out of p, the others c times."""
    width = 2.0 ** n_bits
    c = math.floor(order / width)
    return float(c), order - c * width


def _grinding_bits(pow_bits: int, order: float) -> float:
    """What a `pow_bits` grind is worth: -log2 Pr[sample_bits(pow_bits) == 0] = -log2((c+1)/p).
    Zero bits means no grinding and no check at all."""
    if pow_bits == 0:
        return 0.0
    c, _ = _residue_split(float(pow_bits), order)
    return -math.log2((c + 1.0) / order)


# --------------------------------------------------------------------------------------------------
# Proximity gaps (WHIR paper err*, and BCHKS25 Theorem 1.5 for list decoding)
# --------------------------------------------------------------------------------------------------

def _bchks25_bad_set(log_degree: int, log_inv_rate: int, m: int) -> tuple[float, float]:
    """(log2 a, log2 list size) for list decoding with multiplicity m, using the closed-form
    degrees of BCHKS25 Lemma 3.1; (inf, inf) where the theorem does not apply.

    Slack eta = sqrt(rho)/(2m) and gamma = 1 - sqrt(rho) - eta; with mb = m + 1/2 and
    n = 2^(log_degree + log_inv_rate):  D_X = mb*sqrt(k n), D_Y = mb*sqrt(n/k) = list size bound,
    D_Z = max(D_Y, mb^2 (n/k) / 3);  a = ceil(2 D_X D_Y^2 D_Z + D_Y (gamma n + 1)), at least 1.
    """
    m = max(m, 1)
    rho = 2.0 ** -log_inv_rate
    if not (0.0 < rho < math.inf):
        return _INF, _INF
    if m == 1 and rho >= 4.0 / 9.0:
        return _INF, _INF  # gamma = 1 - 1.5 sqrt(rho) would not be positive
    eta = math.sqrt(rho) / (2.0 * m)
    gamma = 1.0 - math.sqrt(rho) - eta
    if eta <= 0.0 or gamma <= 0.0 or gamma >= 1.0 - math.sqrt(rho):
        return _INF, _INF

    lg_mb = math.log2(m + 0.5)
    lg_n = float(log_degree + log_inv_rate)
    lg_rate_inv = float(log_inv_rate)  # log2(n/k)
    lg_dx = lg_mb + lg_n - 0.5 * lg_rate_inv
    lg_dy = lg_mb + 0.5 * lg_rate_inv
    lg_dz = max(lg_dy, 2.0 * lg_mb - math.log2(3.0) + lg_rate_inv)

    lg_gamma_n_plus_1 = _log2_sum(math.log2(gamma) + lg_n, 0.0)
    lg_a = _log2_sum(1.0 + lg_dx + 2.0 * lg_dy + lg_dz, lg_dy + lg_gamma_n_plus_1)
    if not math.isfinite(lg_a):
        return _INF, _INF
    lg_a = max(lg_a, 0.0)
    if lg_a < 1000.0:  # integer rounding only matters (and is representable) for modest a
        lg_a = math.log2(max(math.ceil(2.0 ** lg_a), 1))
    return lg_a, lg_dy


def _proximity_gap(regime: Regime, field_bits: float, log_degree: int, log_inv_rate: int,
                   batch: int) -> tuple[float, float]:
    """(bits, log2 list size) of batching `batch` words of a rate-2^-log_inv_rate RS code of
    degree 2^log_degree by one random challenge: err* = (batch - 1) * a / |F|, with
    a = 2^log_degree * 2^log_inv_rate (= domain size) when unique and BCHKS25's a when listing."""
    if batch < 2:
        raise ValueError(f"proximity gap: batching needs at least 2 words, found {batch}")
    if regime.unique:
        return field_bits - math.log2(batch - 1) - log_degree - log_inv_rate, 0.0
    lg_a, lg_list = _bchks25_bad_set(log_degree, log_inv_rate, regime.list_m)
    return field_bits - math.log2(batch - 1) - lg_a, lg_list


def pcs_list_bits(params: SystemParams, num_stacked_columns: int | None = None) -> float:
    """log2 L_PCS: list size of the first WHIR round's regime at the full stacked height."""
    cols = params.w_stack if num_stacked_columns is None else num_stacked_columns
    return _proximity_gap(regime_in_round(params.whir.proximity, 0), challenge_field_bits(),
                          params.log_stacked_height, params.log_blowup, cols)[1]


# --------------------------------------------------------------------------------------------------
# The PIOP components
# --------------------------------------------------------------------------------------------------

def _logup_bits(params: SystemParams, field_bits: float, list_bits: float, order: float) -> float:
    # alpha/beta: field - log2(2 * max_interaction_count) - log_max_message_length - log2 L_PCS, plus PoW.
    lp = params.logup
    return (field_bits - math.log2(2.0 * lp.max_interaction_count) - lp.log_max_message_length - list_bits
            + _grinding_bits(lp.pow_bits, order))


def _gkr_sumcheck_bits(field_bits: float, l_skip: int, n_logup: int) -> float:
    # Every GKR sub-round is a degree-3 sumcheck polynomial.
    if l_skip + n_logup < 1:
        raise ValueError("GKR needs at least one round (l_skip + n_logup >= 1)")
    return field_bits - math.log2(3.0)


def _gkr_batching_bits(field_bits: float) -> float:
    # mu / lambda per layer are degree-1 (linear) combinations.
    return field_bits


def _zerocheck_sumcheck_bits(field_bits: float, max_degree: int, l_skip: int, list_bits: float) -> float:
    # Worst round degree: the univariate skip round, (d + 1)(2^l_skip - 1), or a multilinear round, d + 1.
    worst = max((max_degree + 1) * ((1 << l_skip) - 1), max_degree + 1)
    return field_bits - math.log2(worst) - list_bits


def _constraint_batching_bits(field_bits: float, max_constraints: int, num_airs: int, l_skip: int,
                              max_log_height: int, n_logup: int, list_bits: float) -> float:
    # The fused GKR-input / ZeroCheck boundary has degree max(3, n_extra) + (2^l_skip - 1) + (N_C - 1),
    # n_extra = trace variables beyond GKR's; batching 3 claims per AIR is degree 3|T| - 1.
    # A key with interactions only (fixture 11's) has no constraint to batch, where OpenVM's calculator
    # asserts; the LogUp claims still cross the boundary, so count it as one constraint (N_C - 1 = 0).
    max_constraints = max(max_constraints, 1)
    if num_airs < 1:
        raise ValueError("constraint batching: no AIRs")
    n_extra = max(max(max_log_height - l_skip, 0) - n_logup, 0)
    boundary = max(n_extra, 3) + ((1 << l_skip) - 1) + (max_constraints - 1)
    batching = 3 * num_airs - 1
    return field_bits - math.log2(max(boundary, batching)) - list_bits


def _stacked_reduction_bits(field_bits: float, num_columns: int, l_skip: int, list_bits: float) -> float:
    # lambda batches 2 claims per column; skip round degree 2(2^l_skip - 1); multilinear rounds degree 2.
    worst = max(2.0 * num_columns, 2.0 * ((1 << l_skip) - 1), 2.0)
    return field_bits - math.log2(worst) - list_bits


# --------------------------------------------------------------------------------------------------
# WHIR
# --------------------------------------------------------------------------------------------------

def _query_bits(regime: Regime, queries: int, log_inv_rate: int, log_domain: int, order: float) -> float:
    """t queries drawn by sample_bits(log_domain): a far word's agreement set (fraction alpha of
    N = 2^log_domain points) can cover at most r heavy residues, so one query passes with
    probability alpha (1 - r/p) + min(alpha N, r)/p."""
    alpha = regime.max_agreement(log_inv_rate)
    _, heavy = _residue_split(float(log_domain), order)
    hit = alpha * (1.0 - heavy / order) + min(alpha * 2.0 ** log_domain, heavy) / order
    return -queries * math.log2(min(max(hit, _TINY), 1.0))


def _whir_bits(params: SystemParams, field_bits: float, order: float, num_stacked_columns: int) -> dict[str, float]:
    """WHIR's round-by-round error sources (WHIR paper, Theorem 5.2), keyed by WHIR_PARTS, plus "whir"."""
    whir = params.whir
    strategy = whir.proximity
    k = whir.k
    if num_stacked_columns < 2:
        raise ValueError(f"WHIR: mu batching needs at least 2 stacked columns, found {num_stacked_columns}")

    # mu batches all stacked columns of the initial codeword.
    mu = (_proximity_gap(regime_in_round(strategy, 0), field_bits, params.log_stacked_height,
                         params.log_blowup, num_stacked_columns)[0]
          + _grinding_bits(whir.mu_pow_bits, order))
    fold_pow = _grinding_bits(whir.folding_pow_bits, order)
    query_pow = _grinding_bits(whir.query_phase_pow_bits, order)

    worst = dict.fromkeys(("fold", "gaps", "sumcheck", "ood", "shift", "query", "gamma"), _INF)
    rate = params.log_blowup   # -log2 rate of this round's code
    degree = params.log_stacked_height  # log2 degree, decremented by each folded variable
    last = len(whir.num_queries) - 1
    for rnd, queries in enumerate(whir.num_queries):
        regime = regime_in_round(strategy, rnd)
        # k sumcheck/fold sub-rounds, each: proximity gap of 2 words plus a degree-3 sumcheck,
        # both against this round's list size (which does not depend on the sub-round).
        for _ in range(k):
            degree -= 1
            gap, lst = _proximity_gap(regime, field_bits, degree, rate, 2)
            gap += fold_pow
            sc = field_bits - math.log2(3.0) - lst + fold_pow
            worst["gaps"] = min(worst["gaps"], gap)
            worst["sumcheck"] = min(worst["sumcheck"], sc)
            worst["fold"] = min(worst["fold"], _bits_of_two_errors(sc, gap))

        # Queries land in the folded domain of size 2^(degree + rate); the code queried still has
        # this round's rate.
        q = _query_bits(regime, queries, rate, degree + rate, order) + query_pow
        worst["query"] = min(worst["query"], q)

        # The next round's code (rate grows by k - 1 bits) sets the list size that gamma (t queries
        # + 1 OOD claim) and the OOD sample are union-bounded over.
        next_rate = rate + k - 1
        next_list = _proximity_gap(regime_in_round(strategy, rnd + 1), field_bits, degree, next_rate, 2)[1]
        gamma = field_bits - math.log2(queries + 1) - next_list
        worst["gamma"] = min(worst["gamma"], gamma)
        worst["shift"] = min(worst["shift"], _bits_of_two_errors(q, gamma))

        if rnd != last:
            # Out-of-domain sample on the next committed function: 2^(m - 1) * L^2 / |F|.
            worst["ood"] = min(worst["ood"], field_bits - degree + 1.0 - 2.0 * next_list)
        rate = next_rate

    parts = {
        "whir_mu_batching": mu,
        "whir_fold": worst["fold"],
        "whir_proximity_gaps": worst["gaps"],
        "whir_sumcheck": worst["sumcheck"],
        "whir_ood": worst["ood"],
        "whir_shift": worst["shift"],
        "whir_query": worst["query"],
        "whir_gamma_batching": worst["gamma"],
    }
    # The round-by-round errors proper: mu, each fold step, each shift/final step, each OOD sample;
    # the other parts are ingredients of fold and shift.
    parts["whir"] = min(mu, worst["fold"], worst["shift"], worst["ood"])
    return parts


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SecurityReport:
    """Security bits per component and overall.

    total_bits: min over COMPONENTS; weakest: the component attaining it; components: every
    component and WHIR part (name -> bits, inf where a source does not occur, e.g. whir_ood
    with a single WHIR round); bounds: the circuit bounds the estimate assumed.
    """

    total_bits: float
    components: Mapping[str, float]
    weakest: str
    bounds: Mapping[str, int] = field(default_factory=dict)
    params_name: str = "custom"

    @property
    def weakest_whir_part(self) -> str | None:
        """Which WHIR error source sets the "whir" bits."""
        whir = self.components["whir"]
        for name in ("whir_mu_batching", "whir_fold", "whir_shift", "whir_ood"):
            if self.components[name] == whir:
                return name
        return None

    def __str__(self) -> str:
        def fmt(bits: float) -> str:
            return "     -" if bits == _INF else f"{bits:6.1f}"
        lines = [f"security of {self.params_name}: {self.total_bits:.1f} bits (weakest: {self.weakest})"]
        if self.bounds:
            lines.append("  bounds: " + ", ".join(f"{k}={v}" for k, v in self.bounds.items()))
        for name in COMPONENTS:
            mark = "  <" if name == self.weakest else ""
            lines.append(f"  {name:<22}{fmt(self.components[name])}{mark}")
        for name in WHIR_PARTS:
            lines.append(f"    {name[5:]:<20}{fmt(self.components[name])}")
        return "\n".join(lines)


def n_logup_bound(params: SystemParams, num_airs: int, max_interactions_per_air: int,
                  max_log_trace_height: int | None = None) -> int:
    """Bound on the GKR depth n_logup (variables beyond l_skip): the smaller of what the verifier's
    interaction-count limit allows, ceil(log2 max_interaction_count) - l_skip, and what the key's
    shape allows, ceil(log2 #AIRs) + ceil(log2 max interactions per AIR) + max log height - l_skip;
    0 without interactions (OpenVM's calculate_n_logup_bound_from_*)."""
    h = params.log_stacked_height if max_log_trace_height is None else max_log_trace_height
    limit = params.logup.max_interaction_count
    by_limit = max(_ceil_log2(limit) - params.l_skip, 0) if limit else 0
    if num_airs == 0 or max_interactions_per_air == 0:
        by_shape = 0
    else:
        by_shape = max(_ceil_log2(num_airs) + _ceil_log2(max_interactions_per_air) + h - params.l_skip, 0)
    return min(by_limit, by_shape)


def security_report_for_params(params: SystemParams, *, max_constraints_per_air: int, num_airs: int,
                               num_trace_columns: int, max_interactions_per_air: int | None = None,
                               n_logup: int | None = None, max_log_trace_height: int | None = None,
                               num_stacked_columns: int | None = None,
                               max_constraint_degree: int | None = None) -> SecurityReport:
    """Security of `params` for circuits within the given bounds (OpenVM's `calculate`).

    n_logup defaults to n_logup_bound(...) from max_interactions_per_air (one of the two must be
    given); max_log_trace_height to params.log_stacked_height; num_stacked_columns to
    params.w_stack; max_constraint_degree to params.max_constraint_degree.
    """
    h = params.log_stacked_height if max_log_trace_height is None else max_log_trace_height
    if n_logup is None:
        if max_interactions_per_air is None:
            raise ValueError("security_report_for_params: give max_interactions_per_air or n_logup")
        n_logup = n_logup_bound(params, num_airs, max_interactions_per_air, h)
    stacked = params.w_stack if num_stacked_columns is None else num_stacked_columns
    degree = params.max_constraint_degree if max_constraint_degree is None else max_constraint_degree

    fb = challenge_field_bits()
    order = base_field_order()
    list_bits = pcs_list_bits(params, stacked)

    comps: dict[str, float] = {
        "logup": _logup_bits(params, fb, list_bits, order),
        "gkr_sumcheck": _gkr_sumcheck_bits(fb, params.l_skip, n_logup),
        "gkr_batching": _gkr_batching_bits(fb),
        "zerocheck_sumcheck": _zerocheck_sumcheck_bits(fb, degree, params.l_skip, list_bits),
        "constraint_batching": _constraint_batching_bits(fb, max_constraints_per_air, num_airs, params.l_skip, h,
                                                         n_logup, list_bits),
        "stacked_reduction": _stacked_reduction_bits(fb, num_trace_columns, params.l_skip, list_bits),
    }
    comps.update(_whir_bits(params, fb, order, stacked))
    ordered = {name: comps[name] for name in COMPONENTS + WHIR_PARTS}
    weakest = min(COMPONENTS, key=lambda name: ordered[name])  # first in protocol order on ties
    bounds = {"max_constraints_per_air": max_constraints_per_air, "num_airs": num_airs,
              "num_trace_columns": num_trace_columns, "max_log_trace_height": h, "n_logup": n_logup,
              "num_stacked_columns": stacked, "max_constraint_degree": degree}
    return SecurityReport(ordered[weakest], ordered, weakest, bounds, getattr(params, "name", "custom"))


def security_report(vk) -> SecurityReport:
    """Security of a verifying key (OpenVM's calculate_from_vk): the largest constraint and
    interaction counts of any AIR, the summed widths (preprocessed + cached + common main) of all
    AIRs, the global max constraint degree, traces up to the stacked height, w_stack stacked columns."""
    params = vk.params
    airs = vk.per_air
    max_constraints = max((len(a.constraint_idx) for a in airs), default=0)
    max_interactions = max((len(a.interactions) for a in airs), default=0)
    columns = sum(a.width.total_width for a in airs)
    return security_report_for_params(params, max_constraints_per_air=max_constraints, num_airs=len(airs),
                                      num_trace_columns=columns, max_interactions_per_air=max_interactions)
