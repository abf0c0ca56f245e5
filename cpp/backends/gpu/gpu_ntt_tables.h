// The NTT's constant tables on one device, kept between operations: the twiddles of each
// (log_n, inverse), the scale factors of recent (log_n, inverse, shift) and the register DFT's
// coset tables (core/ntt_tables.h).
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
    // A thread's tables for taking 2^log_n values to the coset shift D (core/ntt_tables.h,
    // coset_dft_powers): round 0 asks for one per coset shift, the same in every proof.
    Buffer coset_powers(Device& device, uint32_t log_n, uint32_t shift);
    void clear();

private:
    std::map<std::pair<uint32_t, bool>, Buffer> twiddles_;
    std::map<std::tuple<uint32_t, bool, uint32_t>, Buffer> scales_;
    std::map<std::pair<uint32_t, uint32_t>, Buffer> coset_powers_;
    size_t scale_bytes_ = 0;
};

}  // namespace gpu
}  // namespace gpustark
