// Scenarios of metal/sumcheck.metal: the sumcheck table steps, dispatched as the host does
// (grid-stride grids, one partial per threadgroup for the rounds). Included by emulator.cpp.
#pragma once
#include "scenario_io.h"

namespace gs_emu {

inline uint32_t log2_exact(uint64_t x) {
    uint32_t log = 0;
    while ((uint64_t(1) << log) < x) ++log;
    return log;
}

// The launchers' checks: a power-of-two length of at least min_length; tables that do not overlap.
inline void check_tables(uint32_t length, uint32_t stride, uint32_t min_length) {
    if (!is_power_of_two(length) || length < min_length || stride < length)
        die("need a power-of-two LENGTH >= " + std::to_string(min_length) + " and STRIDE >= LENGTH");
}

// args: COUNT LENGTH STRIDE ROUNDS. in: COUNT tables of STRIDE Ef (the first LENGTH live), then
// ROUNDS challenges. ROUNDS folds, each from the current buffer into the other one (which
// starts zero), as the host's two buffers; out: the last fold's buffer, COUNT x STRIDE Ef.
void scenario_sumcheck_fold(const Args& a, const Options& o) {
    uint32_t count = arg(a, 0), length = arg(a, 1), stride = arg(a, 2), rounds = arg(a, 3);
    check_tables(length, stride, 1);
    if ((uint64_t(1) << rounds) > length) die("sumcheck_fold: ROUNDS must be <= log2(LENGTH)");
    Input in(size_t(count) * stride * 4 + size_t(rounds) * 4);
    std::vector<Ef> current = in.efs(size_t(count) * stride), other(current.size(), ef_zero());
    std::vector<Ef> challenges = in.efs(rounds);
    for (uint32_t round = 0; round < rounds; ++round) {
        const uint32_t half = (length >> round) / 2;
        SumcheckFoldParams p{};
        p.lanes = uint64_t(count) * half;
        p.stride = stride;
        p.r = challenges[round];
        p.log_half = log2_exact(half);
        run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
            sumcheck_fold(current.data(), other.data(), p, pos, threads);
        });
        std::swap(current, other);
    }
    write_output(current);
}

// args: COUNT LENGTH STRIDE. in: COUNT (even) tables of STRIDE Ef; out: the partials, 2 Ef per
// threadgroup (s(1), s(2) of that group's lanes).
void scenario_sumcheck_pair_product(const Args& a, const Options& o) {
    uint32_t count = arg(a, 0), length = arg(a, 1), stride = arg(a, 2);
    check_tables(length, stride, 2);
    if (count % 2 != 0) die("sumcheck_pair_product: COUNT must be even");
    Input in(size_t(count) * stride * 4);
    std::vector<Ef> tables = in.efs(size_t(count) * stride);
    SumcheckPairProductParams p{};
    p.lanes = uint64_t(count / 2) * (length / 2);
    p.stride = stride;
    p.log_half = log2_exact(length / 2);
    const StridedGrid grid = strided_grid(p.lanes, o);
    std::vector<Ef> partials = poisoned_partials(size_t(grid.groups) * GS_SUMCHECK_PAIR_PRODUCT_SUMS);
    run_strided(grid, size_t(4) * GS_SUMCHECK_PAIR_PRODUCT_SUMS * grid.group,
                [&](uint32_t pos, uint32_t threads, uint32_t lane, uint32_t lanes, uint32_t group, uint32_t* scratch) {
                    sumcheck_pair_product(tables.data(), partials.data(), p, reinterpret_cast<Ef*>(scratch), pos,
                                          threads, lane, lanes, group);
                });
    write_output(partials);
}

