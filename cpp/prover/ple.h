// Column openings: evaluations of trace columns' prismalinear extensions (PROTOCOL 5.1-5.2) at
// the batch-constraint point r = (r_0, r_1, ...), with the rotated column T_rot[i] = T[i+1 mod h].
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ef_poly.h"

namespace gpustark {

// Row weights of the PLE evaluation: sum_i weights[i] * T[i] = T^(r) for any column T of height
// 2^log_h. For log_h >= l_skip this is eq_D(r_0, omega^a) * eq(r_1..r_n, bits(x)) at row
// a + 2^l_skip x (r must hold at least n + 1 entries); for a short column (log_h < l_skip) it is the
// subgroup interpolant of order 2^log_h at r_0^(2^(l_skip - log_h)), the lift's PLE (5.2).
EfVec ple_row_weights(uint32_t log_h, const EfVec& r, uint32_t l_skip);

// For each column c of a `height` x `width` row-major trace (canonical values): out[c][0] =
// T^_c(r) and out[c][1] = T^_rot,c(r) if need_rot, else 0. r = (r_0, r_1, ...) may be longer
// than needed; only its first max(n, 0) + 1 entries are read.
std::vector<EfPair> column_openings(const uint32_t* matrix, size_t height, uint32_t width, const EfVec& r,
                                    uint32_t l_skip, bool need_rot);

}  // namespace gpustark
