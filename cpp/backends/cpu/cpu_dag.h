// The CPU backend's constraint DAG evaluation at base-field points (Backend::dag_base_sums): the
// compiled program through dag_run on SIMD lanes (core/simd/dag_run_lanes.h).
#pragma once
#include "../../core/dag_program.h"

namespace gpustark {

void cpu_dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out);

}  // namespace gpustark
