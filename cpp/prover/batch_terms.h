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

// The zerocheck sum C = sum_i lambda^i c_i and the weighted LogUp numerator and denominator
// (without alpha) at one point, from the DAG's node values there.
struct PointSums {
    Ef constraint, numerator, denominator;
};

// nodes: anything indexable by node index (a pointer to node values, or a LaneView).
template <class Nodes>
PointSums point_sums(const AirProgram& air, const Nodes& nodes, const TraceWeights& w, const EfVec& beta_powers,
                     bool with_constraints = true) {
    PointSums s{ef_zero(), ef_zero(), ef_zero()};
    if (with_constraints)
        for (size_t i = 0; i < air.constraints.size(); ++i)
            s.constraint = ef_add(s.constraint, ef_scale(w.lambda_powers[i], nodes[air.constraints[i]]));
    for (size_t k = 0; k < air.interactions.size(); ++k) {
        const InteractionProgram& it = air.interactions[k];
        s.numerator = ef_add(s.numerator, ef_scale(w.slot_weights[k], nodes[it.count]));
        s.denominator = ef_add(s.denominator, ef_mul(w.slot_weights[k], logup_denominator(nodes, it, beta_powers)));
    }
    return s;
}

// Everything round 0 needs beyond the traces (PROTOCOL 9.2 step 4).
struct Round0Input {
    const BatchInput* batch;
    const std::vector<TraceWeights>* weights;
    const EfVec* beta_powers;
    const EfVec* mu_powers;
    const std::vector<DagBinding>* dags;  // per trace: its program bound to the trace's weights
};

// The (d+1)(N-1)+1 coefficients of s_0.
EfVec round0_coefficients(const Round0Input& in, Backend& backend);

}  // namespace gpustark
