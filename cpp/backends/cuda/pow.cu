// Proof-of-work entry point, with the arguments of metal/pow.metal's (best; PowParams): lane i
// tests witness first_witness + i for i < window and atomically lowers *best, in a grid-stride
// loop (launch.h; the device plans one wave of resident threads per window, cuda_device.cpp)
// that ends early once a smaller witness is known.
#include "../../kernels/pow/pow.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// The grid strides over the window in order, so once a thread has lowered *best below this
// thread's next witness, no later witness can be the smallest: the thread stops there, and a
// window costs about as many trials as the hit needs rather than the whole window.
__global__ void pow_grind_kernel(u32* best, PowParams p) {
    for (uint64_t lane = first_lane(); lane < p.window; lane += lane_stride()) {
        if (*static_cast<volatile const u32*>(best) < p.first_witness + static_cast<u32>(lane)) break;
        pow_grind_lane(static_cast<u32>(lane), p, best);
    }
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* pow_kernel(gpu::Kernel kernel) {
    return kernel == gpu::Kernel::PowGrind ? reinterpret_cast<const void*>(&pow_grind_kernel) : nullptr;
}

cudaError_t launch_pow_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                             cudaStream_t stream) {
    if (kernel != gpu::Kernel::PowGrind) return cudaErrorInvalidDeviceFunction;
    const PowParams* p = a.params_as<PowParams>();
    if (!p || a.count != 1) return cudaErrorInvalidValue;
    if (p->window == 0) return cudaSuccess;
    // Witnesses first_witness + lane must stay below 2^32 (the body adds in u32).
    if (static_cast<uint64_t>(p->first_witness) + p->window > 0x100000000ull) return cudaErrorInvalidValue;
    return launch_planned(pow_grind_kernel, plan, 0, stream, a.buffer<u32>(0), *p);
}

}  // namespace cuda
}  // namespace gpustark
