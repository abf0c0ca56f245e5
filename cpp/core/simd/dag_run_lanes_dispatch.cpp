// Chooses the widest compiled copy of the DAG lane functions that this CPU supports (capped by
// GPUSTARK_CPU_ISA, core/simd/cpu_isa.h).
#include "cpu_isa.h"
#include "dag_run_lanes.h"

namespace gpustark {

#define GS_DECLARE_DAG_LANES(ns)                                                                           \
    namespace ns {                                                                                         \
    void dag_base_sums_lanes(const DagBinding&, const DagBasePoints&, DagSums*);                           \
    void dag_round_lanes(const DagBinding&, const DagRoundTables&, const Ef*, const std::vector<Ef>&, size_t, \
                         size_t, Ef*);                                                                     \
    }
GS_DECLARE_DAG_LANES(lanes_base)
#ifdef GPUSTARK_HAVE_AVX2_LANES
GS_DECLARE_DAG_LANES(lanes_avx2)
GS_DECLARE_DAG_LANES(lanes_avx512)
#endif

namespace {
std::vector<DagRunLanesCopy> runnable_copies() {
    std::vector<DagRunLanesCopy> copies = {{"baseline", lanes_base::dag_base_sums_lanes, lanes_base::dag_round_lanes}};
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (cpu_has_avx2())
        copies.push_back({"avx2", lanes_avx2::dag_base_sums_lanes, lanes_avx2::dag_round_lanes});
    if (cpu_has_avx512())
        copies.push_back({"avx512", lanes_avx512::dag_base_sums_lanes, lanes_avx512::dag_round_lanes});
#endif
    return copies;
}

// The widest runnable copy (the last one listed).
const DagRunLanesCopy& chosen() {
    static const DagRunLanesCopy copy = runnable_copies().back();
    return copy;
}
}  // namespace

void dag_base_sums_lanes(const DagBinding& dag, const DagBasePoints& points, DagSums* out) {
    chosen().base_sums(dag, points, out);
}

void dag_round_lanes(const DagBinding& dag, const DagRoundTables& tables, const Ef combine[3], const std::vector<Ef>& xs,
                     size_t first, size_t count, Ef* s) {
    chosen().round(dag, tables, combine, xs, first, count, s);
}

const char* dag_run_lanes_isa() { return chosen().isa; }

std::vector<DagRunLanesCopy> dag_run_lanes_copies() { return runnable_copies(); }

}  // namespace gpustark
