// Exact sums of products w * v of extension-field weights w and canonical base-field values v
// with few modular reductions: the hot inner products of the stacked reduction and WHIR.
//
// For a limb w_l in Montgomery form (w_l = a R mod p) and a canonical v, w_l v mod p is the
// Montgomery form of the product limb a v, so no conversion of v is needed. A product is
// < p^2 < 2^62, hence four of them add up in a u64 before one reduction mod p.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../kernels/field/ext4.h"

namespace gpustark {

struct LazyEfSum {
    uint64_t limb[4] = {0, 0, 0, 0};  // each a sum of reduced (< p) terms

    // Adds sum_{k < count} w[k] * v[k * stride], count <= 4.
    void add_group(const Ef* w, const uint32_t* v, size_t stride, size_t count) {
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t k = 0; k < count; ++k) {
            const uint64_t x = v[k * stride];
            s0 += uint64_t(w[k].c0.m) * x;
            s1 += uint64_t(w[k].c1.m) * x;
            s2 += uint64_t(w[k].c2.m) * x;
            s3 += uint64_t(w[k].c3.m) * x;
        }
        limb[0] += s0 % GS_P;
        limb[1] += s1 % GS_P;
        limb[2] += s2 % GS_P;
        limb[3] += s3 % GS_P;
    }

    // sum_{k < count} w[k] * v[k * stride] for any count, four products per reduction.
    void add_strided(const Ef* w, const uint32_t* v, size_t stride, size_t count) {
        size_t k = 0;
        for (; k + 4 <= count; k += 4) add_group(w + k, v + k * stride, stride, 4);
        if (k < count) add_group(w + k, v + k * stride, stride, count - k);
    }

    Ef value() const {
        return ef_make(fp_raw(uint32_t(limb[0] % GS_P)), fp_raw(uint32_t(limb[1] % GS_P)),
                       fp_raw(uint32_t(limb[2] % GS_P)), fp_raw(uint32_t(limb[3] % GS_P)));
    }
};

}  // namespace gpustark
