#include "dual_stacked_matrix.h"

#include <vector>

#include "dual_compare.h"
#include "dual_ef_tables.h"

namespace gpustark {
namespace {

class DualStackedMatrix final : public StackedMatrix {
public:
    DualStackedMatrix(std::unique_ptr<StackedMatrix> a, std::unique_ptr<StackedMatrix> b, std::string name_a,
                      std::string name_b)
        : StackedMatrix(a->height(), a->width(), a->l_skip()), a_(std::move(a)), b_(std::move(b)),
          name_a_(std::move(name_a)), name_b_(std::move(name_b)) {}

    void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables, Ef* s,
                   Ef* t) override {
        const size_t n = slots.size() << l_skip();
        std::vector<Ef> sb(n), tb(n);
        a_->slot_sums(slots, eq_tables, s, t);
        b_->slot_sums(slots, eq_tables, sb.data(), tb.data());
        const std::string what = "stacked slot_sums (" + std::to_string(slots.size()) + " slots)";
        compare(what, "S", s, sb.data(), n);
        compare(what, "T", t, tb.data(), n);
    }

    std::unique_ptr<EfTables> column_tables(const std::vector<Ef>& lagrange, const std::vector<StackedSlotSums>& slots,
                                            const std::vector<std::vector<Ef>>& eq_tables,
                                            const std::vector<StackedKernelCoeffs>& coeffs) override {
        return make_dual_ef_tables(a_->column_tables(lagrange, slots, eq_tables, coeffs),
                                   b_->column_tables(lagrange, slots, eq_tables, coeffs), name_a_, name_b_);
    }

    void batched_message(const std::vector<Ef>& weights, Ef* f) override {
        std::vector<Ef> fb(height());
        a_->batched_message(weights, f);
        b_->batched_message(weights, fb.data());
        if (auto d = first_ef_difference(f, fb.data(), height()))
            dual_fail(name_a_, name_b_, "stacked batched_message (" + std::to_string(weights.size()) + " columns)",
                      "row " + std::to_string(d->index) + ", limb " + std::to_string(d->limb), d->a, d->b);
    }

    std::vector<uint32_t> matrix_words() override { return same_words("matrix", a_->matrix_words(), b_->matrix_words()); }
    std::vector<uint32_t> message_words() override {
        return same_words("message", a_->message_words(), b_->message_words());
    }

private:
    std::vector<uint32_t> same_words(const char* what, std::vector<uint32_t> a, const std::vector<uint32_t>& b) const {
        if (a.size() != b.size())
            dual_fail(name_a_, name_b_, std::string("the stacked ") + what, "its size", a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i] != b[i])
                dual_fail(name_a_, name_b_, std::string("the stacked ") + what,
                          "row " + std::to_string(i / width()) + ", column " + std::to_string(i % width()), a[i], b[i]);
        return a;
    }

    void compare(const std::string& what, const char* sums, const Ef* a, const Ef* b, size_t n) const {
        if (auto d = first_ef_difference(a, b, n))
            dual_fail(name_a_, name_b_, what, std::string(sums) + " of slot " + std::to_string(d->index >> l_skip()) +
                                                  ", position " + std::to_string(d->index & ((size_t(1) << l_skip()) - 1)) +
                                                  ", limb " + std::to_string(d->limb),
                      d->a, d->b);
    }

    std::unique_ptr<StackedMatrix> a_, b_;
    std::string name_a_, name_b_;
};

}  // namespace

std::unique_ptr<StackedMatrix> make_dual_stacked_matrix(std::unique_ptr<StackedMatrix> a,
                                                        std::unique_ptr<StackedMatrix> b, const std::string& name_a,
                                                        const std::string& name_b) {
    return std::make_unique<DualStackedMatrix>(std::move(a), std::move(b), name_a, name_b);
}

}  // namespace gpustark
