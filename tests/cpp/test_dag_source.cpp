// The constraint DAG as source code (core/dag_source.h), compiled here by the host compiler from
// dag_source_gen's output: every group's function must return what the interpreter (dag_run)
// returns for the group's instructions, at base-field and extension-field points. The same text
// is what a GPU compiles (NVRTC: backends/cuda/compiled_dag.cpp).
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/dag_source.h"
#include "dag_fixture.h"
#include "kernels/dag/dag_code.h"
// After dag_code.h, as a device compiles it.
#include "dag_fixture_sources.h"

using test_support::BasePoint;
using test_support::HostPoint;
using test_support::Fixture;
using test_support::random_ef;
using test_support::random_fp;

namespace {

bool same(const DagSums& a, const DagSums& b) {
    return ef_eq(a.constraint, b.constraint) && ef_eq(a.numerator, b.numerator) && ef_eq(a.denominator, b.denominator);
}

// Group `first + g` by the interpreter against the generated run(g, ...), at random points of
// both value types.
template <class Run>
void expect_groups_match(uint32_t seed, size_t first, Run run) {
    const Fixture f(seed);
    std::mt19937 rng(seed * 31);
    const uint32_t width = f.air.width;
    ASSERT_GT(f.program.groups.size(), first);
    for (int trial = 0; trial < 8; ++trial) {
        std::vector<Fp> local(width), next(width), sel(3), slots(f.program.slots + 1);
        std::vector<Ef> elocal(width), enext(width), esel(3), eslots(f.program.slots + 1);
        for (uint32_t c = 0; c < width; ++c) local[c] = random_fp(rng), next[c] = random_fp(rng);
        for (uint32_t c = 0; c < width; ++c) elocal[c] = random_ef(rng), enext[c] = random_ef(rng);
        for (int s = 0; s < 3; ++s) sel[s] = random_fp(rng), esel[s] = random_ef(rng);
        BasePoint base{local.data(), next.data(), sel.data(), slots.data()};
        HostPoint<Ef> ext{elocal.data(), enext.data(), esel.data(), eslots.data()};
        for (size_t g = first; g < f.program.groups.size(); ++g) {
            const gpustark::DagGroup& group = f.program.groups[g];
            const uint32_t* code = f.program.code.data() + 4 * size_t(group.first);
            const DagSums want = dag_run<Fp>(code, group.count, f.binding.weights.data(), f.binding.constants.data(), base);
            const DagSums got = run(Fp{}, uint32_t(g - first), f, base);
            EXPECT_TRUE(same(got, want)) << "seed " << seed << " group " << g << " (base field)";
            const DagSums ewant = dag_run<Ef>(code, group.count, f.binding.weights.data(), f.binding.constants.data(), ext);
            const DagSums egot = run(Ef{}, uint32_t(g - first), f, ext);
            EXPECT_TRUE(same(egot, ewant)) << "seed " << seed << " group " << g << " (extension field)";
        }
        // Past the part's groups: zero sums.
        const DagSums none = run(Fp{}, uint32_t(f.program.groups.size() - first), f, base);
        EXPECT_TRUE(same(none, DagSums{ef_zero(), ef_zero(), ef_zero()}));
    }
}

// run(value, g, fixture, point) over one generated namespace.
#define GENERATED_RUN(ns)                                                                                  \
    [](auto value, uint32_t g, const Fixture& f, const auto& point) {                                      \
        using V = decltype(value);                                                                         \
        return ns::gs_dag_run_group<V, Ef>(g, f.binding.weights.data(), f.binding.constants.data(), point); \
    }

}  // namespace

TEST(DagSource, GeneratedGroupsMatchTheInterpreter) {
    expect_groups_match(3, 0, GENERATED_RUN(dag_source_3));
    expect_groups_match(4, 0, GENERATED_RUN(dag_source_4));
    expect_groups_match(5, 0, GENERATED_RUN(dag_source_5));
}

TEST(DagSource, APartStartsAtItsFirstGroup) {
    ASSERT_GT(Fixture(5).program.groups.size(), 2u) << "the fixture should make several groups";
    expect_groups_match(5, 1, GENERATED_RUN(dag_source_5_from_1));
}

TEST(DagSource, RejectsGroupsOutsideTheProgram) {
    const Fixture f(3);
    const size_t groups = f.program.groups.size();
    EXPECT_THROW(gpustark::dag_program_source(f.program, groups + 1, 0), std::invalid_argument);
    EXPECT_THROW(gpustark::dag_program_source(f.program, 0, groups + 1), std::invalid_argument);
    EXPECT_NO_THROW(gpustark::dag_program_source(f.program, groups, 0));
}
