// Large host buffers for the prover's passes over whole matrices. Their storage comes from the host
// block cache (host_block_cache.h), so that a buffer freed by one proof serves the next without
// fresh pages to fault in and zero.
#pragma once
#include <cstddef>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "host_block_cache.h"
#include "parallel.h"

namespace gpustark {

// The allocator of HostVector: requests of host_cache::kMinBytes and more come from the block
// cache, smaller ones from operator new. Elements made without a value are left uninitialised
// (as `new T[n]` leaves them), so that a buffer is first written by the pass that fills it, on
// every thread, rather than zeroed by one thread first.
template <class T>
struct HostAllocator {
    using value_type = T;
    HostAllocator() = default;
    template <class U>
    HostAllocator(const HostAllocator<U>&) noexcept {}

    T* allocate(size_t n) {
        if (n > size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
        const size_t bytes = n * sizeof(T);
        if (bytes >= host_cache::kMinBytes) return static_cast<T*>(host_cache::take(bytes));
        return static_cast<T*>(::operator new(bytes));
    }
    void deallocate(T* p, size_t n) noexcept {
        if (n * sizeof(T) >= host_cache::kMinBytes) host_cache::give(p, n * sizeof(T));
        else ::operator delete(p);
    }
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;  // default-initialised: no zeroing
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U>
    bool operator==(const HostAllocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const HostAllocator<U>&) const noexcept { return false; }
};

// A vector for the prover's large buffers. HostVector<T>(n) and resize(n) leave the new elements
// uninitialised: use zeroed_vector for zeros, and write every element before reading it.
template <class T>
using HostVector = std::vector<T, HostAllocator<T>>;

// n uninitialised values of a trivial type, for a buffer whose every element is written before
// it is read.
template <class T>
HostVector<T> uninitialized_vector(size_t n) {
    return HostVector<T>(n);
}

// n zero values of a trivial type, zeroed on every thread.
template <class T>
HostVector<T> zeroed_vector(size_t n) {
    HostVector<T> v(n);
    T* data = v.data();
    parallel_for(n, size_t(1) << 16, [&](size_t begin, size_t end) { std::memset(static_cast<void*>(data + begin), 0, (end - begin) * sizeof(T)); });
    return v;
}

// A HostVector copy of a std::vector (for callers that hold one).
template <class T>
HostVector<T> host_copy(const std::vector<T>& v) {
    return HostVector<T>(v.begin(), v.end());
}

}  // namespace gpustark
