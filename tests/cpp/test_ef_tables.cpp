// Sumcheck tables (core/ef_tables.h) on every backend this build can run (cpu; cuda where a GPU is
// found) and through the dual backend (dual:cpu,X), against a naive model written here from the
// definitions: plain loops over Ef that evaluate each table's multilinear extension at X directly,
// (1 - X) t[2i] + X t[2i+1], and eq from its product formula. Field arithmetic is exact and every
// value is kept reduced, so the model and the backends must agree word for word.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "backends/builtin.h"
#include "core/backend.h"
#include "core/device/stager.h"
#include "core/ef_tables.h"
#ifdef GPUSTARK_WITH_CUDA
#include "backends/cuda/cuda_backend.h"
#endif
#ifdef GPUSTARK_TEST_METAL_COUNTERS
#include "backends/metal/metal_backend.h"
#endif

namespace {

using test_support::backend_names;
using test_support::random_ef;
using test_support::random_fp;

using gpustark::EfTables;
using Table = std::vector<Ef>;
using Tables = std::vector<Table>;

Tables random_tables(size_t count, size_t length, uint32_t seed) {
    std::mt19937 rng(seed);
    Tables t(count, Table(length));
    for (Table& table : t)
        for (Ef& v : table) v = random_ef(rng);
    return t;
}

Ef constant(uint32_t k) { return ef_from_base(fp_from_canonical(k)); }

std::unique_ptr<EfTables> upload(const std::string& backend, const Tables& tables) {
    size_t count = tables.size(), length = count ? tables[0].size() : 0;
    std::vector<Ef> values;
    for (const Table& t : tables) values.insert(values.end(), t.begin(), t.end());
    return gpustark::get_backend(backend).ef_tables(values.data(), count, length);
}

// ---- the model ----

// Table t's multilinear extension at (X, bits of pair i).
Ef at(const Table& t, size_t i, Ef x) {
    return ef_add(ef_mul(ef_sub(ef_one(), x), t[2 * i]), ef_mul(x, t[2 * i + 1]));
}

void model_fold(Tables& tables, Ef r) {
    for (Table& t : tables) {
        Table next(t.size() / 2);
        for (size_t i = 0; i < next.size(); ++i) next[i] = at(t, i, r);
        t = next;
    }
}

std::array<Ef, 2> model_pair_product(const Tables& tables) {
    std::array<Ef, 2> s = {ef_zero(), ef_zero()};
    for (size_t j = 0; j < tables.size() / 2; ++j)
        for (size_t i = 0; i < tables[2 * j].size() / 2; ++i)
            for (uint32_t x = 1; x <= 2; ++x)
                s[x - 1] = ef_add(s[x - 1], ef_mul(at(tables[2 * j], i, constant(x)), at(tables[2 * j + 1], i, constant(x))));
    return s;
}

std::array<Ef, 3> model_fraction(const Tables& t, Ef lambda) {
    std::array<Ef, 3> s = {ef_zero(), ef_zero(), ef_zero()};
    for (size_t i = 0; i < t[0].size() / 2; ++i)
        for (uint32_t x = 1; x <= 3; ++x) {
            Ef p0 = at(t[0], i, constant(x)), p1 = at(t[1], i, constant(x));
            Ef q0 = at(t[2], i, constant(x)), q1 = at(t[3], i, constant(x)), eq = at(t[4], i, constant(x));
            Ef f = ef_add(ef_add(ef_mul(p0, q1), ef_mul(p1, q0)), ef_mul(lambda, ef_mul(q0, q1)));
            s[x - 1] = ef_add(s[x - 1], ef_mul(eq, f));
        }
    return s;
}

// t[i] += weight * prod_k (bit k of i ? z^(2^k) : 1 - z^(2^k)), each power from ef_pow.
void model_add_eq_powers(Table& t, Ef z, Ef weight) {
    size_t vars = 0;
    while ((size_t(1) << vars) < t.size()) ++vars;
    std::vector<Ef> powers(vars);
    for (size_t k = 0; k < vars; ++k) powers[k] = ef_pow(z, uint64_t(1) << k);
    for (size_t i = 0; i < t.size(); ++i) {
        Ef eq = ef_one();
        for (size_t k = 0; k < vars; ++k) eq = ef_mul(eq, ((i >> k) & 1) ? powers[k] : ef_sub(ef_one(), powers[k]));
        t[i] = ef_add(t[i], ef_mul(weight, eq));
    }
}

// ---- comparisons ----

bool same(Ef a, Ef b) { return a.c0.m == b.c0.m && a.c1.m == b.c1.m && a.c2.m == b.c2.m && a.c3.m == b.c3.m; }

template <typename A, typename B>
::testing::AssertionResult same_values(const A& got, const B& want) {
    if (got.size() != want.size())
        return ::testing::AssertionFailure() << got.size() << " values, expected " << want.size();
    for (size_t i = 0; i < got.size(); ++i)
        if (!same(got[i], want[i]))
            return ::testing::AssertionFailure() << "value " << i << " differs: limb 0 = " << fp_to_canonical(got[i].c0)
                                                 << ", expected " << fp_to_canonical(want[i].c0);
    return ::testing::AssertionSuccess();
}

// Shape, every table in full, and read() at the first, a middle and the last index.
void expect_tables(EfTables& tables, const Tables& model) {
    ASSERT_EQ(tables.count(), model.size());
    if (model.empty()) return;
    ASSERT_EQ(tables.length(), model[0].size());
    for (size_t c = 0; c < model.size(); ++c) EXPECT_TRUE(same_values(tables.table(c), model[c])) << "table " << c;
    for (size_t index : {size_t(0), model[0].size() / 2, model[0].size() - 1}) {
        Table column;
        for (const Table& t : model) column.push_back(t[index]);
        EXPECT_TRUE(same_values(tables.read(index), column)) << "read(" << index << ")";
    }
}

// ---- tests ----

TEST(EfTables, UploadFoldReadTableDownToLengthOne) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables model = random_tables(3, 16, 1);
        std::unique_ptr<EfTables> tables = upload(backend, model);
        expect_tables(*tables, model);
        std::mt19937 rng(2);
        while (model[0].size() > 1) {
            Ef r = random_ef(rng);
            tables->fold(r);
            model_fold(model, r);
            expect_tables(*tables, model);
        }
        EXPECT_THROW(tables->fold(constant(5)), std::logic_error);
        expect_tables(*tables, model);  // unchanged by the refused fold
    }
}

