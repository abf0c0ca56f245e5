// Compiled once per instruction set (CMake: baseline, and -mavx2 on x86-64) into namespace
// GS_LANES_NS; dag_lanes_dispatch.cpp picks one at run time.
#include "cpu_dag_lanes.h"

#include "fp_lanes.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {

static_assert(size_t(kCpuLanes) == kDagLanes, "one lane count");

void evaluate_dag_lanes(const AirProgram& air, const DagLanesInput& in, uint32_t* nodes) {
    const size_t lanes = kDagLanes;
    for (size_t i = 0; i < air.nodes.size(); ++i) {
        const DagNode& n = air.nodes[i];
        uint32_t* out = nodes + i * lanes;
        switch (n.kind) {
            case kNodeMain: fp_lanes_store(out, fp_lanes_load((n.c ? in.next : in.local) + size_t(n.b) * lanes)); break;
            case kNodePublic: fp_lanes_store(out, p2_lane_constant(FpLanes{}, in.publics[n.a].m)); break;
            case kNodeIsFirst: case kNodeIsLast: case kNodeIsTransition:
                fp_lanes_store(out, fp_lanes_load(in.selectors + size_t(n.kind - kNodeIsFirst) * lanes));
                break;
            case kNodeConstant: fp_lanes_store(out, p2_lane_constant(FpLanes{}, fp_from_canonical(n.a).m)); break;
            case kNodeAdd: fp_lanes_store(out, fp_add(fp_lanes_load(nodes + n.a * lanes), fp_lanes_load(nodes + n.b * lanes))); break;
            case kNodeSub: fp_lanes_store(out, fp_sub(fp_lanes_load(nodes + n.a * lanes), fp_lanes_load(nodes + n.b * lanes))); break;
            case kNodeNeg: fp_lanes_store(out, fp_neg(fp_lanes_load(nodes + n.a * lanes))); break;
            default: fp_lanes_store(out, fp_mul(fp_lanes_load(nodes + n.a * lanes), fp_lanes_load(nodes + n.b * lanes))); break;
        }
    }
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
