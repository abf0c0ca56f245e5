#include <gtest/gtest.h>

#include "backends/builtin.h"
#include "core/backend.h"
#include "core/transcript.h"

namespace {

using gpustark::Transcript;

TEST(Transcript, SpongeKnownAnswer) {
    Transcript t;
    for (uint32_t x = 1; x <= 5; ++x) t.observe(x);
    EXPECT_EQ(t.sample(), 484056006u);
    EXPECT_EQ(t.sample(), 1311515673u);
    EXPECT_EQ(t.sample(), 942789063u);
}

TEST(Transcript, GrindFindsSmallestWitnessThenAlphaBeta) {
    gpustark::register_builtin_backends();
    Transcript t;
    EXPECT_EQ(t.grind(2, gpustark::get_backend("cpu")), 2u);
    auto alpha = t.sample_ext();
    EXPECT_EQ(alpha[0], 136417882u);
    EXPECT_EQ(alpha[3], 1287122392u);
    auto beta = t.sample_ext();
    EXPECT_EQ(beta[0], 1600613045u);
}

TEST(Transcript, RejectsNonCanonicalValues) {
    Transcript t;
    EXPECT_THROW(t.observe(GS_P), std::invalid_argument);
    EXPECT_THROW(t.sample_bits(31), std::invalid_argument);
}

}  // namespace