TEST(EfTables, PairProductRoundsAtEveryLength) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables model = random_tables(4, 32, 3);
        std::unique_ptr<EfTables> tables = upload(backend, model);
        std::mt19937 rng(4);
        while (model[0].size() > 1) {
            SCOPED_TRACE("length " + std::to_string(model[0].size()));
            EXPECT_TRUE(same_values(tables->pair_product_round(), model_pair_product(model)));
            Ef r = random_ef(rng);
            tables->fold(r);
            model_fold(model, r);
        }
        expect_tables(*tables, model);
        EXPECT_THROW(tables->pair_product_round(), std::logic_error);  // length 1
    }
}

TEST(EfTables, PairProductSmallestCase) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables model = random_tables(2, 2, 5);
        std::unique_ptr<EfTables> tables = upload(backend, model);
        EXPECT_TRUE(same_values(tables->pair_product_round(), model_pair_product(model)));
        Ef r = constant(7);
        tables->fold(r);
        model_fold(model, r);
        expect_tables(*tables, model);
    }
}

TEST(EfTables, FractionRoundsLikeAGkrLayer) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables model = random_tables(5, 64, 6);
        std::unique_ptr<EfTables> tables = upload(backend, model);
        std::mt19937 rng(7);
        Ef lambda = random_ef(rng);
        while (model[0].size() > 1) {
            SCOPED_TRACE("length " + std::to_string(model[0].size()));
            EXPECT_TRUE(same_values(tables->fraction_round(lambda), model_fraction(model, lambda)));
            Ef r = random_ef(rng);
            tables->fold(r);
            model_fold(model, r);
        }
        expect_tables(*tables, model);
        EXPECT_THROW(tables->fraction_round(lambda), std::logic_error);  // length 1
    }
}

