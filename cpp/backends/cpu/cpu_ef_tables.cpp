#include "cpu_ef_tables.h"

#include <algorithm>
#include <mutex>

#include "../../core/backend.h"
#include "../../core/parallel.h"
#include "../../core/subset_transform.h"
#include "../../core/simd/dag_run_lanes.h"
#include "../../kernels/sumcheck/tables.h"

namespace gpustark {
namespace {

// Pairs per parallel chunk: small tables (late rounds) stay on the calling thread.
constexpr size_t kGrain = 1024;

using Factor = std::array<Ef, 2>;  // (value at bit 0, value at bit 1)

// scale * prod over bits k of j of factors[k][bit k] for j < 2^vars.
std::vector<Ef> small_product_table(const Factor* factors, uint32_t vars, Ef scale) {
    std::vector<Ef> table(size_t(1) << vars);
    table[0] = scale;
    for (uint32_t k = 0; k < vars; ++k) {
        const size_t half = size_t(1) << k;
        for (size_t j = 0; j < half; ++j) {
            table[j + half] = ef_mul(table[j], factors[k][1]);
            table[j] = ef_mul(table[j], factors[k][0]);
        }
    }
    return table;
}

// t[i] (+)= weight * prod_k factors[k][bit k of i] over the table's 2^|factors| entries: the
// product of two small tables (the low and the high bits, the weight folded into the high one),
// one multiplication per entry instead of one per bit.
void product_table_into(const std::vector<Factor>& factors, Ef weight, bool add, std::vector<Ef>& t) {
    const uint32_t vars = uint32_t(factors.size()), low_bits = vars / 2;
    const std::vector<Ef> low = small_product_table(factors.data(), low_bits, ef_one());
    const std::vector<Ef> high = small_product_table(factors.data() + low_bits, vars - low_bits, weight);
    const size_t low_mask = (size_t(1) << low_bits) - 1;
    parallel_for(t.size(), kGrain, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            const Ef v = ef_mul(high[i >> low_bits], low[i & low_mask]);
            t[i] = add ? ef_add(t[i], v) : v;
        }
    });
}

class CpuEfTables final : public EfTables {
public:
    // values == nullptr: every table zero.
    CpuEfTables(Backend& backend, const Ef* values, size_t count, size_t length)
        : EfTables(count, length), backend_(backend), tables_(count, std::vector<Ef>(length, ef_zero())) {
        if (values)
            for (size_t c = 0; c < count; ++c) write_table(c, values + c * length);
    }

    void fold(Ef r) override {
        require_foldable("fold");
        const size_t half = length() / 2;
        // Into fresh tables: in place, one chunk would overwrite entries another still reads.
        std::vector<std::vector<Ef>> folded(count(), std::vector<Ef>(half));
        parallel_for(count() * half, kGrain, [&](size_t begin, size_t end) {
            for (size_t k = begin; k < end; ++k) {
                const std::vector<Ef>& t = tables_[k / half];
                size_t i = k % half;
                folded[k / half][i] = sumcheck_fold_pair(t[2 * i], t[2 * i + 1], r);
            }
        });
        tables_ = std::move(folded);
        halve();
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> out;
        for (const std::vector<Ef>& t : tables_) out.push_back(t[index]);
        return out;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        return tables_[c];
    }

    std::array<Ef, 2> pair_product_round() override {
        require_pairs();
        const size_t half = length() / 2, pairs = count() / 2;
        std::array<Ef, 2> s = {ef_zero(), ef_zero()};
        std::mutex merge;
        parallel_for(pairs * half, kGrain, [&](size_t begin, size_t end) {
            Ef s1 = ef_zero(), s2 = ef_zero();
            for (size_t k = begin; k < end; ++k) {
                const std::vector<Ef>& a = tables_[2 * (k / half)];
                const std::vector<Ef>& b = tables_[2 * (k / half) + 1];
                size_t i = k % half;
                sumcheck_pair_product(a[2 * i], a[2 * i + 1], b[2 * i], b[2 * i + 1], &s1, &s2);
            }
            std::lock_guard<std::mutex> lock(merge);
            s[0] = ef_add(s[0], s1);
            s[1] = ef_add(s[1], s2);
        });
        return s;
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        require_fraction();
        const size_t half = length() / 2;
        std::array<Ef, 3> s = {ef_zero(), ef_zero(), ef_zero()};
        std::mutex merge;
        parallel_for(half, kGrain, [&](size_t begin, size_t end) {
            Ef part[3] = {ef_zero(), ef_zero(), ef_zero()};
            const auto& t = tables_;
            for (size_t i = begin; i < end; ++i)
                sumcheck_fraction_pair(t[0][2 * i], t[0][2 * i + 1], t[1][2 * i], t[1][2 * i + 1], t[2][2 * i],
                                       t[2][2 * i + 1], t[3][2 * i], t[3][2 * i + 1], t[4][2 * i], t[4][2 * i + 1],
                                       lambda, part);
            std::lock_guard<std::mutex> lock(merge);
            for (int k = 0; k < 3; ++k) s[k] = ef_add(s[k], part[k]);
        });
        return s;
    }

