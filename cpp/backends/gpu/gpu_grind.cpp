// GpuBackend::grind: windows of witnesses in order, each one dispatch and one wait for the best
// witness word, until a window holds a hit. The device sizes the windows and plans them
// (Device::grind_window, grind_plan).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "gpu_backend.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {

uint32_t GpuBackend::grind(const PowParams& params) {
    Device& device = gpu_device();
    Call call(device, "grind");
    // About four times the expected number of trials, so that one window usually holds a hit.
    const uint64_t window = device.grind_window(uint64_t(4) << std::min<uint32_t>(params.bits, 40));
    const Buffer best = slot(kSlotResult, sizeof(uint32_t));
    const uint32_t none = 0xffffffffu;  // the kernel lowers it to the smallest passing witness
    device.reserve_staging(kStagingAlign);
    device.upload(best, &none, sizeof(none));
    PowParams p = params;
    for (uint64_t first = 0; first < GS_P; first += window) {
        const uint64_t lanes = std::min<uint64_t>(window, GS_P - first);
        p.first_witness = static_cast<uint32_t>(first);
        p.window = static_cast<uint32_t>(lanes);
        // pow_grind(best, params)
        device.dispatch(Kernel::PowGrind, device.grind_plan(lanes), 0, {best}, p);
        const uint32_t* word = static_cast<const uint32_t*>(device.download(best, sizeof(uint32_t)));
        call.finish("grind window result");
        if (*word != none) return *word;
        device.reserve_staging(kStagingAlign);  // the next window reads the same word again
    }
    throw std::runtime_error(what("grind") + ": no witness in [0, p) passes " + std::to_string(params.bits) + " bits");
}

}  // namespace gpu
}  // namespace gpustark
