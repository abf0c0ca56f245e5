// ef_mul on EfLanes for the baseline and AVX2 copies (included by ef_lanes.h): the scalar
// delayed-reduction product of ext4.h lane by lane, a branch-free body the compiler vectorises.
#pragma once

namespace gpustark {
namespace {

inline EfLanes ef_mul(const EfLanes& a, const EfLanes& b) {
    EfLanes r;
    for (int i = 0; i < kCpuLanes; ++i) ef_set_lane(r, i, ef_mul(ef_lane(a, i), ef_lane(b, i)));
    return r;
}

}  // namespace
}  // namespace gpustark
