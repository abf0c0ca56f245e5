#include "host_memory.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gpustark {
namespace {
constexpr uintptr_t kPage = 4096;
constexpr size_t kMinBytes = size_t(8) << 20;  // below this the faults cost little

// The whole pages inside [data, data + bytes): [begin, end), empty when end <= begin.
std::pair<uintptr_t, uintptr_t> whole_pages(const void* data, size_t bytes) {
    return {(uintptr_t(data) + kPage - 1) & ~(kPage - 1), (uintptr_t(data) + bytes) & ~(kPage - 1)};
}
}  // namespace

void advise_huge_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes < kMinBytes) return;
    const auto [begin, end] = whole_pages(data, bytes);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors are ignored
#else
    (void)data;
    (void)bytes;
#endif
}

}  // namespace gpustark
