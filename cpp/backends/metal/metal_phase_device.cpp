#include "metal_phase_device.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "metal_backend.h"
#include "metal_launch.h"

namespace gpustark {
namespace metal {

namespace {

struct CallScope final : gpu::Device::Scope {
    CallScope(MetalBackend& backend, const char* stage) : call(backend, stage) {}
    MetalBackend::Call call;
};

BufferPtr metal_buffer(const gpu::Buffer& b) { return std::static_pointer_cast<Buffer>(b.owner); }

// The primitives' kernels (metal/poseidon2.metal, merkle.metal, ntt.metal, pow.metal) run one
// thread per lane and skip the lanes beyond their count; every other kernel strides over its lanes.
bool one_thread_per_lane(gpu::Kernel k) {
    switch (k) {
        case gpu::Kernel::Poseidon2Permute:
        case gpu::Kernel::MerkleLeaves:
        case gpu::Kernel::MerkleCompress:
        case gpu::Kernel::NttBitReverse:
        case gpu::Kernel::NttStage:
        case gpu::Kernel::NttScale:
        case gpu::Kernel::PowGrind: return true;
        default: return false;
    }
}

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

bool PhaseDevice::holds_copy(const void* host, size_t bytes) {
    auto it = backend_.held_copies_.find(host);
    return it != backend_.held_copies_.end() && it->second.first == bytes;
}

gpu::Buffer PhaseDevice::held(const void* host, size_t bytes) {
    if (holds_copy(host, bytes)) {
        const BufferPtr& copy = backend_.held_copies_.at(host).second;
        return {copy, copy->contents(), 0};
    }
    std::pair<BufferPtr, size_t> found = backend_.buffers_.find(host, bytes);
    if (!found.first) return {};
    void* base = found.first->contents();
    return {std::move(found.first), base, found.second};
}

void PhaseDevice::upload(const gpu::Buffer& dst, const void* host, size_t bytes) {
    backend_.copy_in(dst.as<void>(), host, bytes);
}

device::LaunchPlan PhaseDevice::lane_plan(gpu::Kernel k, uint64_t lanes) {
    if (!one_thread_per_lane(k)) return backend_.stride_plan(k, lanes);
    const device::LaunchPlan plan = backend_.lane_plan(k, lanes);
    check_covers(gpu::kernel_name(k), plan, lanes);
    return plan;
}

const device::DeviceLimits& PhaseDevice::limits() const { return backend_.device_limits(); }

device::PipelineLimits PhaseDevice::kernel_limits(gpu::Kernel k) { return backend_.pipeline_limits(k); }

uint64_t PhaseDevice::grind_window(uint64_t want) {
    const MetalOptions& o = backend_.options();
    return std::max<uint64_t>(1, std::min(std::max(want, o.grind_min_window), o.grind_max_window));
}

device::LaunchPlan PhaseDevice::grind_plan(uint64_t lanes) { return lane_plan(gpu::Kernel::PowGrind, lanes); }

const void* PhaseDevice::download(const gpu::Buffer& src, size_t bytes) {
    backend_.d2h_bytes_ += bytes;
    return src.as<void>();
}

gpu::Buffer PhaseDevice::upload_table(const void* host, size_t bytes) {
    gpu::Buffer b = allocate(bytes);
    upload(b, host, bytes);
    return b;
}

device::LaunchPlan PhaseDevice::plan(gpu::Kernel k, const device::Problem& work) { return backend_.plan(k, work); }

gpu::LaunchCaps PhaseDevice::launch_caps() {
    gpu::LaunchCaps caps;
    caps.max_lane_group = backend_.options().max_lane_group;
    caps.reduce_groups = backend_.options().reduce_groups;
    caps.scratch_groups = MetalBackend::kMaxStrideGroups;
    caps.slot_scratch_bytes = MetalBackend::kSlotScratchBytes;
    caps.round0_block_elements = backend_.options().round0_block_elements;
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

}  // namespace metal
}  // namespace gpustark
