#include "cpu_dag.h"

#include <stdexcept>

#include "../../core/simd/dag_run_lanes.h"

namespace gpustark {

void cpu_dag_base_sums(const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    if (!dag.program) throw std::invalid_argument("dag_base_sums: the binding has no program");
    const size_t width = dag.program->width;
    if (in.local_stride < width + 3 || in.next_stride < width)
        throw std::invalid_argument("dag_base_sums: rows are narrower than the AIR's width (plus three selectors)");
    if (in.points == 0) return;
    dag_base_sums_lanes(dag, in, out);
}

}  // namespace gpustark
