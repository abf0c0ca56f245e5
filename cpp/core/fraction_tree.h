// The LogUp-GKR fraction tree (PROTOCOL 8.2) on a backend's device: layer J holds the leaves
// (p, q), and node x of layer j - 1 is the sum of nodes 2x and 2x + 1 of layer j as fractions.
// The prover (prover/gkr.cpp) reads single nodes for the transcript and asks, for each layer
// j >= 2, for the five tables of its sumcheck, which stay on the device (ef_tables.h).
#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "ef_tables.h"
#include "logup_leaves.h"

namespace gpustark {

class Backend;

class FractionTree {
public:
    explicit FractionTree(size_t depth) : depth_(depth) {}
    virtual ~FractionTree() = default;
    FractionTree(const FractionTree&) = delete;
    FractionTree& operator=(const FractionTree&) = delete;

    // J: the leaves are layer J, 2^J of them; the root is layer 0.
    size_t depth() const { return depth_; }
    // (p, q) of node x of layer j.
    virtual std::array<Ef, 2> node(size_t j, size_t x) = 0;
    // Every node of layer j: p and q, 2^j values each (a device's come back in one copy). For
    // reading a built input layer (layer J) and for checks, not for the rounds.
    virtual std::array<std::vector<Ef>, 2> layer(size_t j) = 0;
    // Layer j's sumcheck tables (2 <= j <= J), 2^(j-1) entries each: p0, p1, q0, q1 (the layer's
    // even and odd nodes) and eq(xi, .) over its j - 1 variables (xi_k on index bit k), made
    // where the tables live (no eq table crosses to a device).
    virtual std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& xi) = 0;

protected:
    void require_node(size_t j, size_t x) const;
    void require_layer_index(size_t j) const;  // throws std::logic_error unless j <= J
    // Throws std::logic_error unless 2 <= j <= J and xi has j - 1 coordinates.
    void require_layer(size_t j, const std::vector<Ef>& xi) const;
    // Table 4 of a layer's tables := eq(xi, .), by the tables' own set_product_table.
    static void set_eq_table(EfTables& tables, const std::vector<Ef>& xi);

private:
    size_t depth_;
};

// The tree in host vectors; layer_tables hands each layer's tables to backend.ef_tables.
// `leaves` is a power of two >= 2.
std::unique_ptr<FractionTree> host_fraction_tree(Backend& backend, const Ef* p, const Ef* q, size_t leaves);
// The tree over the LogUp input layer's leaves, made on the host (host_logup_leaves), then
// backend.fraction_tree over them.
std::unique_ptr<FractionTree> host_logup_fraction_tree(Backend& backend, const LogUpLeaves& in);

// log2 of a power of two >= 2; throws std::invalid_argument otherwise.
size_t fraction_tree_depth(size_t leaves);

}  // namespace gpustark
