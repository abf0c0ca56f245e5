// The NTT tables every gpu::Device keeps (gpu_ntt_tables.h), and the Device members that own them.
#include "gpu_ntt_tables.h"

#include <vector>

#include "../../core/ntt_tables.h"

namespace gpustark {
namespace gpu {

namespace {
// Scale tables kept at once (one per shift a caller transforms with), and their bytes at most.
constexpr size_t kScaleEntries = 32;
constexpr size_t kScaleBytes = size_t(512) << 20;

// The table `cache` keeps under `key`, made by `make` and uploaded the first time it is asked for.
template <class Cache, class Make>
Buffer kept_table(Device& device, Cache& cache, const typename Cache::key_type& key, Make make) {
    auto cached = cache.find(key);
    if (cached != cache.end()) return cached->second;
    const std::vector<uint32_t> host = make();
    Buffer b = device.upload_table(host.data(), host.size() * sizeof(uint32_t));
    cache[key] = b;
    return b;
}
}  // namespace

Device::Device() : ntt_tables_(std::make_unique<NttTables>()) {}
Device::~Device() = default;

void Device::release_ntt_tables() { ntt_tables_->clear(); }

Buffer NttTables::twiddles(Device& device, uint32_t log_n, bool inverse) {
    return kept_table(device, twiddles_, std::make_pair(log_n, inverse), [&] { return ntt_twiddles(log_n, inverse); });
}

Buffer NttTables::scale_factors(Device& device, uint32_t log_n, bool inverse, uint32_t shift) {
    const auto key = std::make_tuple(log_n, inverse, shift);
    auto cached = scales_.find(key);
    if (cached != scales_.end()) return cached->second;
    const std::vector<uint32_t> host = ntt_scale_factors(log_n, inverse, shift);
    if (host.empty()) return {};
    const size_t bytes = host.size() * sizeof(uint32_t);
    // Dropping entries is safe: a launch keeps the buffers it binds until it has run.
    if (scales_.size() >= kScaleEntries || scale_bytes_ + bytes > kScaleBytes) {
        scales_.clear();
        scale_bytes_ = 0;
    }
    Buffer b = device.upload_table(host.data(), bytes);
    scales_[key] = b;
    scale_bytes_ += bytes;
    return b;
}

Buffer NttTables::coset_powers(Device& device, uint32_t log_n, uint32_t shift) {
    return kept_table(device, coset_powers_, std::make_pair(log_n, shift), [&] { return coset_dft_powers(log_n, shift); });
}

void NttTables::clear() {
    twiddles_.clear();
    coset_powers_.clear();
    scales_.clear();
    scale_bytes_ = 0;
}

}  // namespace gpu
}  // namespace gpustark
