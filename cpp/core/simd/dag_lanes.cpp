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

inline FpLanes load(const uint32_t* p) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) r.v[i] = p[i];
    return r;
}

inline void store(uint32_t* p, FpLanes x) {
    for (int i = 0; i < kCpuLanes; ++i) p[i] = x.v[i];
}

inline FpLanes sub(FpLanes a, FpLanes b) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) {
        u32 d = a.v[i] - b.v[i];
        r.v[i] = std::min(d, d + GS_P);
    }
    return r;
}

void evaluate_dag_lanes(const AirProgram& air, const DagLanesInput& in, uint32_t* nodes) {
    const size_t lanes = kDagLanes;
    for (size_t i = 0; i < air.nodes.size(); ++i) {
        const DagNode& n = air.nodes[i];
        uint32_t* out = nodes + i * lanes;
        switch (n.kind) {
            case kNodeMain: store(out, load((n.c ? in.next : in.local) + size_t(n.b) * lanes)); break;
            case kNodePublic: store(out, p2_lane_constant(FpLanes{}, in.publics[n.a].m)); break;
            case kNodeIsFirst: case kNodeIsLast: case kNodeIsTransition:
                store(out, load(in.selectors + size_t(n.kind - kNodeIsFirst) * lanes));
                break;
            case kNodeConstant: store(out, p2_lane_constant(FpLanes{}, fp_from_canonical(n.a).m)); break;
            case kNodeAdd: store(out, fp_add(load(nodes + n.a * lanes), load(nodes + n.b * lanes))); break;
            case kNodeSub: store(out, sub(load(nodes + n.a * lanes), load(nodes + n.b * lanes))); break;
            case kNodeNeg: store(out, sub(FpLanes{}, load(nodes + n.a * lanes))); break;
            default: store(out, fp_mul(load(nodes + n.a * lanes), load(nodes + n.b * lanes))); break;
        }
    }
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
