#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "backends/builtin.h"
#include "core/backend.h"
#include "kernels/field/two_adic.h"

namespace {

// O(n^2) evaluation of each column at shift * w^i.
std::vector<uint32_t> naive_dft(const std::vector<uint32_t>& coeffs, uint32_t log_n, uint32_t batch, uint32_t shift) {
    size_t n = size_t(1) << log_n;
    Fp w = fp_two_adic_generator(log_n);
    std::vector<uint32_t> out(n * batch);
    for (size_t i = 0; i < n; ++i) {
        Fp x = fp_mul(fp_from_canonical(shift), fp_pow(w, i));
        for (uint32_t c = 0; c < batch; ++c) {
            Fp acc = fp_zero();
            for (size_t j = n; j-- > 0;) acc = fp_add(fp_mul(acc, x), fp_from_canonical(coeffs[j * batch + c]));
            out[i * batch + c] = fp_to_canonical(acc);
        }
    }
    return out;
}

TEST(Ntt, CpuMatchesNaiveDftAndRoundTrips) {
    gpustark::register_builtin_backends();
    gpustark::Backend& cpu = gpustark::get_backend("cpu");
    std::mt19937 rng(3);
    for (uint32_t log_n : {0u, 1u, 4u, 9u}) {
        for (uint32_t shift : {1u, 31u}) {
            uint32_t batch = 3;
            std::vector<uint32_t> coeffs((size_t(1) << log_n) * batch);
            for (auto& v : coeffs) v = rng() % GS_P;
            std::vector<uint32_t> data = coeffs;
            cpu.ntt(data.data(), {log_n, batch}, false, shift);
            EXPECT_EQ(data, naive_dft(coeffs, log_n, batch, shift)) << "log_n=" << log_n << " shift=" << shift;
            cpu.ntt(data.data(), {log_n, batch}, true, shift);
            EXPECT_EQ(data, coeffs);
        }
    }
}

}  // namespace