TEST(EfTables, AddEqPowersAtEveryLength) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables model = random_tables(3, 32, 8);
        std::unique_ptr<EfTables> tables = upload(backend, model);
        std::mt19937 rng(9);
        for (;;) {
            SCOPED_TRACE("length " + std::to_string(model[0].size()));
            // Several points at once (WHIR's round), then one alone.
            const size_t count = model[0].size() % 5 + 1;
            std::vector<Ef> points, weights;
            for (size_t q = 0; q < count; ++q) points.push_back(random_ef(rng)), weights.push_back(random_ef(rng));
            size_t c = model[0].size() % 3;  // a different table as the length changes
            tables->add_eq_powers(c, points, weights);
            for (size_t q = 0; q < count; ++q) model_add_eq_powers(model[c], points[q], weights[q]);
            expect_tables(*tables, model);
            tables->add_eq_powers((c + 1) % 3, {points[0]}, {weights[0]});
            model_add_eq_powers(model[(c + 1) % 3], points[0], weights[0]);
            tables->add_eq_powers(c, {}, {});  // nothing
            expect_tables(*tables, model);  // the other tables unchanged
            if (model[0].size() == 1) break;
            Ef r = random_ef(rng);
            tables->fold(r);
            model_fold(model, r);
        }
    }
}

TEST(EfTables, RefusesBadPreconditionsAndStaysUsable) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        Tables odd = random_tables(3, 8, 10);
        std::unique_ptr<EfTables> tables = upload(backend, odd);
        EXPECT_THROW(tables->pair_product_round(), std::logic_error);       // odd count
        EXPECT_THROW(tables->fraction_round(constant(1)), std::logic_error);  // not five tables
        EXPECT_THROW(tables->read(8), std::logic_error);
        EXPECT_THROW(tables->table(3), std::logic_error);
        EXPECT_THROW(tables->add_eq_powers(3, {constant(2)}, {constant(3)}), std::logic_error);
        EXPECT_THROW(tables->add_eq_powers(0, {constant(2)}, {}), std::logic_error);  // a point without weight
        expect_tables(*tables, odd);

        Tables four = random_tables(4, 8, 11);
        tables = upload(backend, four);
        EXPECT_THROW(tables->fraction_round(constant(1)), std::logic_error);
        EXPECT_TRUE(same_values(tables->pair_product_round(), model_pair_product(four)));
    }
}

TEST(EfTables, NoTables) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        std::unique_ptr<EfTables> tables = gpustark::get_backend(backend).ef_tables(nullptr, 0, 4);
        EXPECT_TRUE(same_values(tables->pair_product_round(), std::array<Ef, 2>{ef_zero(), ef_zero()}));
        tables->fold(constant(3));
        EXPECT_EQ(tables->length(), 2u);
        EXPECT_TRUE(tables->read(1).empty());
        EXPECT_THROW(tables->table(0), std::logic_error);
    }
}

// Large enough that a device reduction spans more blocks than one wave of resident threads, so
// threads loop over several lanes and the host adds many blocks' sums.
TEST(EfTables, LargeRounds) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        std::mt19937 rng(12);
        Tables pairs = random_tables(6, size_t(1) << 18, 13);
        std::unique_ptr<EfTables> tables = upload(backend, pairs);
        EXPECT_TRUE(same_values(tables->pair_product_round(), model_pair_product(pairs)));
        Ef r = random_ef(rng);
        tables->fold(r);
        model_fold(pairs, r);
        EXPECT_TRUE(same_values(tables->pair_product_round(), model_pair_product(pairs)));
        for (size_t c : {size_t(0), size_t(5)}) EXPECT_TRUE(same_values(tables->table(c), pairs[c]));

        Tables layer = random_tables(5, size_t(1) << 18, 14);
        tables = upload(backend, layer);
        Ef z = random_ef(rng), weight = random_ef(rng), lambda = random_ef(rng);
        tables->add_eq_powers(4, {z}, {weight});
        model_add_eq_powers(layer[4], z, weight);
        EXPECT_TRUE(same_values(tables->fraction_round(lambda), model_fraction(layer, lambda)));
        EXPECT_TRUE(same_values(tables->table(4), layer[4]));
    }
}

// ---- WHIR's steps (write_table, copy_table, subset_transform, set_product_table, power_sum,
//      commit_table), against models from their definitions ----

// t[i] = sum over the subsets j of i's bits of t[j] (zeta), or sum (-1)^|i - j| t[j] (Moebius).
Table model_subset_transform(const Table& t, bool inverse) {
    Table out(t.size(), ef_zero());
    for (size_t i = 0; i < t.size(); ++i)
        for (size_t j = 0; j < t.size(); ++j) {
            if ((j & i) != j) continue;
            const bool odd = __builtin_popcountll(i ^ j) % 2 == 1;
            out[i] = inverse && odd ? ef_sub(out[i], t[j]) : ef_add(out[i], t[j]);
        }
    return out;
}

