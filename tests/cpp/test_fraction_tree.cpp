// The LogUp-GKR fraction tree (core/fraction_tree.h) on every backend against fractions added
// here by definition, layer by layer, and each layer's sumcheck tables against its nodes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "backends/builtin.h"
#include "core/backend.h"

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

TEST(FractionTree, RejectsALeafCountThatIsNotAPowerOfTwo) {
    std::vector<Ef> v(3, ef_one());
    EXPECT_THROW(gpustark::get_backend("cpu").fraction_tree(v.data(), v.data(), 3), std::invalid_argument);
}

}  // namespace
