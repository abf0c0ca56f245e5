// The r_0 combinations behind the multilinear rounds' trace tables (core/trace_tables.cpp) with
// lanes across columns: one chunk of 2^l_skip rows at a time, kCpuLanes columns at once. Compiled
// once per instruction set like the other lanes and chosen at run time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../../kernels/field/ext4.h"

namespace gpustark {

// For chunk x of a (height x width, row-major, canonical) trace: local[c] = sum_a L_a v(n x + a, c)
// and next[c] = sum_a L_a v(n x + a + 1, c), rows mod height, a < n. lagrange_r holds L_a times R
// (the Montgomery factor), so that a lane product with a canonical value lands in Montgomery form.
void trace_chunk_sums(const uint32_t* values, size_t height, uint32_t width, size_t n, size_t x, const Ef* lagrange_r,
                      Ef* local, Ef* next);

}  // namespace gpustark
