// The LogUp-GKR fraction tree on the device (core/fraction_tree.h): the input layer's leaves
// from the traces' rows, each layer from its child layer, and a layer's sumcheck tables split
// into even and odd nodes; grid-stride loops around the lane bodies of kernels/gkr/gkr_lanes.h
// and kernels/gkr/logup_leaf_lanes.h, with the arguments of metal/fraction_tree.metal's entries.
#include "../../kernels/gkr/gkr_lanes.h"
#include "../../kernels/gkr/logup_leaf_lanes.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void gkr_layer_kernel(const Ef* __restrict__ child_p, const Ef* __restrict__ child_q,
                                 Ef* __restrict__ parent_p, Ef* __restrict__ parent_q, GkrLayerParams p) {
    for (uint64_t x = first_lane(); x < p.nodes; x += lane_stride())
        gkr_layer_lane(x, child_p, child_q, parent_p, parent_q);
}

// tables: p0, p1, q0, q1 at stride `half` (the fifth, eq, is uploaded by the host).
__global__ void gkr_split_kernel(const Ef* __restrict__ p, const Ef* __restrict__ q, Ef* __restrict__ tables,
                                 GkrSplitParams params) {
    for (uint64_t y = first_lane(); y < params.half; y += lane_stride()) gkr_split_lane(y, p, q, tables, params.half);
}

// Lane = trace row: its interactions' leaves. A thread's interpreter slots are column `thread`
// of the slots x threads scratch.
__global__ void logup_leaves_kernel(const u32* __restrict__ code, const Ef* __restrict__ weights,
                                    const Fp* __restrict__ constants, const u32* __restrict__ trace,
                                    const u64* __restrict__ slot_offsets, Fp* __restrict__ slots, Ef* __restrict__ p,
                                    Ef* __restrict__ q, const __grid_constant__ LogUpLeavesParams params) {
    const uint64_t thread = first_lane(), threads = lane_stride();
    for (uint64_t row = first_lane(); row < params.height; row += lane_stride())
        logup_leaves_lane(row, code, weights, constants, trace, slot_offsets, params, slots + thread, (u32)threads, p, q);
}

__global__ void logup_unused_leaves_kernel(Ef* __restrict__ p, Ef* __restrict__ q, LogUpUnusedLeavesParams params) {
    for (uint64_t i = first_lane(); i < params.count; i += lane_stride()) logup_unused_leaves_lane(i, params, p, q);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* fraction_tree_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::GkrLayer: return reinterpret_cast<const void*>(&gkr_layer_kernel);
        case gpu::Kernel::GkrSplit: return reinterpret_cast<const void*>(&gkr_split_kernel);
        case gpu::Kernel::LogUpLeaves: return reinterpret_cast<const void*>(&logup_leaves_kernel);
        case gpu::Kernel::LogUpUnusedLeaves: return reinterpret_cast<const void*>(&logup_unused_leaves_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_fraction_tree_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                       cudaStream_t stream) {
    if (kernel == gpu::Kernel::GkrLayer) {
        const GkrLayerParams* p = a.params_as<GkrLayerParams>();
        if (!p || a.count != 4) return cudaErrorInvalidValue;
        if (p->nodes == 0) return cudaSuccess;
        return launch_planned(gkr_layer_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<const Ef>(1),
                              a.buffer<Ef>(2), a.buffer<Ef>(3), *p);
    }
    if (kernel == gpu::Kernel::GkrSplit) {
        const GkrSplitParams* p = a.params_as<GkrSplitParams>();
        if (!p || a.count != 3) return cudaErrorInvalidValue;
        if (p->half == 0) return cudaSuccess;
        return launch_planned(gkr_split_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<const Ef>(1),
                              a.buffer<Ef>(2), *p);
    }
    if (kernel == gpu::Kernel::LogUpLeaves) {  // (code, weights, constants, trace, slot_offsets, slots, p, q)
        const LogUpLeavesParams* p = a.params_as<LogUpLeavesParams>();
        if (!p || a.count != 8) return cudaErrorInvalidValue;
        if (p->height == 0) return cudaSuccess;
        return launch_planned(logup_leaves_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<const Ef>(1),
                              a.buffer<const Fp>(2), a.buffer<const u32>(3), a.buffer<const u64>(4), a.buffer<Fp>(5),
                              a.buffer<Ef>(6), a.buffer<Ef>(7), *p);
    }
    if (kernel == gpu::Kernel::LogUpUnusedLeaves) {
        const LogUpUnusedLeavesParams* p = a.params_as<LogUpUnusedLeavesParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->count == 0) return cudaSuccess;
        return launch_planned(logup_unused_leaves_kernel, plan, 0, stream, a.buffer<Ef>(0), a.buffer<Ef>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
