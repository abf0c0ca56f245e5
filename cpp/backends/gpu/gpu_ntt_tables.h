// The NTT's constant tables on one device, kept between operations: the twiddles of each
// (log_n, inverse), and the scale factors of recent (log_n, inverse, shift) (core/ntt_tables.h).
// Every gpu::Device owns one (Device::ntt_tables); a table is uploaded once, synchronously
// (Device::upload_table), so ask for it inside an operation before its staged copies.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

#include "device.h"

namespace gpustark {
namespace gpu {

class NttTables {
public:
    // The twiddles of a size-2^log_n transform.
    Buffer twiddles(Device& device, uint32_t log_n, bool inverse);
    // The scale factors of a transform of 2^log_n rows (shift^j before a forward one, shift^-j / n
    // after an inverse one); an empty Buffer when there is nothing to scale (forward, shift 1).
    // Hold the Buffer while kernels use it: the cache may drop entries (a launch keeps its
    // buffers alive on every device).
    Buffer scale_factors(Device& device, uint32_t log_n, bool inverse, uint32_t shift);
    void clear();

private:
    std::map<std::pair<uint32_t, bool>, Buffer> twiddles_;
    std::map<std::tuple<uint32_t, bool, uint32_t>, Buffer> scales_;
    size_t scale_bytes_ = 0;
};

}  // namespace gpu
}  // namespace gpustark
