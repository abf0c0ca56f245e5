#include "fraction_tree.h"

#include <stdexcept>
#include <string>

#include "../kernels/sumcheck/tables.h"
#include "backend.h"
#include "host_memory.h"
#include "parallel.h"

namespace gpustark {

size_t fraction_tree_depth(size_t leaves) {
    if (leaves < 2 || (leaves & (leaves - 1)) != 0)
        throw std::invalid_argument("fraction_tree: expected a power of two >= 2 leaves, found " + std::to_string(leaves));
    size_t depth = 0;
    while ((size_t(1) << depth) < leaves) ++depth;
    return depth;
}

void FractionTree::require_node(size_t j, size_t x) const {
    if (j > depth_ || x >= (size_t(1) << j))
        throw std::logic_error("FractionTree::node: no node " + std::to_string(x) + " in layer " + std::to_string(j));
}

void FractionTree::require_layer_index(size_t j) const {
    if (j > depth_)
        throw std::logic_error("FractionTree::layer: no layer " + std::to_string(j) + " (depth " + std::to_string(depth_) + ")");
}

void FractionTree::require_layer(size_t j, const std::vector<Ef>& xi) const {
    if (j < 2 || j > depth_)
        throw std::logic_error("FractionTree::layer_tables: no layer " + std::to_string(j) + " (2 <= j <= depth " +
                               std::to_string(depth_) + ")");
    if (xi.size() != j - 1)
        throw std::logic_error("FractionTree::layer_tables: layer " + std::to_string(j) + " needs a point of " +
                               std::to_string(j - 1) + " coordinates, found " + std::to_string(xi.size()));
}

void FractionTree::set_eq_table(EfTables& tables, const std::vector<Ef>& xi) {
    std::vector<std::array<Ef, 2>> factors;  // eq(xi, y) = prod_k (bit k of y ? xi_k : 1 - xi_k)
    for (const Ef& x : xi) factors.push_back({ef_sub(ef_one(), x), x});
    tables.set_product_table(4, factors);
}

namespace {

class HostFractionTree final : public FractionTree {
public:
    HostFractionTree(Backend& backend, const Ef* p, const Ef* q, size_t leaves)
        : FractionTree(fraction_tree_depth(leaves)), backend_(backend), p_(depth() + 1), q_(depth() + 1) {
        p_[depth()].assign(p, p + leaves);
        q_[depth()].assign(q, q + leaves);
        for (size_t j = depth(); j > 0; --j) {
            const size_t n = p_[j].size() / 2;
            p_[j - 1].resize(n);
            q_[j - 1].resize(n);
            parallel_for(n, 4096, [&](size_t begin, size_t end) {
                for (size_t x = begin; x < end; ++x)
                    gkr_fraction_sum(p_[j][2 * x], q_[j][2 * x], p_[j][2 * x + 1], q_[j][2 * x + 1], &p_[j - 1][x],
                                     &q_[j - 1][x]);
            });
        }
    }

    std::array<Ef, 2> node(size_t j, size_t x) override {
        require_node(j, x);
        return {p_[j][x], q_[j][x]};
    }

    std::array<std::vector<Ef>, 2> layer(size_t j) override {
        require_layer_index(j);
        return {p_[j], q_[j]};
    }

    std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& xi) override {
        require_layer(j, xi);
        const size_t half = size_t(1) << (j - 1);
        std::vector<Ef> values(5 * half, ef_zero());  // the fifth is set_eq_table's
        for (size_t y = 0; y < half; ++y) {
            values[y] = p_[j][2 * y], values[half + y] = p_[j][2 * y + 1];
            values[2 * half + y] = q_[j][2 * y], values[3 * half + y] = q_[j][2 * y + 1];
        }
        std::unique_ptr<EfTables> tables = backend_.ef_tables(values.data(), 5, half);
        set_eq_table(*tables, xi);
        return tables;
    }

private:
    Backend& backend_;
    std::vector<std::vector<Ef>> p_, q_;  // [layer][node]
};

}  // namespace

std::unique_ptr<FractionTree> host_fraction_tree(Backend& backend, const Ef* p, const Ef* q, size_t leaves) {
    return std::make_unique<HostFractionTree>(backend, p, q, leaves);
}

std::unique_ptr<FractionTree> host_logup_fraction_tree(Backend& backend, const LogUpLeaves& in) {
    HostVector<Ef> p = uninitialized_vector<Ef>(in.leaves), q = uninitialized_vector<Ef>(in.leaves);
    host_logup_leaves(in, p.data(), q.data());
    return backend.fraction_tree(p.data(), q.data(), in.leaves);
}

}  // namespace gpustark
