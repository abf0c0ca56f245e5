// The traces cuda::Device::hold_traces keeps on the device (cuda_device.cpp): host pointer ->
// (bytes, device copy). Its own header so that cuda_device.h need not include device_buffer.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

#include "device_buffer.h"

namespace gpustark {
namespace cuda {

struct HeldTraces {
    std::map<const uint32_t*, std::pair<size_t, DeviceBuffer>> copies;
};

}  // namespace cuda
}  // namespace gpustark
