// What every check of the dual backend shares: finding the first differing extension-field value
// of two results, comparing two Merkle trees, and the one message format for a difference.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/merkle_tree.h"
#include "../../kernels/field/ext4.h"

namespace gpustark {

struct EfDifference {
    size_t index;
    int limb;
    uint32_t a, b;  // canonical
};

// The first (value, limb) where a[0..n) and b[0..n) differ (Montgomery words compared).
inline std::optional<EfDifference> first_ef_difference(const Ef* a, const Ef* b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const Fp la[4] = {a[i].c0, a[i].c1, a[i].c2, a[i].c3}, lb[4] = {b[i].c0, b[i].c1, b[i].c2, b[i].c3};
        for (int l = 0; l < 4; ++l)
            if (la[l].m != lb[l].m) return EfDifference{i, l, fp_to_canonical(la[l]), fp_to_canonical(lb[l])};
    }
    return std::nullopt;
}

// "dual backend: <what> differs between A and B at <where>: A = x, B = y".
[[noreturn]] inline void dual_fail(const std::string& name_a, const std::string& name_b, const std::string& what,
                                   const std::string& where, uint64_t value_a, uint64_t value_b) {
    throw std::runtime_error("dual backend: " + what + " differs between " + name_a + " and " + name_b + " at " + where +
                             ": " + name_a + " = " + std::to_string(value_a) + ", " + name_b + " = " +
                             std::to_string(value_b));
}

// The shape, the kept matrix and every level of two trees; throws (dual_fail) at the first
// difference. The shape and the kept matrix feed every opening, so they must agree as much as the
// digests.
inline void dual_compare_trees(const std::string& name_a, const std::string& name_b, const std::string& what,
                               const MerkleTree& ta, const MerkleTree& tb) {
    constexpr size_t kDigest = 8;
    auto fail = [&](const std::string& where, uint64_t a, uint64_t b) { dual_fail(name_a, name_b, what, where, a, b); };
    auto first_difference = [](const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) {
        return size_t(std::mismatch(x.begin(), x.end(), y.begin()).first - x.begin());
    };
    const uint32_t width = ta.width;
    if (ta.rows != tb.rows) fail("rows", ta.rows, tb.rows);
    if (ta.width != tb.width) fail("width", ta.width, tb.width);
    if (ta.log_group != tb.log_group) fail("log_group", ta.log_group, tb.log_group);
    const std::vector<uint32_t> ma = ta.matrix(), mb = tb.matrix();
    if (ma.size() != mb.size()) fail("the size of the kept matrix", ma.size(), mb.size());
    const size_t i = first_difference(ma, mb);
    if (i < ma.size())
        fail("kept matrix row " + std::to_string(i / width) + ", column " + std::to_string(i % width), ma[i], mb[i]);
    if (ta.num_levels() != tb.num_levels()) fail("the number of levels", ta.num_levels(), tb.num_levels());
    for (uint32_t level = 0; level < ta.num_levels(); ++level) {
        const std::vector<uint32_t> la = ta.level(level), lb = tb.level(level);
        if (la.size() != lb.size()) fail("the size of level " + std::to_string(level), la.size(), lb.size());
        const size_t j = first_difference(la, lb);
        if (j < la.size())
            fail("level " + std::to_string(level) + ", node " + std::to_string(j / kDigest) + ", digest word " +
                     std::to_string(j % kDigest),
                 la[j], lb[j]);
    }
}

}  // namespace gpustark
