// WHIR's per-query work for a whole round (PROTOCOL 11): the opened rows combined with mu's
// powers, the k-folds, and the final constraint's terms at the query points. Mirrors
// whir._combine_rows, _binary_k_fold and the final-constraint loop in Python (the reference).
#pragma once
#include <vector>

#include "verifier_math.h"

namespace gpustark {
namespace verifier_math {

// out[i] = sum_c mu[c] rows[i * mu.size() + c] for `count` rows of canonical base values.
inline std::vector<Ef> combine_rows(const uint32_t* rows, size_t count, const std::vector<Ef>& mu) {
    std::vector<Ef> out(count, ef_zero());
    for (size_t i = 0; i < count; ++i)
        for (size_t c = 0; c < mu.size(); ++c)
            out[i] = ef_add(out[i], ef_mul_base(mu[c], fp_from_canonical(rows[i * mu.size() + c])));
    return out;
}

// Every query's k-fold of its 2^k values at x = omega_{log_rs}^index; overwrites values.
inline std::vector<Ef> fold_queries(std::vector<Ef>& values, const std::vector<Ef>& alphas, uint32_t log_rs,
                                    const std::vector<uint32_t>& queries) {
    const uint32_t k = uint32_t(alphas.size());
    const Fp omega = fp_two_adic_generator(log_rs);
    std::vector<Ef> out;
    for (size_t i = 0; i < queries.size(); ++i)
        out.push_back(binary_k_fold(values.data() + (i << k), alphas.data(), k, fp_pow(omega, queries[i])));
    return out;
}

// sum_j weights[j] eq(alphas, (z_j, z_j^2, ..)) f(z_j^(2^len(alphas))).
inline Ef query_terms(const std::vector<Ef>& f, const std::vector<Ef>& alphas, const std::vector<Ef>& zs,
                      const std::vector<Ef>& weights) {
    Ef total = ef_zero();
    std::vector<Ef> z_pows(alphas.size());
    for (size_t j = 0; j < zs.size(); ++j) {
        Ef z = zs[j];
        for (Ef& zp : z_pows) zp = z, z = ef_square(z);
        const bool base = fp_is_zero(z.c1) && fp_is_zero(z.c2) && fp_is_zero(z.c3);  // a query point: 4x cheaper
        const Ef value = base ? horner_base(f.data(), f.size(), z.c0) : horner(f.data(), f.size(), z);
        total = ef_add(total, ef_mul(weights[j], ef_mul(eq(alphas.data(), z_pows.data(), alphas.size()), value)));
    }
    return total;
}

// prod_i ((1 - 2 u_i)(1 - x_i) + u_i x_i) over n coordinates.
inline Ef mobius_eq(const Ef* u, const Ef* x, size_t n) {
    Ef acc = ef_one();
    for (size_t i = 0; i < n; ++i)
        acc = ef_mul(acc, ef_add(ef_mul(ef_sub(one_minus(u[i]), u[i]), one_minus(x[i])), ef_mul(u[i], x[i])));
    return acc;
}

// The multilinear extension of 2^n values at an n-variable point, lowest variable first; overwrites values.
inline Ef mle_eval(std::vector<Ef>& values, const std::vector<Ef>& point) {
    for (size_t k = 0, n = values.size(); k < point.size(); ++k, n >>= 1)
        for (size_t i = 0; i < n / 2; ++i)
            values[i] = ef_add(values[2 * i], ef_mul(point[k], ef_sub(values[2 * i + 1], values[2 * i])));
    return values[0];
}

}  // namespace verifier_math
}  // namespace gpustark
