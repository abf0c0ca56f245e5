// The stacked data's kernels (core/stacked_matrix.h): the commitment's scatter and message
// (kernels/stacked/stacked_commit.h); round 0's slot sums in pieces, the pieces added, the
// columns' tables after u_0 and WHIR's batched message (kernels/stacked/stacked_reduction_lanes.h).
// Grid-stride loops over those lane bodies.
#include "../../kernels/stacked/stacked_commit.h"
#include "../../kernels/stacked/stacked_reduction_lanes.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void stacked_slot_sums_kernel(const u32* __restrict__ matrix, const StackedSlotDesc* __restrict__ slots,
                                         const Ef* __restrict__ eq, u32 width, u32 l_skip, u32 pieces, uint64_t lanes,
                                         Ef* __restrict__ partials) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_slot_sums_lane(lane, matrix, slots, eq, width, l_skip, pieces, partials);
}

__global__ void stacked_piece_sums_kernel(const Ef* __restrict__ partials, u32 l_skip, u32 pieces, uint64_t lanes,
                                          Ef* __restrict__ s, Ef* __restrict__ t) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_piece_sums_lane(lane, partials, l_skip, pieces, s, t);
}

__global__ void stacked_fold_columns_kernel(const u32* __restrict__ matrix, const Ef* __restrict__ lagrange, u32 width,
                                            u32 l_skip, uint64_t chunks, uint64_t lanes, Ef* __restrict__ tables) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_fold_columns_lane(lane, matrix, lagrange, width, l_skip, chunks, tables);
}

__global__ void stacked_kernel_table_kernel(const StackedSlotDesc* __restrict__ slots,
                                            const uint64_t* __restrict__ first_lane_of, u32 slot_count,
                                            const Ef* __restrict__ eq, const Ef* __restrict__ coeffs, uint64_t chunks,
                                            uint64_t lanes, Ef* __restrict__ tables) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_kernel_table_lane(lane, slots, first_lane_of, slot_count, eq, coeffs, chunks, tables);
}

__global__ void stacked_batch_message_kernel(const u32* __restrict__ message, const Ef* __restrict__ weights, u32 width,
                                             u32 accumulate, uint64_t lanes, Ef* __restrict__ f) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_batch_message_lane(lane, message, weights, width, accumulate, f);
}

__global__ void stacked_scatter_kernel(const u32* __restrict__ trace, u32 trace_width,
                                       const StackedScatterSlot* __restrict__ slots, u32 slot_count, u32 width,
                                       uint64_t lanes, u32* __restrict__ matrix) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_scatter_lane(lane, trace, trace_width, slots, slot_count, width, matrix);
}

__global__ void stacked_message_kernel(const u32* __restrict__ matrix, const Fp* __restrict__ inv_powers, Fp inv_n,
                                       u32 width, u32 l_skip, uint64_t lanes, u32* __restrict__ message) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        stacked_message_lane(lane, matrix, inv_powers, inv_n, width, l_skip, message);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* stacked_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::StackedSlotSums: return reinterpret_cast<const void*>(&stacked_slot_sums_kernel);
        case gpu::Kernel::StackedPieceSums: return reinterpret_cast<const void*>(&stacked_piece_sums_kernel);
        case gpu::Kernel::StackedFoldColumns: return reinterpret_cast<const void*>(&stacked_fold_columns_kernel);
        case gpu::Kernel::StackedKernelTable: return reinterpret_cast<const void*>(&stacked_kernel_table_kernel);
        case gpu::Kernel::StackedBatchMessage: return reinterpret_cast<const void*>(&stacked_batch_message_kernel);
        case gpu::Kernel::StackedScatter: return reinterpret_cast<const void*>(&stacked_scatter_kernel);
        case gpu::Kernel::StackedMessage: return reinterpret_cast<const void*>(&stacked_message_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_stacked_slot_sums(const uint32_t* matrix, const StackedSlotDesc* slots, uint64_t slot_count,
                                     const Ef* eq, uint32_t width, uint32_t l_skip, uint32_t pieces, Ef* partials,
                                     const device::LaunchPlan& plan, cudaStream_t stream) {
    const uint64_t lanes = (slot_count * pieces) << l_skip;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(stacked_slot_sums_kernel, plan, 0, stream, matrix, slots, eq, width, l_skip, pieces, lanes,
                          partials);
}

cudaError_t launch_stacked_piece_sums(const Ef* partials, uint64_t slot_count, uint32_t l_skip, uint32_t pieces, Ef* s,
                                      Ef* t, const device::LaunchPlan& plan, cudaStream_t stream) {
    const uint64_t lanes = slot_count << l_skip;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(stacked_piece_sums_kernel, plan, 0, stream, partials, l_skip, pieces, lanes, s, t);
}

cudaError_t launch_stacked_fold_columns(const uint32_t* matrix, const Ef* lagrange, uint32_t width, uint32_t l_skip,
                                        uint64_t chunks, Ef* tables, const device::LaunchPlan& plan,
                                        cudaStream_t stream) {
    const uint64_t lanes = chunks * width;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(stacked_fold_columns_kernel, plan, 0, stream, matrix, lagrange, width, l_skip, chunks, lanes,
                          tables);
}

cudaError_t launch_stacked_kernel_table(const StackedSlotDesc* slots, const uint64_t* first_lane_of, uint32_t slot_count,
                                        const Ef* eq, const Ef* coeffs, uint64_t chunks, uint64_t lanes, Ef* tables,
                                        const device::LaunchPlan& plan, cudaStream_t stream) {
    if (lanes == 0 || slot_count == 0) return cudaSuccess;
    return launch_planned(stacked_kernel_table_kernel, plan, 0, stream, slots, first_lane_of, slot_count, eq, coeffs,
                          chunks, lanes, tables);
}

cudaError_t launch_stacked_batch_message(const uint32_t* message, const Ef* weights, uint32_t width, uint64_t rows,
                                         bool accumulate, Ef* f, const device::LaunchPlan& plan, cudaStream_t stream) {
    if (rows == 0) return cudaSuccess;
    return launch_planned(stacked_batch_message_kernel, plan, 0, stream, message, weights, width,
                          uint32_t(accumulate ? 1 : 0), rows, f);
}

cudaError_t launch_stacked_scatter(const uint32_t* trace, uint64_t trace_rows, uint32_t trace_width,
                                   const StackedScatterSlot* slots, uint32_t slot_count, uint32_t width,
                                   uint32_t* matrix, const device::LaunchPlan& plan, cudaStream_t stream) {
    const uint64_t lanes = trace_rows * slot_count;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(stacked_scatter_kernel, plan, 0, stream, trace, trace_width, slots, slot_count, width, lanes,
                          matrix);
}

cudaError_t launch_stacked_message(const uint32_t* matrix, const Fp* inv_powers, Fp inv_n, uint32_t width,
                                   uint32_t l_skip, uint64_t chunks, uint32_t* message, const device::LaunchPlan& plan,
                                   cudaStream_t stream) {
    const uint64_t lanes = chunks * width;
    if (lanes == 0) return cudaSuccess;
    if ((1u << l_skip) > GS_STACKED_MAX_CHUNK) return cudaErrorInvalidValue;
    return launch_planned(stacked_message_kernel, plan, 0, stream, matrix, inv_powers, inv_n, width, l_skip, lanes,
                          message);
}

}  // namespace cuda
}  // namespace gpustark
