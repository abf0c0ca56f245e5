// The constraint DAG compiled for devices (core/dag_program.h): on random AIR programs, the
// compiled slot program, run on the host (kernels/dag/dag_code.h) and by every backend
// (Backend::dag_base_sums, EfTables::dag_round), must give the sums computed here from the node
// list itself (AirProgram's evaluate_nodes) and the definitions of the three sums.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <type_traits>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "backends/builtin.h"
#include "core/backend.h"
#include "core/dag_program.h"
#include "core/parallel.h"
#include "core/round0_sums.h"
#include "core/trace_tables.h"
#include "core/air_program.h"
#include "dag_fixture.h"

namespace {

using test_support::backend_names;
using test_support::random_ef;
using test_support::random_fp;

using gpustark::AirProgram;
using gpustark::DagBinding;
using gpustark::DagProgram;
using test_support::BasePoint;
using test_support::Fixture;

// The sums from the node values, by definition.
template <class V>
DagSums reference_sums(const AirProgram& air, const std::vector<V>& nodes, const std::vector<Ef>& lambda,
                       const std::vector<Ef>& e, const std::vector<Ef>& beta) {
    auto scale = [](Ef w, V v) {
        if constexpr (std::is_same_v<V, Fp>) return ef_mul_base(w, v);
        else return ef_mul(w, v);
    };
    DagSums s{ef_zero(), ef_zero(), ef_zero()};
    for (size_t i = 0; i < air.constraints.size(); ++i) s.constraint = ef_add(s.constraint, scale(lambda[i], nodes[air.constraints[i]]));
    for (size_t k = 0; k < air.interactions.size(); ++k) {
        const auto& it = air.interactions[k];
        Ef h = ef_mul_base(beta[it.message.size()], fp_from_canonical(it.bus + 1));
        for (size_t j = 0; j < it.message.size(); ++j) h = ef_add(h, scale(beta[j], nodes[it.message[j]]));
        s.numerator = ef_add(s.numerator, scale(e[k], nodes[it.count]));
        s.denominator = ef_add(s.denominator, ef_mul(e[k], h));
    }
    return s;
}

void expect_equal(const DagSums& a, const DagSums& b, const std::string& where) {
    EXPECT_TRUE(ef_eq(a.constraint, b.constraint)) << where << ": constraint";
    EXPECT_TRUE(ef_eq(a.numerator, b.numerator)) << where << ": numerator";
    EXPECT_TRUE(ef_eq(a.denominator, b.denominator)) << where << ": denominator";
}

uint32_t longest_group(const DagProgram& p) {
    uint32_t longest = 0;
    for (const gpustark::DagGroup& g : p.groups) longest = std::max(longest, g.count);
    return longest;
}

TEST(DagProgram, GroupsSplitTheConstraintsAndTileTheCode) {
    for (gpustark::DagGrouping grouping : {gpustark::DagGrouping::Long, gpustark::DagGrouping::Short}) {
        bool several = false;
        for (uint32_t seed = 1; seed <= 20; ++seed) {
            Fixture f(seed);
            const DagProgram program = gpustark::compile_dag(f.air, grouping);
            const std::string where = "seed " + std::to_string(seed) + (grouping == gpustark::DagGrouping::Short ? " short" : " long");
            EXPECT_LT(program.slots, f.air.nodes.size()) << where;
            EXPECT_EQ(program.weight_count(), f.binding.weights.size()) << where;
            const uint64_t target = gpustark::dag_group_target(f.air, grouping);
            ASSERT_GE(program.groups.size(), 2u) << where;  // constraints, then the interactions
            uint32_t next = 0, constraints = 0;
            for (size_t k = 0; k < program.groups.size(); ++k) {
                const gpustark::DagGroup& g = program.groups[k];
                EXPECT_EQ(g.first, next);
                EXPECT_LE(g.slots, program.slots);
                next += g.count;
                uint32_t own = 0;  // this group's constraints
                for (uint32_t pc = g.first; pc < g.first + g.count; ++pc) own += program.code[4 * pc] == GS_DAG_OP_CONSTRAINT;
                constraints += own;
                // A group of several constraints stays within the target; one constraint may exceed it.
                if (k + 1 < program.groups.size() && own > 1) EXPECT_LE(g.count, target) << where;
            }
            EXPECT_EQ(next, program.instructions());
            EXPECT_EQ(constraints, f.air.constraints.size());  // each constraint in exactly one group
            several |= program.groups.size() > 2;
        }
        EXPECT_TRUE(several);
    }
}

// The short grouping (the GPU's sumcheck rounds) splits the same program finer: more groups, the
// longest one shorter, the same constants and weights, and the same sums (HostRunMatchesTheNodeList
// runs both).
TEST(DagProgram, ShortGroupsSplitTheSameProgramFiner) {
    bool shorter = false;
    for (uint32_t seed = 1; seed <= 20; ++seed) {
        Fixture f(seed);
        const DagProgram fine = gpustark::compile_dag(f.air, gpustark::DagGrouping::Short);
        EXPECT_GE(fine.groups.size(), f.program.groups.size()) << "seed " << seed;
        EXPECT_LE(longest_group(fine), longest_group(f.program)) << "seed " << seed;
        EXPECT_EQ(fine.constants.size(), f.program.constants.size());
        EXPECT_EQ(fine.weight_count(), f.program.weight_count());
        EXPECT_EQ(fine.num_constraints, f.program.num_constraints);
        shorter |= longest_group(fine) < longest_group(f.program);
    }
    EXPECT_TRUE(shorter);
    // compiled_dag keeps one program per grouping.
    Fixture f(2);
    EXPECT_EQ(gpustark::compiled_dag(f.air, gpustark::DagGrouping::Short),
              gpustark::compiled_dag(f.air, gpustark::DagGrouping::Short));
    EXPECT_NE(gpustark::compiled_dag(f.air, gpustark::DagGrouping::Short), gpustark::compiled_dag(f.air));
}

// Balanced product trees over the columns, their nodes listed level by level (as a builder that
// combines a whole layer at a time lists them): evaluated in that order, a tree of depth d keeps
// its 2^(d-1) first-level products waiting in slots; evaluated depth first, the needier operand
// first, it needs d. Each tree is one constraint; the program computes every node exactly once.
TEST(DagProgram, DeepTreesNeedSlotsByTheirDepth) {
    const uint32_t depth = 6, width = 1u << depth, trees = 3;
    AirProgram air;
    air.name = "trees";
    air.width = width;
    for (uint32_t c = 0; c < width; ++c) air.nodes.push_back({gpustark::kNodeMain, 0, c, 0});
    uint32_t ops = 0;
    for (uint32_t t = 0; t < trees; ++t) {
        std::vector<uint32_t> level(width);
        for (uint32_t c = 0; c < width; ++c) level[c] = (c + t) % width;  // each tree its own leaf order
        while (level.size() > 1) {
            std::vector<uint32_t> up;
            for (size_t i = 0; i < level.size(); i += 2) {
                up.push_back(uint32_t(air.nodes.size()));
                air.nodes.push_back({gpustark::kNodeMul, level[i], level[i + 1], 0});
                ++ops;
            }
            level = up;
        }
        air.constraints.push_back(level[0]);
    }
    air.validate();
    const DagProgram program = gpustark::compile_dag(air);
    EXPECT_EQ(program.slots, depth);
    EXPECT_EQ(program.instructions(), ops + trees);
    // And the program still computes the trees: every product of all columns at 1, 2, ..., width.
    std::vector<Fp> local(width), next(width, fp_zero()), sel(3, fp_zero()), slots(program.slots);
    Fp product = fp_one();
    for (uint32_t c = 0; c < width; ++c) local[c] = fp_from_canonical(c + 1), product = fp_mul(product, local[c]);
    const std::vector<Ef> lambda(trees, ef_one());
    DagBinding binding{&program, &air, gpustark::bind_publics(program, {}), gpustark::dag_weights(program, lambda, {}, {ef_one()})};
    BasePoint point{local.data(), next.data(), sel.data(), slots.data()};
    const DagSums got = dag_run<Fp>(program.code.data(), program.instructions(), binding.weights.data(),
                                    binding.constants.data(), point);
    EXPECT_TRUE(ef_eq(got.constraint, ef_from_base(fp_mul(fp_from_canonical(trees), product))));
}

TEST(DagProgram, HostRunMatchesTheNodeList) {
    for (uint32_t seed = 1; seed <= 50; ++seed) {
        Fixture f(seed);
        std::mt19937 rng(seed);
        std::vector<Fp> local(f.air.width), next(f.air.width), sel = {random_fp(rng), random_fp(rng), random_fp(rng)};
        for (uint32_t c = 0; c < f.air.width; ++c) local[c] = random_fp(rng), next[c] = random_fp(rng);
        std::vector<Fp> nodes(f.air.nodes.size());
        gpustark::RowPoint<Fp> row{local.data(), next.data(), sel[0], sel[1], sel[2], f.publics.data()};
        gpustark::evaluate_nodes<Fp>(f.air, row, nodes.data());
        const DagProgram fine = gpustark::compile_dag(f.air, gpustark::DagGrouping::Short);
        for (const DagProgram* p : {static_cast<const DagProgram*>(&f.program), &fine}) {
            std::vector<Fp> slots(p->slots + 1);
            BasePoint point{local.data(), next.data(), sel.data(), slots.data()};
            DagSums got = dag_run<Fp>(p->code.data(), p->instructions(), f.binding.weights.data(),
                                      f.binding.constants.data(), point);
            expect_equal(got, reference_sums(f.air, nodes, f.lambda, f.e, f.beta),
                         "seed " + std::to_string(seed) + (p == &fine ? " short groups" : ""));
        }
    }
}

TEST(DagProgram, BaseSumsOnEveryBackend) {
    const size_t points = 37;  // not a multiple of any lane count
    for (const std::string& name : backend_names())
        for (uint32_t seed = 1; seed <= 4; ++seed) {
            Fixture f(seed);
            std::mt19937 rng(seed * 7);
            const size_t local_stride = f.air.width + 5, next_stride = f.air.width + 1;  // padded rows
            std::vector<uint32_t> local(points * local_stride), next(points * next_stride);
            for (uint32_t& v : local) v = rng() % GS_P;
            for (uint32_t& v : next) v = rng() % GS_P;
            std::vector<DagSums> out(points);
            gpustark::get_backend(name).dag_base_sums(f.binding, {local.data(), local_stride, next.data(), next_stride, points},
                                                      out.data());
            for (size_t k = 0; k < points; ++k) {
                std::vector<Fp> here(f.air.width), after(f.air.width), nodes(f.air.nodes.size());
                for (uint32_t c = 0; c < f.air.width; ++c)
                    here[c] = fp_from_canonical(local[k * local_stride + c]), after[c] = fp_from_canonical(next[k * next_stride + c]);
                const uint32_t* s = &local[k * local_stride + f.air.width];
                gpustark::RowPoint<Fp> row{here.data(), after.data(), fp_from_canonical(s[0]), fp_from_canonical(s[1]),
                                           fp_from_canonical(s[2]), f.publics.data()};
                gpustark::evaluate_nodes<Fp>(f.air, row, nodes.data());
                expect_equal(out[k], reference_sums(f.air, nodes, f.lambda, f.e, f.beta),
                             name + " seed " + std::to_string(seed) + " point " + std::to_string(k));
            }
        }
}

// dag_round's value at x, from the node list at every pair's interpolated columns.
std::vector<Ef> reference_round(const Fixture& f, const std::vector<std::vector<Ef>>& t, const Ef combine[3],
                                const std::vector<Ef>& xs) {
    const uint32_t w = f.air.width;
    const size_t length = t[0].size();
    std::vector<Ef> out;
    for (Ef x : xs) {
        Ef total = ef_zero();
        for (size_t i = 0; i < (length == 1 ? 1 : length / 2); ++i) {
            auto at = [&](size_t c) {
                return length == 1 ? t[c][0] : ef_add(ef_mul(ef_sub(ef_one(), x), t[c][2 * i]), ef_mul(x, t[c][2 * i + 1]));
            };
            std::vector<Ef> local(w), next(w), nodes(f.air.nodes.size());
            for (uint32_t c = 0; c < w; ++c) local[c] = at(c), next[c] = at(w + c);
            gpustark::RowPoint<Ef> row{local.data(), next.data(), at(2 * w), at(2 * w + 1), at(2 * w + 2), f.publics.data()};
            gpustark::evaluate_nodes<Ef>(f.air, row, nodes.data());
            DagSums s = reference_sums(f.air, nodes, f.lambda, f.e, f.beta);
            Ef inner = ef_add(ef_mul(combine[0], s.constraint), ef_add(ef_mul(combine[1], s.numerator), ef_mul(combine[2], s.denominator)));
            total = ef_add(total, ef_mul(at(2 * w + 3), inner));
        }
        out.push_back(total);
        if (length == 1) break;
    }
    return out;
}

TEST(DagProgram, RoundsOnEveryBackend) {
    for (const std::string& name : backend_names())
        for (size_t length : {size_t(1), size_t(2), size_t(16)})
            for (size_t max_pairs : {size_t(0), size_t(3)}) {
                Fixture f(uint32_t(length + max_pairs));
                std::mt19937 rng(uint32_t(length * 31 + max_pairs));
                const size_t count = 2 * size_t(f.air.width) + 4;
                std::vector<std::vector<Ef>> t(count, std::vector<Ef>(length));
                std::vector<Ef> flat;
                for (auto& table : t)
                    for (Ef& v : table) v = random_ef(rng), flat.push_back(v);
                const Ef combine[3] = {random_ef(rng), random_ef(rng), random_ef(rng)};
                const std::vector<Ef> xs = {ef_from_base(fp_from_canonical(1)), ef_from_base(fp_from_canonical(2)),
                                            ef_from_base(fp_from_canonical(3)), ef_from_base(fp_from_canonical(4))};
                auto tables = gpustark::get_backend(name).ef_tables(flat.data(), count, length);
                std::vector<Ef> got = tables->dag_round(f.binding, combine, xs, max_pairs);
                std::vector<Ef> want = reference_round(f, t, combine, xs);
                ASSERT_EQ(got.size(), want.size()) << name;
                for (size_t k = 0; k < want.size(); ++k)
                    EXPECT_TRUE(ef_eq(got[k], want[k])) << name << " length " << length << " max_pairs " << max_pairs
                                                        << " x index " << k;
            }
}

// Round 0's fused path on every backend against the host composition of the CPU primitives in
// blocks of a few chunks: traces taller than N (several blocks) and shorter (rows wrap), with and
// without interactions, two cosets.
TEST(Round0Sums, EveryBackendMatchesTheHostComposition) {
    for (const std::string& name : backend_names())
        for (uint32_t log_height : {1u, 6u})
            for (bool interactions : {false, true}) {
                Fixture f(log_height + (interactions ? 100 : 0));
                std::mt19937 rng(log_height * 13 + interactions);
                const uint32_t l_skip = 3;
                std::vector<uint32_t> trace((size_t(1) << log_height) * f.air.width);
                for (uint32_t& v : trace) v = rng() % GS_P;
                std::vector<Ef> eq(log_height > l_skip ? size_t(1) << (log_height - l_skip) : 1);
                for (Ef& v : eq) v = random_ef(rng);
                gpustark::Round0Trace t;
                t.dag = &f.binding;
                t.values = trace.data();
                t.log_height = log_height;
                t.l_skip = l_skip;
                t.coset_shifts = {31, 961};
                t.eq_cube = eq.data();
                t.logup_on_d = interactions;
                gpustark::Backend& cpu = gpustark::get_backend("cpu");
                // Blocks of two chunks (N = 8 points each, width + 3 values per point).
                gpustark::Round0Sums want = gpustark::host_round0_sums(cpu, t, 2 * 8 * (f.air.width + 3));
                gpustark::Round0Sums got = gpustark::get_backend(name).round0_sums(t);
                const std::string where = name + " log_height " + std::to_string(log_height);
                ASSERT_EQ(got.on_cosets.size(), 2u * 8u) << where;
                ASSERT_EQ(got.on_d.size(), interactions ? 8u : 0u) << where;
                for (size_t i = 0; i < want.on_cosets.size(); ++i)
                    expect_equal(got.on_cosets[i], want.on_cosets[i], where + " coset sums " + std::to_string(i));
                for (size_t a = 0; a < want.on_d.size(); ++a) {
                    expect_equal(got.on_d[a], want.on_d[a], where + " sums on D " + std::to_string(a));
                    EXPECT_TRUE(ef_eq(got.on_d[a].constraint, ef_zero())) << where << " no zerocheck on D " << a;
                }
            }
}

// The host's blocks: a size given is honoured; by default 2^20 values or 128 points per thread,
// whichever holds more, and never more than 2^25 values.
TEST(Round0Sums, HostBlocksFitTheThreads) {
    EXPECT_EQ(gpustark::host_round0_block_chunks(16, 100, 3200), 2u);
    EXPECT_EQ(gpustark::host_round0_block_chunks(16, 100, 10), 1u);
    const size_t threads = gpustark::num_threads();
    for (size_t cols : {4u, 2636u, 100000u}) {
        const size_t chunks = gpustark::host_round0_block_chunks(16, cols, 0), values = chunks * 16 * cols;
        EXPECT_GE(chunks, 1u);
        EXPECT_LE(values, std::max<size_t>(16 * cols, size_t(1) << 25)) << cols;
        if (16 * cols * ((threads * 128 + 15) / 16) <= (size_t(1) << 25))
            EXPECT_GE(chunks * 16, threads * 128) << cols;
        EXPECT_GE(values + 16 * cols, std::min<size_t>(size_t(1) << 20, size_t(1) << 25)) << cols;
    }
}

// The tables at r_0 on every backend against the host's, for traces taller and shorter than N.
TEST(TraceTables, EveryBackendMatchesTheHost) {
    for (const std::string& name : backend_names())
        for (uint32_t log_height : {1u, 2u, 7u}) {
            std::mt19937 rng(log_height);
            const uint32_t width = 5, l_skip = 2;
            std::vector<uint32_t> trace((size_t(1) << log_height) * width);
            for (uint32_t& v : trace) v = rng() % GS_P;
            gpustark::TraceTablesInput in{trace.data(), log_height, width, l_skip, {}, {}};
            for (int a = 0; a < 4; ++a) in.lagrange.push_back(random_ef(rng));
            in.eq.resize(log_height > l_skip ? size_t(1) << (log_height - l_skip) : 1);
            for (Ef& v : in.eq) v = random_ef(rng);
            auto want = gpustark::host_trace_tables(gpustark::get_backend("cpu"), in);
            auto got = gpustark::get_backend(name).trace_tables(in);
            ASSERT_EQ(got->count(), 2u * width + 4) << name;
            ASSERT_EQ(got->length(), in.eq.size()) << name;
            for (size_t c = 0; c < got->count(); ++c) {
                std::vector<Ef> g = got->table(c), w = want->table(c);
                for (size_t x = 0; x < w.size(); ++x)
                    EXPECT_TRUE(ef_eq(g[x], w[x])) << name << " log_height " << log_height << " table " << c << " x " << x;
            }
        }
}

}  // namespace
