// The LogUp-GKR fraction tree (core/fraction_tree.h) on every backend against fractions added
// here by definition, layer by layer, and each layer's sumcheck tables against its nodes; and the
// LogUp input layer's leaves (core/logup_leaves.h) against the AIR's node list evaluated row by row.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "backends/builtin.h"
#include "core/backend.h"
#include "core/dag_program.h"
#include "dag_fixture.h"

namespace {

using test_support::backend_names;
using test_support::random_ef;
using test_support::random_fp;

TEST(FractionTree, EveryBackendAddsTheFractionsLayerByLayer) {
    for (const std::string& name : backend_names())
        for (uint32_t depth : {1u, 2u, 6u}) {
            std::mt19937 rng(depth);
            const size_t leaves = size_t(1) << depth;
            std::vector<std::vector<Ef>> p(depth + 1), q(depth + 1);
            for (size_t i = 0; i < leaves; ++i) p[depth].push_back(random_ef(rng)), q[depth].push_back(random_ef(rng));
            for (size_t j = depth; j > 0; --j)
                for (size_t x = 0; x < p[j].size() / 2; ++x) {
                    // p0/q0 + p1/q1 = (p0 q1 + p1 q0) / (q0 q1)
                    p[j - 1].push_back(ef_add(ef_mul(p[j][2 * x], q[j][2 * x + 1]), ef_mul(p[j][2 * x + 1], q[j][2 * x])));
                    q[j - 1].push_back(ef_mul(q[j][2 * x], q[j][2 * x + 1]));
                }
            auto tree = gpustark::get_backend(name).fraction_tree(p[depth].data(), q[depth].data(), leaves);
            ASSERT_EQ(tree->depth(), depth) << name;
            for (size_t j = 0; j <= depth; ++j)
                for (size_t x = 0; x < p[j].size(); ++x) {
                    std::array<Ef, 2> v = tree->node(j, x);
                    EXPECT_TRUE(ef_eq(v[0], p[j][x]) && ef_eq(v[1], q[j][x])) << name << " layer " << j << " node " << x;
                }
            for (size_t j = 2; j <= depth; ++j) {
                std::vector<Ef> xi(j - 1);
                for (Ef& v : xi) v = random_ef(rng);
                auto tables = tree->layer_tables(j, xi);
                ASSERT_EQ(tables->count(), 5u);
                for (size_t y = 0; y < (size_t(1) << (j - 1)); ++y) {
                    // eq(xi, y) by its definition: xi_k where bit k of y is set, else 1 - xi_k.
                    Ef eq = ef_one();
                    for (size_t k = 0; k < xi.size(); ++k) eq = ef_mul(eq, (y >> k) & 1 ? xi[k] : ef_sub(ef_one(), xi[k]));
                    std::vector<Ef> at = tables->read(y);
                    EXPECT_TRUE(ef_eq(at[0], p[j][2 * y]) && ef_eq(at[1], p[j][2 * y + 1]) && ef_eq(at[2], q[j][2 * y]) &&
                                ef_eq(at[3], q[j][2 * y + 1]) && ef_eq(at[4], eq))
                        << name << " layer " << j << " pair " << y;
                }
            }
            EXPECT_THROW(tree->node(depth + 1, 0), std::logic_error);
            EXPECT_THROW(tree->layer_tables(1, {}), std::logic_error);
            if (depth >= 2) EXPECT_THROW(tree->layer_tables(2, {ef_one(), ef_one()}), std::logic_error);  // 2 coordinates for 1 variable
        }
}

// Two random AIRs' traces, one shorter than 2^l_skip (its slots repeat its rows, counts scaled by
// the inverse of the repeats), one longer, with unused leaves after the slots: every backend's
// input layer is the leaves by definition, count and alpha + h_beta(message, bus) per row.
TEST(FractionTree, LogUpLeavesAreEachRowsInteractions) {
    const uint32_t l_skip = 3;
    const uint32_t log_heights[2] = {1, 4};
    std::mt19937 rng(7);
    const Ef alpha = random_ef(rng), beta = random_ef(rng);
    std::vector<gpustark::AirProgram> airs = {test_support::random_air(3), test_support::random_air(4, 6, 200)};
    std::vector<std::vector<uint32_t>> values(2);
    std::vector<std::vector<Fp>> publics(2);
    gpustark::LogUpLeaves in;
    in.l_skip = l_skip;
    in.alpha = alpha;
    for (size_t t = 0; t < 2; ++t) {
        const size_t height = size_t(1) << log_heights[t];
        for (size_t i = 0; i < height * airs[t].width; ++i) values[t].push_back(uint32_t(rng() % GS_P));
        publics[t] = {random_fp(rng), random_fp(rng)};
        gpustark::LogUpLeafTrace trace;
        trace.values = values[t].data();
        trace.log_height = log_heights[t];
        trace.dag.air = &airs[t];
        trace.dag.program = gpustark::compiled_dag(airs[t]).get();
        trace.dag.constants = gpustark::bind_publics(*trace.dag.program, publics[t]);
        trace.dag.weights = gpustark::logup_leaf_weights(*trace.dag.program, alpha, beta);
        const size_t slot = size_t(1) << std::max(log_heights[t], l_skip);
        for (size_t k = 0; k < airs[t].interactions.size(); ++k) trace.slot_offsets.push_back(in.slot_leaves), in.slot_leaves += slot;
        in.traces.push_back(trace);
    }
    in.leaves = 256;  // 6 slots of 8 and 3 of 16: 96 leaves, the rest unused

    std::vector<Ef> p(in.leaves, ef_zero()), q(in.leaves, alpha);
    for (size_t t = 0; t < 2; ++t) {
        const gpustark::AirProgram& air = airs[t];
        const size_t height = size_t(1) << log_heights[t], repeats = size_t(1) << (std::max(log_heights[t], l_skip) - log_heights[t]);
        const Fp norm = fp_inv(fp_from_canonical(uint32_t(repeats)));
        std::vector<Fp> nodes(air.nodes.size()), local(air.width), next(air.width);
        for (size_t row = 0; row < height; ++row) {
            for (uint32_t c = 0; c < air.width; ++c) {
                local[c] = fp_from_canonical(values[t][row * air.width + c]);
                next[c] = fp_from_canonical(values[t][((row + 1) % height) * air.width + c]);
            }
            const bool last = row + 1 == height;
            gpustark::evaluate_nodes<Fp>(air, {local.data(), next.data(), row == 0 ? fp_one() : fp_zero(), last ? fp_one() : fp_zero(),
                                               last ? fp_zero() : fp_one(), publics[t].data()},
                                         nodes.data());
            for (size_t k = 0; k < air.interactions.size(); ++k) {
                const gpustark::InteractionProgram& it = air.interactions[k];
                Ef beta_power = ef_one(), h = ef_zero();
                for (uint32_t m : it.message) h = ef_add(h, ef_mul_base(beta_power, nodes[m])), beta_power = ef_mul(beta_power, beta);
                h = ef_add(h, ef_mul_base(beta_power, fp_from_canonical(it.bus + 1)));  // beta^L (bus + 1)
                for (size_t i = 0; i < repeats; ++i) {
                    const size_t leaf = in.traces[t].slot_offsets[k] + row + i * height;
                    p[leaf] = ef_from_base(fp_mul(norm, nodes[it.count]));
                    q[leaf] = ef_add(alpha, h);
                }
            }
        }
    }
    for (const std::string& name : backend_names()) {
        auto tree = gpustark::get_backend(name).logup_fraction_tree(in);
        ASSERT_EQ(tree->depth(), 8u) << name;
        const std::array<std::vector<Ef>, 2> leaves = tree->layer(8);
        ASSERT_EQ(leaves[0].size(), in.leaves) << name;
        for (size_t i = 0; i < in.leaves; ++i)
            EXPECT_TRUE(ef_eq(leaves[0][i], p[i]) && ef_eq(leaves[1][i], q[i])) << name << " leaf " << i;
        EXPECT_THROW(tree->layer(9), std::logic_error) << name;
    }
    gpustark::LogUpLeaves short_of_slots = in;
    short_of_slots.slot_leaves = 8;  // the slots run past it
    EXPECT_THROW(gpustark::get_backend("cpu").logup_fraction_tree(short_of_slots), std::invalid_argument);
}

TEST(FractionTree, RejectsALeafCountThatIsNotAPowerOfTwo) {
    std::vector<Ef> v(3, ef_one());
    EXPECT_THROW(gpustark::get_backend("cpu").fraction_tree(v.data(), v.data(), 3), std::invalid_argument);
}

}  // namespace
