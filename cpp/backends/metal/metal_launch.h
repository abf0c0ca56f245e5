// A launch plan (core/device/launch_plan.h) as a Metal dispatch, and the checks every dispatch
// passes before it is encoded: the group and scratch against the device's and the pipeline's own
// limits (read from Metal, never assumed), the 32-bit grid position the kernels index with, and the
// arguments' shapes. A launch Metal would reject, or run out of bounds, is a std::invalid_argument
// naming the kernel here instead of a GPU fault later.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../../core/device/launch_plan.h"
#include "metal_device.h"

namespace gpustark {
namespace metal {

// The dispatch of `plan` (grid groups of plan.group threads, plan.scratch_bytes of threadgroup
// memory) with these arguments.
Launch make_launch(const std::string& kernel, std::vector<Arg> args, const device::LaunchPlan& plan);

// Throws std::invalid_argument unless: groups >= 1 and 1 <= group <= min(device max threads,
// pipeline max total threads); scratch is a multiple of 16 and scratch + the pipeline's static
// threadgroup memory fits the device's; groups * group <= 2^32 (thread_position_in_grid is a
// uint); every argument is either a buffer (4-byte aligned offset inside it) or 1..4096 bytes.
void check_launch(const Launch& launch, const device::DeviceLimits& device, const device::PipelineLimits& pipeline);

// Lane kernels (one thread per item, `if (lane >= count) return`) do not loop: their plan must
// give every item its own thread. Throws std::logic_error naming the kernel otherwise.
void check_covers(const std::string& kernel, const device::LaunchPlan& plan, uint64_t items);

}  // namespace metal
}  // namespace gpustark
