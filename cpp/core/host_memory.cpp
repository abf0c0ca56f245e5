#include "host_memory.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "parallel.h"

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

void fault_in_parallel(void* data, size_t bytes) {
#if defined(__linux__)
    // MADV_POPULATE_WRITE is Linux 5.14's; older headers lack it, older kernels refuse it (an
    // error we ignore: the pages are then faulted in by whoever writes them first).
    constexpr int kPopulateWrite = 23;
    constexpr size_t kSlice = size_t(2) << 20;  // one huge page
    if (bytes < kMinBytes || num_threads() < 2) return;
    const auto [begin, end] = whole_pages(data, bytes);
    if (end <= begin) return;
    const size_t slices = (end - begin + kSlice - 1) / kSlice;
    parallel_for(slices, 1, [&](size_t first, size_t last) {
        const uintptr_t from = begin + first * kSlice, to = std::min<uintptr_t>(end, begin + last * kSlice);
        madvise(reinterpret_cast<void*>(from), to - from, kPopulateWrite);
    });
#else
    (void)data;
    (void)bytes;
#endif
}

}  // namespace gpustark
