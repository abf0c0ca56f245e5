// Host launch functions of the CUDA kernels (defined in poseidon2.cu, merkle.cu, ntt.cu, pow.cu)
// and the error helper of the backend. Every launcher enqueues on `stream`, returns the launch
// status (cudaGetLastError) and launches nothing for zero lanes. Block sizes come from the
// launch plan (cuda_backend.h); nothing here picks geometry on its own.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "../../kernels/merkle/merkle.h"
#include "../../kernels/ntt/ntt_params.h"
#include "../../kernels/pow/pow.h"
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

// Blocks of `block` threads covering `lanes` lanes; false when that exceeds the grid limit.
inline bool lane_grid(uint64_t lanes, uint32_t block, unsigned int* blocks) {
    if (block == 0) return false;
    uint64_t n = (lanes + block - 1) / block;
    if (n > 0x7fffffffull) return false;
    *blocks = static_cast<unsigned int>(n);
    return true;
}

// The host stub of each kernel, for cudaFuncGetAttributes; nullptr for another family's kernel.
const void* poseidon2_kernel(CudaKernel kernel);
const void* merkle_kernel(CudaKernel kernel);
const void* ntt_kernel(CudaKernel kernel);
const void* pow_kernel(CudaKernel kernel);

// poseidon2.cu. states: count x 16; matrix: rows x width; left/right/out and digests: x 8.
cudaError_t launch_poseidon2_permute(uint32_t* states, uint64_t count, uint32_t block, cudaStream_t stream);
cudaError_t launch_hash_rows(const uint32_t* matrix, uint64_t rows, uint32_t width, uint32_t* digests,
                             uint32_t block, cudaStream_t stream);
cudaError_t launch_compress(const uint32_t* left, const uint32_t* right, uint64_t count, uint32_t* out,
                            uint32_t block, cudaStream_t stream);

// merkle.cu. One lane per row (leaves) or per node of the level being built (compress).
cudaError_t launch_merkle_leaves(const uint32_t* matrix, uint64_t rows, MerkleParams p, uint32_t* digests,
                                 uint32_t block, cudaStream_t stream);
cudaError_t launch_merkle_compress(const uint32_t* children, uint64_t nodes, MerkleParams p, uint32_t* parents,
                                   uint32_t block, cudaStream_t stream);

// ntt.cu. Lanes: n * batch (bit reverse, scale), n/2 * batch (stage); the block NTT runs one
// group of `threads` threads per (2^p.log_block rows, column) with scratch_bytes of shared memory.
cudaError_t launch_ntt_bit_reverse(uint32_t* data, NttParams p, uint32_t block, cudaStream_t stream);
cudaError_t launch_ntt_stage(uint32_t* data, const uint32_t* twiddles, NttParams p, uint32_t block,
                             cudaStream_t stream);
cudaError_t launch_ntt_scale(uint32_t* data, const uint32_t* factors, NttParams p, uint32_t block,
                             cudaStream_t stream);
cudaError_t launch_ntt_block(uint32_t* data, const uint32_t* twiddles, NttParams p, uint32_t threads,
                             size_t scratch_bytes, cudaStream_t stream);

// pow.cu. Lane i tests witness p.first_witness + i; *best must start at 0xffffffff.
cudaError_t launch_pow_grind(const PowParams& p, uint64_t lanes, uint32_t* best, uint32_t block,
                             cudaStream_t stream);

}  // namespace cuda
}  // namespace gpustark
