// Host launch functions of WHIR's table kernels (whir.cu), in the style of launch.h: each enqueues
// on `stream`, returns the launch status and launches nothing for zero lanes; geometry comes from
// the planner through the backend. The bodies are kernels/whir/whir_tables.h (metal/whir.metal
// wraps them too). A table is `length` Ef values (a power of two) at `table`.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "../../core/device/launch_plan.h"
#include "../../kernels/whir/whir_tables.h"
#include "cuda_backend.h"

namespace gpustark {
namespace cuda {

// The host stub of each WHIR kernel, for cudaFuncGetAttributes (sumcheck_kernel asks here for the
// kernels that are not its own); nullptr for another family's kernel.
const void* whir_kernel(gpu::Kernel kernel);
// Sums per block of a reduction kernel (power_sum: 1), 0 for the lane kernels.
uint32_t whir_sums(gpu::Kernel kernel);

// One step of the subset transform over index bit log_step < log2(length): length/2 lanes, one
// per pair of entries differing in that bit, in place (the pairs are disjoint).
cudaError_t launch_whir_subset_step(Ef* table, uint64_t length, uint32_t log_step, bool inverse,
                                    const device::LaunchPlan& plan, cudaStream_t stream);
// table[i] = prod_k (bit k of i ? hi[k] : lo[k]): p.lanes = length = 2^p.vars lanes.
cudaError_t launch_whir_product_table(Ef* table, const WhirProductTableParams& p, const device::LaunchPlan& plan,
                                      cudaStream_t stream);
// sum_i table[i] z^i with p.z[k] = z^(2^k): p.lanes = length = 2^p.vars lanes; block b writes its
// sum to partials[b], which holds max_blocks sums; the plan needs sumcheck_scratch(kernel, group)
// bytes of shared memory per block (the host adds the plan.grid blocks' sums).
cudaError_t launch_whir_power_sum(const Ef* table, const WhirPowerSumParams& p, Ef* partials, uint64_t max_blocks,
                                  const device::LaunchPlan& plan, cudaStream_t stream);
// words[4i .. 4i + 4) = table[i] as canonical limbs, one lane per entry: an RS message's rows.
cudaError_t launch_whir_ef_words(const Ef* table, uint64_t length, uint32_t* words, const device::LaunchPlan& plan,
                                 cudaStream_t stream);

}  // namespace cuda
}  // namespace gpustark
