#include "batch_constraints.h"

#include <algorithm>

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

// sum_p[t], sum_q[t] (PROTOCOL 9.1): the eq-weighted sums of the trace's LogUp input slots, each
// weighted by its slot weight. Leaf p = norm count and leaf q = alpha + h_beta in each
// interaction's slot, and eq(xi, i) splits into eq(xi_<l, a) eq(xi[l..], x) for i = N x + a, so
// they are round 0's sums on D (the DAG's numerator sum_k e_k count_k and denominator
// sum_k e_k h_beta,k at each row, already weighted by eq over the chunks) added over a with
// eq(xi_<l, a): N values a trace, where summing the slots took two extension products a leaf.
void logup_sums(const Round0Sums& sums, const EfVec& eq_low, Fp norm, Ef& sum_p, Ef& sum_q) {
    sum_p = sum_q = ef_zero();
    for (size_t a = 0; a < sums.on_d.size(); ++a) {
        sum_p = ef_add(sum_p, ef_mul(eq_low[a], sums.on_d[a].numerator));
        sum_q = ef_add(sum_q, ef_mul(eq_low[a], sums.on_d[a].denominator));
    }
    sum_p = ef_mul_base(sum_p, norm);
}

}  // namespace

BatchChallenges prove_batch_constraints(Transcript& transcript, const BatchInput& in, BatchProofData& proof) {
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
    // Each trace's DAG compiled for the backend (core/dag_program.h), once per AIR.
    std::vector<std::shared_ptr<const DagProgram>> compiled;
    for (const RapTrace& t : traces) compiled.push_back(compiled_dag(*t.air));
    auto program = [&](size_t t) -> const DagProgram& { return *compiled[t]; };
    // OpenVM's GPU prover: round0 runs from lambda to r_0 and the tables at r_0; mle_rounds the rest.
    ScopedSpan round0_span("round0");

    // Steps 8-10: lambda, the per-trace LogUp sums, mu. Round 0's sums (step 11) need no challenge
    // after lambda: they come first, and the LogUp sums are read off their values on D.
    Ef lambda = sample_ef(transcript);
    EfVec lambda_powers = powers(lambda, max_constraints);
    std::vector<TraceWeights> weights;
    std::vector<DagBinding> dags;
    std::vector<EfVec> eq_cube(num_traces);  // eq(xi[l..l+n~_t], x)
    for (size_t t = 0; t < num_traces; ++t) {
        weights.push_back(trace_weights(in, t, lambda_powers));
        dags.push_back({&program(t), traces[t].air, bind_publics(program(t), traces[t].publics),
                        dag_weights(program(t), lambda_powers, weights[t].slot_weights, beta_powers)});
        eq_cube[t] = eq_table(EfVec(in.xi.begin() + l, in.xi.begin() + l + cube_vars(traces[t], l)));
    }
    const std::vector<Round0Sums> round0_sums = round0_trace_sums({&in, &dags, &eq_cube}, *in.backend);
    EfVec eq_low_table = eq_table(EfVec(in.xi.begin(), in.xi.begin() + l));  // eq(xi_<l, bits(a))
    for (size_t t = 0; t < num_traces; ++t) {
        Ef sum_p, sum_q;
        logup_sums(round0_sums[t], eq_low_table, weights[t].norm, sum_p, sum_q);
        proof.numerator_term_per_air.push_back(sum_p);
        proof.denominator_term_per_air.push_back(sum_q);
        observe_ef(transcript, sum_p);
        observe_ef(transcript, sum_q);
    }
    Ef mu = sample_ef(transcript);
    EfVec mu_powers = powers(mu, 3 * num_traces);

    // Step 11: s_0 in coefficient form (round0.cpp).
    proof.univariate_round_coeffs = round0_coefficients(in, round0_sums, weights, mu_powers);
    for (Ef c : proof.univariate_round_coeffs) observe_ef(transcript, c);
    Ef r0 = sample_ef(transcript);
    EfVec r = {r0};

    // Tables at Z = r_0 and the per-trace constant weights of G.
    EfVec lagrange_r0 = subgroup_lagrange(l, r0);
    Ef eq_sharp_r0 = ef_zero();
    for (size_t a = 0; a < n; ++a) eq_sharp_r0 = ef_add(eq_sharp_r0, ef_mul(eq_low_table[a], lagrange_r0[a]));
    Ef eq_d_r0 = eq_uni(l, in.xi[0], r0);
    // Each trace's tables at Z = r_0, built by the backend from the trace (core/trace_tables.h) in
    // dag_round's order: the local columns, the next columns, the three selectors and eq.
    std::vector<std::unique_ptr<EfTables>> tables(num_traces);
    std::vector<std::array<Ef, 3>> combine(num_traces);  // weights of C, N and D in G_t
    std::vector<uint32_t> vars(num_traces);
    for (size_t t = 0; t < num_traces; ++t) {
        const RapTrace& trace = traces[t];
        vars[t] = cube_vars(trace, l);
        tables[t] = in.backend->trace_tables({trace.values, trace.log_height, trace.air->width, l, lagrange_r0, eq_cube[t]});
        combine[t] = {ef_mul(mu_powers[2 * num_traces + t], eq_d_r0),
                      ef_mul_base(ef_mul(mu_powers[2 * t], eq_sharp_r0), weights[t].norm),
                      ef_mul(mu_powers[2 * t + 1], eq_sharp_r0)};
    }
    // G_t at the bound point of a trace whose cube is fully bound.
    auto bound_g = [&](size_t t) { return tables[t]->dag_round(dags[t], combine[t].data(), {}, 0)[0]; };

    round0_span.close();
    ScopedSpan mle_rounds_span("mle_rounds");

    // Step 13: rounds 1..n_max. A trace whose cube is already bound contributes value * prod r * X.
    std::vector<Ef> bound_value(num_traces, ef_zero());
    for (size_t t = 0; t < num_traces; ++t)
        if (vars[t] == 0) bound_value[t] = bound_g(t);
    // The traces' MLE evaluations are grouped under a memory budget (device/memory_budget.h):
    // a trace needs (pairs x (d+1) points x slots) extension values of scratch to be evaluated in
    // one go (the DAG program's slots: core/dag_program.h). Every grouping gives the same sums,
    // and the plan's counters go on the mle_rounds span.
    std::vector<device::TraceMemory> memory(num_traces);
    for (size_t t = 0; t < num_traces; ++t) {
        uint64_t pairs = vars[t] ? uint64_t(1) << (vars[t] - 1) : 0;
        memory[t].bytes = pairs * (d + 1) * std::max<uint32_t>(program(t).slots, 1) * sizeof(Ef);
    }
    device::MleBatchPlan plan = device::plan_mle_batches(memory, in.mle_memory_limit, in.mle_memory_cap);
    for (const auto& [name, value] : plan.report.counters()) spans::count(name.c_str(), int64_t(value));

    EfVec xs;  // X = 1 .. d + 1
    for (uint32_t k = 0; k <= d; ++k) xs.push_back(ef_from_canonical(k + 1));
    for (uint32_t round = 1; round <= n_max; ++round) {
        EfVec s(d + 1, ef_zero());
        for (size_t t = 0; t < num_traces; ++t)
            if (vars[t] < round)
                for (uint32_t k = 0; k <= d; ++k) s[k] = ef_add(s[k], ef_mul(bound_value[t], xs[k]));
        // A batch's traces are evaluated one after another under its limit; a fallback trace in
        // pieces of pairs that each fit the cap.
        for (const device::MleBatch& batch : plan.batches)
            for (size_t t : batch.traces) {
                if (vars[t] < round) continue;
                size_t max_pairs = 0;
                if (batch.kind == device::BatchKind::Fallback) {
                    uint64_t per_pair = (d + 1) * std::max<uint32_t>(program(t).slots, 1) * sizeof(Ef);
                    max_pairs = size_t(std::max<uint64_t>(1, in.mle_memory_cap / per_pair));
                }
                EfVec part = tables[t]->dag_round(dags[t], combine[t].data(), xs, max_pairs);
                for (uint32_t k = 0; k <= d; ++k) s[k] = ef_add(s[k], part[k]);
            }
        for (Ef v : s) observe_ef(transcript, v);
        proof.sumcheck_round_polys.push_back(s);
        Ef ri = sample_ef(transcript);
        r.push_back(ri);
        for (size_t t = 0; t < num_traces; ++t) {
            if (vars[t] < round) {
                bound_value[t] = ef_mul(bound_value[t], ri);
                continue;
            }
            tables[t]->fold(ri);
            if (vars[t] == round) bound_value[t] = bound_g(t);
        }
    }

    // Step 14: every trace's column openings at (r_0, r_1..r_{n~_t}), rotations interleaved. They
    // are observed in the background (thousands of permutations for a wide trace) while the
    // stacked reduction's first device work, which needs no challenge, runs.
    std::vector<uint32_t> observed;
    auto observe_limbs = [&](Ef v) {
        for (uint32_t limb : ef_to_limbs(v)) observed.push_back(limb);
    };
    for (size_t t = 0; t < num_traces; ++t) {
        const EfVec at = tables[t]->read(0);
        const uint32_t width = traces[t].air->width;
        bool rot = traces[t].air->need_rot;
        EfVec openings;
        for (uint32_t c = 0; c < width; ++c) {
            openings.push_back(at[c]);
            if (rot) openings.push_back(at[width + c]);
            observe_limbs(at[c]);
            observe_limbs(rot ? at[width + c] : ef_zero());
        }
        proof.column_openings.push_back(openings);
    }
    transcript.observe_in_background(std::move(observed));
    return {lambda, mu, r};
}

}  // namespace gpustark
