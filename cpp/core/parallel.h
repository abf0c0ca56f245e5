// A fixed pool of worker threads for the CPU backend: parallel_for splits [0, n) into contiguous
// chunks, runs them on the pool and the calling thread, and returns when all are done.
#pragma once
#include <algorithm>
#include <cstddef>
#include <functional>

namespace gpustark {

// Number of threads parallel_for uses (GPUSTARK_NUM_THREADS, else available_cpus(): the CPUs the
// affinity mask and a container's cgroup quota allow).
size_t num_threads();

// fn(begin, end) over chunks of at least `grain` items. Runs inline when n is small or when
// called from inside another parallel_for.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

// to[i] = from[i] for i < n, in chunks of at least 2^16 values over the pool (for buffers of
// megabytes and more, which one thread copies slowly and faults in page by page).
template <class T>
void parallel_copy(const T* from, size_t n, T* to) {
    parallel_for(n, size_t(1) << 16, [&](size_t begin, size_t end) { std::copy(from + begin, from + end, to + begin); });
}

}  // namespace gpustark
