// The LogUp-GKR fraction tree on the device (core/fraction_tree.h): each layer from its child
// layer, and a layer's sumcheck tables split into even and odd nodes. Lane = one output node;
// grid-stride loops around the lane bodies of kernels/gkr/gkr_lanes.h, with the arguments of
// metal/fraction_tree.metal's entries.
#include "../../kernels/gkr/gkr_lanes.h"
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

}  // namespace

namespace gpustark {
namespace cuda {

const void* fraction_tree_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::GkrLayer: return reinterpret_cast<const void*>(&gkr_layer_kernel);
        case gpu::Kernel::GkrSplit: return reinterpret_cast<const void*>(&gkr_split_kernel);
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
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