    void add_eq_powers(size_t c, const std::vector<Ef>& points, const std::vector<Ef>& weights) override {
        require_table(c, "add_eq_powers");
        require_points(points.size(), weights.size());
        for (size_t q = 0; q < points.size(); ++q) {
            // eq(i, (z, z^2, z^4, ..)): the factor of bit k is (1 - z^(2^k), z^(2^k)).
            std::vector<Factor> factors;
            Ef z = points[q];
            for (size_t len = length(); len > 1; len >>= 1, z = ef_square(z)) factors.push_back({ef_sub(ef_one(), z), z});
            product_table_into(factors, weights[q], true, tables_[c]);
        }
    }

    void write_table(size_t c, const Ef* values) override {
        require_table(c, "write_table");
        std::vector<Ef>& t = tables_[c];
        parallel_copy(values, length(), t.data());
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");
        return std::make_unique<CpuEfTables>(backend_, tables_[c].data(), 1, length());
    }

    void subset_transform(size_t c, bool inverse) override {
        require_table(c, "subset_transform");
        host_subset_transform(tables_[c].data(), length(), inverse);
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        require_table(c, "set_product_table");
        require_factors(factors.size());
        product_table_into(factors, ef_one(), false, tables_[c]);
    }

    Ef power_sum(size_t c, Ef z) override {
        require_table(c, "power_sum");
        const std::vector<Ef>& t = tables_[c];
        Ef s = ef_zero();
        std::mutex merge;
        // Each chunk from its own first power z^begin, then one product per entry.
        parallel_for(length(), kGrain, [&](size_t begin, size_t end) {
            Ef part = ef_zero(), power = ef_pow(z, begin);
            for (size_t i = begin; i < end; ++i, power = ef_mul(power, z)) part = ef_add(part, ef_mul(t[i], power));
            std::lock_guard<std::mutex> lock(merge);
            s = ef_add(s, part);
        });
        return s;
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        require_table(c, "commit_table");
        require_codeword(log_rows);
        const std::vector<Ef>& t = tables_[c];
        std::vector<uint32_t> message(4 * t.size());
        parallel_for(t.size(), kGrain, [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) ef_store(message.data() + 4 * i, t[i]);
        });
        return backend_.encode_and_commit(message.data(), t.size(), 4, log_rows, log_group);
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        require_dag(dag);
        const bool bound = length() == 1;
        const size_t pairs = bound ? 1 : length() / 2, points = bound ? 1 : xs.size();
        const size_t piece = max_pairs ? max_pairs : pairs;
        std::vector<const Ef*> columns;
        for (const std::vector<Ef>& t : tables_) columns.push_back(t.data());
        std::vector<Ef> s(points, ef_zero());
        for (size_t first = 0; first < pairs; first += piece)
            dag_round_lanes(dag, {columns.data(), length()}, combine, xs, first, std::min(piece, pairs - first), s.data());
        return s;
    }

private:
    Backend& backend_;  // the CPU backend: commit_table's encode_and_commit
    std::vector<std::vector<Ef>> tables_;
};

}  // namespace

std::unique_ptr<EfTables> make_cpu_ef_tables(Backend& backend, const Ef* values, size_t count, size_t length) {
    return std::make_unique<CpuEfTables>(backend, values, count, length);
}

}  // namespace gpustark
