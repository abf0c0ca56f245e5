#include "ple.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "subgroup.h"

namespace gpustark {

EfVec ple_row_weights(uint32_t log_h, const EfVec& r, uint32_t l_skip) {
    if (r.empty()) throw std::invalid_argument("ple_row_weights: r is empty");
    if (log_h < l_skip) {
        // The lift repeats the column 2^i times; its PLE at r_0 is the order-2^log_h interpolant
        // at r_0^(2^i).
        Ef z = r[0];
        for (uint32_t s = 0; s < l_skip - log_h; ++s) z = ef_square(z);
        return subgroup_lagrange(log_h, z);
    }
    const uint32_t n = log_h - l_skip;
    if (r.size() < size_t(n) + 1)
        throw std::invalid_argument("ple_row_weights: a column of log height " + std::to_string(log_h) + " needs " +
                                    std::to_string(n + 1) + " coordinates of r, found " + std::to_string(r.size()));
    const EfVec uni = subgroup_lagrange(l_skip, r[0]);
    const EfVec cube = eq_table(EfVec(r.begin() + 1, r.begin() + 1 + n));
    EfVec w(size_t(1) << log_h);
    for (size_t x = 0; x < cube.size(); ++x)
        for (size_t a = 0; a < uni.size(); ++a) w[a + (x << l_skip)] = ef_mul(uni[a], cube[x]);
    return w;
}

std::vector<EfPair> column_openings(const uint32_t* matrix, size_t height, uint32_t width, const EfVec& r,
                                    uint32_t l_skip, bool need_rot) {
    if (height == 0 || (height & (height - 1)) != 0)
        throw std::invalid_argument("column_openings: height must be a power of two, found " + std::to_string(height));
    uint32_t log_h = 0;
    while ((size_t(1) << log_h) < height) ++log_h;
    const EfVec w = ple_row_weights(log_h, r, l_skip);

    // Row blocks accumulate partial sums independently; the blocks are then added in order.
    // T_rot's PLE is sum_i w[i] T[i+1] = sum_i w[i-1] T[i].
    const size_t block = 1024;
    const size_t blocks = (height + block - 1) / block;
    std::vector<std::vector<EfPair>> partial(blocks, std::vector<EfPair>(width, EfPair{ef_zero(), ef_zero()}));
    parallel_for(blocks, 1, [&](size_t begin, size_t end) {
        for (size_t b = begin; b < end; ++b) {
            std::vector<EfPair>& acc = partial[b];
            for (size_t i = b * block; i < std::min(height, (b + 1) * block); ++i) {
                const uint32_t* row = matrix + i * width;
                const Ef w_here = w[i], w_prev = w[(i + height - 1) & (height - 1)];
                for (uint32_t c = 0; c < width; ++c) {
                    Fp v = fp_from_canonical(row[c]);
                    acc[c][0] = ef_add(acc[c][0], ef_mul_base(w_here, v));
                    if (need_rot) acc[c][1] = ef_add(acc[c][1], ef_mul_base(w_prev, v));
                }
            }
        }
    });
    std::vector<EfPair> out(width, EfPair{ef_zero(), ef_zero()});
    for (const auto& acc : partial)
        for (uint32_t c = 0; c < width; ++c) {
            out[c][0] = ef_add(out[c][0], acc[c][0]);
            out[c][1] = ef_add(out[c][1], acc[c][1]);
        }
    return out;
}

}  // namespace gpustark
