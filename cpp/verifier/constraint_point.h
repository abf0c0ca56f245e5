// The batch constraint check's values at the sumcheck point (PROTOCOL 9.2, 5.4): an AIR's DAG at
// the opened columns, the trace selectors and eq^#. Mirrors batch_constraints._trace_terms,
// selectors_at and _final_claim's eq^# in Python, which stay the reference.
#pragma once
#include <vector>

#include "../core/air_program.h"  // the AIR program type and its node evaluator, no prover phase
#include "verifier_math.h"

namespace gpustark {
namespace verifier_math {

struct AirPointTerms {
    Ef constraints;                 // sum_i lam^i C_i
    std::vector<Ef> counts;         // per interaction
    std::vector<Ef> denominators;   // per interaction: sum_j beta^j m_j + beta^len (bus + 1)
};

// `air` validated (AirProgram::validate); local/next hold air.width values, publics
// air.num_public_values (the caller checks both).
inline AirPointTerms air_point_terms(const AirProgram& air, const std::vector<Ef>& local, const std::vector<Ef>& next,
                                     const Ef selectors[3], const std::vector<Fp>& publics, Ef lam, Ef beta) {
    std::vector<Ef> nodes(air.nodes.size());
    RowPoint<Ef> point{local.data(), next.data(), selectors[0], selectors[1], selectors[2], publics.data()};
    evaluate_nodes(air, point, nodes.data());
    AirPointTerms out{ef_zero(), {}, {}};
    Ef lam_power = ef_one();
    for (uint32_t c : air.constraints)
        out.constraints = ef_add(out.constraints, ef_mul(lam_power, nodes[c])), lam_power = ef_mul(lam_power, lam);
    for (const InteractionProgram& it : air.interactions) {
        Ef h = ef_zero(), beta_power = ef_one();
        for (uint32_t m : it.message) h = ef_add(h, ef_mul(beta_power, nodes[m])), beta_power = ef_mul(beta_power, beta);
        const Fp bus_plus_one = fp_from_canonical(uint32_t((uint64_t(it.bus) + 1) % GS_P));
        out.counts.push_back(nodes[it.count]);
        out.denominators.push_back(ef_add(h, ef_mul_base(beta_power, bus_plus_one)));
    }
    return out;
}

// eq^#(r0, xi) = sum_{a < 2^l} eq_D(r0, omega_l^a) eq(xi, bits(a)); xi has l entries.
inline Ef eq_sharp(uint32_t l_skip, Ef r0, const Ef* xi) {
    const Fp omega = fp_two_adic_generator(l_skip);
    Fp point = fp_one();
    Ef total = ef_zero();
    for (uint32_t a = 0; a < (1u << l_skip); ++a, point = fp_mul(point, omega)) {
        Ef e = ef_one();
        for (uint32_t b = 0; b < l_skip; ++b) e = ef_mul(e, ((a >> b) & 1u) ? xi[b] : one_minus(xi[b]));
        total = ef_add(total, ef_mul(eq_uni(l_skip, r0, ef_from_base(point)), e));
    }
    return total;
}

// (is_first, is_last, is_transition) of a trace of height 2^log_height at r: geometric sums over
// the trace's subgroup, times the cube part; r has max(log_height - l_skip, 0) + 1 entries or more.
inline std::vector<Ef> selectors(uint32_t l_skip, uint32_t log_height, const std::vector<Ef>& r) {
    const int n = int(log_height) - int(l_skip);
    const size_t vars = size_t(n > 0 ? n : 0);
    const uint32_t log_order = n >= 0 ? l_skip : log_height;
    const Ef rho0 = n >= 0 ? r[0] : ef_pow(r[0], uint64_t(1) << -n);
    auto geometric = [&](Ef y) {
        Ef acc = ef_zero(), power = ef_one();
        for (uint64_t i = 0; i < (uint64_t(1) << log_order); ++i) acc = ef_add(acc, power), power = ef_mul(power, y);
        return acc;
    };
    const Fp scale = fp_inv(fp_pow(fp_from_canonical(2), log_order));
    Ef first = ef_mul_base(geometric(rho0), scale);
    Ef last = ef_mul_base(geometric(ef_mul_base(rho0, fp_two_adic_generator(log_order))), scale);
    for (size_t i = 1; i <= vars; ++i) first = ef_mul(first, one_minus(r[i])), last = ef_mul(last, r[i]);
    return {first, last, one_minus(last)};
}

}  // namespace verifier_math
}  // namespace gpustark
