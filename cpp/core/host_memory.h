// Large host buffers for the prover's passes over whole matrices. Writing fresh memory costs a
// page fault per 4 KiB page, a large share of a pass that only moves data; on Linux these
// buffers ask for transparent huge pages (one fault per 2 MiB), elsewhere nothing changes.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace gpustark {

// Asks the OS to back [data, data + bytes) with huge pages where it can (a hint; small ranges
// and other platforms are left alone).
void advise_huge_pages(const void* data, size_t bytes);

// Faults the pages of [data, data + bytes) in on every thread (Linux; elsewhere, or for small
// ranges, nothing): the kernel's zeroing of fresh pages is then spread over the threads instead of
// falling on the one thread that writes the buffer first.
void fault_in_parallel(void* data, size_t bytes);

// n uninitialised values of a trivial type: for buffers whose every element is written before
// it is read (ideally first written in parallel, so the page faults spread over threads).
template <class T>
std::unique_ptr<T[]> uninitialized_buffer(size_t n) {
    std::unique_ptr<T[]> p(new T[n]);
    advise_huge_pages(p.get(), n * sizeof(T));
    return p;
}

// A vector of n value-initialised (zero) elements, its storage advised and faulted in on every
// thread before one thread fills it (a vector can only be zeroed by the thread that resizes it).
template <class T>
std::vector<T> zeroed_vector(size_t n) {
    std::vector<T> v;
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    fault_in_parallel(v.data(), n * sizeof(T));
    v.resize(n);
    return v;
}

}  // namespace gpustark
