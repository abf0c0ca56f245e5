// A trace's batch-constraint tables at r_0 (core/trace_tables.h), built on the device. Lane =
// (chunk x, table c < 2 width + 3): adjacent lanes read adjacent columns of the same rows.
#include "launch.h"

namespace {

using gpustark::CudaKernel;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void trace_tables_kernel(const u32* __restrict__ trace, u32 width, u32 log_height, u32 l_skip,
                                    const Ef* __restrict__ lagrange, Ef* __restrict__ tables, uint64_t length,
                                    uint64_t lanes) {
    const uint64_t mask = (uint64_t(1) << log_height) - 1, n = uint64_t(1) << l_skip, per_chunk = 2 * uint64_t(width) + 3;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) {
        const uint64_t x = lane / per_chunk, c = lane % per_chunk;
        Ef acc = ef_zero();
        for (uint64_t a = 0; a < n; ++a) {
            const uint64_t row = (a + n * x) & mask;
            Fp v;
            if (c < width) v = fp_from_canonical(trace[row * width + c]);
            else if (c < 2 * uint64_t(width)) v = fp_from_canonical(trace[((row + 1) & mask) * width + (c - width)]);
            else if (c == 2 * uint64_t(width)) v = row == 0 ? fp_one() : fp_zero();
            else if (c == 2 * uint64_t(width) + 1) v = row == mask ? fp_one() : fp_zero();
            else v = row != mask ? fp_one() : fp_zero();
            acc = ef_add(acc, ef_mul_base(lagrange[a], v));
        }
        tables[c * length + x] = acc;
    }
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
