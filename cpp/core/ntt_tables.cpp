#include "ntt_tables.h"

#include <cstddef>

#include "../kernels/field/two_adic.h"

namespace gpustark {

std::vector<uint32_t> ntt_twiddles(uint32_t log_n, bool inverse) {
    size_t half = log_n == 0 ? 0 : size_t(1) << (log_n - 1);
    std::vector<uint32_t> out(half);
    Fp w = fp_two_adic_generator(log_n);
    if (inverse) w = fp_inv(w);
    Fp power = fp_one();
    for (size_t k = 0; k < half; ++k, power = fp_mul(power, w)) out[k] = power.m;
    return out;
}

std::vector<uint32_t> ntt_stage_twiddles(uint32_t log_n, bool inverse) {
    const std::vector<uint32_t> powers = ntt_twiddles(log_n, inverse);
    std::vector<uint32_t> table(log_n == 0 ? 0 : (size_t(1) << log_n) - 1);
    for (uint32_t s = 0; s < log_n; ++s)
        for (size_t j = 0; j < (size_t(1) << s); ++j) table[(size_t(1) << s) - 1 + j] = powers[j << (log_n - 1 - s)];
    return table;
}

std::vector<uint32_t> ntt_scale_factors(uint32_t log_n, bool inverse, uint32_t shift) {
    if (!inverse && shift == 1) return {};
    size_t n = size_t(1) << log_n;
    Fp step = fp_from_canonical(shift);
    if (inverse) step = fp_inv(step);
    Fp power = inverse ? fp_inv(fp_from_canonical(uint32_t(n))) : fp_one();
    std::vector<uint32_t> out(n);
    for (size_t j = 0; j < n; ++j, power = fp_mul(power, step)) out[j] = power.m;
    return out;
}

std::vector<uint32_t> coset_dft_powers(uint32_t log_n, uint32_t shift) {
    std::vector<uint32_t> out = ntt_twiddles(log_n, true);
    const std::vector<uint32_t> forward = ntt_twiddles(log_n, false);
    out.insert(out.end(), forward.begin(), forward.end());
    // shift^j / n is the inverse transform's factor for the shift's inverse.
    const std::vector<uint32_t> scale = ntt_scale_factors(log_n, true, fp_to_canonical(fp_inv(fp_from_canonical(shift))));
    out.insert(out.end(), scale.begin(), scale.end());
    return out;
}

}  // namespace gpustark
