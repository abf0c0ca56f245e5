// MetalBackend's primitives: each is one call (stage) that binds its data (in place, or copied
// into a shared buffer), encodes its kernels (metal/*.metal) through the stager, waits once, and
// reads the result where the kernels left it. Kernel arguments are bound in the order of the
// entry's [[buffer(i)]] indices; the lane kernels have one thread per item and skip the tail.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/device_ntt_plan.h"
#include "../../core/ntt_tables.h"
#include "../../kernels/merkle/merkle.h"
#include "../../kernels/ntt/ntt_params.h"
#include "metal_backend.h"
#include "metal_phase_device.h"
#include "../gpu/phases.h"

namespace gpustark {

using metal::Arg;

namespace {

constexpr uint64_t kMaxU32 = 0xffffffffull;
// Scale tables cached at once; round 0 asks for one per coset shift.
constexpr size_t kScaleCacheEntries = 32;

// The kernels take their counts as `constant uint&` and index with uint lanes.
void require_u32(uint64_t value, const char* what, const char* op) {
    if (value > kMaxU32)
        throw std::invalid_argument(std::string("metal ") + op + ": " + what + " = " + std::to_string(value) +
                                    " exceeds the 32-bit counts the Metal kernels take");
}

uint32_t log2_exact(size_t x) {
    uint32_t log = 0;
    while ((size_t(1) << log) < x) ++log;
    return log;
}


}  // namespace

void MetalBackend::poseidon2_permute(uint32_t* states, size_t count) {
    if (count == 0) return;
    require_u32(count, "count", "poseidon2_permute");
    const size_t bytes = count * GS_P2_WIDTH * sizeof(uint32_t);
    Call call(*this, "poseidon2_permute");
    const Bound s = bind_input(states, bytes, kSlotA);
    // poseidon2_permute(states [[buffer(0)]], count [[buffer(1)]])
    lane_dispatch(gpu::Kernel::Poseidon2Permute, {s.arg(), Arg::value(uint32_t(count))}, count, 2 * bytes);
    finish("permuted states");
    copy_out(s, states, bytes);
}

void MetalBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    if (rows == 0) return;
    require_u32(rows, "rows", "hash_rows");
    const size_t in_bytes = rows * size_t(width) * sizeof(uint32_t);
    const size_t out_bytes = rows * GS_DIGEST_WIDTH * sizeof(uint32_t);
    Call call(*this, "hash_rows");
    const Bound m = bind_input(matrix, in_bytes, kSlotA);
    const Bound d = bind_output(digests, out_bytes, kSlotB);
    // The leaf level of a tree is H of each row: merkle_leaf(matrix, digests, params, rows).
    MerkleParams p{};
    p.width = width;
    lane_dispatch(gpu::Kernel::MerkleLeaves, {m.arg(), d.arg(), Arg::value(p), Arg::value(uint32_t(rows))}, rows,
                  in_bytes + out_bytes);
    finish("digests");
    copy_out(d, digests, out_bytes);
}

void MetalBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    if (count == 0) return;
    require_u32(uint64_t(count) * 2 * GS_DIGEST_WIDTH, "2 * count * 8 words", "compress");
    const size_t bytes = count * GS_DIGEST_WIDTH * sizeof(uint32_t);
    Call call(*this, "compress");
    // merkle_compress reads node i's children at i and i + child_stride of one buffer: all left
    // digests, then all right ones, with child_stride = count.
    const metal::BufferPtr children = slot(kSlotA, 2 * bytes);
    copy_in(children->contents(), left, bytes);
    copy_in(children->as<uint8_t>() + bytes, right, bytes);
    const Bound o = bind_output(out, bytes, kSlotB);
    MerkleParams p{};
    p.child_stride = static_cast<uint32_t>(count);
    lane_dispatch(gpu::Kernel::MerkleCompress, {Arg::of(children), o.arg(), Arg::value(p), Arg::value(uint32_t(count))}, count,
                  3 * bytes);
    finish("compressed digests");
    copy_out(o, out, bytes);
}

// ---- NTT ----

metal::BufferPtr MetalBackend::twiddles(uint32_t log_n, bool inverse) {
    const auto key = std::make_pair(log_n, inverse);
    auto cached = twiddle_cache_.find(key);
    if (cached != twiddle_cache_.end()) return cached->second;
    const std::vector<uint32_t> host = ntt_twiddles(log_n, inverse);
    metal::BufferPtr b = allocate(host.size() * sizeof(uint32_t));
    copy_in(b->contents(), host.data(), host.size() * sizeof(uint32_t));
    twiddle_cache_[key] = b;
    return b;
}

