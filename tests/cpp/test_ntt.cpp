#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "backends/builtin.h"
#include "core/backend.h"
#include "core/ntt_tables.h"
#include "core/simd/ntt_lanes.h"
#include "kernels/field/two_adic.h"
#include "kernels/ntt/ntt.h"

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

// The transform through the scalar kernel bodies, lane by lane, as a device runs them.
std::vector<uint32_t> kernel_body_ntt(std::vector<uint32_t> data, uint32_t log_n, uint32_t batch, bool inverse, uint32_t shift) {
    const size_t n = size_t(1) << log_n;
    const NttParams p = [&] {
        NttParams q{};
        q.log_n = log_n;
        q.batch = batch;
        q.row_stride = batch;
        q.col_stride = 1;
        return q;
    }();
    const std::vector<uint32_t> factors = gpustark::ntt_scale_factors(log_n, inverse, shift);
    const std::vector<uint32_t> twiddles = gpustark::ntt_twiddles(log_n, inverse);
    auto scale = [&] {
        for (uint32_t lane = 0; lane < n * batch; ++lane) ntt_scale_lane(lane, data.data(), factors.data(), p);
    };
    if (!inverse && !factors.empty()) scale();
    for (uint32_t lane = 0; lane < n * batch; ++lane) ntt_bit_reverse_lane(lane, data.data(), p);
    for (uint32_t stage = 0; stage < log_n; ++stage) {
        NttParams q = p;
        q.stage = stage;
        for (uint32_t lane = 0; lane < n / 2 * batch; ++lane) ntt_stage_lane(lane, data.data(), twiddles.data(), q);
    }
    if (inverse && !factors.empty()) scale();
    return data;
}

// Shapes that take the CPU plan's every path: several stage passes (tall), column blocks with a
// ragged last block (wide), lane tails (widths not a multiple of 16), and one row.
TEST(Ntt, CpuPlanMatchesTheKernelBodies) {
    gpustark::register_builtin_backends();
    gpustark::Backend& cpu = gpustark::get_backend("cpu");
    std::mt19937 rng(5);
    const std::pair<uint32_t, uint32_t> shapes[] = {{0, 7}, {1, 1}, {12, 42}, {13, 3}, {5, 300}, {3, 5000}, {10, 17}};
    for (auto [log_n, batch] : shapes)
        for (bool inverse : {false, true})
            for (uint32_t shift : {1u, 7u}) {
                std::vector<uint32_t> data((size_t(1) << log_n) * batch);
                for (auto& v : data) v = rng() % GS_P;
                const std::vector<uint32_t> expected = kernel_body_ntt(data, log_n, batch, inverse, shift);
                cpu.ntt(data.data(), {log_n, batch}, inverse, shift);
                EXPECT_EQ(data, expected) << "log_n=" << log_n << " batch=" << batch << " inverse=" << inverse
                                          << " shift=" << shift;
            }
}

// Every compiled copy of the stage passes (a wider CPU never dispatches to the narrower ones),
// over widths 1..40 and a split of the stages into two passes.
TEST(Ntt, EveryLaneCopyMatchesTheKernelBodies) {
    std::mt19937 rng(9);
    const uint32_t log_n = 7, split = 3;
    const std::vector<uint32_t> twiddles = gpustark::ntt_stage_twiddles(log_n, false);
    for (auto [isa, stage_groups] : gpustark::ntt_stage_groups_copies())
        for (uint32_t batch = 1; batch <= 40; ++batch) {
            std::vector<uint32_t> data((size_t(1) << log_n) * batch);
            for (auto& v : data) v = rng() % GS_P;
            const std::vector<uint32_t> expected = kernel_body_ntt(data, log_n, batch, false, 1);
            const gpustark::NttMatrix m{data.data(), batch, log_n};
            gpustark::ntt_bit_reverse_rows(m, nullptr, 0, size_t(1) << log_n, 0, batch);
            stage_groups(m, {0, split, twiddles.data(), nullptr}, 0, size_t(1) << (log_n - split), 0, batch);
            stage_groups(m, {split, log_n, twiddles.data(), nullptr}, 0, size_t(1) << split, 0, batch);
            EXPECT_EQ(data, expected) << isa << " batch=" << batch;
        }
}

}  // namespace
