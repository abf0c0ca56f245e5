// The LogUp-GKR fraction tree on the device (core/fraction_tree.h): each layer from its child
// layer, and a layer's sumcheck tables split into even and odd nodes. Lane = one output node;
// grid-stride loops around the lane bodies of kernels/gkr/fraction_tree.h (which
// metal/fraction_tree.metal wraps too).
#include "../../kernels/gkr/fraction_tree.h"
#include "launch.h"

namespace {

using gpustark::CudaKernel;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void gkr_layer_kernel(const Ef* __restrict__ child_p, const Ef* __restrict__ child_q,
                                 Ef* __restrict__ parent_p, Ef* __restrict__ parent_q, uint64_t nodes) {
    for (uint64_t x = first_lane(); x < nodes; x += lane_stride())
        gkr_layer_lane(x, child_p, child_q, parent_p, parent_q);
}

// tables: p0, p1, q0, q1 at stride `half` (the fifth, eq, is uploaded by the host).
__global__ void gkr_split_kernel(const Ef* __restrict__ p, const Ef* __restrict__ q, Ef* __restrict__ tables,
                                 uint64_t half) {
    for (uint64_t y = first_lane(); y < half; y += lane_stride()) gkr_split_lane(y, p, q, tables, half);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* fraction_tree_kernel(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::GkrLayer: return reinterpret_cast<const void*>(&gkr_layer_kernel);
        case CudaKernel::GkrSplit: return reinterpret_cast<const void*>(&gkr_split_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_gkr_layer(const Ef* child_p, const Ef* child_q, Ef* parent_p, Ef* parent_q, uint64_t nodes,
                             const device::LaunchPlan& plan, cudaStream_t stream) {
    if (nodes == 0) return cudaSuccess;
    return launch_planned(gkr_layer_kernel, plan, 0, stream, child_p, child_q, parent_p, parent_q, nodes);
}

cudaError_t launch_gkr_split(const Ef* p, const Ef* q, Ef* tables, uint64_t half, const device::LaunchPlan& plan,
                             cudaStream_t stream) {
    if (half == 0) return cudaSuccess;
    return launch_planned(gkr_split_kernel, plan, 0, stream, p, q, tables, half);
}

}  // namespace cuda
}  // namespace gpustark
