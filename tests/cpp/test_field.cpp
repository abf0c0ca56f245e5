#include <gtest/gtest.h>

#include <random>

#include "kernels/field/ext4.h"
#include "kernels/field/two_adic.h"

namespace {

constexpr uint64_t P = GS_P;

uint32_t mul_ref(uint32_t a, uint32_t b) { return uint32_t(uint64_t(a) * b % P); }

uint32_t canon(Fp x) { return fp_to_canonical(x); }
Fp fp(uint32_t x) { return fp_from_canonical(x); }

TEST(Field, ArithmeticMatchesModularIntegers) {
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<uint32_t> value(0, GS_P - 1);
    for (int i = 0; i < 100000; ++i) {
        uint32_t a = i < 4 ? uint32_t(i) : value(rng), b = i < 4 ? GS_P - 1 : value(rng);
        EXPECT_EQ(canon(fp_add(fp(a), fp(b))), (uint64_t(a) + b) % P);
        EXPECT_EQ(canon(fp_sub(fp(a), fp(b))), (uint64_t(a) + P - b) % P);
        EXPECT_EQ(canon(fp_mul(fp(a), fp(b))), mul_ref(a, b));
        EXPECT_EQ(canon(fp_neg(fp(a))), (P - a) % P);
    }
}

// The additions reduce by an unsigned min (fp_reduce_once): check the words where s - p wraps or
// does not, on Montgomery words directly (the edges of the form, not of the canonical values).
TEST(Field, AdditionsAtTheReductionEdges) {
    for (uint32_t s : {0u, 1u, GS_P - 1, GS_P, GS_P + 1, 2 * GS_P - 1}) EXPECT_EQ(fp_reduce_once(s), s % GS_P);
    const uint32_t words[] = {0u, 1u, 2u, GS_P / 2, GS_P / 2 + 1, GS_P - 2, GS_P - 1};
    for (uint32_t a : words)
        for (uint32_t b : words) {
            EXPECT_EQ(fp_add(fp_raw(a), fp_raw(b)).m, (uint64_t(a) + b) % P) << a << " + " << b;
            EXPECT_EQ(fp_sub(fp_raw(a), fp_raw(b)).m, (uint64_t(a) + P - b) % P) << a << " - " << b;
        }
    for (uint32_t a : words) EXPECT_EQ(fp_neg(fp_raw(a)).m, (P - a) % P) << "-" << a;
}

// fp_monty_reduce_sum(x) = x / 2^32 mod p for every x < 4p^2 (a sum of four products): check the
// sums around p 2^32, where its reduction switches, and at the top of the range, in both forms
// (this build's, and the other platform's brought under p 2^32 alike).
TEST(Field, LazySumReductionAroundItsThreshold) {
    const unsigned __int128 p = GS_P;
    const uint64_t threshold = uint64_t(GS_P) << 32, top = uint64_t(4 * p * p - 1);
    for (uint64_t x : {uint64_t(0), uint64_t(1), threshold - 1, threshold, threshold + 1, threshold + 0xffffffffu,
                       top - 0xffffffffu, top}) {
        // The one r < p with r 2^32 = x (mod p).
        const uint32_t r = fp_monty_reduce_sum(x);
        EXPECT_LT(r, GS_P) << x;
        EXPECT_EQ(((unsigned __int128)r << 32) % p, x % p) << x;
        EXPECT_EQ(fp_sum_under_p_shifted_by_high_word(x), fp_sum_under_p_shifted_wide(x)) << x;
        EXPECT_LT(fp_sum_under_p_shifted_wide(x), threshold) << x;
    }
}

TEST(Field, CanonicalRoundTripAndInverse) {
    for (uint32_t a : {0u, 1u, 2u, 11u, GS_P - 1, GS_P - 2, 123456789u}) {
        EXPECT_EQ(canon(fp(a)), a);
        if (a != 0) EXPECT_EQ(canon(fp_mul(fp(a), fp_inv(fp(a)))), 1u);
    }
    EXPECT_EQ(canon(fp_pow7(fp(3))), 2187u);
}

TEST(Field, TwoAdicGeneratorsHaveExactOrder) {
    EXPECT_EQ(GS_TWO_ADIC_GENERATORS[27], 0x1a427a41u);
    for (uint32_t k = 1; k <= 27; ++k) {
        Fp w = fp_two_adic_generator(k);
        EXPECT_EQ(canon(fp_pow(w, uint64_t(1) << (k - 1))), GS_P - 1) << "k=" << k;
        EXPECT_EQ(canon(fp_square(w)), GS_TWO_ADIC_GENERATORS[k - 1]) << "k=" << k;
    }
}

TEST(Extension, InverseAndReduction) {
    std::mt19937_64 rng(2);
    std::uniform_int_distribution<uint32_t> value(0, GS_P - 1);
    Ef x = ef_make(fp_zero(), fp_zero(), fp_zero(), fp_one());  // X^3; X^4 = 11
    Ef x6 = ef_mul(x, x);
    EXPECT_EQ(canon(x6.c2), 11u);
    EXPECT_EQ(canon(x6.c0) + canon(x6.c1) + canon(x6.c3), 0u);
    for (int i = 0; i < 2000; ++i) {
        Ef a = ef_make(fp(value(rng)), fp(value(rng)), fp(value(rng)), fp(value(rng)));
        EXPECT_TRUE(ef_eq(ef_mul(a, ef_inv(a)), ef_one()));
        Ef b = ef_make(fp(value(rng)), fp(value(rng)), fp(value(rng)), fp(value(rng)));
        EXPECT_TRUE(ef_eq(ef_mul(a, b), ef_mul(b, a)));
        EXPECT_TRUE(ef_eq(ef_pow(a, 3), ef_mul(ef_mul(a, a), a)));
    }
}

// ef_mul reduces each coefficient's sum of products once: check it against the definition,
// including all-(p - 1) operands, whose sums are the largest the lazy reduction sees.
TEST(Extension, ProductMatchesTheDefinition) {
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<uint32_t> value(0, GS_P - 1);
    EXPECT_EQ(fp_from_canonical(GS_EXT_W).m, GS_EXT_W_MONT);
    for (int i = 0; i < 20000; ++i) {
        uint32_t a[4], b[4];
        for (int k = 0; k < 4; ++k) a[k] = i == 0 ? GS_P - 1 : value(rng), b[k] = i == 0 ? GS_P - 1 : value(rng);
        uint64_t want[4] = {0, 0, 0, 0};
        for (int j = 0; j < 4; ++j)
            for (int k = 0; k < 4; ++k) {
                const uint64_t t = mul_ref(a[j], b[k]);
                if (j + k < 4) want[j + k] = (want[j + k] + t) % P;
                else want[j + k - 4] = (want[j + k - 4] + t * GS_EXT_W) % P;  // X^4 = W
            }
        const Ef c = ef_mul(ef_make(fp(a[0]), fp(a[1]), fp(a[2]), fp(a[3])), ef_make(fp(b[0]), fp(b[1]), fp(b[2]), fp(b[3])));
        const Fp got[4] = {c.c0, c.c1, c.c2, c.c3};
        for (int k = 0; k < 4; ++k) ASSERT_EQ(canon(got[k]), want[k]) << "coefficient " << k << " of case " << i;
    }
}

}  // namespace
