// Compiled once per instruction set (CMake: baseline, -mavx2 and -mavx512* on x86-64), each copy
// in its own namespace GS_LANES_NS with its own lane width kCpuLanes; dag_run_lanes_dispatch.cpp
// picks one at run time. Each lane is one point; one pass of the program serves all of them, so
// the interpreter's dispatch is paid once per kCpuLanes points and the arithmetic vectorises.
#include "dag_run_lanes.h"

#include <algorithm>
#include <mutex>

#include "../parallel.h"
#include "dag_lane_values.h"
#include "lane_loads.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {
namespace {

constexpr size_t kLanes = size_t(kCpuLanes);

// Round 0's points in lanes, Montgomery words: the local columns then the three selectors, and
// the next columns; slots in a per-thread array.
struct BaseLanesPoint {
    const FpLanes* here;
    const FpLanes* after;
    FpLanes* slots;
    uint32_t width;
    FpLanes local(uint32_t c) const { return here[c]; }
    FpLanes next(uint32_t c) const { return after[c]; }
    FpLanes selector(uint32_t s) const { return here[width + s]; }
    FpLanes slot(uint32_t k) const { return slots[k]; }
    void set_slot(uint32_t k, FpLanes v) { slots[k] = v; }
};

// A round's points in lanes: table c's values at the lanes' (x, pair) in values[c].
struct FoldedLanesPoint {
    const EfLanes* values;
    EfLanes* slots;
    uint32_t width;
    EfLanes local(uint32_t c) const { return values[c]; }
    EfLanes next(uint32_t c) const { return values[width + c]; }
    EfLanes selector(uint32_t s) const { return values[2 * width + s]; }
    EfLanes slot(uint32_t k) const { return slots[k]; }
    void set_slot(uint32_t k, const EfLanes& v) { slots[k] = v; }
};

// The lanes' units of a round, unit = pair * points + point index (points fastest, as on the
// devices): which pair each lane folds, and at which x.
struct RoundLanes {
    PairLanes pairs;
    EfLanes x;
    bool base_x;  // every x in the base field: the fold needs a base-field product only
};

RoundLanes round_lanes(const std::vector<Ef>& xs, size_t points, size_t first_pair, size_t first_unit, size_t live) {
    RoundLanes r;
    r.base_x = true;
    for (size_t j = 0; j < kLanes; ++j) {
        const size_t unit = first_unit + std::min(j, live - 1);  // idle lanes repeat the last unit
        r.pairs.pair[j] = first_pair + unit / points;
        const Ef x = xs.empty() ? ef_zero() : xs[unit % points];
        ef_set_lane(r.x, int(j), x);
        r.base_x = r.base_x && x.c1.m == 0 && x.c2.m == 0 && x.c3.m == 0;
    }
    prepare_pair_lanes(r.pairs);
    return r;
}

// values[c] = table c folded at the lanes' (x, pair): low + x (high - low), or its one entry when
// the tables are bound. Once per column and group, so a leaf read in the program is one load.
void fold_tables(const DagRoundTables& t, size_t count, const RoundLanes& lanes, EfLanes* values) {
    const bool bound = t.length == 1;
    for (size_t c = 0; c < count; ++c) {
        const Ef* column = t.columns[c];
        if (bound) {
            values[c] = ef_lanes_splat(column[0]);
            continue;
        }
        EfLanes low, high;
        load_pairs(column, lanes.pairs, low, high);
        const EfLanes d = ef_sub(high, low);
        values[c] = ef_add(low, lanes.base_x ? ef_mul_base(d, lanes.x.c0) : ef_mul(lanes.x, d));
    }
}

}  // namespace

