// What every check of the dual backend shares: finding the first differing extension-field value
// of two results, and the one message format for a difference.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

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

}  // namespace gpustark
