// GpuBackend::grind: windows of witnesses in order, each one dispatch and one wait for the best
// witness word, until a window holds a hit. The device sizes the windows and plans them
// (Device::grind_window, grind_plan). A grind of few bits starts on the host.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "../../core/simd/poseidon2_lanes.h"
#include "gpu_backend.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {
namespace {
// Grinds of at most this many bits start on the host (64 expected permutations at 6 bits).
constexpr uint32_t kHostGrindMaxBits = 6;
}  // namespace

uint32_t GpuBackend::grind(const PowParams& params) {
    // A grind of few bits (WHIR's 5-bit folding grinds) needs about 2^bits permutations: a few
    // microseconds on the host's SIMD lanes, less than one round trip to the device. The scan
    // from 0 finds the same smallest witness; with none in its 64 x 2^bits witnesses
    // (probability about e^-64) the device searches as for any grind.
    if (params.bits <= kHostGrindMaxBits) {
        const uint32_t w = first_passing_witness(params, 0, uint64_t(64) << params.bits);
        if (w != UINT32_MAX) return w;
    }
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
