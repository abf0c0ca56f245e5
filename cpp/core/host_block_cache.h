// Large host blocks kept for reuse. A proof allocates and frees a few GB of large buffers (the
// codeword, the stacked matrix, the Merkle levels, round 0's blocks); freed through malloc they go
// back to the OS, and the next proof's buffers are fresh pages the kernel must zero, page fault by
// page fault (15% of a 2-thread keccakf proof). Blocks freed here are kept and handed out again,
// already mapped, to requests of the same size.
//
// Live and kept blocks together never exceed the most bytes the blocks ever had in use at once
// (the peak a proof reaches anyway): a request that misses evicts kept blocks, oldest first,
// until the live and kept blocks and the new one fit under that peak. The process's peak grows
// only where kept blocks meet the peak of its other memory (keccakf 1024: +75 MiB on 2 threads,
// +114 to +225 MiB on 16); between proofs it keeps up to that peak mapped. GPUSTARK_HOST_CACHE=0
// turns the keeping off (freed blocks go back to the OS at once); release() gives back what is
// kept now.
#pragma once
#include <cstddef>

namespace gpustark {
namespace host_cache {

// Requests of at least this many bytes go through the cache; smaller ones to operator new.
constexpr size_t kMinBytes = size_t(8) << 20;

// A block of at least `bytes` (>= kMinBytes), 2 MiB aligned and advised for huge pages: a kept
// block of the same size (rounded up to 2 MiB) if there is one, else new pages. Its contents are
// unspecified. Throws std::bad_alloc when the OS has no memory for it.
void* take(size_t bytes);
// Returns a block from take(); `bytes` is ignored (the cache knows each block's size).
void give(void* block, size_t bytes) noexcept;

struct Stats {
    size_t live_bytes = 0;    // in blocks taken and not yet given back
    size_t cached_bytes = 0;  // in blocks kept for reuse
    size_t peak_bytes = 0;    // the most live bytes at once so far: the cap on live + cached
    size_t hits = 0;          // takes served from the cache
    size_t misses = 0;        // takes that mapped new pages
};
Stats stats();
// Gives every kept block back to the OS; returns how many bytes that was.
size_t release();

}  // namespace host_cache
}  // namespace gpustark
