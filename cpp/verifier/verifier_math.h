// The verifier's scalar formulas over EF (PROTOCOL 5.3, 10.2, 11), for its native fast paths.
// Each mirrors a Python function of gpustark.poly / gpustark.verifier, which stays the readable
// reference; tests run both on the same inputs. Nothing here belongs to the prover's phases.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>

#include "../kernels/field/ext4.h"
#include "../kernels/field/two_adic.h"

namespace gpustark {
namespace verifier_math {

inline Ef ef_base(uint32_t canonical) { return ef_from_base(fp_from_canonical(canonical)); }
inline Ef one_minus(Ef x) { return ef_sub(ef_one(), x); }

// eq(x, y) for one coordinate: x y + (1 - x)(1 - y).
inline Ef eq1(Ef x, Ef y) { return ef_add(ef_mul(x, y), ef_mul(one_minus(x), one_minus(y))); }

// prod_k eq1(x_k, y_k) (poly.eq).
inline Ef eq(const Ef* x, const Ef* y, size_t n) {
    Ef acc = ef_one();
    for (size_t k = 0; k < n; ++k) acc = ef_mul(acc, eq1(x[k], y[k]));
    return acc;
}

// eq_D(x, y) on the subgroup of order 2^log_order (poly.eq_uni).
inline Ef eq_uni(uint32_t log_order, Ef x, Ef y) {
    Ef acc = ef_one();
    for (uint32_t i = 0; i < log_order; ++i) {
        acc = ef_add(ef_mul(ef_add(x, y), acc), ef_mul(ef_sub(x, ef_one()), ef_sub(y, ef_one())));
        x = ef_square(x);
        y = ef_square(y);
    }
    return ef_mul_base(acc, fp_inv(fp_pow(fp_from_canonical(2), log_order)));
}

inline Ef l1_uni(uint32_t log_order, Ef x) { return eq_uni(log_order, x, ef_one()); }

// (eq(x, y), rot(x, y)), rot the MLE of [x = y + 1 mod 2^n], innermost variable first
// (stacking._eq_rot_cube).
inline std::pair<Ef, Ef> eq_rot_cube(const Ef* x, const Ef* y, size_t n) {
    Ef rot = ef_one(), e = ef_one();
    for (size_t k = n; k-- > 0;) {
        rot = ef_add(ef_mul(ef_mul(x[k], one_minus(y[k])), e), ef_mul(ef_mul(one_minus(x[k]), y[k]), rot));
        e = ef_mul(e, eq1(x[k], y[k]));
    }
    return {e, rot};
}

// sum_j coefficients[j] x^j (poly.horner).
inline Ef horner(const Ef* coefficients, size_t n, Ef x) {
    Ef acc = ef_zero();
    for (size_t j = n; j-- > 0;) acc = ef_add(ef_mul(acc, x), coefficients[j]);
    return acc;
}

// horner at a base-field point.
inline Ef horner_base(const Ef* coefficients, size_t n, Fp x) {
    Ef acc = ef_zero();
    for (size_t j = n; j-- > 0;) acc = ef_add(ef_mul_base(acc, x), coefficients[j]);
    return acc;
}

// The k-fold of a query's 2^k codeword values at x^(2^k) (whir._binary_k_fold); overwrites values.
// t and 1/t advance together (one inversion per query instead of one per t): x is a power of a
// two-adic generator, never 0.
inline Ef binary_k_fold(Ef* values, const Ef* alphas, uint32_t k, Fp x) {
    const Fp omega_k = fp_two_adic_generator(k), omega_k_inv = fp_inv(omega_k);
    const Fp half_inv = fp_inv(fp_from_canonical(2));
    Fp x_pow = x, x_pow_inv = fp_inv(x);
    for (uint32_t j = 0; j < k; ++j) {
        const size_t half = (size_t(1) << k) >> (j + 1);
        const Fp step = fp_pow(omega_k, uint64_t(1) << j), step_inv = fp_pow(omega_k_inv, uint64_t(1) << j);
        Fp t = x_pow, t_inv = x_pow_inv;  // t = omega_k^(i 2^j) x^(2^j)
        for (size_t i = 0; i < half; ++i) {
            const Fp inv_2t = fp_mul(t_inv, half_inv);
            const Ef diff = ef_sub(values[i], values[i + half]);
            values[i] = ef_add(values[i], ef_mul_base(ef_mul(ef_sub(alphas[j], ef_from_base(t)), diff), inv_2t));
            t = fp_mul(t, step), t_inv = fp_mul(t_inv, step_inv);
        }
        x_pow = fp_square(x_pow), x_pow_inv = fp_square(x_pow_inv);
    }
    return values[0];
}

}  // namespace verifier_math
}  // namespace gpustark