void dag_base_sums_lanes(const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    const DagProgram& p = *dag.program;
    const uint32_t width = p.width;
    parallel_for((in.points + kLanes - 1) / kLanes, 1, [&](size_t begin, size_t end) {
        std::vector<FpLanes> here(width + 3), after(width), slots(std::max<uint32_t>(p.slots, 1));
        for (size_t group = begin; group < end; ++group) {
            const size_t k0 = group * kLanes, live = std::min(kLanes, in.points - k0);
            load_rows(in.local + k0 * in.local_stride, in.local_stride, live, width + 3, here.data());
            load_rows(in.next + k0 * in.next_stride, in.next_stride, live, width, after.data());
            BaseLanesPoint point{here.data(), after.data(), slots.data(), width};
            const DagSumsOf<EfLanes> s =
                dag_run<FpLanes, EfLanes>(p.code.data(), p.instructions(), dag.weights.data(), dag.constants.data(), point);
            for (size_t j = 0; j < live; ++j)
                out[k0 + j] = {ef_lane(s.constraint, int(j)), ef_lane(s.numerator, int(j)), ef_lane(s.denominator, int(j))};
        }
    });
}

void dag_round_lanes(const DagBinding& dag, const DagRoundTables& t, const Ef combine[3], const std::vector<Ef>& xs,
                     size_t first, size_t count, Ef* s) {
    const DagProgram& p = *dag.program;
    const bool bound = t.length == 1;
    const size_t points = bound ? 1 : xs.size(), units = (bound ? 1 : count) * points;
    const size_t tables = 2 * size_t(p.width) + 4, lane_groups = (units + kLanes - 1) / kLanes;
    const EfLanes weigh[3] = {ef_lanes_splat(combine[0]), ef_lanes_splat(combine[1]), ef_lanes_splat(combine[2])};
    // A late round's few pairs make fewer lane groups than threads: then the program is split
    // into its groups too (their sums add up to the program's), each lane group's tables folded
    // once first, so that every thread has work rather than one running the whole program.
    const bool by_group = lane_groups < num_threads() && p.groups.size() > 1;
    const size_t parts = by_group ? p.groups.size() : 1;
    std::vector<EfLanes> folded(by_group ? lane_groups * tables : 0);
    if (by_group)
        parallel_for(lane_groups, 1, [&](size_t begin, size_t end) {
            for (size_t g = begin; g < end; ++g) {
                const size_t u0 = g * kLanes;
                fold_tables(t, tables, round_lanes(xs, points, first, u0, std::min(kLanes, units - u0)),
                            folded.data() + g * tables);
            }
        });
    const DagGroup whole{0, p.instructions(), p.slots};
    std::mutex merge;
    parallel_for(lane_groups * parts, 1, [&](size_t begin, size_t end) {
        std::vector<EfLanes> own(by_group ? 0 : tables), slots(std::max<uint32_t>(p.slots, 1));
        std::vector<Ef> part(points, ef_zero());
        for (size_t task = begin; task < end; ++task) {
            const size_t group = task / parts, u0 = group * kLanes, live = std::min(kLanes, units - u0);
            const EfLanes* values = by_group ? folded.data() + group * tables : own.data();
            if (!by_group) fold_tables(t, tables, round_lanes(xs, points, first, u0, live), own.data());
            const DagGroup& code = by_group ? p.groups[task % parts] : whole;
            FoldedLanesPoint point{values, slots.data(), p.width};
            const DagSumsOf<EfLanes> d = dag_run<EfLanes, EfLanes>(p.code.data() + 4 * size_t(code.first), code.count,
                                                                   dag.weights.data(), dag.constants.data(), point);
            const EfLanes inner = ef_add(ef_mul(weigh[0], d.constraint),
                                         ef_add(ef_mul(weigh[1], d.numerator), ef_mul(weigh[2], d.denominator)));
            const EfLanes v = ef_mul(values[tables - 1], inner);
            for (size_t j = 0; j < live; ++j) part[(u0 + j) % points] = ef_add(part[(u0 + j) % points], ef_lane(v, int(j)));
        }
        std::lock_guard<std::mutex> lock(merge);
        for (size_t k = 0; k < points; ++k) s[k] = ef_add(s[k], part[k]);
    });
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
