// Terms shared by round 0 and the multilinear rounds of the batch constraint sumcheck.
#pragma once
#include "../core/dag_program.h"
#include "batch_constraints.h"

namespace gpustark {

inline uint32_t cube_vars(const RapTrace& t, uint32_t l_skip) { return t.log_height > l_skip ? t.log_height - l_skip : 0; }

// The per-trace weights every sum shares: lambda powers for the constraints, the slot weight
// e_{t,sigma} of each interaction, and the LogUp numerator's norm 2^-(l_skip - log h).
struct TraceWeights {
    EfVec lambda_powers;
    EfVec slot_weights;
    Fp norm;
};

TraceWeights trace_weights(const BatchInput& in, size_t t, const EfVec& lambda_powers);

// Round 0's sums of every trace from the backend (PROTOCOL 9.2 step 4): each trace's DAG (bound to
// its weights: lambda powers, slot weights, beta powers) at D and the cosets, weighted by
// eq(xi[l..], x) over its chunks (eq_cube[t]). No challenge after lambda enters them, so they come
// before mu: the LogUp sums are read off their values on D, and mu weighs them after.
struct Round0Input {
    const BatchInput* batch;
    const std::vector<DagBinding>* dags;
    const std::vector<EfVec>* eq_cube;
};
std::vector<Round0Sums> round0_trace_sums(const Round0Input& in, Backend& backend);

// The (d+1)(N-1)+1 coefficients of s_0 from every trace's round-0 sums, batched with mu.
EfVec round0_coefficients(const BatchInput& batch, const std::vector<Round0Sums>& sums,
                          const std::vector<TraceWeights>& weights, const EfVec& mu_powers);

}  // namespace gpustark