// args: LENGTH STRIDE. in: the five tables p0, p1, q0, q1, eq of STRIDE Ef, then lambda; out: the
// partials, 3 Ef per threadgroup (s(1), s(2), s(3) of that group's lanes).
void scenario_sumcheck_fraction(const Args& a, const Options& o) {
    uint32_t length = arg(a, 0), stride = arg(a, 1);
    check_tables(length, stride, 2);
    Input in(size_t(5) * stride * 4 + 4);
    std::vector<Ef> tables = in.efs(size_t(5) * stride);
    SumcheckFractionParams p{};
    p.lanes = length / 2;
    p.stride = stride;
    p.lambda = in.ef();
    const StridedGrid grid = strided_grid(p.lanes, o);
    std::vector<Ef> partials = poisoned_partials(size_t(grid.groups) * GS_SUMCHECK_FRACTION_SUMS);
    run_strided(grid, size_t(4) * GS_SUMCHECK_FRACTION_SUMS * grid.group,
                [&](uint32_t pos, uint32_t threads, uint32_t lane, uint32_t lanes, uint32_t group, uint32_t* scratch) {
                    sumcheck_fraction(tables.data(), partials.data(), p, reinterpret_cast<Ef*>(scratch), pos, threads,
                                      lane, lanes, group);
                });
    write_output(partials);
}

// args: VARS POINTS. in: a table of 2^VARS Ef, then POINTS pairs (z, weight); out: the table after
// table += sum of weight * eq(., (z, z^2, z^4, ...)), the records laid out and the two launches
// (sumcheck_eq_halves, sumcheck_add_eq_powers) made as the host does.
void scenario_sumcheck_add_eq_powers(const Args& a, const Options& o) {
    uint32_t vars = arg(a, 0), points = arg(a, 1);
    if (vars > 20 || points > 256) die("sumcheck_add_eq_powers: VARS must be <= 20 and POINTS <= 256 here");
    const uint64_t length = uint64_t(1) << vars;
    Input in(size_t(length) * 4 + size_t(points) * 8);
    std::vector<Ef> table = in.efs(length);
    SumcheckAddEqPowersParams p{};
    p.lanes = length;
    p.vars = vars;
    p.count = points;
    std::vector<Ef> records;  // per point: weight, then z^(2^k) for k < vars
    for (uint32_t q = 0; q < points; ++q) {
        Ef z = in.ef();
        records.push_back(in.ef());
        for (uint32_t k = 0; k < vars; ++k, z = ef_square(z)) records.push_back(z);
    }
    // The host's two launches: the half tables, then the sum into the table.
    std::vector<Ef> halves(size_t(points) * sumcheck_eq_halves_len(vars), ef_zero());
    run_lanes(halves.size(), o, [&](uint32_t pos, uint32_t threads) {
        sumcheck_eq_halves(records.data(), halves.data(), p, pos, threads);
    });
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        sumcheck_add_eq_powers(table.data(), halves.data(), p, pos, threads);
    });
    write_output(table);
}

