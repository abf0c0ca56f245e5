// The CPU's DAG lanes (core/simd/dag_run_lanes.h): every compiled copy this CPU can run (baseline,
// AVX2, AVX-512) must give, lane for lane, what the scalar dag_run gives at each point, on random
// AIRs of one and of several constraint groups, for point counts that leave idle lanes, and on
// values at the edges of the field (0, 1, p - 1), where the delayed reductions are fullest.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/simd/dag_run_lanes.h"
#include "dag_fixture.h"
#include "kernels/sumcheck/tables.h"

namespace {

using test_support::BasePoint;
using test_support::Fixture;
using test_support::random_ef;

// A random canonical word, an edge value one time in four.
uint32_t random_word(std::mt19937& rng) {
    static const uint32_t edges[] = {0u, 1u, GS_P - 1u, GS_P - 2u};
    return rng() % 4 == 0 ? edges[rng() % 4] : uint32_t(rng() % GS_P);
}

Ef random_edge_ef(std::mt19937& rng) {
    return ef_make(fp_from_canonical(random_word(rng)), fp_from_canonical(random_word(rng)),
                   fp_from_canonical(random_word(rng)), fp_from_canonical(random_word(rng)));
}

void expect_same(const DagSums& got, const DagSums& want, const std::string& where) {
    EXPECT_TRUE(ef_eq(got.constraint, want.constraint)) << where << ": constraint";
    EXPECT_TRUE(ef_eq(got.numerator, want.numerator)) << where << ": numerator";
    EXPECT_TRUE(ef_eq(got.denominator, want.denominator)) << where << ": denominator";
}

TEST(DagRunLanes, EveryCopyIsListedAndTheChosenOneIsTheWidest) {
    const auto copies = gpustark::dag_run_lanes_copies();
    ASSERT_FALSE(copies.empty());
    EXPECT_STREQ(copies.front().isa, "baseline");
    EXPECT_STREQ(copies.back().isa, gpustark::dag_run_lanes_isa());
}

TEST(DagRunLanes, BaseSumsMatchTheScalarBody) {
    for (const auto& copy : gpustark::dag_run_lanes_copies())
        for (uint32_t seed = 1; seed <= 6; ++seed)
            for (size_t points : {size_t(1), size_t(7), size_t(16), size_t(37)}) {
                Fixture f(seed);
                std::mt19937 rng(seed * 131 + uint32_t(points));
                const uint32_t width = f.air.width;
                const size_t local_stride = width + 4, next_stride = width + 2;  // padded rows
                std::vector<uint32_t> local(points * local_stride), next(points * next_stride);
                for (uint32_t& v : local) v = random_word(rng);
                for (uint32_t& v : next) v = random_word(rng);
                std::vector<DagSums> got(points);
                copy.base_sums(f.binding, {local.data(), local_stride, next.data(), next_stride, points}, got.data());
                std::vector<Fp> slots(f.program.slots + 1);
                for (size_t k = 0; k < points; ++k) {
                    std::vector<Fp> here(width + 3), after(width);
                    for (uint32_t c = 0; c < width + 3; ++c) here[c] = fp_from_canonical(local[k * local_stride + c]);
                    for (uint32_t c = 0; c < width; ++c) after[c] = fp_from_canonical(next[k * next_stride + c]);
                    BasePoint point{here.data(), after.data(), here.data() + width, slots.data()};
                    const DagSums want = dag_run<Fp>(f.program.code.data(), f.program.instructions(), f.binding.weights.data(),
                                                     f.binding.constants.data(), point);
                    expect_same(got[k], want, std::string(copy.isa) + " seed " + std::to_string(seed) + " points " +
                                                  std::to_string(points) + " point " + std::to_string(k));
                }
            }
}

// One point of a round for the scalar body: the tables' values already folded.
struct FoldedPoint {
    const Ef* values;
    Ef* slots;
    uint32_t width;
    Ef local(uint32_t c) const { return values[c]; }
    Ef next(uint32_t c) const { return values[width + c]; }
    Ef selector(uint32_t s) const { return values[2 * width + s]; }
    Ef slot(uint32_t k) const { return slots[k]; }
    void set_slot(uint32_t k, Ef v) { slots[k] = v; }
};

// The round's sums over pairs [first, first + count), one point at a time through dag_run<Ef>.
std::vector<Ef> scalar_round(const Fixture& f, const std::vector<std::vector<Ef>>& t, const Ef combine[3],
                             const std::vector<Ef>& xs, size_t first, size_t count) {
    const bool bound = t[0].size() == 1;
    const size_t points = bound ? 1 : xs.size();
    std::vector<Ef> s(points, ef_zero()), values(t.size()), slots(f.program.slots + 1);
    for (size_t i = first; i < first + (bound ? 1 : count); ++i)
        for (size_t k = 0; k < points; ++k) {
            for (size_t c = 0; c < t.size(); ++c)
                values[c] = bound ? t[c][0] : sumcheck_fold_pair(t[c][2 * i], t[c][2 * i + 1], xs[k]);
            FoldedPoint point{values.data(), slots.data(), f.air.width};
            const DagSums d = dag_run<Ef>(f.program.code.data(), f.program.instructions(), f.binding.weights.data(),
                                          f.binding.constants.data(), point);
            const Ef inner = ef_add(ef_mul(combine[0], d.constraint),
                                    ef_add(ef_mul(combine[1], d.numerator), ef_mul(combine[2], d.denominator)));
            s[k] = ef_add(s[k], ef_mul(values.back(), inner));
        }
    return s;
}

TEST(DagRunLanes, RoundsMatchTheScalarBody) {
    // The prover's points 1..4 (base field: the fold's base-field product), extension points, and
    // fewer points (the lanes of a group then span more pairs).
    std::mt19937 xs_rng(5);
    const std::vector<std::vector<Ef>> point_sets = {
        {ef_from_base(fp_from_canonical(1)), ef_from_base(fp_from_canonical(2)), ef_from_base(fp_from_canonical(3)),
         ef_from_base(fp_from_canonical(4))},
        {random_ef(xs_rng), random_ef(xs_rng), random_ef(xs_rng)},
        {random_ef(xs_rng), ef_from_base(fp_from_canonical(5))},
        {random_ef(xs_rng)},
    };
    for (const auto& copy : gpustark::dag_run_lanes_copies())
        for (uint32_t seed = 1; seed <= 4; ++seed)
            for (size_t length : {size_t(1), size_t(2), size_t(14), size_t(40)})
                for (const std::vector<Ef>& xs : point_sets) {
                    Fixture f(seed);
                    std::mt19937 rng(seed * 17 + uint32_t(length));
                    const size_t count = 2 * size_t(f.air.width) + 4, pairs = length == 1 ? 1 : length / 2;
                    std::vector<std::vector<Ef>> t(count, std::vector<Ef>(length));
                    std::vector<const Ef*> columns;
                    for (auto& table : t) {
                        for (Ef& v : table) v = random_edge_ef(rng);
                        columns.push_back(table.data());
                    }
                    const Ef combine[3] = {random_ef(rng), random_ef(rng), random_ef(rng)};
                    // All pairs, and a piece that starts past the first pair.
                    for (size_t first : {size_t(0), size_t(1)}) {
                        if (first >= pairs) continue;
                        const size_t n = pairs - first;
                        std::vector<Ef> got(length == 1 ? 1 : xs.size(), ef_zero());
                        copy.round(f.binding, {columns.data(), length}, combine, length == 1 ? std::vector<Ef>{} : xs,
                                   first, n, got.data());
                        const std::vector<Ef> want = scalar_round(f, t, combine, xs, first, n);
                        ASSERT_EQ(got.size(), want.size());
                        for (size_t k = 0; k < want.size(); ++k)
                            EXPECT_TRUE(ef_eq(got[k], want[k]))
                                << copy.isa << " seed " << seed << " length " << length << " xs " << xs.size()
                                << " first " << first << " point " << k;
                    }
                }
}

}  // namespace
