// A trace's batch-constraint tables at r_0 (core/trace_tables.h), built on the device. Lane =
// (chunk x, table c < 2 width + 3): adjacent lanes read adjacent columns of the same rows. A
// grid-stride loop around the lane body of kernels/constraints/trace_table_lanes.h, with the arguments
// of metal/trace_tables.metal's entry.
#include "../../kernels/constraints/trace_table_lanes.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void trace_tables_kernel(const u32* __restrict__ trace, const Ef* __restrict__ lagrange,
                                    Ef* __restrict__ tables, TraceTablesParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        trace_tables_lane(lane, trace, p.width, p.log_height, p.l_skip, lagrange, tables, p.length);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* trace_tables_kernel_address(gpu::Kernel kernel) {
    return kernel == gpu::Kernel::TraceTables ? reinterpret_cast<const void*>(&trace_tables_kernel) : nullptr;
}

cudaError_t launch_trace_tables_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                      cudaStream_t stream) {
    if (kernel != gpu::Kernel::TraceTables) return cudaErrorInvalidDeviceFunction;
    const TraceTablesParams* p = a.params_as<TraceTablesParams>();
    if (!p || a.count != 3) return cudaErrorInvalidValue;
    if (p->lanes == 0) return cudaSuccess;
    return launch_planned(trace_tables_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<const Ef>(1),
                          a.buffer<Ef>(2), *p);
}

}  // namespace cuda
}  // namespace gpustark
