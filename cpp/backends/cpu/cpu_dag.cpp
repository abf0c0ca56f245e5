#include "cpu_dag.h"

#include <algorithm>
#include <stdexcept>

#include "../../core/parallel.h"
#include "../../core/simd/cpu_dag_lanes.h"

namespace gpustark {

void cpu_dag_base_sums(const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    if (!dag.air || !dag.program) throw std::invalid_argument("dag_base_sums: the binding has no program");
    const AirProgram& air = *dag.air;
    const DagProgram& program = *dag.program;
    const size_t width = air.width, lanes = kDagLanes;
    if (in.local_stride < width + 3 || in.next_stride < width)
        throw std::invalid_argument("dag_base_sums: rows are narrower than the AIR's width (plus three selectors)");
    const std::vector<Ef>& w = dag.weights;
    const std::vector<Fp> publics(dag.constants.begin() + program.num_constants, dag.constants.end());
    parallel_for((in.points + lanes - 1) / lanes, 1, [&](size_t begin, size_t end) {
        std::vector<uint32_t> here(width * lanes), after(width * lanes), selectors(3 * lanes), nodes(air.nodes.size() * lanes);
        for (size_t group = begin; group < end; ++group) {
            const size_t k0 = group * lanes, live = std::min(lanes, in.points - k0);
            for (size_t j = 0; j < lanes; ++j) {
                const size_t k = k0 + std::min(j, live - 1);  // idle lanes repeat the last point
                const uint32_t* l = in.local + k * in.local_stride;
                const uint32_t* nx = in.next + k * in.next_stride;
                for (size_t c = 0; c < width; ++c) {
                    here[c * lanes + j] = fp_from_canonical(l[c]).m;
                    after[c * lanes + j] = fp_from_canonical(nx[c]).m;
                }
                for (size_t s = 0; s < 3; ++s) selectors[s * lanes + j] = fp_from_canonical(l[width + s]).m;
            }
            evaluate_dag_lanes(air, {here.data(), after.data(), selectors.data(), publics.data()}, nodes.data());
            for (size_t j = 0; j < live; ++j) {
                auto node = [&](uint32_t i) { return fp_raw(nodes[i * lanes + j]); };
                DagSums s{ef_zero(), ef_zero(), ef_zero()};
                for (size_t i = 0; i < air.constraints.size(); ++i)
                    s.constraint = ef_add(s.constraint, ef_mul_base(w[i], node(air.constraints[i])));
                for (size_t k = 0; k < air.interactions.size(); ++k) {
                    const InteractionProgram& it = air.interactions[k];
                    const Ef e = w[program.slot_weight_offset() + k];
                    Ef term = w[program.den_init_offset() + k];
                    for (size_t m = 0; m < it.message.size(); ++m)
                        term = ef_add(term, ef_mul_base(w[program.beta_offset() + m], node(it.message[m])));
                    s.numerator = ef_add(s.numerator, ef_mul_base(e, node(it.count)));
                    s.denominator = ef_add(s.denominator, ef_mul(e, term));
                }
                out[k0 + j] = s;
            }
        }
    });
}

}  // namespace gpustark
