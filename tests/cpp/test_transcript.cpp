#include <gtest/gtest.h>

#include <vector>

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

// Background observations give the transcript the one-by-one observations would, whatever the
// transcript is asked next: a sample, a copy, its state or another observation.
TEST(Transcript, BackgroundObservationsEqualObservingOneByOne) {
    std::vector<uint32_t> values;
    for (uint32_t i = 0; i < 5003; ++i) values.push_back((i * 2654435761u) % GS_P);
    Transcript direct;
    direct.observe(7);
    for (uint32_t v : values) direct.observe(v);
    const uint32_t expected = Transcript(direct).sample();

    Transcript sampled;
    sampled.observe(7);
    sampled.observe_in_background(values);
    EXPECT_EQ(sampled.sample(), expected);

    Transcript copied;
    copied.observe(7);
    copied.observe_in_background(values);
    Transcript copy(copied);
    EXPECT_EQ(copy.state(), direct.state());
    EXPECT_EQ(copied.absorb_index(), direct.absorb_index());

    Transcript chained;
    chained.observe(7);
    chained.observe_in_background(std::vector<uint32_t>(values.begin(), values.begin() + 100));
    chained.observe_in_background(std::vector<uint32_t>(values.begin() + 100, values.end()));
    EXPECT_EQ(chained.sample(), expected);
}

TEST(Transcript, BackgroundObservationsCheckTheirValuesFirst) {
    Transcript t, untouched;
    EXPECT_THROW(t.observe_in_background({1, 2, GS_P, 3}), std::invalid_argument);
    EXPECT_EQ(t.state(), untouched.state());
    EXPECT_EQ(t.absorb_index(), 0u);
}

// The sponge handed to a device and back (EfTables::transcript_rounds): the same state goes on
// alike; a state no transcript can be in is refused, and leaves the transcript as it was.
TEST(Transcript, SpongeStateRoundTripsAndIsChecked) {
    Transcript a;
    for (uint32_t v : {5u, 6u, 7u}) a.observe(v);
    Transcript b;
    b.set_sponge(a.sponge());
    EXPECT_EQ(b.sample(), a.sample());
    EXPECT_EQ(b.sponge().sample_idx, a.sponge().sample_idx);

    Transcript c;
    const SpongeState before = c.sponge();
    SpongeState bad = a.sponge();
    bad.state[3] = GS_P;
    EXPECT_THROW(c.set_sponge(bad), std::invalid_argument);
    bad = a.sponge();
    bad.absorb_idx = 8;
    EXPECT_THROW(c.set_sponge(bad), std::invalid_argument);
    bad = a.sponge();
    bad.sample_idx = 9;
    EXPECT_THROW(c.set_sponge(bad), std::invalid_argument);
    EXPECT_EQ(c.state(), Transcript().state());
    EXPECT_EQ(c.sponge().absorb_idx, before.absorb_idx);
}

}  // namespace
