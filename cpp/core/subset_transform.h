// The multilinear basis changes on the host, over an Ef table of length 2^n (variable k <-> index
// bit k): coefficients -> hypercube evaluations (subset zeta) and back (Moebius). Used by the CPU
// backend's tables (EfTables::subset_transform) and by prover/whir.h's coeffs_to_evals.
#pragma once
#include <algorithm>
#include <cstddef>

#include "../kernels/field/ext4.h"
#include "parallel.h"

namespace gpustark {

// Applies a[i] = a[i] +/- a[i ^ step] to every i with the step bit set, step = 1, 2, 4, ..: the
// zeta (+) or, with kInverse, Moebius (-) transform. The low steps run inside cache-sized blocks;
// the high steps see the table as rows of one block and combine whole rows, each task on its own
// strip of columns. The steps commute, so any split gives equal values.
template <bool kInverse>
void host_subset_transform_as(Ef* a, size_t size) {
    if (size < 2) return;
    auto op = [](Ef x, Ef y) { return kInverse ? ef_sub(x, y) : ef_add(x, y); };
    const size_t block = std::min<size_t>(size, size_t(1) << 12), rows = size / block;
    parallel_for(rows, 1, [&](size_t b0, size_t b1) {
        for (size_t b = b0; b < b1; ++b) {
            Ef* p = a + b * block;
            for (size_t step = 1; step < block; step <<= 1)
                for (size_t i0 = 0; i0 < block; i0 += 2 * step)
                    for (size_t i = i0 + step; i < i0 + 2 * step; ++i) p[i] = op(p[i], p[i - step]);
        }
    });
    if (rows == 1) return;
    const size_t strip = 64;  // columns per task: rows x strip values stay in cache across steps
    parallel_for(block / strip, 1, [&](size_t s0, size_t s1) {
        for (size_t s = s0; s < s1; ++s)
            for (size_t step = 1; step < rows; step <<= 1)
                for (size_t r0 = 0; r0 < rows; r0 += 2 * step)
                    for (size_t r = r0 + step; r < r0 + 2 * step; ++r) {
                        Ef* dst = a + r * block + s * strip;
                        const Ef* src = dst - step * block;
                        for (size_t j = 0; j < strip; ++j) dst[j] = op(dst[j], src[j]);
                    }
    });
}

inline void host_subset_transform(Ef* a, size_t size, bool inverse) {
    if (inverse)
        host_subset_transform_as<true>(a, size);
    else
        host_subset_transform_as<false>(a, size);
}

}  // namespace gpustark
