// The stacked reduction's column kernels (PROTOCOL 10 step 2), the verifier's closed form: per stacked
// column, sum_j K_j(u) over its slots. Mirrors stacking._slot_kernel, the Python reference.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "verifier_math.h"

namespace gpustark {

// slots: `count` rows of (matrix, column, stacked_col, row_idx, log_h); slot j is weighted by
// first_power * (lam^2)^j. u has n_stack + 1 entries, r at least max(log_h - l_skip, 0) + 1.
// Throws std::invalid_argument for a slot or point out of range.
inline std::vector<Ef> stacking_column_kernels(uint32_t l_skip, uint32_t n_stack, const uint32_t* slots, size_t count,
                                               const std::vector<bool>& need_rot, const std::vector<Ef>& u,
                                               const std::vector<Ef>& r, Ef lam, Ef first_power, size_t width) {
    namespace vm = verifier_math;
    if (l_skip > GS_TWO_ADICITY || u.size() != size_t(n_stack) + 1)
        throw std::invalid_argument("stacking kernels: l_skip or u out of range");
    const Ef lam_sq = ef_square(lam);

    // The part of K_j that depends only on (log_h, need_rot), computed once per pair.
    struct Shared { bool ready = false; Ef value; };
    std::vector<Shared> shared(2 * (size_t(l_skip) + n_stack + 1));
    auto common = [&](uint32_t log_h, bool rot) -> Ef {
        Shared& s = shared[2 * log_h + rot];
        if (s.ready) return s.value;
        const int n = int(log_h) - int(l_skip);
        const size_t n_lift = size_t(n > 0 ? n : 0);
        if (r.size() < n_lift + 1) throw std::invalid_argument("stacking kernels: r has too few entries");
        uint32_t l = l_skip;
        std::vector<Ef> r_n(r.begin(), r.begin() + long(n_lift) + 1);
        Ef ind = ef_one();
        if (n < 0) {  // a short trace, lifted: its own subgroup and the indicator In_n(u_0)
            l = uint32_t(int(l_skip) + n);
            r_n = {ef_pow(r[0], uint64_t(1) << -n)};
            ind = vm::l1_uni(uint32_t(-n), ef_pow(u[0], uint64_t(1) << l));
        }
        Ef value = ef_mul(vm::eq_uni(l, u[0], r_n[0]), vm::eq(u.data() + 1, r_n.data() + 1, n_lift));
        if (rot) {
            const Ef shifted = ef_mul_base(r_n[0], fp_two_adic_generator(l));
            const auto [e, rt] = vm::eq_rot_cube(u.data() + 1, r_n.data() + 1, n_lift);
            const Ef kappa = ef_add(ef_mul(vm::eq_uni(l, u[0], shifted), e),
                                    ef_mul(ef_mul(vm::l1_uni(l, u[0]), vm::l1_uni(l, shifted)), ef_sub(rt, e)));
            value = ef_add(value, ef_mul(lam, kappa));
        }
        s = {true, ef_mul(value, ind)};
        return s.value;
    };

    std::vector<Ef> out(width, ef_zero());
    Ef weight = first_power;
    for (size_t j = 0; j < count; ++j) {
        const uint32_t* s = slots + 5 * j;
        const uint32_t matrix = s[0], col = s[2], row_idx = s[3], log_h = s[4];
        if (matrix >= need_rot.size() || col >= width || log_h > l_skip + n_stack)
            throw std::invalid_argument("stacking kernels: slot " + std::to_string(j) + " is out of range");
        const uint32_t n_lift = log_h > l_skip ? log_h - l_skip : 0;
        Ef eq_b = ef_one();  // eq(u_{>n_lift}, the bits of row_idx above the slot)
        for (uint32_t k = n_lift; k < n_stack; ++k) {
            const uint32_t shift = l_skip + k;
            const bool bit = shift < 32 && ((row_idx >> shift) & 1u);
            eq_b = ef_mul(eq_b, bit ? u[k + 1] : vm::one_minus(u[k + 1]));
        }
        out[col] = ef_add(out[col], ef_mul(ef_mul(eq_b, weight), common(log_h, need_rot[matrix])));
        weight = ef_mul(weight, lam_sq);
    }
    return out;
}

}  // namespace gpustark
