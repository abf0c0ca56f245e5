// The constraint DAG evaluated at kDagLanes base-field points at once (structure of arrays):
// one pass over the instruction list serves every lane, so the per-node dispatch is paid once
// per group and the arithmetic vectorises. Values are raw Montgomery words (Fp::m).
#pragma once
#include <cstddef>
#include <cstdint>

#include "../air_program.h"

namespace gpustark {

constexpr size_t kDagLanes = 8;

struct DagLanesInput {
    const uint32_t* local;      // width x kDagLanes
    const uint32_t* next;       // width x kDagLanes
    const uint32_t* selectors;  // 3 x kDagLanes: is_first, is_last, is_transition
    const Fp* publics;
};

// nodes: air.nodes.size() x kDagLanes, written in full.
void evaluate_dag_lanes(const AirProgram& air, const DagLanesInput& in, uint32_t* nodes);

// The instruction set evaluate_dag_lanes uses on this CPU ("avx2" or "baseline").
const char* dag_lanes_isa();

}  // namespace gpustark