Table model_product_table(const std::vector<std::array<Ef, 2>>& factors) {
    Table out(size_t(1) << factors.size());
    for (size_t i = 0; i < out.size(); ++i) {
        out[i] = ef_one();
        for (size_t k = 0; k < factors.size(); ++k) out[i] = ef_mul(out[i], factors[k][(i >> k) & 1]);
    }
    return out;
}

Ef model_power_sum(const Table& t, Ef z) {  // Horner
    Ef acc = ef_zero();
    for (size_t i = t.size(); i-- > 0;) acc = ef_add(ef_mul(acc, z), t[i]);
    return acc;
}

// One WHIR round's steps on 2^vars values: zero tables, f written and zeta-transformed, w a
// product table, g a Moebius-transformed copy of f, its codeword committed and read at z.
void expect_whir_steps(const std::string& backend, uint32_t vars, uint32_t seed) {
    SCOPED_TRACE(backend + ", 2^" + std::to_string(vars) + " values");
    const size_t n = size_t(1) << vars;
    std::mt19937 rng(seed);
    Tables model = random_tables(2, n, seed + 1);
    std::unique_ptr<EfTables> tables = gpustark::get_backend(backend).ef_tables(nullptr, 2, n);
    EXPECT_TRUE(same_values(tables->table(1), Table(n, ef_zero())));
    tables->write_table(0, model[0].data());
    EXPECT_TRUE(same_values(tables->table(0), model[0]));
    EXPECT_TRUE(same_values(tables->table(1), Table(n, ef_zero())));

    tables->subset_transform(0, false);
    const Table evals = model_subset_transform(model[0], false);
    EXPECT_TRUE(same_values(tables->table(0), evals));
    std::vector<std::array<Ef, 2>> factors(vars);
    for (auto& f : factors) f = {random_ef(rng), random_ef(rng)};
    tables->set_product_table(1, factors);
    EXPECT_TRUE(same_values(tables->table(1), model_product_table(factors)));

    std::unique_ptr<EfTables> g = tables->copy_table(0);
    ASSERT_EQ(g->count(), 1u);
    ASSERT_EQ(g->length(), n);
    g->subset_transform(0, true);
    EXPECT_TRUE(same_values(g->table(0), model[0]));  // back to the coefficients
    EXPECT_TRUE(same_values(tables->table(0), evals));  // the original unchanged
    const Ef z = random_ef(rng);
    EXPECT_TRUE(same_values(std::vector<Ef>{g->power_sum(0, z)}, std::vector<Ef>{model_power_sum(model[0], z)}));

    // The codeword as encode_and_commit makes it from the rows' canonical limbs (on the CPU).
    const uint32_t log_rows = vars + 1, log_group = std::min<uint32_t>(1, log_rows);
    std::vector<uint32_t> message(4 * n);
    for (size_t i = 0; i < n; ++i) ef_store(message.data() + 4 * i, model[0][i]);
    gpustark::MerkleTree want = gpustark::get_backend("cpu").encode_and_commit(message.data(), n, 4, log_rows, log_group);
    gpustark::MerkleTree got = g->commit_table(0, log_rows, log_group);
    EXPECT_EQ(got.root(), want.root());
    EXPECT_EQ(got.matrix(), want.matrix());
    EXPECT_TRUE(same_values(g->table(0), model[0]));  // the table stays

    EXPECT_THROW(tables->set_product_table(1, std::vector<std::array<Ef, 2>>(vars + 1)), std::logic_error);
    if (vars > 0) EXPECT_THROW(g->commit_table(0, vars - 1, 0), std::logic_error);
    EXPECT_THROW(g->power_sum(1, z), std::logic_error);
}

TEST(EfTables, WhirSteps) {
    for (const std::string& backend : backend_names())
        for (uint32_t vars : {0u, 1u, 3u, 6u}) expect_whir_steps(backend, vars, 20 + vars);
}

// Large enough that power_sum spans many blocks and the transform many launches' lanes.
TEST(EfTables, WhirStepsLarge) {
    for (const std::string& backend : backend_names()) {
        SCOPED_TRACE(backend);
        const uint32_t vars = 17;
        const size_t n = size_t(1) << vars;
        Tables model = random_tables(1, n, 30);
        std::unique_ptr<EfTables> t = upload(backend, model);
        t->subset_transform(0, false);
        std::unique_ptr<EfTables> g = t->copy_table(0);
        g->subset_transform(0, true);
        EXPECT_TRUE(same_values(g->table(0), model[0]));
        std::mt19937 rng(31);
        const Ef z = random_ef(rng);
        EXPECT_TRUE(same_values(std::vector<Ef>{g->power_sum(0, z)}, std::vector<Ef>{model_power_sum(model[0], z)}));
        std::vector<std::array<Ef, 2>> factors(vars);
        for (auto& f : factors) f = {random_ef(rng), random_ef(rng)};
        t->set_product_table(0, factors);
        EXPECT_TRUE(same_values(t->table(0), model_product_table(factors)));
    }
}

