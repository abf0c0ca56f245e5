// Chooses the widest compiled copy of evaluate_dag_lanes that this CPU supports (capped by
// GPUSTARK_CPU_ISA, core/simd/cpu_isa.h).
#include "cpu_dag_lanes.h"
#include "cpu_isa.h"

namespace gpustark {

namespace lanes_base {
void evaluate_dag_lanes(const AirProgram&, const DagLanesInput&, uint32_t*);
}
#ifdef GPUSTARK_HAVE_AVX2_LANES
namespace lanes_avx2 {
void evaluate_dag_lanes(const AirProgram&, const DagLanesInput&, uint32_t*);
}
#endif

void evaluate_dag_lanes(const AirProgram& air, const DagLanesInput& in, uint32_t* nodes) {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (cpu_has_avx2()) return lanes_avx2::evaluate_dag_lanes(air, in, nodes);
#endif
    lanes_base::evaluate_dag_lanes(air, in, nodes);
}

const char* dag_lanes_isa() { return cpu_has_avx2() ? "avx2" : "baseline"; }

}  // namespace gpustark
