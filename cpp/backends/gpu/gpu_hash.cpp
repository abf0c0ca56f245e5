// GpuBackend's hashing primitives: poseidon2_permute, and hash_rows and compress as the Merkle
// kernels run them (metal/merkle.metal): hash_rows is merkle_leaf over the rows, compress is
// merkle_compress over one buffer holding the left digests, then the right ones.
#include <stdexcept>

#include "../../kernels/hash/hash.h"
#include "../../kernels/merkle/merkle.h"
#include "gpu_backend.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {

void GpuBackend::poseidon2_permute(uint32_t* states, size_t count) {
    if (count == 0) return;
    require_u32(count, "count", what("poseidon2_permute").c_str());
    const size_t bytes = count * GS_P2_WIDTH * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "poseidon2_permute");
    device.reserve_staging(staged_size(bytes));
    const Bound s = bind(states, bytes, kSlotA);
    if (!s.in_place) device.upload(s.buffer, states, bytes);
    const Poseidon2Params p{static_cast<uint32_t>(count)};
    device.dispatch(Kernel::Poseidon2Permute, device.lane_plan(Kernel::Poseidon2Permute, count), 2 * bytes,
                    {s.buffer}, p);
    const void* out = download(s, bytes);
    call.finish("permuted states");
    if (out) host_copy(states, out, bytes);
}

void GpuBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    if (rows == 0) return;
    require_u32(rows, "rows", what("hash_rows").c_str());
    const size_t in_bytes = rows * size_t(width) * sizeof(uint32_t);
    const size_t out_bytes = rows * GS_DIGEST_WIDTH * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "hash_rows");
    device.reserve_staging(std::max(staged_size(in_bytes), staged_size(out_bytes)));
    const Bound m = bind(matrix, in_bytes, kSlotA);
    const Bound d = bind(digests, out_bytes, kSlotB);
    if (!m.in_place) device.upload(m.buffer, matrix, in_bytes);
    MerkleParams p{};
    p.width = width;
    p.count = static_cast<uint32_t>(rows);
    device.dispatch(Kernel::MerkleLeaves, device.lane_plan(Kernel::MerkleLeaves, rows), in_bytes + out_bytes,
                    {m.buffer, d.buffer}, p);
    const void* out = download(d, out_bytes);
    call.finish("digests");
    if (out) host_copy(digests, out, out_bytes);
}

void GpuBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    if (count == 0) return;
    require_u32(uint64_t(count) * 2 * GS_DIGEST_WIDTH, "2 * count * 8 words", what("compress").c_str());
    const size_t bytes = count * GS_DIGEST_WIDTH * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "compress");
    device.reserve_staging(2 * staged_size(bytes));
    // merkle_compress reads node i's children at i and i + child_stride of one buffer.
    const Buffer children = slot(kSlotA, 2 * bytes);
    const Bound o = bind(out, bytes, kSlotB);
    device.upload(children, left, bytes);
    device.upload(children.at(bytes), right, bytes);
    MerkleParams p{};
    p.child_stride = static_cast<uint32_t>(count);
    p.count = static_cast<uint32_t>(count);
    device.dispatch(Kernel::MerkleCompress, device.lane_plan(Kernel::MerkleCompress, count), 3 * bytes,
                    {children, o.buffer}, p);
    const void* result = download(o, bytes);
    call.finish("compressed digests");
    if (result) host_copy(out, result, bytes);
}

}  // namespace gpu
}  // namespace gpustark
