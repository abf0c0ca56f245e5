#include "metal_launch.h"

#include <algorithm>
#include <stdexcept>

namespace gpustark {
namespace metal {

namespace {

[[noreturn]] void reject(const std::string& kernel, const std::string& why) {
    throw std::invalid_argument("metal launch of " + kernel + ": " + why);
}

}  // namespace

Launch make_launch(const std::string& kernel, std::vector<Arg> args, const device::LaunchPlan& plan) {
    Launch l;
    l.kernel = kernel;
    l.args = std::move(args);
    l.groups = plan.grid;
    l.group = plan.group;
    l.scratch_bytes = plan.scratch_bytes;
    return l;
}

void check_launch(const Launch& l, const device::DeviceLimits& device, const device::PipelineLimits& pipeline) {
    const uint32_t cap = std::min(device.max_threads_per_group, pipeline.max_total_threads);
    if (l.groups == 0 || l.group == 0)
        reject(l.kernel, "an empty grid (" + std::to_string(l.groups) + " groups of " + std::to_string(l.group) +
                             " threads); empty work must not be dispatched");
    if (l.group > cap)
        reject(l.kernel, std::to_string(l.group) + " threads per group exceed the limit of " + std::to_string(cap) +
                             " (device " + std::to_string(device.max_threads_per_group) + ", pipeline " +
                             std::to_string(pipeline.max_total_threads) + ")");
    if (l.scratch_bytes % device::kScratchGranularity != 0)
        reject(l.kernel, std::to_string(l.scratch_bytes) + " bytes of threadgroup memory: not a multiple of 16");
    if (l.scratch_bytes + pipeline.static_scratch_bytes > device.max_group_scratch_bytes)
        reject(l.kernel, std::to_string(l.scratch_bytes) + " bytes of threadgroup memory plus the pipeline's static " +
                             std::to_string(pipeline.static_scratch_bytes) + " exceed the device's " +
                             std::to_string(device.max_group_scratch_bytes));
    if (l.groups > (uint64_t(1) << 32) / l.group)
        reject(l.kernel, std::to_string(l.groups) + " groups of " + std::to_string(l.group) +
                             " threads exceed the 2^32 grid positions a uint lane index can name");
    for (size_t i = 0; i < l.args.size(); ++i) {
        const Arg& a = l.args[i];
        const std::string which = "argument " + std::to_string(i);
        if (a.buffer) {
            if (!a.bytes.empty()) reject(l.kernel, which + " is both a buffer and a value");
            if (a.offset >= a.buffer->bytes())
                reject(l.kernel, which + ": offset " + std::to_string(a.offset) + " is outside its buffer of " +
                                     std::to_string(a.buffer->bytes()) + " bytes");
            if (a.offset % 4 != 0) reject(l.kernel, which + ": offset " + std::to_string(a.offset) + " is not 4-byte aligned");
        } else if (a.bytes.empty() || a.bytes.size() > kMaxValueBytes) {
            reject(l.kernel, which + ": a value of " + std::to_string(a.bytes.size()) + " bytes (expected 1.." +
                                 std::to_string(kMaxValueBytes) + ", or a buffer)");
        }
    }
}

void check_covers(const std::string& kernel, const device::LaunchPlan& plan, uint64_t items) {
    if (plan.items_per_thread != 1 || plan.grid * plan.group < items)
        throw std::logic_error("metal launch of " + kernel + ": the plan (" + std::to_string(plan.grid) + " groups of " +
                               std::to_string(plan.group) + ", " + std::to_string(plan.items_per_thread) +
                               " items per thread) does not give each of " + std::to_string(items) +
                               " items its own thread, which this kernel needs");
}

}  // namespace metal
}  // namespace gpustark
