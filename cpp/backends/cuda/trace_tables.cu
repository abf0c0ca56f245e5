// A trace's batch-constraint tables at r_0 (core/trace_tables.h), built on the device. Lane =
// (chunk x, table c < 2 width + 3): adjacent lanes read adjacent columns of the same rows. A
// grid-stride loop around the lane body of kernels/constraints/trace_tables.h (which
// metal/trace_tables.metal wraps too).
#include "../../kernels/constraints/trace_tables.h"
#include "launch.h"

namespace {

using gpustark::CudaKernel;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void trace_tables_kernel(const u32* __restrict__ trace, u32 width, u32 log_height, u32 l_skip,
                                    const Ef* __restrict__ lagrange, Ef* __restrict__ tables, uint64_t length,
                                    uint64_t lanes) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        trace_tables_lane(lane, trace, width, log_height, l_skip, lagrange, tables, length);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* trace_tables_kernel_address(CudaKernel kernel) {
    return kernel == CudaKernel::TraceTables ? reinterpret_cast<const void*>(&trace_tables_kernel) : nullptr;
}

cudaError_t launch_trace_tables(const u32* trace, u32 width, u32 log_height, u32 l_skip, const Ef* lagrange,
                                Ef* tables, uint64_t length, const device::LaunchPlan& plan, cudaStream_t stream) {
    const uint64_t lanes = length * (2 * uint64_t(width) + 3);
    if (lanes == 0) return cudaSuccess;
    return launch_planned(trace_tables_kernel, plan, 0, stream, trace, width, log_height, l_skip, lagrange, tables,
                          length, lanes);
}

}  // namespace cuda
}  // namespace gpustark
