// Chooses the widest compiled copy of evaluate_dag_lanes that this CPU supports.
#include "cpu_dag_lanes.h"

namespace gpustark {

namespace lanes_base {
void evaluate_dag_lanes(const AirProgram&, const DagLanesInput&, uint32_t*);
}
#ifdef GPUSTARK_HAVE_AVX2_LANES
namespace lanes_avx2 {
void evaluate_dag_lanes(const AirProgram&, const DagLanesInput&, uint32_t*);
}
static bool use_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
}
#else
static bool use_avx2() { return false; }
#endif

void evaluate_dag_lanes(const AirProgram& air, const DagLanesInput& in, uint32_t* nodes) {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (use_avx2()) return lanes_avx2::evaluate_dag_lanes(air, in, nodes);
#endif
    lanes_base::evaluate_dag_lanes(air, in, nodes);
}

const char* dag_lanes_isa() { return use_avx2() ? "avx2" : "baseline"; }

}  // namespace gpustark
