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

// Everything round 0 needs beyond the traces (PROTOCOL 9.2 step 4).
struct Round0Input {
    const BatchInput* batch;
    const std::vector<TraceWeights>* weights;
    const EfVec* mu_powers;
    const std::vector<DagBinding>* dags;  // per trace: its program bound to the trace's weights
};

// The (d+1)(N-1)+1 coefficients of s_0.
EfVec round0_coefficients(const Round0Input& in, Backend& backend);

}  // namespace gpustark
