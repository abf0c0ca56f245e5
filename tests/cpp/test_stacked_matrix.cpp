// Backend::stacked_matrix on every backend against sums written out from their definitions
// (core/stacked_matrix.h): random matrices, slots long and short, with and without rotation, the
// column tables, the batched message and the copies back.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "backend_cases.h"
#include "kernels/field/two_adic.h"
#include "prover/stacked_pcs.h"

namespace {

using gpustark::StackedSlotSums;
using test_support::backend_names;
using test_support::random_ef;

bool same(const Ef& a, const Ef& b) {
    return a.c0.m == b.c0.m && a.c1.m == b.c1.m && a.c2.m == b.c2.m && a.c3.m == b.c3.m;
}

struct Case {
    uint32_t l_skip, log_chunks, width;
    std::vector<uint32_t> matrix, message;
    std::vector<StackedSlotSums> slots;
    std::vector<std::vector<Ef>> eq_tables;  // table i has 2^i entries
};

// Column c is tiled from chunk 0 by slots of random lengths 2^i (the layout's shape), the last
// ones short (one chunk) and part of the column left empty.
// PROTOCOL 6.3 steps 1-2 written out: in each chunk of n = 2^l_skip rows, a column's values are
// evaluations on the order-n subgroup; coefficient k = n^-1 sum_a v_a omega^(-a k), and message row
// j of the chunk is the sum of the coefficients k whose bits are a subset of j's. A device backend
// makes the message again from the matrix, so the two must belong together.
std::vector<uint32_t> message_of(const std::vector<uint32_t>& matrix, size_t height, uint32_t width, uint32_t l_skip) {
    const size_t n = size_t(1) << l_skip;
    const Fp inv_omega = fp_inv(fp_two_adic_generator(l_skip)), inv_n = fp_inv(fp_from_canonical(uint32_t(n)));
    std::vector<uint32_t> message(matrix.size());
    for (size_t x = 0; x < height / n; ++x)
        for (uint32_t col = 0; col < width; ++col) {
            std::vector<Fp> coeff(n, fp_from_canonical(0));
            for (size_t k = 0; k < n; ++k) {
                for (size_t a = 0; a < n; ++a)
                    coeff[k] = fp_add(coeff[k], fp_mul(fp_from_canonical(matrix[(x * n + a) * width + col]),
                                                       fp_pow(inv_omega, a * k)));
                coeff[k] = fp_mul(coeff[k], inv_n);
            }
            for (size_t j = 0; j < n; ++j) {
                Fp sum = fp_from_canonical(0);
                for (size_t k = 0; k < n; ++k)
                    if ((k & j) == k) sum = fp_add(sum, coeff[k]);
                message[(x * n + j) * width + col] = fp_to_canonical(sum);
            }
        }
    return message;
}

Case random_case(uint32_t seed, uint32_t l_skip, uint32_t log_chunks, uint32_t width) {
    std::mt19937 rng(seed);
    Case c{l_skip, log_chunks, width, {}, {}, {}, {}};
    const size_t chunks = size_t(1) << log_chunks, height = chunks << l_skip;
    for (size_t i = 0; i < height * width; ++i) c.matrix.push_back(uint32_t(rng() % GS_P));
    c.message = message_of(c.matrix, height, width, l_skip);
    for (uint32_t i = 0; i <= log_chunks; ++i) {
        std::vector<Ef> eq;
        for (size_t x = 0; x < (size_t(1) << i); ++x) eq.push_back(random_ef(rng));
        c.eq_tables.push_back(eq);
    }
    for (uint32_t col = 0; col < width; ++col) {
        size_t x = 0;
        uint32_t log_len = log_chunks - rng() % (log_chunks + 1);
        while (x < chunks && rng() % 8 != 0) {
            log_len = std::min<uint32_t>(log_len, uint32_t(rng() % (log_chunks + 1)));  // non-increasing, as laid out
            const size_t len = size_t(1) << log_len;
            if (x + len > chunks) break;
            c.slots.push_back({col, x, len, log_len, log_len > 0 ? rng() % 2 == 0 : false});
            x += len;
        }
    }
    return c;
}

Fp value(const Case& c, size_t x, size_t a, uint32_t col) {
    return fp_from_canonical(c.matrix[((x << c.l_skip) + a) * c.width + col]);
}

TEST(StackedMatrix, EveryPassMatchesItsDefinitionOnEveryBackend) {
    for (const std::string& name : backend_names())
        for (uint32_t seed = 1; seed <= 3; ++seed) {
            const Case c = random_case(seed, seed % 3 + 1, 4 + seed, seed * 3);
            const size_t n = size_t(1) << c.l_skip, chunks = size_t(1) << c.log_chunks;
            gpustark::Backend& backend = gpustark::get_backend(name);
            std::unique_ptr<gpustark::StackedMatrix> m =
                backend.stacked_matrix(gpustark::host_copy(c.matrix), gpustark::host_copy(c.message), chunks << c.l_skip, c.width, c.l_skip);
            ASSERT_FALSE(c.slots.empty());

            std::vector<Ef> s(c.slots.size() * n), t(c.slots.size() * n);
            m->slot_sums(c.slots, c.eq_tables, s.data(), t.data());
            for (size_t j = 0; j < c.slots.size(); ++j) {
                const StackedSlotSums& sl = c.slots[j];
                const std::vector<Ef>& eq = c.eq_tables[sl.eq_table];
                for (size_t a = 0; a < n; ++a) {
                    Ef want_s = ef_zero(), want_t = ef_zero();
                    for (size_t x = 0; x < sl.x_len; ++x) {
                        const Fp v = value(c, sl.x_begin + x, a, sl.column);
                        want_s = ef_add(want_s, ef_mul_base(eq[x], v));
                        if (sl.rot) want_t = ef_add(want_t, ef_mul_base(eq[(x + sl.x_len - 1) % sl.x_len], v));
                    }
                    EXPECT_TRUE(same(s[j * n + a], want_s)) << name << " seed " << seed << " slot " << j << " a " << a;
                    EXPECT_TRUE(same(t[j * n + a], want_t)) << name << " seed " << seed << " slot " << j << " a " << a;
                }
            }

            std::mt19937 rng(seed + 100);
            std::vector<Ef> lagrange(n);
            for (Ef& v : lagrange) v = random_ef(rng);
            std::vector<gpustark::StackedKernelCoeffs> coeffs(c.slots.size());
            for (auto& k : coeffs) k = {random_ef(rng), random_ef(rng)};
            std::unique_ptr<gpustark::EfTables> tables = m->column_tables(lagrange, c.slots, c.eq_tables, coeffs);
            ASSERT_EQ(tables->count(), 2 * size_t(c.width));
            ASSERT_EQ(tables->length(), chunks);
            // Each column's kernel: zero but at its slots, where eq and wrap parts are weighted.
            std::vector<std::vector<Ef>> want_k(c.width, std::vector<Ef>(chunks, ef_zero()));
            for (size_t j = 0; j < c.slots.size(); ++j) {
                const StackedSlotSums& sl = c.slots[j];
                const std::vector<Ef>& eq = c.eq_tables[sl.eq_table];
                for (size_t x = 0; x < sl.x_len; ++x)
                    want_k[sl.column][sl.x_begin + x] =
                        ef_add(ef_mul(coeffs[j].eq, eq[x]),
                               ef_mul(coeffs[j].wrap, ef_sub(eq[(x + sl.x_len - 1) % sl.x_len], eq[x])));
            }
            for (uint32_t col = 0; col < c.width; ++col) {
                const std::vector<Ef> q = tables->table(2 * col), k = tables->table(2 * col + 1);
                for (size_t x = 0; x < chunks; ++x) {
                    Ef want = ef_zero();
                    for (size_t a = 0; a < n; ++a) want = ef_add(want, ef_mul_base(lagrange[a], value(c, x, a, col)));
                    EXPECT_TRUE(same(q[x], want)) << name << " column " << col << " chunk " << x;
                    EXPECT_TRUE(same(k[x], want_k[col][x])) << name << " kernel " << col << " chunk " << x;
                }
            }

            std::vector<Ef> weights(c.width), f(chunks << c.l_skip);
            for (Ef& v : weights) v = random_ef(rng);
            m->batched_message(weights, f.data());
            for (size_t i = 0; i < f.size(); ++i) {
                Ef want = ef_zero();
                for (uint32_t col = 0; col < c.width; ++col)
                    want = ef_add(want, ef_mul_base(weights[col], fp_from_canonical(c.message[i * c.width + col])));
                EXPECT_TRUE(same(f[i], want)) << name << " batched message row " << i;
            }
            EXPECT_EQ(m->matrix_words(), c.matrix) << name;
            EXPECT_EQ(m->message_words(), c.message) << name;
        }
}

// Traces of several heights, one shorter than a chunk (spread with a stride), stacked, encoded and
// committed by each backend's own path (the CUDA backend stacks and encodes on the device).
TEST(StackedMatrix, CommitStackedMatchesTheHostOnEveryBackend) {
    const uint32_t l_skip = 2, log_height = 7, log_blowup = 1, k = 2;
    std::mt19937 rng(7);
    std::vector<std::vector<uint32_t>> data;
    std::vector<gpustark::TraceView> traces;
    std::vector<std::pair<uint32_t, uint32_t>> dims = {{6, 3}, {4, 5}, {1, 2}};  // (log_h, width), descending
    for (auto [log_h, width] : dims) {
        data.emplace_back((size_t(1) << log_h) * width);
        for (uint32_t& v : data.back()) v = uint32_t(rng() % GS_P);
    }
    for (size_t i = 0; i < dims.size(); ++i)
        traces.push_back({data[i].data(), size_t(1) << dims[i].first, dims[i].second});
    const gpustark::StackedLayout layout = gpustark::stacked_layout(l_skip, log_height, dims);
    const std::vector<std::string> names = backend_names();  // registers the backends
    gpustark::Backend& cpu = gpustark::get_backend("cpu");
    const gpustark::StackedCommit want = gpustark::host_commit_stacked(cpu, layout, traces, log_blowup, k);
    for (const std::string& name : names) {
        gpustark::StackedCommit got = gpustark::get_backend(name).commit_stacked(layout, traces, log_blowup, k);
        EXPECT_EQ(got.stacked->matrix_words(), want.stacked->matrix_words()) << name;
        EXPECT_EQ(got.stacked->message_words(), want.stacked->message_words()) << name;
        EXPECT_EQ(got.tree.root(), want.tree.root()) << name;
        EXPECT_EQ(got.tree.matrix(), want.tree.matrix()) << name;
        EXPECT_EQ(got.tree.open(3).path, want.tree.open(3).path) << name;
    }
}

TEST(StackedMatrix, RejectsASlotOutsideTheMatrix) {
    for (const std::string& name : backend_names()) {
        gpustark::HostVector<uint32_t> matrix(16 * 2, 1);
        EXPECT_THROW(gpustark::get_backend(name).stacked_matrix(matrix, gpustark::HostVector<uint32_t>(3, 0), 16, 2, 2),
                     std::invalid_argument) << name;
        std::unique_ptr<gpustark::StackedMatrix> m = gpustark::get_backend(name).stacked_matrix(matrix, matrix, 16, 2, 2);
        std::vector<std::vector<Ef>> eq = {{ef_one()}, {ef_one(), ef_one()}};
        std::vector<Ef> s(4), t(4);
        EXPECT_THROW(m->slot_sums({{2, 0, 1, 0, false}}, eq, s.data(), t.data()), std::invalid_argument) << name;
        EXPECT_THROW(m->slot_sums({{0, 3, 2, 1, false}}, eq, s.data(), t.data()), std::invalid_argument) << name;
        EXPECT_THROW(m->slot_sums({{0, 0, 2, 0, false}}, eq, s.data(), t.data()), std::invalid_argument) << name;
    }
}

}  // namespace
