// The device memory one CUDA backend instance holds (each stream of gpustark.many is one), and
// its peak since the last reset: counted by device_memory.h's allocator, read by Device::memory.
#pragma once
#include <atomic>
#include <cstdint>

namespace gpustark {
namespace cuda {

struct MemoryAccount {
    std::atomic<uint64_t> in_use{0};
    std::atomic<uint64_t> peak{0};
};

}  // namespace cuda
}  // namespace gpustark
