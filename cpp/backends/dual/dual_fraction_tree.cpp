#include "dual_fraction_tree.h"

#include "dual_compare.h"
#include "dual_ef_tables.h"

namespace gpustark {
namespace {

class DualFractionTree final : public FractionTree {
public:
    DualFractionTree(std::unique_ptr<FractionTree> a, std::unique_ptr<FractionTree> b, std::string name_a,
                     std::string name_b)
        : FractionTree(a->depth()), a_(std::move(a)), b_(std::move(b)), name_a_(std::move(name_a)),
          name_b_(std::move(name_b)) {}

    std::array<Ef, 2> node(size_t j, size_t x) override {
        std::array<Ef, 2> va = a_->node(j, x), vb = b_->node(j, x);
        if (auto d = first_ef_difference(va.data(), vb.data(), 2))
            dual_fail(name_a_, name_b_, "fraction_tree node",
                      "layer " + std::to_string(j) + ", node " + std::to_string(x) + (d->index ? ", q" : ", p") +
                          " limb " + std::to_string(d->limb),
                      d->a, d->b);
        return va;
    }

    std::array<std::vector<Ef>, 2> layer(size_t j) override {
        std::array<std::vector<Ef>, 2> la = a_->layer(j), lb = b_->layer(j);
        for (int side = 0; side < 2; ++side) {
            if (la[side].size() != lb[side].size())
                dual_fail(name_a_, name_b_, "fraction_tree layer " + std::to_string(j), "its size", la[side].size(),
                          lb[side].size());
            if (auto d = first_ef_difference(la[side].data(), lb[side].data(), la[side].size()))
                dual_fail(name_a_, name_b_, "fraction_tree layer " + std::to_string(j),
                          std::string(side ? "q" : "p") + " of node " + std::to_string(d->index) + ", limb " +
                              std::to_string(d->limb),
                          d->a, d->b);
        }
        return la;
    }

    std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& xi) override {
        return make_dual_ef_tables(a_->layer_tables(j, xi), b_->layer_tables(j, xi), name_a_, name_b_);
    }

private:
    std::unique_ptr<FractionTree> a_, b_;
    std::string name_a_, name_b_;
};

}  // namespace

std::unique_ptr<FractionTree> make_dual_fraction_tree(std::unique_ptr<FractionTree> a, std::unique_ptr<FractionTree> b,
                                                      const std::string& name_a, const std::string& name_b) {
    return std::make_unique<DualFractionTree>(std::move(a), std::move(b), name_a, name_b);
}

}  // namespace gpustark
