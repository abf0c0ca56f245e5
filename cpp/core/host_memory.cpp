#include "host_memory.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gpustark {

void advise_huge_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr size_t kMinBytes = size_t(8) << 20;  // below this the faults cost little
    constexpr uintptr_t kPage = 4096;
    if (bytes < kMinBytes) return;
    const uintptr_t begin = (uintptr_t(data) + kPage - 1) & ~(kPage - 1);
    const uintptr_t end = (uintptr_t(data) + bytes) & ~(kPage - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors are ignored
#else
    (void)data;
    (void)bytes;
#endif
}

}  // namespace gpustark
