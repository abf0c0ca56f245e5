// Poseidon2 entry points: permute states, hash rows, compress digest pairs. One lane per item, in
// grid-stride loops (launch.h).
#include "../../kernels/hash/hash.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void poseidon2_permute_kernel(u32* states, uint64_t count) {
    for (uint64_t lane = first_lane(); lane < count; lane += lane_stride())
        p2_permute_canonical(states + lane * GS_P2_WIDTH);
}

__global__ void hash_rows_kernel(const u32* matrix, uint64_t rows, u32 width, u32* digests) {
    for (uint64_t row = first_lane(); row < rows; row += lane_stride())
        hash_row(matrix + row * width, width, digests + row * GS_DIGEST_WIDTH);
}

__global__ void compress_kernel(const u32* left, const u32* right, uint64_t count, u32* out) {
    for (uint64_t lane = first_lane(); lane < count; lane += lane_stride()) {
        uint64_t offset = lane * GS_DIGEST_WIDTH;
        compress_digests(left + offset, right + offset, out + offset);
    }
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* poseidon2_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::Poseidon2Permute: return reinterpret_cast<const void*>(&poseidon2_permute_kernel);
        case gpu::Kernel::HashRows: return reinterpret_cast<const void*>(&hash_rows_kernel);
        case gpu::Kernel::Compress: return reinterpret_cast<const void*>(&compress_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_poseidon2_permute(uint32_t* states, uint64_t count, const device::LaunchPlan& plan,
                                     cudaStream_t stream) {
    if (count == 0) return cudaSuccess;
    return launch_planned(poseidon2_permute_kernel, plan, 0, stream, states, count);
}

cudaError_t launch_hash_rows(const uint32_t* matrix, uint64_t rows, uint32_t width, uint32_t* digests,
                             const device::LaunchPlan& plan, cudaStream_t stream) {
    if (rows == 0) return cudaSuccess;
    return launch_planned(hash_rows_kernel, plan, 0, stream, matrix, rows, width, digests);
}

cudaError_t launch_compress(const uint32_t* left, const uint32_t* right, uint64_t count, uint32_t* out,
                            const device::LaunchPlan& plan, cudaStream_t stream) {
    if (count == 0) return cudaSuccess;
    return launch_planned(compress_kernel, plan, 0, stream, left, right, count, out);
}

}  // namespace cuda
}  // namespace gpustark
