// Merkle entry points: leaf digests (one lane per row) and one compress level (one lane per node),
// in grid-stride loops (launch.h), and the gather that reads openings from a kept tree; each with
// the arguments of its Metal entry (metal/merkle.metal, gather.metal): buffers, then Params.
#include "../../kernels/merkle/gather_params.h"
#include "../../kernels/merkle/merkle.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void merkle_leaf_kernel(const u32* matrix, u32* digests, MerkleParams p) {
    for (uint64_t row = first_lane(); row < p.count; row += lane_stride())
        merkle_leaf_lane(static_cast<u32>(row), matrix, digests, p);
}

__global__ void merkle_compress_kernel(const u32* children, u32* parents, MerkleParams p) {
    for (uint64_t node = first_lane(); node < p.count; node += lane_stride())
        merkle_compress_lane(static_cast<u32>(node), children, parents, p);
}

__global__ void gather_words_kernel(const u32* __restrict__ src, const uint64_t* __restrict__ starts,
                                    u32* __restrict__ out, GatherWordsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        gather_words_lane(lane, src, starts, p.words, out);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* merkle_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::MerkleLeaves: return reinterpret_cast<const void*>(&merkle_leaf_kernel);
        case gpu::Kernel::MerkleCompress: return reinterpret_cast<const void*>(&merkle_compress_kernel);
        case gpu::Kernel::GatherWords: return reinterpret_cast<const void*>(&gather_words_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_merkle_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                cudaStream_t stream) {
    switch (kernel) {
        case gpu::Kernel::MerkleLeaves:
        case gpu::Kernel::MerkleCompress: {
            // (matrix or children, digests or parents; MerkleParams)
            const MerkleParams* p = a.params_as<MerkleParams>();
            if (!p || a.count != 2) return cudaErrorInvalidValue;
            if (p->count == 0) return cudaSuccess;
            // The compress body forms child word offsets (2 * nodes * 8) in u32.
            if (kernel == gpu::Kernel::MerkleCompress && uint64_t(p->count) * 2 * GS_DIGEST_WIDTH > 0xffffffffull)
                return cudaErrorInvalidValue;
            return launch_planned(kernel == gpu::Kernel::MerkleLeaves ? merkle_leaf_kernel : merkle_compress_kernel,
                                  plan, 0, stream, a.buffer<const u32>(0), a.buffer<u32>(1), *p);
        }
        case gpu::Kernel::GatherWords: {
            const GatherWordsParams* p = a.params_as<GatherWordsParams>();
            if (!p || a.count != 3) return cudaErrorInvalidValue;
            if (p->lanes == 0) return cudaSuccess;
            return launch_planned(gather_words_kernel, plan, 0, stream, a.buffer<const u32>(0),
                                  a.buffer<const uint64_t>(1), a.buffer<u32>(2), *p);
        }
        default: return cudaErrorInvalidDeviceFunction;
    }
}

}  // namespace cuda
}  // namespace gpustark
