// The CPU's constraint-DAG evaluation in SIMD lanes: kernels/dag/dag_code.h's dag_run, the body
// the devices run at one point, instantiated on kCpuLanes points at once (FpLanes values at
// round 0's base-field points, EfLanes at a multilinear round's points; dag_lane_values.h).
// Compiled once per instruction set (baseline, AVX2, AVX-512 on x86-64) and chosen at run time.
#pragma once
#include <cstddef>
#include <vector>

#include "../dag_program.h"

namespace gpustark {

// Backend::dag_base_sums: out[k] = the three sums at base-field point k.
void dag_base_sums_lanes(const DagBinding& dag, const DagBasePoints& points, DagSums* out);

// A trace's tables in a multilinear round: table c (2 width + 4 of them, in EfTables::dag_round's
// order: local columns, next columns, three selectors, eq) at columns[c], `length` entries each.
struct DagRoundTables {
    const Ef* const* columns;
    size_t length;
};

// Part of EfTables::dag_round: for the pairs [first, first + count) of the tables (the one bound
// point when length is 1), s[k] += sum over the pairs of eq (combine . (C, N, D)) at (xs[k], pair);
// s has xs.size() entries (one when bound).
void dag_round_lanes(const DagBinding& dag, const DagRoundTables& tables, const Ef combine[3],
                     const std::vector<Ef>& xs, size_t first, size_t count, Ef* s);

// The instruction set the functions above use on this CPU ("avx512", "avx2" or "baseline").
const char* dag_run_lanes_isa();

// Every compiled copy this CPU can run, by instruction set (for tests: the copies a wider CPU
// never dispatches to are still checked there).
struct DagRunLanesCopy {
    const char* isa;
    void (*base_sums)(const DagBinding&, const DagBasePoints&, DagSums*);
    void (*round)(const DagBinding&, const DagRoundTables&, const Ef*, const std::vector<Ef>&, size_t, size_t, Ef*);
};
std::vector<DagRunLanesCopy> dag_run_lanes_copies();

}  // namespace gpustark
