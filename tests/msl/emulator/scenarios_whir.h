// Scenarios of metal/whir.metal: WHIR's table steps, dispatched as the host does (one
// grid-stride dispatch per index bit for the subset transform, one partial per threadgroup for
// power_sum). Included by emulator.cpp.
#pragma once
#include "scenario_io.h"

namespace gs_emu {

inline void check_whir_vars(uint32_t vars, const char* scenario) {
    if (vars > 20) die(std::string(scenario) + ": VARS must be <= 20 here");
}

// args: VARS INVERSE. in: a table of 2^VARS Ef; out: the table after its subset zeta transform
// (INVERSE 0) or Moebius transform (INVERSE 1), one whir_subset_step dispatch per bit, low to high.
void scenario_whir_subset_transform(const Args& a, const Options& o) {
    const uint32_t vars = arg(a, 0), inverse = arg(a, 1);
    check_whir_vars(vars, "whir_subset_transform");
    if (inverse > 1) die("whir_subset_transform: INVERSE must be 0 or 1");
    const uint64_t length = uint64_t(1) << vars;
    Input in(size_t(length) * 4);
    std::vector<Ef> table = in.efs(length);
    WhirSubsetStepParams p{};
    p.lanes = length / 2;
    p.inverse = inverse;
    for (p.log_step = 0; p.log_step < vars; ++p.log_step)
        run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) { whir_subset_step(table.data(), p, pos, threads); });
    write_output(table);
}

// args: VARS. in: VARS factors (lo, hi) of 2 Ef each; out: the 2^VARS products
// prod_k (bit k of i ? hi[k] : lo[k]).
void scenario_whir_product_table(const Args& a, const Options& o) {
    const uint32_t vars = arg(a, 0);
    check_whir_vars(vars, "whir_product_table");
    const uint64_t length = uint64_t(1) << vars;
    Input in(size_t(vars) * 8);
    WhirProductTableParams p{};
    p.lanes = length;
    for (p.vars = 0; p.vars < vars; ++p.vars) {
        p.lo[p.vars] = in.ef();
        p.hi[p.vars] = in.ef();
    }
    std::vector<Ef> table(length, ef_zero());
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) { whir_product_table(table.data(), p, pos, threads); });
    write_output(table);
}

// args: VARS. in: a table of 2^VARS Ef, then z; out: the partials, one Ef per threadgroup (the sum
// of table[i] z^i over that group's lanes), the powers z^(2^k) computed as the host does.
void scenario_whir_power_sum(const Args& a, const Options& o) {
    const uint32_t vars = arg(a, 0);
    check_whir_vars(vars, "whir_power_sum");
    const uint64_t length = uint64_t(1) << vars;
    Input in(size_t(length) * 4 + 4);
    std::vector<Ef> table = in.efs(length);
    Ef z = in.ef();
    WhirPowerSumParams p{};
    p.lanes = length;
    for (uint64_t len = length; len > 1; len >>= 1, z = ef_square(z)) p.z[p.vars++] = z;
    const StridedGrid grid = strided_grid(p.lanes, o);
    std::vector<Ef> partials = poisoned_partials(size_t(grid.groups) * GS_WHIR_POWER_SUM_SUMS);
    run_strided(grid, size_t(4) * GS_WHIR_POWER_SUM_SUMS * grid.group,
                [&](uint32_t pos, uint32_t threads, uint32_t lane, uint32_t lanes, uint32_t group, uint32_t* scratch) {
                    whir_power_sum(table.data(), partials.data(), p, reinterpret_cast<Ef*>(scratch), pos, threads,
                                   lane, lanes, group);
                });
    write_output(partials);
}

// args: LENGTH. in: LENGTH Ef; out: the message words whir_ef_words writes (4 canonical limbs
// per entry), from a buffer that starts poisoned.
void scenario_whir_ef_words(const Args& a, const Options& o) {
    const uint32_t length = arg(a, 0);
    Input in(size_t(length) * 4);
    const std::vector<Ef> table = in.efs(length);
    Words words(size_t(length) * 4, kScratchPoison);
    WhirEfWordsParams p{};
    p.lanes = length;
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) { whir_ef_words(table.data(), words.data(), p, pos, threads); });
    write_output(words);
}

}  // namespace gs_emu
