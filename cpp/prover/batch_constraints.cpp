#include "batch_constraints.h"

#include <algorithm>
#include <mutex>

#include "../core/device/memory_budget.h"
#include "../core/parallel.h"
#include "../core/spans.h"
#include "batch_terms.h"
#include "subgroup.h"

namespace gpustark {

TraceWeights trace_weights(const BatchInput& in, size_t t, const EfVec& lambda_powers) {
    const RapTrace& trace = (*in.traces)[t];
    uint32_t vars = cube_vars(trace, in.l_skip);
    TraceWeights w;
    w.lambda_powers = lambda_powers;
    size_t lifted = size_t(1) << (in.l_skip + vars);
    w.norm = trace.log_height < in.l_skip ? fp_inv(fp_from_canonical(uint32_t(lifted >> trace.log_height))) : fp_one();
    for (uint64_t offset : in.logup->slot_offsets[t]) {
        EfVec tail(in.xi.begin() + in.l_skip + vars, in.xi.begin() + in.l_skip + in.logup->n_logup);
        EfVec bits(tail.size());
        for (size_t b = 0; b < tail.size(); ++b) bits[b] = ((offset >> (in.l_skip + vars + b)) & 1) ? ef_one() : ef_zero();
        w.slot_weights.push_back(eq_eval(tail, bits));
    }
    return w;
}

namespace {

// sum_p[t], sum_q[t] (PROTOCOL 9.1). The GKR input layer already holds every row's values:
// leaf p = norm count and leaf q = alpha + h_beta, in each interaction's slot, so the sums are
// eq-weighted sums of the trace's slots rather than a second evaluation of its rows.
void logup_sums(const BatchInput& in, size_t t, const TraceWeights& w, Ef& sum_p, Ef& sum_q) {
    const RapTrace& trace = (*in.traces)[t];
    sum_p = sum_q = ef_zero();
    if (trace.air->interactions.empty()) return;
    EfVec eq = eq_table(EfVec(in.xi.begin(), in.xi.begin() + in.l_skip + cube_vars(trace, in.l_skip)));
    for (size_t k = 0; k < trace.air->interactions.size(); ++k) {
        const Ef* p = in.logup->p.data() + in.logup->slot_offsets[t][k];
        const Ef* q = in.logup->q.data() + in.logup->slot_offsets[t][k];
        Ef slot_p = ef_zero(), slot_q = ef_zero();
        for (size_t i = 0; i < eq.size(); ++i) {
            slot_p = ef_add(slot_p, ef_mul(eq[i], p[i]));
            slot_q = ef_add(slot_q, ef_mul(eq[i], ef_sub(q[i], in.alpha)));
        }
        sum_p = ef_add(sum_p, ef_mul(w.slot_weights[k], slot_p));
        sum_q = ef_add(sum_q, ef_mul(w.slot_weights[k], slot_q));
    }
}

// The column values, rotated values and selectors of one chunk x (rows a + N x of the lifted
// trace, a < N) combined with Lagrange weights: the PLEs at (z, x).
template <class V>
void chunk_at(const RapTrace& trace, uint32_t l_skip, size_t x, const std::vector<V>& lagrange, std::vector<V>& local,
              std::vector<V>& next, V selectors[3]) {
    uint32_t width = trace.air->width;
    size_t n = size_t(1) << l_skip, height = size_t(1) << trace.log_height;
    local.assign(width, V{});
    next.assign(width, V{});
    for (int s = 0; s < 3; ++s) selectors[s] = V{};
    for (size_t a = 0; a < n; ++a) {
        size_t row = (a + n * x) % height;
        const uint32_t* here = trace.values + row * width;
        const uint32_t* after = trace.values + ((row + 1) % height) * width;
        V weight = lagrange[a];
        for (uint32_t c = 0; c < width; ++c) {
            local[c] = val_add(local[c], val_mul(weight, val_from_base<V>(fp_from_canonical(here[c]))));
            next[c] = val_add(next[c], val_mul(weight, val_from_base<V>(fp_from_canonical(after[c]))));
        }
        if (row == 0) selectors[0] = val_add(selectors[0], weight);
        if (row == height - 1) selectors[1] = val_add(selectors[1], weight);
        else selectors[2] = val_add(selectors[2], weight);
    }
}

// MLE tables of one trace over its cube at Z = r_0, folded round by round.
struct TraceTables {
    uint32_t vars = 0;
    std::vector<EfVec> local, next;  // [column][x]
    EfVec selectors[3];
    EfVec eq;
};


}  // namespace

EfVec prove_batch_constraints(Transcript& transcript, const BatchInput& in, BatchProofData& proof) {
    const std::vector<RapTrace>& traces = *in.traces;
    const size_t num_traces = traces.size();
    const uint32_t l = in.l_skip, d = in.degree;
    const size_t n = size_t(1) << l;
    uint32_t n_max = 0;
    size_t max_message = 0, max_constraints = 0;
    for (const RapTrace& t : traces) {
        n_max = std::max(n_max, cube_vars(t, l));
        for (const auto& it : t.air->interactions) max_message = std::max(max_message, it.message.size());
        max_constraints = std::max(max_constraints, t.air->constraints.size());
    }
    EfVec beta_powers = powers(in.beta, max_message + 1);
    // OpenVM's GPU prover: round0 runs from lambda to r_0 and the tables at r_0; mle_rounds the rest.
    ScopedSpan round0_span("round0");

    // Steps 8-10: lambda, the per-trace LogUp sums, mu.
    Ef lambda = sample_ef(transcript);
    EfVec lambda_powers = powers(lambda, max_constraints);
    std::vector<TraceWeights> weights;
    for (size_t t = 0; t < num_traces; ++t) {
        weights.push_back(trace_weights(in, t, lambda_powers));
        Ef sum_p, sum_q;
        logup_sums(in, t, weights[t], sum_p, sum_q);
        proof.numerator_term_per_air.push_back(sum_p);
        proof.denominator_term_per_air.push_back(sum_q);
        observe_ef(transcript, sum_p);
        observe_ef(transcript, sum_q);
    }
    Ef mu = sample_ef(transcript);
    EfVec mu_powers = powers(mu, 3 * num_traces);

    // Step 11: s_0 in coefficient form (round0.cpp).
    std::vector<EfVec> eq_cube(num_traces);  // eq(xi[l..l+n~_t], x)
    for (size_t t = 0; t < num_traces; ++t)
        eq_cube[t] = eq_table(EfVec(in.xi.begin() + l, in.xi.begin() + l + cube_vars(traces[t], l)));
    EfVec eq_low_table = eq_table(EfVec(in.xi.begin(), in.xi.begin() + l));  // eq(xi_<l, bits(a))
    proof.univariate_round_coeffs = round0_coefficients({&in, &weights, &beta_powers, &mu_powers}, *in.backend);
    for (Ef c : proof.univariate_round_coeffs) observe_ef(transcript, c);
    Ef r0 = sample_ef(transcript);
    EfVec r = {r0};

    // Tables at Z = r_0 and the per-trace constant weights of G.
    EfVec lagrange_r0 = subgroup_lagrange(l, r0);
    Ef eq_sharp_r0 = ef_zero();
    for (size_t a = 0; a < n; ++a) eq_sharp_r0 = ef_add(eq_sharp_r0, ef_mul(eq_low_table[a], lagrange_r0[a]));
    Ef eq_d_r0 = eq_uni(l, in.xi[0], r0);
    std::vector<TraceTables> tables(num_traces);
    EfVec zerocheck_weight(num_traces), numerator_weight(num_traces), denominator_weight(num_traces);
    for (size_t t = 0; t < num_traces; ++t) {
        const RapTrace& trace = traces[t];
        TraceTables& tab = tables[t];
        tab.vars = cube_vars(trace, l);
        size_t size = size_t(1) << tab.vars;
        uint32_t width = trace.air->width;
        tab.local.assign(width, EfVec(size));
        tab.next.assign(width, EfVec(size));
        for (auto& s : tab.selectors) s.assign(size, ef_zero());
        parallel_for(size, 16, [&](size_t begin, size_t end) {
            std::vector<Ef> local, next;
            for (size_t x = begin; x < end; ++x) {
                Ef sel[3];
                chunk_at<Ef>(trace, l, x, lagrange_r0, local, next, sel);
                for (uint32_t c = 0; c < width; ++c) tab.local[c][x] = local[c], tab.next[c][x] = next[c];
                for (int s = 0; s < 3; ++s) tab.selectors[s][x] = sel[s];
            }
        });
        tab.eq = eq_cube[t];
        zerocheck_weight[t] = ef_mul(mu_powers[2 * num_traces + t], eq_d_r0);
        numerator_weight[t] = ef_mul_base(ef_mul(mu_powers[2 * t], eq_sharp_r0), weights[t].norm);
        denominator_weight[t] = ef_mul(mu_powers[2 * t + 1], eq_sharp_r0);
    }

    // G_t at one point of the trace's remaining cube, from table entries interpolated at X.
    auto g_at = [&](size_t t, size_t i, Ef x_value, std::vector<Ef>& local, std::vector<Ef>& next, std::vector<Ef>& nodes) {
        const TraceTables& tab = tables[t];
        const AirProgram& air = *traces[t].air;
        bool bound = tab.eq.size() == 1;
        auto get = [&](const EfVec& v) { return bound ? v[0] : mle_pair_at(v, i, x_value); };
        for (uint32_t c = 0; c < air.width; ++c) local[c] = get(tab.local[c]), next[c] = get(tab.next[c]);
        RowPoint<Ef> point{local.data(), next.data(), get(tab.selectors[0]), get(tab.selectors[1]), get(tab.selectors[2]),
                           traces[t].publics.data()};
        evaluate_nodes<Ef>(air, point, nodes.data());
        PointSums s = point_sums(air, nodes.data(), weights[t], beta_powers);
        Ef inner = ef_add(ef_mul(zerocheck_weight[t], s.constraint),
                          ef_add(ef_mul(numerator_weight[t], s.numerator), ef_mul(denominator_weight[t], s.denominator)));
        return ef_mul(get(tab.eq), inner);
    };

    round0_span.close();
    ScopedSpan mle_rounds_span("mle_rounds");

    // Step 13: rounds 1..n_max. A trace whose cube is already bound contributes value * prod r * X.
    std::vector<Ef> bound_value(num_traces, ef_zero());
    for (size_t t = 0; t < num_traces; ++t)
        if (tables[t].vars == 0) {
            std::vector<Ef> local(traces[t].air->width), next(traces[t].air->width), nodes(traces[t].air->nodes.size());
            bound_value[t] = g_at(t, 0, ef_zero(), local, next, nodes);
        }
    // The traces' MLE evaluations are grouped under a memory budget (device/memory_budget.h):
    // a trace needs (pairs x (d+1) points x nodes) extension values to be evaluated in one go.
    // The CPU evaluates batch by batch as planned (a device backend allocates by the same plan);
    // every grouping gives the same sums, and the plan's counters go on the mle_rounds span.
    std::vector<device::TraceMemory> memory(num_traces);
    for (size_t t = 0; t < num_traces; ++t) {
        uint64_t pairs = tables[t].vars ? uint64_t(1) << (tables[t].vars - 1) : 0;
        memory[t].bytes = pairs * (d + 1) * traces[t].air->nodes.size() * sizeof(Ef);
    }
    device::MleBatchPlan plan = device::plan_mle_batches(memory, in.mle_memory_limit, in.mle_memory_cap);
    for (const auto& [name, value] : plan.report.counters()) spans::count(name.c_str(), int64_t(value));

    for (uint32_t round = 1; round <= n_max; ++round) {
        EfVec s(d + 1, ef_zero());
        for (size_t t = 0; t < num_traces; ++t)
            if (tables[t].vars < round)
                for (uint32_t k = 0; k <= d; ++k) s[k] = ef_add(s[k], ef_mul(bound_value[t], ef_from_canonical(k + 1)));
        // One batch's traces are evaluated together over their concatenated pairs; a fallback
        // trace alone, in pieces that each fit the cap.
        for (const device::MleBatch& batch : plan.batches) {
            std::vector<size_t> members, first_pair = {0};
            for (size_t t : batch.traces)
                if (tables[t].vars >= round) members.push_back(t), first_pair.push_back(first_pair.back() + tables[t].eq.size() / 2);
            if (members.empty()) continue;
            size_t total = first_pair.back(), piece = total;
            if (batch.kind == device::BatchKind::Fallback) {
                uint64_t per_pair = (d + 1) * traces[members[0]].air->nodes.size() * sizeof(Ef);
                piece = size_t(std::max<uint64_t>(1, in.mle_memory_cap / per_pair));
            }
            for (size_t start = 0; start < total; start += piece) {
                std::mutex merge;
                parallel_for(std::min(piece, total - start), 8, [&](size_t begin, size_t end) {
                    EfVec partial(d + 1, ef_zero());
                    std::vector<Ef> local, next, nodes;
                    for (size_t flat = start + begin; flat < start + end; ++flat) {
                        size_t m = std::upper_bound(first_pair.begin(), first_pair.end(), flat) - first_pair.begin() - 1;
                        size_t t = members[m], i = flat - first_pair[m];
                        local.resize(traces[t].air->width), next.resize(traces[t].air->width), nodes.resize(traces[t].air->nodes.size());
                        for (uint32_t k = 0; k <= d; ++k)
                            partial[k] = ef_add(partial[k], g_at(t, i, ef_from_canonical(k + 1), local, next, nodes));
                    }
                    std::lock_guard<std::mutex> lock(merge);
                    for (uint32_t k = 0; k <= d; ++k) s[k] = ef_add(s[k], partial[k]);
                });
            }
        }
        for (Ef v : s) observe_ef(transcript, v);
        proof.sumcheck_round_polys.push_back(s);
        Ef ri = sample_ef(transcript);
        r.push_back(ri);
        for (size_t t = 0; t < num_traces; ++t) {
            TraceTables& tab = tables[t];
            if (tab.vars < round) {
                bound_value[t] = ef_mul(bound_value[t], ri);
                continue;
            }
            for (auto* cols : {&tab.local, &tab.next})
                for (EfVec& col : *cols) fold_lowest(col, ri);
            for (EfVec& sel : tab.selectors) fold_lowest(sel, ri);
            fold_lowest(tab.eq, ri);
            if (tab.vars == round) {
                std::vector<Ef> local(traces[t].air->width), next(traces[t].air->width), nodes(traces[t].air->nodes.size());
                bound_value[t] = g_at(t, 0, ef_zero(), local, next, nodes);
            }
        }
    }

    // Step 14: every trace's column openings at (r_0, r_1..r_{n~_t}), rotations interleaved.
    for (size_t t = 0; t < num_traces; ++t) {
        const TraceTables& tab = tables[t];
        bool rot = traces[t].air->need_rot;
        EfVec openings;
        for (uint32_t c = 0; c < traces[t].air->width; ++c) {
            openings.push_back(tab.local[c][0]);
            if (rot) openings.push_back(tab.next[c][0]);
            observe_ef(transcript, tab.local[c][0]);
            observe_ef(transcript, rot ? tab.next[c][0] : ef_zero());
        }
        proof.column_openings.push_back(openings);
    }
    return r;
}

}  // namespace gpustark
