#include "subgroup.h"

#include <stdexcept>

namespace gpustark {

EfVec subgroup_lagrange(uint32_t log_n, Ef z) {
    size_t n = size_t(1) << log_n;
    Fp omega = fp_two_adic_generator(log_n);
    Ef z_n = ef_pow(z, n);
    EfVec out(n, ef_zero());
    Fp omega_a = fp_one();
    if (ef_eq(z_n, ef_one())) {  // z in D: the basis is a delta at z
        for (size_t a = 0; a < n; ++a, omega_a = fp_mul(omega_a, omega))
            if (ef_eq(z, ef_from_base(omega_a))) out[a] = ef_one();
        return out;
    }
    Ef scale = ef_mul_base(ef_sub(z_n, ef_one()), fp_inv(fp_from_canonical(uint32_t(n))));
    for (size_t a = 0; a < n; ++a, omega_a = fp_mul(omega_a, omega))
        out[a] = ef_mul_base(ef_mul(scale, ef_inv(ef_sub(z, ef_from_base(omega_a)))), omega_a);
    return out;
}

EfVec interpolate_coefficients(const std::vector<Fp>& points, const EfVec& values) {
    size_t k = points.size();
    // master(Z) = prod_j (Z - z_j), constant term first.
    std::vector<Fp> master(k + 1, fp_zero());
    master[0] = fp_one();
    for (size_t j = 0; j < k; ++j) {
        for (size_t i = j + 1; i > 0; --i) master[i] = fp_sub(master[i - 1], fp_mul(points[j], master[i]));
        master[0] = fp_neg(fp_mul(points[j], master[0]));
    }
    EfVec coeffs(k, ef_zero());
    std::vector<Fp> quotient(k);
    for (size_t i = 0; i < k; ++i) {
        // quotient = master / (Z - z_i) by synthetic division, top coefficient down.
        Fp carry = master[k];
        for (size_t d = k; d-- > 0;) {
            quotient[d] = carry;
            carry = fp_add(master[d], fp_mul(carry, points[i]));
        }
        Fp at_point = fp_zero();
        for (size_t d = k; d-- > 0;) at_point = fp_add(fp_mul(at_point, points[i]), quotient[d]);
        if (fp_is_zero(at_point)) throw std::invalid_argument("interpolate_coefficients: repeated point");
        Ef weight = ef_mul_base(values[i], fp_inv(at_point));
        for (size_t d = 0; d < k; ++d) coeffs[d] = ef_add(coeffs[d], ef_mul_base(weight, quotient[d]));
    }
    return coeffs;
}

}  // namespace gpustark
