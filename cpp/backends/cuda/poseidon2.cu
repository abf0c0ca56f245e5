// Poseidon2 entry points: permute states, hash rows, compress digest pairs. One lane per item.
#include "../../kernels/hash/hash.h"
#include "launch.h"

namespace {

__device__ __forceinline__ uint64_t global_lane() {
    return static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__global__ void poseidon2_permute_kernel(u32* states, uint64_t count) {
    uint64_t lane = global_lane();
    if (lane >= count) return;
    p2_permute_canonical(states + lane * GS_P2_WIDTH);
}

__global__ void hash_rows_kernel(const u32* matrix, uint64_t rows, u32 width, u32* digests) {
    uint64_t row = global_lane();
    if (row >= rows) return;
    hash_row(matrix + row * width, width, digests + row * GS_DIGEST_WIDTH);
}

__global__ void compress_kernel(const u32* left, const u32* right, uint64_t count, u32* out) {
    uint64_t lane = global_lane();
    if (lane >= count) return;
    uint64_t offset = lane * GS_DIGEST_WIDTH;
    compress_digests(left + offset, right + offset, out + offset);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* poseidon2_kernel(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::Poseidon2Permute: return reinterpret_cast<const void*>(&poseidon2_permute_kernel);
        case CudaKernel::HashRows: return reinterpret_cast<const void*>(&hash_rows_kernel);
        case CudaKernel::Compress: return reinterpret_cast<const void*>(&compress_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_poseidon2_permute(uint32_t* states, uint64_t count, uint32_t block, cudaStream_t stream) {
    if (count == 0) return cudaSuccess;
    unsigned int blocks = 0;
    if (!lane_grid(count, block, &blocks)) return cudaErrorInvalidConfiguration;
    poseidon2_permute_kernel<<<blocks, block, 0, stream>>>(states, count);
    return cudaGetLastError();
}

cudaError_t launch_hash_rows(const uint32_t* matrix, uint64_t rows, uint32_t width, uint32_t* digests,
                             uint32_t block, cudaStream_t stream) {
    if (rows == 0) return cudaSuccess;
    unsigned int blocks = 0;
    if (!lane_grid(rows, block, &blocks)) return cudaErrorInvalidConfiguration;
    hash_rows_kernel<<<blocks, block, 0, stream>>>(matrix, rows, width, digests);
    return cudaGetLastError();
}

cudaError_t launch_compress(const uint32_t* left, const uint32_t* right, uint64_t count, uint32_t* out,
                            uint32_t block, cudaStream_t stream) {
    if (count == 0) return cudaSuccess;
    unsigned int blocks = 0;
    if (!lane_grid(count, block, &blocks)) return cudaErrorInvalidConfiguration;
    compress_kernel<<<blocks, block, 0, stream>>>(left, right, count, out);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace gpustark
