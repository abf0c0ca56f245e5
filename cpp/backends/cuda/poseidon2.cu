// The Poseidon2 permutation of a batch of states, one lane per state in a grid-stride loop
// (launch.h), with the arguments of metal/poseidon2.metal's entry: (states; Poseidon2Params).
// hash_rows and compress run as the Merkle kernels (merkle.cu; gpu/gpu_hash.cpp).
#include "../../kernels/hash/hash.h"
#include "launch.h"

static_assert(sizeof(Poseidon2Params) == 4, "Poseidon2Params layout is shared with MSL");

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void poseidon2_permute_kernel(u32* states, Poseidon2Params p) {
    for (uint64_t lane = first_lane(); lane < p.count; lane += lane_stride())
        p2_permute_canonical(states + lane * GS_P2_WIDTH);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* poseidon2_kernel(gpu::Kernel kernel) {
    return kernel == gpu::Kernel::Poseidon2Permute ? reinterpret_cast<const void*>(&poseidon2_permute_kernel)
                                                   : nullptr;
}

cudaError_t launch_poseidon2_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                   cudaStream_t stream) {
    if (kernel != gpu::Kernel::Poseidon2Permute) return cudaErrorInvalidDeviceFunction;
    const Poseidon2Params* p = a.params_as<Poseidon2Params>();
    if (!p || a.count != 1) return cudaErrorInvalidValue;
    if (p->count == 0) return cudaSuccess;
    return launch_planned(poseidon2_permute_kernel, plan, 0, stream, a.buffer<u32>(0), *p);
}

}  // namespace cuda
}  // namespace gpustark
