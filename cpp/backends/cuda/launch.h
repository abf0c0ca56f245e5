// The entries of the CUDA kernels (every *.cu file), all on the shared argument convention, and
// the error helper of the backend. Every launcher enqueues on `stream`, returns the launch
// status (cudaGetLastError) and launches nothing for zero lanes.
//
// Geometry comes from the shared planner (core/device/launch_plan.h) through the backend; nothing
// here picks a block or grid size. The lane kernels are grid-stride loops: thread t of block b
// handles lanes b * blockDim + t, then + gridDim * blockDim, ... until `lanes`, so any plan with
// at least one block is correct, whatever its items_per_thread (the planner raises it above 1
// when a grid would exceed max_groups, and the grinder asks for one wave of resident threads).
// The block NTT takes a plan_ntt_block() plan (as_launch_plan): one block per (2^log_block rows,
// columns).
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "../../core/device/launch_plan.h"
#include "../../kernels/field/ext4.h"
#include "../../kernels/merkle/merkle.h"
#include "../../kernels/ntt/ntt_params.h"
#include "../../kernels/pow/pow.h"
#include "../../kernels/stacked/stacked_commit.h"
#include "../../kernels/stacked/stacked_reduction_lanes.h"
#include "cuda_backend.h"

namespace gpustark {
namespace cuda {

// Throws std::runtime_error("<call> failed: <cudaGetErrorString>") unless err is cudaSuccess.
inline void check(cudaError_t err, const char* call) {
    if (err != cudaSuccess) {
        cudaGetLastError();  // clear a non-sticky error so the next call starts clean
        throw std::runtime_error(std::string(call) + " failed: " + cudaGetErrorString(err) + " (" +
                                 cudaGetErrorName(err) + ")");
    }
}

// A runtime call that must succeed: throws as check() does, naming the call.
#define GS_CUDA_CHECK(call) ::gpustark::cuda::check((call), #call)

// The architectures the kernels were built for (CMake defines it for the library), for messages.
#ifndef GPUSTARK_CUDA_ARCHS
#define GPUSTARK_CUDA_ARCHS "unknown"
#endif

// A plan's grid and block as launch arguments; false when CUDA cannot launch them (no block, a
// block over 1024 threads, or more than 2^31 - 1 blocks in x).
inline bool launch_dims(const device::LaunchPlan& plan, unsigned int* grid, unsigned int* block) {
    if (plan.grid == 0 || plan.grid > 0x7fffffffull || plan.group == 0 || plan.group > 1024) return false;
    *grid = static_cast<unsigned int>(plan.grid);
    *block = plan.group;
    return true;
}

#if defined(__CUDACC__)
// Grid-stride lane loop of the lane kernels: for (uint64_t lane = first_lane(); lane < lanes;
// lane += lane_stride()).
__device__ __forceinline__ uint64_t first_lane() {
    return static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ uint64_t lane_stride() { return static_cast<uint64_t>(gridDim.x) * blockDim.x; }

// The tail every launcher shares: `kernel` on the plan's grid and block with `scratch_bytes` of
// dynamic shared memory on `stream`; cudaErrorInvalidConfiguration for a plan CUDA cannot launch.
template <class... Params, class... Args>
cudaError_t launch_planned(void (*kernel)(Params...), const device::LaunchPlan& plan, size_t scratch_bytes,
                           cudaStream_t stream, Args... args) {
    unsigned int grid = 0, block = 0;
    if (!launch_dims(plan, &grid, &block)) return cudaErrorInvalidConfiguration;
    kernel<<<grid, block, scratch_bytes, stream>>>(args...);
    return cudaGetLastError();
}
#endif

// The host stub of any kernel (cuda_device.cpp), for cudaFuncGetAttributes and the occupancy API.
const void* kernel_address(gpu::Kernel kernel);
// The host stub of each kernel, for cudaFuncGetAttributes; nullptr for another family's kernel.
const void* poseidon2_kernel(gpu::Kernel kernel);
const void* merkle_kernel(gpu::Kernel kernel);
const void* ntt_kernel(gpu::Kernel kernel);
const void* pow_kernel(gpu::Kernel kernel);
const void* sumcheck_kernel(gpu::Kernel kernel);
const void* whir_kernel(gpu::Kernel kernel);
const void* dag_kernel(gpu::Kernel kernel);
const void* round0_kernel(gpu::Kernel kernel);
const void* trace_tables_kernel_address(gpu::Kernel kernel);
const void* fraction_tree_kernel(gpu::Kernel kernel);
const void* stacked_kernel(gpu::Kernel kernel);


// The kernels on the shared argument convention (gpu/device.h): buffer arguments in order, then
// the kernel's Params struct by value, as the Metal entry of the same name takes them. Each .cu
// file that has such kernels launches them from these arguments:
//   poseidon2.cu: poseidon2_permute (states; Poseidon2Params);
//   merkle.cu: merkle_leaf (matrix, digests; MerkleParams), merkle_compress (children, parents;
//     MerkleParams);
//   ntt.cu: ntt_bit_reverse (data), ntt_stage (data, twiddles), ntt_scale (data, factors),
//     ntt_block (data, twiddles, factors), each then NttParams;
//   pow.cu: pow_grind (best; PowParams, its window the lanes);
//   trace_tables.cu: trace_tables (trace, lagrange, tables; TraceTablesParams);
//   merkle.cu: gather_words (src, starts, out; GatherWordsParams);
//   fraction_tree.cu: gkr_layer (child_p, child_q, parent_p, parent_q; GkrLayerParams),
//     gkr_split (p, q, tables; GkrSplitParams), logup_leaves (code, weights, constants, trace,
//     slot_offsets, slots, p, q; LogUpLeavesParams), logup_unused_leaves (p, q; LogUpUnusedLeavesParams);
//   stacked.cu: the stacked_* kernels (kernels/stacked/stacked_params.h);
//   round0.cu: round0_gather (trace, local, next, powers; Round0GatherParams), round0_eq_sums
//     (sums, eq, partials; Round0EqSumsParams), round0_piece_sums (partials, totals;
//     Round0PieceSumsParams);
//   sumcheck.cu: sumcheck_fold (in, out), sumcheck_pair_product and sumcheck_fraction (tables,
//     partials), sumcheck_eq_halves (points, halves), sumcheck_add_eq_powers (table, halves), with
//     kernels/sumcheck/table_lanes.h's Params;
//     sumcheck_sponge_step (partials, sponge, log; one block), sumcheck_fold_logged (in, out,
//     log), sumcheck_sponge_grind (best, sponge) and sumcheck_sponge_witness (sponge, best, log,
//     witnesses), with kernels/sumcheck/round_sponge.h's;
//   whir.cu: whir_subset_step and whir_product_table (table), whir_power_sum (table, partials),
//     whir_ef_words (table, words), with kernels/whir/whir_tables.h's Params;
//   dag.cu: dag_base_sums (code, groups, weights, constants, local, next, slots, out),
//     dag_group_sums (partial, out), dag_fold_points (tables, out), dag_round (code, groups,
//     weights, constants, folded, slots, partials), with kernels/dag/dag_lanes.h's Params.
// A reduction (pair_product, fraction, power_sum, dag_round) writes its K sums per block at
// partials[block * K ...] and needs K * group Ef of dynamic shared memory per block
// (plan.scratch_bytes); the caller sizes partials for plan.grid blocks.
struct KernelArgs {
    void* const* buffers;
    size_t count;
    const void* params;
    size_t params_bytes;
    template <typename T>
    T* buffer(size_t i) const { return i < count ? static_cast<T*>(buffers[i]) : nullptr; }
    // The params as P; nullptr when their size is not P's (a caller bug, reported as invalid value).
    template <typename P>
    const P* params_as() const { return params_bytes == sizeof(P) ? static_cast<const P*>(params) : nullptr; }
};
// Every entry's signature: cudaErrorInvalidDeviceFunction when the file has no entry for `kernel`.
using LaunchEntry = cudaError_t(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                cudaStream_t stream);
LaunchEntry launch_poseidon2_entry, launch_merkle_entry, launch_ntt_entry, launch_pow_entry, launch_trace_tables_entry,
    launch_fraction_tree_entry, launch_stacked_entry, launch_round0_entry, launch_sumcheck_entry, launch_whir_entry,
    launch_dag_entry;
// The entry of `kernel` among all of the above.
LaunchEntry launch_entry;

}  // namespace cuda
}  // namespace gpustark
