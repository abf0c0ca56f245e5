// The stacked data's kernels (core/stacked_matrix.h): the commitment's scatter and message
// (kernels/stacked/stacked_commit.h); round 0's slot sums in pieces, the pieces added, the
// columns' tables after u_0 and WHIR's batched message (kernels/stacked/stacked_reduction_lanes.h).
// Grid-stride loops over those lane bodies; each takes the Params struct Metal's entry takes
// (kernels/stacked/stacked_params.h) and its buffers in metal/stacked.metal's order.
#include "../../kernels/stacked/stacked_params.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void stacked_slot_sums_kernel(const u32* __restrict__ matrix, const StackedSlotDesc* __restrict__ slots,
                                         const Ef* __restrict__ eq, Ef* __restrict__ partials,
                                         StackedSlotSumsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_slot_sums_lane(lane, matrix, slots, eq, p.width, p.l_skip, p.pieces, partials);
}

__global__ void stacked_piece_sums_kernel(const Ef* __restrict__ partials, Ef* __restrict__ s, Ef* __restrict__ t,
                                          StackedPieceSumsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_piece_sums_lane(lane, partials, p.l_skip, p.pieces, s, t);
}

__global__ void stacked_fold_columns_kernel(const u32* __restrict__ matrix, const Ef* __restrict__ lagrange,
                                            Ef* __restrict__ tables, StackedFoldColumnsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_fold_columns_lane(lane, matrix, lagrange, p.width, p.l_skip, p.chunks, tables);
}

__global__ void stacked_kernel_table_kernel(const StackedSlotDesc* __restrict__ slots,
                                            const uint64_t* __restrict__ first_lane_of, const Ef* __restrict__ eq,
                                            const Ef* __restrict__ coeffs, Ef* __restrict__ tables,
                                            StackedKernelTableParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_kernel_table_lane(lane, slots, first_lane_of, p.slot_count, eq, coeffs, p.chunks, tables);
}

__global__ void stacked_batch_message_kernel(const u32* __restrict__ message, const Ef* __restrict__ weights,
                                             Ef* __restrict__ f, StackedBatchMessageParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_batch_message_lane(lane, message, weights, p.width, p.accumulate, f);
}

__global__ void stacked_scatter_kernel(const u32* __restrict__ trace, const StackedScatterSlot* __restrict__ slots,
                                       u32* __restrict__ matrix, StackedScatterParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_scatter_lane(lane, trace, p.trace_width, slots, p.slot_count, p.width, matrix);
}

// matrix and message may be one buffer (the commitment writes the message in place): no __restrict__.
__global__ void stacked_message_kernel(const u32* matrix, const Fp* __restrict__ inv_powers, u32* message,
                                       StackedMessageParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        stacked_message_lane(lane, matrix, inv_powers, p.inv_n, p.width, p.l_skip, message);
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

cudaError_t launch_stacked_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                 cudaStream_t stream) {
    switch (kernel) {
        case gpu::Kernel::StackedSlotSums: {
            const auto* p = a.params_as<StackedSlotSumsParams>();
            if (!p || a.count != 4) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(stacked_slot_sums_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const StackedSlotDesc>(1), a.buffer<const Ef>(2), a.buffer<Ef>(3), *p);
        }
        case gpu::Kernel::StackedPieceSums: {
            const auto* p = a.params_as<StackedPieceSumsParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(stacked_piece_sums_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<Ef>(1),
                                  a.buffer<Ef>(2), *p);
        }
        case gpu::Kernel::StackedFoldColumns: {
            const auto* p = a.params_as<StackedFoldColumnsParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(stacked_fold_columns_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const Ef>(1), a.buffer<Ef>(2), *p);
        }
        case gpu::Kernel::StackedKernelTable: {
            const auto* p = a.params_as<StackedKernelTableParams>();
            if (!p || a.count != 5) return cudaErrorInvalidValue;
            if (p->lanes == 0 || p->slot_count == 0) return cudaSuccess;
            return launch_planned(stacked_kernel_table_kernel, plan, 0, stream, a.buffer<const StackedSlotDesc>(0),
                                  a.buffer<const uint64_t>(1), a.buffer<const Ef>(2), a.buffer<const Ef>(3),
                                  a.buffer<Ef>(4), *p);
        }
        case gpu::Kernel::StackedBatchMessage: {
            const auto* p = a.params_as<StackedBatchMessageParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(stacked_batch_message_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const Ef>(1), a.buffer<Ef>(2), *p);
        }
        case gpu::Kernel::StackedScatter: {
            const auto* p = a.params_as<StackedScatterParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(stacked_scatter_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const StackedScatterSlot>(1), a.buffer<u32>(2), *p);
        }
        case gpu::Kernel::StackedMessage: {
            const auto* p = a.params_as<StackedMessageParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            if ((1u << p->l_skip) > GS_STACKED_MAX_CHUNK) return cudaErrorInvalidValue;
            return launch_planned(stacked_message_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const Fp>(1), a.buffer<u32>(2), *p);
        }
        default: return cudaErrorInvalidDeviceFunction;
    }
}

}  // namespace cuda
}  // namespace gpustark
