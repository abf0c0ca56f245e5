#include "host_block_cache.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "env_flags.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define GS_HOST_MMAP 1
#endif

namespace gpustark {
namespace host_cache {
namespace {

constexpr size_t kAlign = size_t(2) << 20;  // one huge page

size_t rounded(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Fresh pages of `bytes` (a multiple of kAlign) at a kAlign boundary, or nullptr.
void* map_block(size_t bytes) {
#if GS_HOST_MMAP
    const size_t padded = bytes + kAlign;
    void* raw = mmap(nullptr, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const uintptr_t begin = uintptr_t(raw), aligned = (begin + kAlign - 1) & ~uintptr_t(kAlign - 1);
    if (aligned > begin) munmap(raw, aligned - begin);
    if (begin + padded > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), begin + padded - aligned - bytes);
    void* block = reinterpret_cast<void*>(aligned);
#if defined(MADV_HUGEPAGE)
    madvise(block, bytes, MADV_HUGEPAGE);  // a hint (Linux): errors are ignored
#endif
    return block;
#else
    return ::operator new(bytes, std::align_val_t(kAlign), std::nothrow);
#endif
}

void unmap_block(void* block, size_t bytes) {
#if GS_HOST_MMAP
    munmap(block, bytes);
#else
    (void)bytes;
    ::operator delete(block, std::align_val_t(kAlign));
#endif
}

bool keeping_enabled() {
    static const bool on = !env_switched_off("GPUSTARK_HOST_CACHE");
    return on;
}

class Cache {
public:
    void* take(size_t bytes) {
        const size_t size = rounded(bytes);
        std::unique_lock<std::mutex> lock(mutex_);
        if (void* block = reuse(size)) return block;
        ++stats_.misses;
        // Room under the peak for the new block: the oldest kept blocks go first.
        const size_t cap = std::max(stats_.peak_bytes, stats_.live_bytes + size);
        while (!kept_.empty() && stats_.live_bytes + stats_.cached_bytes + size > cap) evict_oldest();
        void* block = map_block(size);
        if (!block) {  // out of memory: give back everything kept and try once more
            while (!kept_.empty()) evict_oldest();
            block = map_block(size);
            if (!block) throw std::bad_alloc();
        }
        note_live(block, size);
        return block;
    }

    void give(void* block) noexcept {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = live_.find(block);
        if (it == live_.end()) return;  // not ours: cannot happen through HostAllocator
        const size_t size = it->second;
        live_.erase(it);
        stats_.live_bytes -= size;
        if (!keeping_enabled()) {
            unmap_block(block, size);
            return;
        }
        kept_.push_back({block, size});
        stats_.cached_bytes += size;
    }

    Stats stats() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stats_;
    }

    size_t release() {
        std::lock_guard<std::mutex> lock(mutex_);
        const size_t bytes = stats_.cached_bytes;
        while (!kept_.empty()) evict_oldest();
        return bytes;
    }

private:
    struct Kept {
        void* block;
        size_t size;
    };

    // A kept block of exactly `size`, else the smallest one at most 1/8 larger; nullptr if none.
    void* reuse(size_t size) {
        auto best = kept_.end();
        for (auto it = kept_.begin(); it != kept_.end(); ++it) {
            if (it->size < size || it->size > size + size / 8) continue;
            if (best == kept_.end() || it->size < best->size) best = it;
            if (it->size == size) break;
        }
        if (best == kept_.end()) return nullptr;
        const Kept k = *best;
        kept_.erase(best);
        stats_.cached_bytes -= k.size;
        ++stats_.hits;
        note_live(k.block, k.size);
        return k.block;
    }

    void note_live(void* block, size_t size) {
        live_[block] = size;
        stats_.live_bytes += size;
        stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.live_bytes);
    }

    void evict_oldest() {
        const Kept k = kept_.front();
        kept_.pop_front();
        stats_.cached_bytes -= k.size;
        unmap_block(k.block, k.size);
    }

    std::mutex mutex_;
    std::unordered_map<void*, size_t> live_;
    std::deque<Kept> kept_;  // oldest first
    Stats stats_;
};

// Never destroyed: blocks may be given back from other static destructors at exit.
Cache& cache() {
    static Cache* c = new Cache;
    return *c;
}

}  // namespace

void* take(size_t bytes) { return cache().take(bytes); }
void give(void* block, size_t) noexcept { cache().give(block); }
Stats stats() { return cache().stats(); }
size_t release() { return cache().release(); }

}  // namespace host_cache
}  // namespace gpustark
