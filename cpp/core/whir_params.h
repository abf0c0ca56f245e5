// The launch parameters of WHIR's table kernels (kernels/whir/whir_tables.h) that the CUDA and
// Metal tables build the same way.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "../kernels/whir/whir_tables.h"

namespace gpustark {

// set_product_table over a table of `length` = 2^factors.size() entries (EfTables checks that,
// which keeps the factors within GS_WHIR_MAX_VARS): factor k's (value at bit 0, value at bit 1).
inline WhirProductTableParams whir_product_table_params(const std::vector<std::array<Ef, 2>>& factors,
                                                        uint64_t length) {
    WhirProductTableParams p{};
    p.lanes = length;
    for (const std::array<Ef, 2>& f : factors) {
        p.lo[p.vars] = f[0];
        p.hi[p.vars++] = f[1];
    }
    return p;
}

// power_sum over a table of `length` = 2^vars entries at z: z^(2^k) for each of the
// log2(length) <= 63 variables.
inline WhirPowerSumParams whir_power_sum_params(Ef z, uint64_t length) {
    WhirPowerSumParams p{};
    p.lanes = length;
    for (uint64_t len = length; len > 1; len >>= 1, z = ef_square(z)) p.z[p.vars++] = z;
    return p;
}

}  // namespace gpustark