metal::BufferPtr MetalBackend::scale_factors(uint32_t log_n, bool inverse, uint32_t shift) {
    const auto key = std::make_tuple(log_n, inverse, shift);
    auto cached = scale_cache_.find(key);
    if (cached != scale_cache_.end()) return cached->second;
    const std::vector<uint32_t> host = ntt_scale_factors(log_n, inverse, shift);
    if (host.empty()) return nullptr;
    // Dropping entries is safe between calls: every call waits before it ends, and a launch keeps
    // the buffers it binds alive.
    if (scale_cache_.size() >= kScaleCacheEntries) scale_cache_.clear();
    metal::BufferPtr b = allocate(host.size() * sizeof(uint32_t));
    copy_in(b->contents(), host.data(), host.size() * sizeof(uint32_t));
    scale_cache_[key] = b;
    return b;
}

void MetalBackend::ntt_on_device(const Bound& d, NttShape shape, bool inverse, const metal::BufferPtr& tw,
                                 const metal::BufferPtr& factors) {
    if (shape.log_n == 0 || shape.batch == 0) return;
    const uint64_t elements = (uint64_t(1) << shape.log_n) * shape.batch, bytes = elements * sizeof(uint32_t);
    // Block passes in threadgroup memory, each as many stages as fit a block (from the device's
    // maxThreadgroupMemoryLength less the pipeline's static memory); without room for a block,
    // one ntt_stage dispatch per stage (core/device_ntt_plan.h).
    const DeviceNttPlan ntt = plan_device_ntt(limits_, pipeline_limits(gpu::Kernel::NttBlock), shape, inverse, factors != nullptr);
    // ntt_block(data, twiddles, params, factors, scratch [[threadgroup(0)]]); factors is bound to
    // the twiddles when there is nothing to scale by (the kernel does not read it then).
    const Arg factor_arg = Arg::of(factors ? factors : tw);
    auto block_pass = [&](size_t i) {
        dispatch(gpu::Kernel::NttBlock, {d.arg(), Arg::of(tw), Arg::value(ntt.pass_params(i)), factor_arg},
                 device::as_launch_plan(ntt.passes[i].block), 2 * bytes);
    };
    // A transform that fits one block is one dispatch: the bit reversal and the scale happen as
    // the block is read and written.
    if (ntt.single_pass) return block_pass(0);
    NttParams p = ntt.params;
    // ntt_scale(data, factors, params)
    auto scale_pass = [&] {
        lane_dispatch(gpu::Kernel::NttScale, {d.arg(), Arg::of(factors), Arg::value(p)}, elements, 3 * bytes);
    };
    if (factors && !inverse) scale_pass();
    // ntt_bit_reverse(data, params)
    lane_dispatch(gpu::Kernel::NttBitReverse, {d.arg(), Arg::value(p)}, elements, 2 * bytes);
    for (size_t i = 0; i < ntt.passes.size(); ++i) block_pass(i);
    for (uint32_t stage = 0; ntt.passes.empty() && stage < shape.log_n; ++stage) {
        p.stage = stage;
        // ntt_stage(data, twiddles, params)
        lane_dispatch(gpu::Kernel::NttStage, {d.arg(), Arg::of(tw), Arg::value(p)}, elements / 2, 2 * bytes);
    }
    if (factors && inverse) scale_pass();
}

void MetalBackend::ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    // n = 1: the transform, 1/n and shift^0 are all the identity.
    if (shape.log_n == 0 || shape.batch == 0) return;
    if (shape.log_n > kMaxLogN)
        throw std::invalid_argument("metal ntt: log_n must be <= " + std::to_string(kMaxLogN) + ", got " +
                                    std::to_string(shape.log_n));
    const uint64_t words = (uint64_t(1) << shape.log_n) * shape.batch;
    // The kernels count n * batch lanes in a uint: 2^32 would wrap to 0 and do nothing.
    require_u32(words, "n * batch", "ntt");
    const size_t bytes = size_t(words) * sizeof(uint32_t);
    Call call(*this, "ntt");
    const metal::BufferPtr tw = twiddles(shape.log_n, inverse);
    const metal::BufferPtr factors = scale_factors(shape.log_n, inverse, shift);
    const Bound d = bind_input(data, bytes, kSlotA);
    ntt_on_device(d, shape, inverse, tw, factors);
    finish("transformed columns");
    copy_out(d, data, bytes);
}

// ---- Merkle trees ----

void MetalBackend::merkle_on_device(const Bound& m, size_t rows, uint32_t width, uint32_t log_group,
                                    const metal::BufferPtr& levels, const std::vector<size_t>& offsets) {
    const uint32_t log_rows = log2_exact(rows);
    MerkleParams p{};
    p.width = width;
    // merkle_leaf(matrix, digests, params, rows)
    lane_dispatch(gpu::Kernel::MerkleLeaves, {m.arg(), Arg::of(levels, 0), Arg::value(p), Arg::value(uint32_t(rows))}, rows,
                  rows * size_t(width) * 4 + rows * 32);
    const size_t query_stride = rows >> log_group;
    for (uint32_t k = 0; k < log_rows; ++k) {
        p.child_stride = static_cast<uint32_t>(k < log_group ? query_stride : 1);
        const uint64_t nodes = rows >> (k + 1);
        // merkle_compress(children, parents, params, count)
        lane_dispatch(gpu::Kernel::MerkleCompress,
                      {Arg::of(levels, offsets[k] * 4), Arg::of(levels, offsets[k + 1] * 4), Arg::value(p),
                       Arg::value(uint32_t(nodes))},
                      nodes, nodes * 96);
    }
}

