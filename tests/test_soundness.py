"""Security estimate of gpustark.soundness against OpenVM v2.0.1's soundness model.

OpenVM's crates/stark-backend/tests/soundness.rs asserts that its production presets reach 100 bits
for stated circuit bounds; its calculator unit tests pin a few closed-form values. Both are
reproduced here, next to hand computations of components from the formulas (written out below,
independently of the module's code path), monotonicity checks, and gpustark's own keys.
"""
from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import pytest

import gpustark
from gpustark import params as gp
from gpustark import soundness as S
from gpustark.keygen import TraceWidth
from gpustark.soundness import COMPONENTS, WHIR_PARTS, SecurityReport, security_report, security_report_for_params

P = 2013265921
F_BITS = 4 * math.log2(P)  # BabyBear^4 challenges

# OpenVM tests/soundness.rs, App VM bounds.
APP_MAX_CONSTRAINTS = 5000
APP_NUM_AIRS = 100
APP_MAX_LOG_HEIGHT = 24
APP_NUM_COLUMNS = 30000
APP_MAX_INTERACTIONS_PER_AIR = 1000
# ... and the recursion circuits' bounds.
REC_MAX_CONSTRAINTS = 1000
REC_NUM_AIRS = 50
REC_NUM_COLUMNS = 2000
REC_MAX_INTERACTIONS_PER_AIR = 100


def openvm_n_logup_bound(l_skip, num_airs, max_interactions, max_log_height, max_interaction_count):
    # The test file's own helper, in float logs as it writes it.
    by_count = math.ceil(math.log2(max_interaction_count)) - l_skip
    by_shape = (math.ceil(math.log2(num_airs)) + math.ceil(math.log2(max_interactions)) + max_log_height - l_skip)
    return min(by_count, by_shape)


def app_report(h, *, max_log_height=APP_MAX_LOG_HEIGHT, params=None):
    p = params or gp.app_params_with_100_bits_security(h)
    n_logup = openvm_n_logup_bound(p.l_skip, APP_NUM_AIRS, APP_MAX_INTERACTIONS_PER_AIR, max_log_height,
                                   p.logup.max_interaction_count)
    return security_report_for_params(p, max_constraints_per_air=APP_MAX_CONSTRAINTS, num_airs=APP_NUM_AIRS,
                                      num_trace_columns=APP_NUM_COLUMNS, n_logup=n_logup,
                                      max_log_trace_height=max_log_height)


