// The counters of one device operation (a stage of the shared device::Stager), added to the
// innermost open span under the same names on every GPU backend, so that stage_profile.py and
// the benches read CUDA and Metal alike.
#pragma once
#include <cstdint>

#include "../../core/device/stager.h"
#include "../../core/spans.h"

namespace gpustark {
namespace gpu {

struct CallCounters {
    static constexpr const char* kCommandBuffers = "command_buffer_count";
    static constexpr const char* kKernels = "kernel_count";
    static constexpr const char* kSyncs = "sync_count";
    static constexpr const char* kHostToDevice = "h2d_bytes";  // bytes copied host -> device
    static constexpr const char* kDeviceToHost = "d2h_bytes";  // bytes copied device -> host
};

// What one operation did: the stager's totals at its end less those at its start, and its copies.
inline void count_call(const device::StageCounters& before, const device::StageCounters& after, uint64_t h2d_bytes,
                       uint64_t d2h_bytes) {
    spans::count(CallCounters::kCommandBuffers, int64_t(after.command_buffer_count - before.command_buffer_count));
    spans::count(CallCounters::kKernels, int64_t(after.kernel_count - before.kernel_count));
    spans::count(CallCounters::kSyncs, int64_t(after.sync_count - before.sync_count));
    spans::count(CallCounters::kHostToDevice, int64_t(h2d_bytes));
    spans::count(CallCounters::kDeviceToHost, int64_t(d2h_bytes));
}

}  // namespace gpu
}  // namespace gpustark
