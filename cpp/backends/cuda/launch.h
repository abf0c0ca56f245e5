// Host launch functions of the CUDA kernels (the shared-convention entries of every .cu file, and
// the scalar launchers of sumcheck.cu and dag.cu) and the error helper of the backend. Every launcher enqueues on `stream`, returns the launch
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
#include "../../kernels/dag/dag_lanes.h"
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
const void* dag_kernel(gpu::Kernel kernel);
const void* round0_kernel(gpu::Kernel kernel);
const void* trace_tables_kernel_address(gpu::Kernel kernel);
const void* fraction_tree_kernel(gpu::Kernel kernel);
const void* stacked_kernel(gpu::Kernel kernel);

// sumcheck.cu: the EfTables steps (core/ef_tables.h) over `count` tables of `length` Ef values (a
// power of two), table c at tables + c * stride (stride >= length). Lanes:
//   fold: count * length/2, one per (table, output index), from `in` into `out`, another buffer
//     (a fold in place would race: output i overwrites input i, which lane i/2 still reads);
//   pair_product: count/2 * length/2, one per (pair of tables, pair index);
//   fraction: length/2, one per pair index of the five tables p0, p1, q0, q1, eq;
//   add_eq_powers: length, one per entry of the one table.
// The two rounds reduce in shared memory: block b writes its sums s(1), s(2)[, s(3)] to
// partials[b * sums ...] (sumcheck_sums(kernel) values per block), which holds max_blocks blocks;
// the host adds the plan.grid blocks' sums. Their plans need sumcheck_scratch(kernel, group) bytes
// of dynamic shared memory per block (Problem::scratch_for_group); any block size works.
uint32_t sumcheck_sums(gpu::Kernel kernel);
uint64_t sumcheck_scratch(gpu::Kernel kernel, uint32_t group);

// z^(2^k) for k < vars: the point (z, z^2, z^4, ...) of add_eq_powers, passed by value as a kernel
// argument (1 KiB, within the 4 KiB of parameters), so that the step needs no upload and no wait.
constexpr uint32_t kSumcheckMaxEqVars = 64;
struct SumcheckEqPowers {
    uint32_t vars;
    Ef z[kSumcheckMaxEqVars];
};

cudaError_t launch_sumcheck_fold(const Ef* in, Ef* out, uint64_t count, uint64_t length, uint64_t stride, Ef r,
                                 const device::LaunchPlan& plan, cudaStream_t stream);
cudaError_t launch_sumcheck_pair_product(const Ef* tables, uint64_t count, uint64_t length, uint64_t stride,
                                         Ef* partials, uint64_t max_blocks, const device::LaunchPlan& plan,
                                         cudaStream_t stream);
cudaError_t launch_sumcheck_fraction(const Ef* tables, uint64_t length, uint64_t stride, Ef lambda, Ef* partials,
                                     uint64_t max_blocks, const device::LaunchPlan& plan, cudaStream_t stream);
// table += weight * eq(., z powers) over length = 2^z.vars entries.
cudaError_t launch_sumcheck_add_eq_powers(Ef* table, uint64_t length, const SumcheckEqPowers& z, Ef weight,
                                          const device::LaunchPlan& plan, cudaStream_t stream);

// dag.cu: the constraint DAG (core/dag_program.h) with its program, weights and constants in
// device memory. Each launch needs slots x (grid x block) values of slot scratch (Fp for the base
// sums, Ef for the rounds): thread t's slots are column t of that matrix.
struct DagDeviceProgram {
    const u32* code;
    const u32* groups;  // (first instruction, count) per group (core/dag_program.h DagGroup)
    u32 group_count;
    const Ef* weights;
    const Fp* constants;
    u32 width;
};
//   base sums: lane = (point k, group g); partial[k * groups + g] = group g's sums at base-field
//     point k (its values where params' strides say: kernels/dag/dag_lanes.h); group sums: lane =
//     point k, out[k] = the sum of its groups' sums.
//   fold points: lane = (table, pair, point index), the round's tables at its points.
//   round: lane = (group, pair, point index) over the folded values; block b writes kDagMaxPoints
//     sums (one per x, the unused ones zero) to partials[b * kDagMaxPoints ...];
//     dag_round_scratch(block) bytes of dynamic shared memory per block.
constexpr uint32_t kDagMaxPoints = 8;
uint64_t dag_round_scratch(uint32_t group);
cudaError_t launch_dag_base_sums(const DagDeviceProgram& program, const DagBaseSumsParams& params, const u32* local,
                                 const u32* next, Fp* slots, DagSums* partial, const device::LaunchPlan& plan,
                                 cudaStream_t stream);
cudaError_t launch_dag_group_sums(const DagSums* partial, uint32_t group_count, uint64_t points, DagSums* out,
                                  const device::LaunchPlan& plan, cudaStream_t stream);
cudaError_t launch_dag_fold_points(const Ef* tables, const DagFoldPointsParams& params, Ef* out,
                                   const device::LaunchPlan& plan, cudaStream_t stream);
cudaError_t launch_dag_round(const DagDeviceProgram& program, const Ef* folded, const DagRoundParams& params,
                             Ef* slots, Ef* partials, const device::LaunchPlan& plan, cudaStream_t stream);

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
//     gkr_split (p, q, tables; GkrSplitParams);
//   stacked.cu: the stacked_* kernels (kernels/stacked/stacked_params.h);
//   round0.cu: round0_gather (trace, out; Round0GatherParams), round0_transpose (in, out;
//     Round0TransposeParams).
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
// cudaErrorInvalidDeviceFunction when the file has no entry for `kernel`.
cudaError_t launch_trace_tables_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                      cudaStream_t stream);
cudaError_t launch_poseidon2_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                   cudaStream_t stream);
cudaError_t launch_merkle_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                cudaStream_t stream);
cudaError_t launch_ntt_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                             cudaStream_t stream);
cudaError_t launch_pow_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                             cudaStream_t stream);
cudaError_t launch_fraction_tree_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                       cudaStream_t stream);
// stacked.cu: the stacked matrix's kernels (buffers in metal/stacked.metal's order, then Params).
cudaError_t launch_stacked_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                 cudaStream_t stream);
cudaError_t launch_round0_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                                cudaStream_t stream);
// The entry of `kernel` among all of the above.
cudaError_t launch_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                         cudaStream_t stream);

}  // namespace cuda
}  // namespace gpustark
