// gpu::Device's hooks run before the held traces go (device.h).
#include <utility>
#include <vector>

#include "device.h"

namespace gpustark {
namespace gpu {

void Device::on_traces_released(const void* owner, std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(hooks_mutex_);
    release_hooks_[owner] = std::move(hook);
}

void Device::forget_traces_released(const void* owner) {
    std::lock_guard<std::mutex> lock(hooks_mutex_);
    release_hooks_.erase(owner);
}

void Device::run_traces_released_hooks() {
    // A hook runs device operations (and so takes the device's own lock): not under hooks_mutex_.
    std::vector<std::function<void()>> hooks;
    {
        std::lock_guard<std::mutex> lock(hooks_mutex_);
        for (const auto& [owner, hook] : release_hooks_) hooks.push_back(hook);
    }
    for (const std::function<void()>& hook : hooks) hook();
}

}  // namespace gpu
}  // namespace gpustark
