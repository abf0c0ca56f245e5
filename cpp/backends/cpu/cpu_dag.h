// The CPU backend's constraint DAG evaluation at base-field points (Backend::dag_base_sums):
// the AIR's node list through the lane evaluator (prover/dag_lanes.h), kDagLanes points at once.
#pragma once
#include "../../core/dag_program.h"

namespace gpustark {

void cpu_dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out);

}  // namespace gpustark
