// Proof-of-work entry point: lane i tests witness first_witness + i and atomically lowers *best.
#include "../../kernels/pow/pow.h"
#include "launch.h"

namespace {

__global__ void pow_grind_kernel(PowParams p, uint64_t lanes, u32* best) {
    uint64_t lane = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (lane >= lanes) return;
    pow_grind_body(static_cast<u32>(lane), p, best);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* pow_kernel(CudaKernel kernel) {
    return kernel == CudaKernel::PowGrind ? reinterpret_cast<const void*>(&pow_grind_kernel) : nullptr;
}

cudaError_t launch_pow_grind(const PowParams& p, uint64_t lanes, uint32_t* best, uint32_t block,
                             cudaStream_t stream) {
    if (lanes == 0) return cudaSuccess;
    // Witnesses first_witness + lane must stay below 2^32 (the body adds in u32).
    if (static_cast<uint64_t>(p.first_witness) + lanes > 0x100000000ull) return cudaErrorInvalidValue;
    unsigned int blocks = 0;
    if (!lane_grid(lanes, block, &blocks)) return cudaErrorInvalidConfiguration;
    pow_grind_kernel<<<blocks, block, 0, stream>>>(p, lanes, best);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace gpustark
