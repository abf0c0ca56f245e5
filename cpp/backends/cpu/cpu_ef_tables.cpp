#include "cpu_ef_tables.h"

#include <mutex>

#include "../../core/parallel.h"
#include "../../kernels/sumcheck/tables.h"

namespace gpustark {
namespace {

// Pairs per parallel chunk: small tables (late rounds) stay on the calling thread.
constexpr size_t kGrain = 1024;

class CpuEfTables final : public EfTables {
public:
    CpuEfTables(const Ef* values, size_t count, size_t length)
        : EfTables(count, length), tables_(count, std::vector<Ef>(length)) {
        for (size_t c = 0; c < count; ++c)
            for (size_t i = 0; i < length; ++i) tables_[c][i] = values[c * length + i];
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

    void add_eq_powers(size_t c, Ef z, Ef weight) override {
        require_table(c, "add_eq_powers");
        std::vector<Ef> z_powers;
        for (size_t len = length(); len > 1; len >>= 1, z = ef_square(z)) z_powers.push_back(z);
        std::vector<Ef>& t = tables_[c];
        parallel_for(length(), kGrain, [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i)
                t[i] = ef_add(t[i], ef_mul(weight, sumcheck_eq_power_weight(i, uint32_t(z_powers.size()), z_powers.data())));
        });
    }

private:
    std::vector<std::vector<Ef>> tables_;
};

}  // namespace

std::unique_ptr<EfTables> make_cpu_ef_tables(const Ef* values, size_t count, size_t length) {
    return std::make_unique<CpuEfTables>(values, count, length);
}

}  // namespace gpustark