MerkleTree MetalBackend::keep_tree(metal::BufferPtr matrix, metal::BufferPtr levels, size_t rows, uint32_t width,
                                   uint32_t log_group, const std::vector<size_t>& offsets) {
    return gpu::keep_merkle_tree(*phase_device_, metal::PhaseDevice::adopt(std::move(matrix)),
                                 metal::PhaseDevice::adopt(std::move(levels)), rows, width, log_group, offsets);
}

MerkleTree MetalBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    check_device_tree_shape(rows, log_group, "metal merkle_tree");
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log2_exact(rows));
    const size_t in_bytes = rows * size_t(width) * sizeof(uint32_t);
    Call call(*this, "merkle_tree");
    // The tree keeps a copy of the matrix in a buffer of its own: the caller may change theirs.
    const Bound m{allocate(in_bytes), 0, false};
    copy_in(m.data(), matrix, in_bytes);
    const metal::BufferPtr levels = allocate(offsets.back() * sizeof(uint32_t));
    merkle_on_device(m, rows, width, log_group, levels, offsets);
    return keep_tree(m.buffer, levels, rows, width, log_group, offsets);
}

MerkleTree MetalBackend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width,
                                           uint32_t log_rows, uint32_t log_group) {
    if (log_rows > kMaxLogN)
        throw std::invalid_argument("metal encode_and_commit: log_rows must be <= " + std::to_string(kMaxLogN));
    const size_t rows = size_t(1) << log_rows;
    if (message_rows > rows)
        throw std::invalid_argument("metal encode_and_commit: the message has more rows than the codeword");
    check_device_tree_shape(rows, log_group, "metal encode_and_commit");
    const uint64_t words = uint64_t(rows) * width;
    require_u32(words, "rows * width", "encode_and_commit");
    const size_t in_bytes = message_rows * size_t(width) * sizeof(uint32_t);
    Call call(*this, "encode_and_commit");
    const metal::BufferPtr code = allocate(size_t(words) * sizeof(uint32_t));
    copy_in(code->contents(), message, in_bytes);
    // Rows beyond the message are zero: the codeword of a degree < message_rows polynomial.
    std::memset(code->as<uint8_t>() + in_bytes, 0, size_t(words) * sizeof(uint32_t) - in_bytes);
    return commit_code(code, width, log_rows, log_group);
}

MerkleTree MetalBackend::commit_code(metal::BufferPtr code, uint32_t width, uint32_t log_rows, uint32_t log_group) {
    const size_t rows = size_t(1) << log_rows;
    check_device_tree_shape(rows, log_group, "metal encode_and_commit");
    if (code->bytes() < rows * width * sizeof(uint32_t))
        throw std::invalid_argument("metal encode_and_commit: the code buffer is smaller than the codeword");
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log_rows);
    const Bound c{std::move(code), 0, false};
    ntt_on_device(c, {log_rows, width}, false, twiddles(log_rows, false), nullptr);
    const metal::BufferPtr levels = allocate(offsets.back() * sizeof(uint32_t));
    merkle_on_device(c, rows, width, log_group, levels, offsets);
    return keep_tree(c.buffer, levels, rows, width, log_group, offsets);
}

// ---- grinding ----

uint32_t MetalBackend::grind(const PowParams& params) {
    Call call(*this, "grind");
    // About four times the expected number of trials, so one window usually holds a hit.
    const uint64_t want = uint64_t(4) << std::min<uint32_t>(params.bits, 40);
    const uint64_t window = std::max<uint64_t>(
        1, std::min(std::max(want, options_.grind_min_window), options_.grind_max_window));
    const metal::BufferPtr best = slot(kSlotResult, sizeof(uint32_t));
    uint32_t* word = best->as<uint32_t>();
    *word = 0xffffffffu;  // the kernel lowers it; nothing in flight uses the slot between calls
    PowParams p = params;
    for (uint64_t first = 0; first < GS_P; first += window) {
        const uint64_t lanes = std::min<uint64_t>(window, GS_P - first);
        p.first_witness = static_cast<uint32_t>(first);
        // pow_grind(params, best, count)
        lane_dispatch(gpu::Kernel::PowGrind, {Arg::value(p), Arg::of(best), Arg::value(uint32_t(lanes))}, lanes, 4);
        finish("grind window result");
        if (*word != 0xffffffffu) return *word;
    }
    throw std::runtime_error("metal grind: no witness in [0, p) passes " + std::to_string(params.bits) + " bits");
}

}  // namespace gpustark