// args: SUMS COUNT LENGTH ROUNDS BITS (SUMS 2: pair-product rounds over COUNT tables; 3: fraction
// rounds, COUNT = 5; BITS > 0: a grind in each round). in: COUNT tables of LENGTH Ef, lambda,
// then the sponge (18 words: 16 canonical lanes, absorb index, sample index). Each round as the
// host enqueues it (gpu_ef_tables.cpp's transcript_rounds): the round kernel's partials (--group,
// --groups), one threadgroup of --group lanes of sumcheck_sponge_step, with BITS
// sumcheck_sponge_grind over 64 x 2^BITS witnesses and one lane of sumcheck_sponge_witness,
// sumcheck_fold_logged into the other buffer. out: the log (ROUNDS x 4 Ef: s(1), s(2), s(3), r),
// the sponge's 18 words, the folded tables (COUNT x LENGTH / 2^ROUNDS Ef, packed as the folds
// leave them), then with BITS the witnesses (ROUNDS words).
void scenario_sumcheck_rounds(const Args& a, const Options& o) {
    const uint32_t sums = arg(a, 0), count = arg(a, 1), length = arg(a, 2), rounds = arg(a, 3), bits = arg(a, 4);
    if (bits > 12) die("sumcheck_rounds: BITS must be <= 12 here");
    check_tables(length, length, 2);
    if (sums == GS_SUMCHECK_FRACTION_SUMS ? count != 5 : sums != GS_SUMCHECK_PAIR_PRODUCT_SUMS || count % 2 != 0)
        die("sumcheck_rounds: SUMS 2 with an even COUNT, or SUMS 3 with COUNT 5");
    if (rounds == 0 || (uint64_t(1) << rounds) > length) die("sumcheck_rounds: need 1 <= ROUNDS <= log2(LENGTH)");
    Input in(size_t(count) * length * 4 + 4 + 18);
    std::vector<Ef> current = in.efs(size_t(count) * length), other(current.size() / 2, ef_zero());
    const Ef lambda = in.ef();
    SpongeState sponge{};
    const Words start = in.words(18);
    std::memcpy(&sponge, start.data(), sizeof(sponge));
    std::vector<Ef> log(size_t(rounds) * GS_ROUND_LOG_STRIDE, ef_zero());
    Words best{GS_SPONGE_NO_WITNESS}, witnesses(rounds, 0);
    uint64_t stride = length;
    for (uint32_t round = 0; round < rounds; ++round) {
        const uint32_t half = (length >> round) / 2;
        const uint64_t lanes = sums == GS_SUMCHECK_FRACTION_SUMS ? half : uint64_t(count / 2) * half;
        const StridedGrid grid = strided_grid(lanes, o);
        std::vector<Ef> partials = poisoned_partials(size_t(grid.groups) * sums);
        run_strided(grid, size_t(4) * sums * grid.group,
                    [&](uint32_t pos, uint32_t threads, uint32_t lane, uint32_t lanes_, uint32_t group, uint32_t* s) {
                        if (sums == GS_SUMCHECK_FRACTION_SUMS) {
                            SumcheckFractionParams p{lanes, stride, lambda};
                            sumcheck_fraction(current.data(), partials.data(), p, reinterpret_cast<Ef*>(s), pos,
                                              threads, lane, lanes_, group);
                        } else {
                            SumcheckPairProductParams p{lanes, stride, log2_exact(half), 0};
                            sumcheck_pair_product(current.data(), partials.data(), p, reinterpret_cast<Ef*>(s), pos,
                                                  threads, lane, lanes_, group);
                        }
                    });
        SumcheckSpongeStepParams step{grid.groups, sums, round, bits == 0 ? 1u : 0u};
        run_groups(1, o.group, size_t(4) * GS_ROUND_LOG_SUMS * o.group,
                   [&](uint32_t lane, uint32_t, uint32_t lanes_, uint32_t* s) {
                       sumcheck_sponge_step(partials.data(), &sponge, log.data(), step, reinterpret_cast<Ef*>(s), lane,
                                            lanes_);
                   });
        if (bits) {
            SumcheckSpongeGrindParams g{bits, 64u << bits};
            run_lanes(g.window, o, [&](uint32_t pos, uint32_t threads) {
                sumcheck_sponge_grind(best.data(), &sponge, g, pos, threads);
            });
            SumcheckSpongeWitnessParams w{round, bits};
            sumcheck_sponge_witness(&sponge, best.data(), log.data(), witnesses.data(), w, 0);
        }
        SumcheckFoldLoggedParams f{};
        f.lanes = uint64_t(count) * half;
        f.stride = stride;
        f.log_half = log2_exact(half);
        f.out_shift = 1;
        f.r_index = round * GS_ROUND_LOG_STRIDE + GS_ROUND_LOG_STRIDE - 1;
        run_lanes(f.lanes, o, [&](uint32_t pos, uint32_t threads) {
            sumcheck_fold_logged(current.data(), other.data(), log.data(), f, pos, threads);
        });
        std::swap(current, other);
        stride /= 2;
    }
    Words out;
    append(out, log);
    const uint32_t* words = reinterpret_cast<const uint32_t*>(&sponge);
    out.insert(out.end(), words, words + 18);
    append(out, std::vector<Ef>(current.begin(), current.begin() + size_t(count) * stride));
    if (bits) out.insert(out.end(), witnesses.begin(), witnesses.end());
    write_output(out);
}

}  // namespace gs_emu
