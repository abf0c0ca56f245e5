// Merkle entry points: leaf digests (one lane per row) and one compress level (one lane per node).
#include "../../kernels/merkle/merkle.h"
#include "launch.h"

namespace {

__device__ __forceinline__ uint64_t global_lane() {
    return static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__global__ void merkle_leaves_kernel(const u32* matrix, uint64_t rows, u32* digests, MerkleParams p) {
    uint64_t row = global_lane();
    if (row >= rows) return;
    merkle_leaf_body(static_cast<u32>(row), matrix, digests, p);
}

__global__ void merkle_compress_kernel(const u32* children, uint64_t nodes, u32* parents, MerkleParams p) {
    uint64_t node = global_lane();
    if (node >= nodes) return;
    merkle_compress_body(static_cast<u32>(node), children, parents, p);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* merkle_kernel(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::MerkleLeaves: return reinterpret_cast<const void*>(&merkle_leaves_kernel);
        case CudaKernel::MerkleCompress: return reinterpret_cast<const void*>(&merkle_compress_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_merkle_leaves(const uint32_t* matrix, uint64_t rows, MerkleParams p, uint32_t* digests,
                                 uint32_t block, cudaStream_t stream) {
    if (rows == 0) return cudaSuccess;
    if (rows > 0xffffffffull) return cudaErrorInvalidValue;  // the body indexes rows with u32
    unsigned int blocks = 0;
    if (!lane_grid(rows, block, &blocks)) return cudaErrorInvalidConfiguration;
    merkle_leaves_kernel<<<blocks, block, 0, stream>>>(matrix, rows, digests, p);
    return cudaGetLastError();
}

cudaError_t launch_merkle_compress(const uint32_t* children, uint64_t nodes, MerkleParams p, uint32_t* parents,
                                   uint32_t block, cudaStream_t stream) {
    if (nodes == 0) return cudaSuccess;
    // The body forms child word offsets (2 * nodes * 8) in u32.
    if (nodes * 2 * GS_DIGEST_WIDTH > 0xffffffffull) return cudaErrorInvalidValue;
    unsigned int blocks = 0;
    if (!lane_grid(nodes, block, &blocks)) return cudaErrorInvalidConfiguration;
    merkle_compress_kernel<<<blocks, block, 0, stream>>>(children, nodes, parents, p);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace gpustark