def pow_worth(bits):
    """-log2 Pr[x mod 2^bits == 0] for x uniform in [0, p)."""
    return 0.0 if bits == 0 else -math.log2((P // 2 ** bits + 1) / P)


# ---------------------------------------------------------------------------------------------
# OpenVM's production assertions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("h", range(11, 25))
def test_app_preset_reaches_100_bits(h):
    report = app_report(h)
    assert report.total_bits >= 100.0, str(report)
    # The same with traces no taller than the stacked height (what calculate_from_vk assumes).
    assert app_report(h, max_log_height=h).total_bits >= 100.0


def test_app_bounds_n_logup():
    p = gp.app_params_with_100_bits_security(24)
    # ceil(log2 p) - l_skip = 31 - 4 beats 7 + 10 + 24 - 4.
    assert openvm_n_logup_bound(4, 100, 1000, 24, P) == 27
    assert S.n_logup_bound(p, APP_NUM_AIRS, APP_MAX_INTERACTIONS_PER_AIR, 24) == 27
    assert S.n_logup_bound(p, 3, 5, 10) == 2 + 3 + 10 - 4
    assert S.n_logup_bound(p, 3, 0, 10) == 0


def _recursion_params(log_blowup, l_skip, n_stack, w_stack, folding_pow, mu_pow, proximity, query_pow):
    """OpenVM's params_with_100_bits_security (stark-sdk config/mod.rs): k = 4, final poly <= 2^10,
    degree 4, LogUp grinding up to 100 bits after the PCS list-size penalty (at least 18)."""
    h = l_skip + n_stack
    list_bits = S.pcs_list_bits(SimpleNamespace(w_stack=w_stack, whir=SimpleNamespace(proximity=proximity),
                                                log_stacked_height=h, log_blowup=log_blowup))
    before_pow = F_BITS - math.log2(2 * P) - 7 - list_bits
    logup = gp.LogUpParams(P, 7, max(18, max(0, math.ceil(100 - before_pow))))
    whir = gp.WhirConfig.new(log_blowup, h, k=4, log_final_poly_len=10, query_phase_pow_bits=query_pow,
                             folding_pow_bits=folding_pow, mu_pow_bits=mu_pow, proximity=proximity, security_bits=100)
    return gp.SystemParams(l_skip, n_stack, w_stack, log_blowup, whir, logup, 4)


RECURSION = {
    # name: (params, max log trace height used by OpenVM's test_all_production_configs)
    "leaf": (lambda: _recursion_params(2, 4, 17, 2048, 4, 13, gp.ProximityStrategy.unique(), 20), 20),
    "internal": (lambda: _recursion_params(3, 2, 17, 512, 18, 20, gp.ProximityStrategy.list_decoding(2), 20), 19),
    "root": (lambda: _recursion_params(4, 2, 18, 18, 15, 15, gp.ProximityStrategy.list_decoding(1), 15), 20),
    "hook": (lambda: _recursion_params(2, 2, 18, 80, 12, 11, gp.ProximityStrategy.list_decoding(1), 20), 20),
}


@pytest.mark.parametrize("name", sorted(RECURSION))
def test_recursion_presets_reach_100_bits(name):
    """OpenVM's recursion presets (three of them in the list-decoding regime) pass its 100-bit assertion."""
    make, max_log_height = RECURSION[name]
    p = make()
    n_logup = openvm_n_logup_bound(p.l_skip, REC_NUM_AIRS, REC_MAX_INTERACTIONS_PER_AIR, max_log_height,
                                   p.logup.max_interaction_count)
    report = security_report_for_params(p, max_constraints_per_air=REC_MAX_CONSTRAINTS, num_airs=REC_NUM_AIRS,
                                        num_trace_columns=REC_NUM_COLUMNS, n_logup=n_logup,
                                        max_log_trace_height=max_log_height)
    assert report.total_bits >= 100.0, str(report)
    if name != "leaf":
        # List decoding: a list of more than one codeword is union-bounded over.
        assert S.pcs_list_bits(p) > 0
        assert report.components["whir_sumcheck"] < F_BITS - math.log2(3) + pow_worth(p.whir.folding_pow_bits)


def test_small_test_params_are_far_below():
    p = gp.test_params_small()
    report = security_report_for_params(p, max_constraints_per_air=4, num_airs=3, num_trace_columns=6,
                                        max_interactions_per_air=1)
    assert 0 < report.total_bits < 10
    assert report.weakest == "whir"
    assert report.weakest_whir_part == "whir_shift"

    # By hand: 1 bit of query grinding; rounds at -log2 rate 1, 3, 5 with (10, 4, 2) queries;
    # round 0 unique decoding, then list decoding with m = 3. Query domains: 2^(10-3+1),
    # 2^(7-3+3), 2^(4-3+5), in each of which exactly one residue (zero) is heavy.
    assert p.whir.num_queries == (10, 4, 2)

    def query_bits(alpha, t):
        return -t * math.log2(alpha * (1 - 1 / P) + 1 / P) + pow_worth(1)

    r0 = query_bits((1 + 0.5) / 2, 10)
    r1 = query_bits(math.sqrt(1 / 8) * (1 + 1 / 6), 4)
    r2 = query_bits(math.sqrt(1 / 32) * (1 + 1 / 6), 2)
    assert report.components["whir_query"] == pytest.approx(min(r0, r1, r2), abs=1e-9)
    assert report.total_bits == pytest.approx(report.components["whir_shift"], abs=1e-12)
    assert report.total_bits == pytest.approx(min(r0, r1, r2), abs=1e-6)  # gamma's 2^-110 is invisible


# ---------------------------------------------------------------------------------------------
# Components by hand
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("h", [21, 24])
def test_app_components_by_hand(h):
    p = gp.app_params_with_100_bits_security(h)
    c = app_report(h).components
    # LogUp: F - log2(2 * p) - 7 + grinding(18); unique decoding so L_PCS = 1.
    assert p.logup.pow_bits == 18
    assert c["logup"] == pytest.approx(F_BITS - math.log2(2 * P) - 7 + pow_worth(18), abs=1e-9)
    assert c["gkr_sumcheck"] == pytest.approx(F_BITS - math.log2(3), abs=1e-9)
    assert c["gkr_batching"] == pytest.approx(F_BITS, abs=1e-9)
    # ZeroCheck: the skip round has degree (3 + 1) * (2^4 - 1) = 60.
    assert c["zerocheck_sumcheck"] == pytest.approx(F_BITS - math.log2(60), abs=1e-9)
    # n_trace = 24 - 4 = 20 <= n_logup = 27, so n_extra = 0 -> boundary degree 3 + 15 + 4999 = 5017 > 3*100 - 1.
    assert c["constraint_batching"] == pytest.approx(F_BITS - math.log2(5017), abs=1e-9)
    # Stacked reduction: 2 claims per column dominate the skip round's 30.
    assert c["stacked_reduction"] == pytest.approx(F_BITS - math.log2(60000), abs=1e-9)
    # WHIR mu: 2048 columns of a degree 2^h, rate 1/2 code: F - log2(2047) - h - 1 + grinding(15).
    assert c["whir_mu_batching"] == pytest.approx(F_BITS - math.log2(2047) - h - 1 + pow_worth(15), abs=1e-9)
    # Queries: round r has -log2 rate 1 + 3r, agreement (1 + rate)/2, t_r queries, 20 bits of grinding;
    # one heavy residue out of p in every query domain. Round 2 (81 queries at rate 1/128) is the weakest.
    assert p.whir.num_queries[:3] == (193, 88, 81)
    per_round = [-t * math.log2((1 + 2.0 ** -(1 + 3 * r)) / 2 * (1 - 1 / P) + 1 / P) + pow_worth(20)
                 for r, t in enumerate(p.whir.num_queries)]
    q_min = min(per_round)
    assert q_min == per_round[2]
    assert c["whir_query"] == pytest.approx(q_min, abs=1e-9)
    # Each fold sub-round of round 0: err* = 2^(m + 1) / |F| at degree 2^m, m = h - 1 the largest,
    # plus the degree-3 sumcheck; both get 5 bits of grinding, and their errors add up.
    gap = F_BITS - (h - 1) - 1 + pow_worth(5)
    sumcheck = F_BITS - math.log2(3) + pow_worth(5)
    assert c["whir_proximity_gaps"] == pytest.approx(gap, abs=1e-9)
    assert c["whir_sumcheck"] == pytest.approx(sumcheck, abs=1e-9)
    assert c["whir_fold"] == pytest.approx(-math.log2(2 ** -gap + 2 ** -sumcheck), abs=1e-9)
    # gamma: (queries + 1 OOD claim) / |F|, worst for round 0's 194.
    assert c["whir_gamma_batching"] == pytest.approx(F_BITS - math.log2(194), abs=1e-9)
    # OOD on the first folded function: 2^(h - 4 - 1) / |F|.
    assert c["whir_ood"] == pytest.approx(F_BITS - (h - 4) + 1, abs=1e-9)
    # WHIR's weakest step is round 2's shift: its queries plus gamma over 81 + 1 claims.
    assert c["whir"] == pytest.approx(-math.log2(2 ** -q_min + 82 / 2 ** F_BITS), abs=1e-9)


def test_app_pinned_numbers():
    """This module's numbers for the app preset at the OpenVM App bounds (one decimal)."""
    expected = {
        21: dict(logup=102.7, gkr_sumcheck=122.0, gkr_batching=123.6, zerocheck_sumcheck=117.7,
                 constraint_batching=111.3, stacked_reduction=107.8, whir=100.1, whir_mu_batching=105.6,
                 whir_fold=107.6, whir_ood=107.6, whir_query=100.1, whir_gamma_batching=116.0),
        24: dict(logup=102.7, gkr_sumcheck=122.0, gkr_batching=123.6, zerocheck_sumcheck=117.7,
                 constraint_batching=111.3, stacked_reduction=107.8, whir=100.1, whir_mu_batching=102.6,
                 whir_fold=104.6, whir_ood=104.6, whir_query=100.1, whir_gamma_batching=116.0),
    }
    for h, numbers in expected.items():
        report = app_report(h)
        assert report.weakest == "whir"
        for name, bits in numbers.items():
            assert round(report.components[name], 1) == pytest.approx(bits), (h, name)


# ---------------------------------------------------------------------------------------------
# OpenVM calculator unit tests (closed-form values)
# ---------------------------------------------------------------------------------------------

def test_openvm_fused_boundary_example():
    # F = 100 bits, N_C = 11, |T| = 7, l_skip = 3, max log height 10 (n_T = 7), n_logup = 4
    # (n_extra = 3), log2 L_PCS = 2: degree max(3 + 7 + 10, 3 * 7 - 1) = 20.
    bits = S._constraint_batching_bits(100.0, 11, 7, 3, 10, 4, 2.0)
    assert bits == pytest.approx(100.0 - math.log2(20) - 2.0, abs=1e-9)


def test_openvm_query_bits_examples():
    # Ideal sampling, unique decoding, 100 queries: rate 1/2 -> ~41.5 bits, rate 1/4 -> ~67.8 bits.
    unique = S.Regime()
    assert -100 * math.log2(unique.max_agreement(1)) == pytest.approx(41.5, abs=1.0)
    assert -100 * math.log2(unique.max_agreement(2)) == pytest.approx(67.8, abs=1.0)
    # The sample_bits bias adds ~2^-31 per query: invisible at this scale.
    assert S._query_bits(unique, 100, 1, 20, float(P)) == pytest.approx(100 * -math.log2(0.75), abs=1e-6)


def test_openvm_combination_and_list_regime_examples():
    assert S._bits_of_two_errors(100.0, 100.0) == pytest.approx(99.0, abs=1e-12)
    assert S._bits_of_two_errors(math.inf, 42.0) == 42.0
    # Multiplicity 1 needs rho < 4/9: rate 1/2 has no list-decoding bound, rate 1/4 has one.
    assert S._bchks25_bad_set(12, 1, 1) == (math.inf, math.inf)
    assert all(math.isfinite(x) for x in S._bchks25_bad_set(12, 2, 1))
    # The list size is D_Y = (m + 1/2) / sqrt(rho).
    assert S._bchks25_bad_set(24, 2, 2)[1] == pytest.approx(math.log2(2.5 * 2), abs=1e-12)


def test_calculate_from_vk_matches_calculate():
    """OpenVM's calculates_vk_soundness_from_verifier_bounds: three width-2 AIRs, one with 4
    constraints, two with one interaction each, at the small test params: calculate(..., 4
    constraints, 3 AIRs, 6 columns, n_logup = min(30 - 2, 2 + 0 + 10 - 2) = 10)."""
    p = gp.test_params_small()

    def air(constraints, interactions):
        return SimpleNamespace(width=TraceWidth(None, (), 2),
                               constraint_idx=tuple(range(constraints)), interactions=(object(),) * interactions)

    vk = SimpleNamespace(params=p, per_air=(air(4, 0), air(0, 1), air(0, 1)))
    got = security_report(vk)
    want = security_report_for_params(p, max_constraints_per_air=4, num_airs=3, num_trace_columns=6, n_logup=10)
    assert got.components == want.components
    assert got.total_bits == want.total_bits
    assert got.bounds["n_logup"] == 10 and got.bounds["num_trace_columns"] == 6


# ---------------------------------------------------------------------------------------------
# Monotonicity
# ---------------------------------------------------------------------------------------------

def _with_whir(p, **changes):
    return dataclasses.replace(p, whir=dataclasses.replace(p.whir, **changes))


def _report(p, **bounds):
    args = dict(max_constraints_per_air=APP_MAX_CONSTRAINTS, num_airs=APP_NUM_AIRS, num_trace_columns=APP_NUM_COLUMNS,
                max_interactions_per_air=APP_MAX_INTERACTIONS_PER_AIR)
    args.update(bounds)
    return security_report_for_params(p, **args)


def _never_lower(before: SecurityReport, after: SecurityReport):
    for name in COMPONENTS + WHIR_PARTS + ("total",):
        a = before.total_bits if name == "total" else before.components[name]
        b = after.total_bits if name == "total" else after.components[name]
        assert b >= a - 1e-12, name


@pytest.mark.parametrize("params", [gp.app_params_with_100_bits_security(21), gp.test_params_small(),
                                    RECURSION["internal"][0]()], ids=["app21", "small", "internal"])
def test_more_queries_or_grinding_never_lower_bits(params):
    base = _report(params)
    more_queries = _report(_with_whir(params, num_queries=tuple(q + 3 for q in params.whir.num_queries)))
    # Queries are the weak side of every shift step here, so WHIR and the total gain; gamma batches
    # t + 1 claims and so loses a little (log2 of the claim-count ratio), as the formula says.
    for name in COMPONENTS + ("whir_query", "whir_shift"):
        assert more_queries.components[name] >= base.components[name] - 1e-12, name
    assert more_queries.total_bits >= base.total_bits
    assert more_queries.components["whir_query"] > base.components["whir_query"]
    assert more_queries.components["whir_gamma_batching"] < base.components["whir_gamma_batching"]
    for pow_field, part in (("query_phase_pow_bits", "whir_query"), ("folding_pow_bits", "whir_fold"),
                            ("mu_pow_bits", "whir_mu_batching")):
        grinding = _report(_with_whir(params, **{pow_field: getattr(params.whir, pow_field) + 2}))
        _never_lower(base, grinding)
        assert grinding.components[part] > base.components[part]
    more_pow = dataclasses.replace(params.logup, pow_bits=params.logup.pow_bits + 2)
    logup = _report(dataclasses.replace(params, logup=more_pow))
    _never_lower(base, logup)
    assert logup.components["logup"] == pytest.approx(base.components["logup"] + pow_worth(params.logup.pow_bits + 2)
                                                      - pow_worth(params.logup.pow_bits), abs=1e-9)


def test_bigger_circuits_never_raise_bits():
    p = gp.app_params_with_100_bits_security(21)
    base = _report(p)
    for bound, part in (("max_constraints_per_air", "constraint_batching"), ("num_airs", "constraint_batching"),
                        ("num_trace_columns", "stacked_reduction"), ("max_constraint_degree", "zerocheck_sumcheck")):
        values = [1, 10, 1000, 10 ** 5] if bound != "max_constraint_degree" else [1, 3, 7, 30]
        bits = [_report(p, **{bound: v}).components[part] for v in values]
        assert all(b >= a for a, b in zip(bits[1:], bits)), (bound, bits)
        assert bits[-1] < bits[0]
        totals = [_report(p, **{bound: v}).total_bits for v in values]
        assert all(b >= a for a, b in zip(totals[1:], totals)), (bound, totals)
    # More stacked columns dilute mu batching; taller traces beyond GKR's depth weaken the boundary.
    assert _report(p, num_stacked_columns=1 << 16).components["whir_mu_batching"] < base.components["whir_mu_batching"]
    tall = _report(p, max_constraints_per_air=1, num_airs=1, n_logup=0, max_log_trace_height=24)
    short = _report(p, max_constraints_per_air=1, num_airs=1, n_logup=0, max_log_trace_height=8)
    tall, short = tall.components["constraint_batching"], short.components["constraint_batching"]
    assert tall == pytest.approx(F_BITS - math.log2(20 + 15), abs=1e-9)  # n_extra = 24 - 4 - 0
    assert tall < short
    # Longer interaction messages weaken LogUp bit for bit.
    longer = dataclasses.replace(p, logup=dataclasses.replace(p.logup, log_max_message_length=9))
    assert _report(longer).components["logup"] == pytest.approx(base.components["logup"] - 2, abs=1e-9)


def test_list_decoding_rounds_read_per_round():
    p = gp.test_params_small()
    split0 = _with_whir(p, proximity=gp.ProximityStrategy.split_unique_list(3, 0))
    listing = _with_whir(p, proximity=gp.ProximityStrategy.list_decoding(3))
    assert _report(split0).components == _report(listing).components
    strategy = p.whir.proximity
    assert [S.regime_in_round(strategy, r) for r in range(3)] == [S.Regime(None), S.Regime(3), S.Regime(3)]
    assert S.regime_in_round(gp.ProximityStrategy.unique(), 5).unique
    # Listing from round 0 makes L_PCS > 1 and charges it to LogUp and the PIOP.
    unique_first = _report(p)
    assert _report(listing).components["logup"] < unique_first.components["logup"]
    assert _report(listing).components["stacked_reduction"] < unique_first.components["stacked_reduction"]


# ---------------------------------------------------------------------------------------------
# Report shape and gpustark's own keys
# ---------------------------------------------------------------------------------------------

def test_report_shape():
    report = app_report(21)
    assert set(report.components) == set(COMPONENTS + WHIR_PARTS)
    assert report.total_bits == min(report.components[n] for n in COMPONENTS)
    assert report.components[report.weakest] == report.total_bits
    assert report.components["whir"] <= min(report.components[n] for n in WHIR_PARTS)
    text = str(report)
    assert "100.1" in text and all(name in text for name in COMPONENTS)
    one_round = app_report(11)
    assert one_round.components["whir_ood"] == math.inf  # a single (final) WHIR round has no OOD sample
    assert "-" in str(one_round)


def test_bad_bounds_raise():
    p = gp.test_params_small()
    with pytest.raises(ValueError):
        security_report_for_params(p, max_constraints_per_air=1, num_airs=1, num_trace_columns=1)
    with pytest.raises(ValueError):
        security_report_for_params(p, max_constraints_per_air=1, num_airs=1, num_trace_columns=1, n_logup=0,
                                   num_stacked_columns=1)


def test_interactions_only_key_counts_one_constraint():
    # OpenVM's calculator asserts on a key with no constraints; gpustark counts one (the LogUp claims).
    from gpustark.examples import fixture11

    vk = gpustark.keygen(fixture11()[0], gp.test_params_small())[1]
    assert all(avk.num_constraints == 0 for avk in vk.per_air)
    report = security_report(vk)
    one = security_report_for_params(vk.params, max_constraints_per_air=1, num_airs=2,
                                     num_trace_columns=report.bounds["num_trace_columns"],
                                     max_interactions_per_air=1)
    assert report.components == one.components and report.total_bits < 10


def test_keccakf_key_at_app_params():
    from gpustark.keygen import keygen
    from gpustark.workloads import WORKLOADS, make_params

    workload = WORKLOADS["keccakf"]
    name, height = workload.params(workload.defaults)
    _, vk = keygen(workload.airs(workload.defaults), make_params(name, height))
    report = security_report(vk)
    assert report.total_bits >= 100.0, str(report)
    assert report.bounds["n_logup"] == 0  # Keccak-f has no interactions


def test_fib_key_at_test_params():
    from gpustark.keygen import keygen
    from gpustark.workloads import WORKLOADS, make_params

    workload = WORKLOADS["fib"]
    _, vk = keygen(workload.airs(workload.defaults), make_params("small"))
    report = security_report(vk)
    assert report.total_bits < 20, str(report)
    assert report.weakest == "whir"
