// ef_mul on EfLanes for the baseline and AVX2 copies (included by ef_lanes.h): the schoolbook
// product on FpLanes, 19 lane multiplies (X^4 = W folds degrees 4..6 back down, times W). The
// AVX-512 copy reduces each coefficient's sum of 64-bit products once instead (ef_lanes_avx512.h);
// a lane-by-lane loop over the scalar ef_mul, which this replaced, ran 2-3 times slower on AVX2.
#pragma once

namespace gpustark {
namespace {

inline EfLanes ef_mul(const EfLanes& a, const EfLanes& b) {
    const FpLanes w = fp_lanes_splat(GS_EXT_W_MONT);
    const FpLanes d4 = fp_add(fp_add(fp_mul(a.c1, b.c3), fp_mul(a.c2, b.c2)), fp_mul(a.c3, b.c1));
    const FpLanes d5 = fp_add(fp_mul(a.c2, b.c3), fp_mul(a.c3, b.c2));
    const FpLanes d6 = fp_mul(a.c3, b.c3);
    EfLanes r;
    r.c0 = fp_add(fp_mul(a.c0, b.c0), fp_mul(d4, w));
    r.c1 = fp_add(fp_add(fp_mul(a.c0, b.c1), fp_mul(a.c1, b.c0)), fp_mul(d5, w));
    r.c2 = fp_add(fp_add(fp_mul(a.c0, b.c2), fp_mul(a.c1, b.c1)), fp_add(fp_mul(a.c2, b.c0), fp_mul(d6, w)));
    r.c3 = fp_add(fp_add(fp_mul(a.c0, b.c3), fp_mul(a.c1, b.c2)), fp_add(fp_mul(a.c2, b.c1), fp_mul(a.c3, b.c0)));
    return r;
}

}  // namespace
}  // namespace gpustark