// Each operation is one stage with the counters cuda_device.h documents, the same on every GPU
// (the tables are written once, gpu_ef_tables.cpp); `stager` is the backend's.
[[maybe_unused]] void check_stage_counters(const std::string& backend, const gpustark::device::Stager& stager) {
    auto stage = [&](const std::string& name) {
        auto found = stager.stages().find(name);
        return found == stager.stages().end() ? gpustark::device::StageCounters{} : found->second;
    };
    // Runs op and returns the change of the stage's (command buffers, kernels, syncs).
    auto delta = [&](const std::string& name, const std::function<void()>& op) {
        gpustark::device::StageCounters before = stage(name);
        op();
        gpustark::device::StageCounters after = stage(name);
        return std::array<uint64_t, 3>{after.command_buffer_count - before.command_buffer_count,
                                       after.kernel_count - before.kernel_count, after.sync_count - before.sync_count};
    };
    using Counts = std::array<uint64_t, 3>;
    Tables model = random_tables(6, 64, 15);
    std::unique_ptr<EfTables> tables;
    EXPECT_EQ(delta("ef_tables", [&] { tables = upload(backend, model); })[1], 0u);
    EXPECT_EQ(delta("ef_tables.fold", [&] { tables->fold(constant(3)); }), (Counts{1, 1, 0}));
    EXPECT_EQ(delta("ef_tables.pair_product_round", [&] { tables->pair_product_round(); }), (Counts{1, 1, 1}));
    EXPECT_EQ(delta("ef_tables.read", [&] { tables->read(0); }), (Counts{0, 0, 0}));  // nothing to wait for
    // Two launches for all the points (their half tables, then the sum); CUDA waits for its staged
    // upload of them as the call ends, Metal (unified memory) copies them at once.
    const std::vector<Ef> points = {constant(2), constant(5), constant(7)};
    EXPECT_EQ(delta("ef_tables.add_eq_powers", [&] { tables->add_eq_powers(1, points, points); }),
              (Counts{1, 2, backend == "cuda" ? 1u : 0u}));
    EXPECT_EQ(delta("ef_tables.table", [&] { tables->table(1); }), (Counts{0, 0, 1}));  // waits for the kernel
    model = random_tables(5, 64, 16);
    tables = upload(backend, model);
    EXPECT_EQ(delta("ef_tables.fraction_round", [&] { tables->fraction_round(constant(4)); }), (Counts{1, 1, 1}));
    // WHIR's steps: a launch per index bit, one launch, and a round's one wait.
    EXPECT_EQ(delta("ef_tables.subset_transform", [&] { tables->subset_transform(2, true); }), (Counts{1, 6, 0}));
    std::vector<std::array<Ef, 2>> factors(6, {constant(2), constant(3)});
    EXPECT_EQ(delta("ef_tables.set_product_table", [&] { tables->set_product_table(1, factors); }), (Counts{1, 1, 0}));
    EXPECT_EQ(delta("ef_tables.power_sum", [&] { tables->power_sum(0, constant(5)); }), (Counts{1, 1, 1}));
}

[[maybe_unused]] bool registered(const std::string& backend) {
    const std::vector<std::string> names = backend_names();
    return std::find(names.begin(), names.end(), backend) != names.end();
}

#ifdef GPUSTARK_WITH_CUDA
TEST(EfTables, CudaStageCounters) {
    if (!registered("cuda")) GTEST_SKIP() << "no CUDA device";
    check_stage_counters("cuda", dynamic_cast<gpustark::CudaBackend&>(gpustark::get_backend("cuda")).stager());
}
#endif

#ifdef GPUSTARK_TEST_METAL_COUNTERS
TEST(EfTables, MetalStageCounters) {
    if (!registered("metal")) GTEST_SKIP() << "no metal backend";
    check_stage_counters("metal", dynamic_cast<gpustark::MetalBackend&>(gpustark::get_backend("metal")).stager());
}
#endif

}  // namespace
