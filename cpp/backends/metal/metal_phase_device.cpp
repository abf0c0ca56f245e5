#include "metal_phase_device.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "metal_backend.h"

namespace gpustark {
namespace metal {

namespace {

struct CallScope final : gpu::Device::Scope {
    CallScope(MetalBackend& backend, const char* stage) : call(backend, stage) {}
    MetalBackend::Call call;
};

BufferPtr metal_buffer(const gpu::Buffer& b) { return std::static_pointer_cast<Buffer>(b.owner); }

}  // namespace

std::unique_ptr<gpu::Device::Scope> PhaseDevice::open(const char* stage) {
    auto scope = std::make_unique<CallScope>(backend_, stage);
    gathers_.clear();  // under the call's lock: the last operation's gathers were read
    gathered_.clear();
    return scope;
}

void PhaseDevice::commit() { backend_.commit(); }

void PhaseDevice::finish(const char* reason) {
    backend_.finish(reason);
    for (const Gather& g : gathers_)
        for (size_t r = 0; r < g.rows; ++r) std::memcpy(g.dst + r * g.row_bytes, g.src + r * g.pitch, g.row_bytes);
    gathers_.clear();
}

const void* PhaseDevice::download_rows(const gpu::Buffer& src, size_t pitch, size_t row_bytes, size_t rows) {
    if (rows > 1 && pitch < row_bytes) throw std::logic_error("metal download_rows: rows overlap (pitch < row_bytes)");
    gathered_.push_back(std::make_unique<char[]>(std::max<size_t>(row_bytes * rows, 1)));
    gathers_.push_back({src.as<const char>(), pitch, row_bytes, rows, gathered_.back().get()});
    return gathered_.back().get();
}

void PhaseDevice::copy(const gpu::Buffer& dst, const gpu::Buffer& src, size_t bytes) {
    backend_.finish("copy");  // the source may be written by kernels still queued
    std::memcpy(dst.as<void>(), src.as<void>(), bytes);
}

gpu::Buffer PhaseDevice::adopt(BufferPtr buffer) {
    void* base = buffer->contents();
    return {std::move(buffer), base, 0};
}

gpu::Buffer PhaseDevice::allocate(size_t bytes) { return adopt(backend_.allocate(bytes)); }

gpu::Buffer PhaseDevice::held(const void* host, size_t bytes) {
    std::pair<BufferPtr, size_t> found = backend_.buffers_.find(host, bytes);
    if (!found.first) return {};
    void* base = found.first->contents();
    return {std::move(found.first), base, found.second};
}

void PhaseDevice::upload(const gpu::Buffer& dst, const void* host, size_t bytes) {
    backend_.copy_in(dst.as<void>(), host, bytes);
}

device::LaunchPlan PhaseDevice::lane_plan(gpu::Kernel k, uint64_t lanes) {
    return backend_.stride_plan(k, lanes);
}

device::LaunchPlan PhaseDevice::plan(gpu::Kernel k, const device::Problem& work) { return backend_.plan(k, work); }

gpu::LaunchCaps PhaseDevice::launch_caps() {
    gpu::LaunchCaps caps;
    caps.max_lane_group = backend_.options().max_lane_group;
    caps.reduce_groups = backend_.options().reduce_groups;
    caps.scratch_groups = MetalBackend::kMaxStrideGroups;
    caps.slot_scratch_bytes = MetalBackend::kSlotScratchBytes;
    return caps;
}

void PhaseDevice::dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes,
                               const gpu::Buffer* buffers, size_t count, const void* params, size_t params_bytes) {
    std::vector<Arg> args;
    args.reserve(count + 1);
    for (size_t i = 0; i < count; ++i) args.push_back(Arg::of(metal_buffer(buffers[i]), buffers[i].offset));
    Arg value;
    value.bytes.assign(static_cast<const uint8_t*>(params), static_cast<const uint8_t*>(params) + params_bytes);
    args.push_back(std::move(value));
    backend_.dispatch(k, std::move(args), plan, bytes);
}

void PhaseDevice::fill_zero(const gpu::Buffer& dst, size_t bytes) { std::memset(dst.as<void>(), 0, bytes); }

MerkleTree PhaseDevice::commit_message(const gpu::Buffer& message, size_t message_rows, uint32_t width,
                                       uint32_t log_rows, uint32_t log_group) {
    if (log_rows > MetalBackend::kMaxLogN)
        throw std::invalid_argument("metal commit_message: the codeword exceeds 2^" +
                                    std::to_string(MetalBackend::kMaxLogN) + " rows");
    const size_t rows = size_t(1) << log_rows;
    check_device_tree_shape(rows, log_group, "metal commit_message");
    const uint64_t code_words = uint64_t(rows) * width;
    if (code_words > 0xffffffffull)
        throw std::invalid_argument("metal commit_message: rows * width = " + std::to_string(code_words) +
                                    " exceeds the 32-bit counts the Metal kernels take");
    const size_t message_bytes = message_rows * width * sizeof(uint32_t), code_bytes = size_t(code_words) * 4;
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log_rows);
    const BufferPtr twiddles = backend_.twiddles(log_rows, false);
    const MetalBackend::Bound code{backend_.allocate(code_bytes), 0, false};
    backend_.finish("commit_message");  // kernels still queued may write the message
    std::memcpy(code.data(), message.as<void>(), message_bytes);
    // Rows beyond the message are zero: the codeword of a degree < message_rows polynomial.
    std::memset(code.data() + message_bytes, 0, code_bytes - message_bytes);
    backend_.ntt_on_device(code, {log_rows, width}, false, twiddles, nullptr);
    const BufferPtr levels = backend_.allocate(offsets.back() * sizeof(uint32_t));
    backend_.merkle_on_device(code, rows, width, log_group, levels, offsets);
    return backend_.keep_tree(code.buffer, levels, rows, width, log_group, offsets);
}

}  // namespace metal
}  // namespace gpustark
