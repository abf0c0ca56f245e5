// The batch-constraint rounds' tables of one trace at Z = r_0 (PROTOCOL 9.2 step 5): for each chunk x
// of N = 2^l_skip rows, each column's PLE over the chunk evaluated at r_0, i.e. the Lagrange
// combination sum_a L_a(r_0) T[(a + N x) mod h][c]; the same for the next row (the rotation) and
// for the three selectors; then eq over the chunks. EfTables::dag_round reads them in this order.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "ef_tables.h"

namespace gpustark {

class Backend;

struct TraceTablesInput {
    const uint32_t* values = nullptr;  // 2^log_height x width, row-major, canonical
    uint32_t log_height = 0;
    uint32_t width = 0;
    uint32_t l_skip = 0;
    std::vector<Ef> lagrange;  // L_a(r_0), a < N
    std::vector<Ef> eq;        // eq(xi[l..], x), one per chunk: 2^max(log_height - l_skip, 0)
};

// 2 width + 4 tables of eq.size() entries: local columns, next columns, is_first, is_last,
// is_transition, eq. Computed on the host, then handed to backend.ef_tables.
std::unique_ptr<EfTables> host_trace_tables(Backend& backend, const TraceTablesInput& in);

}  // namespace gpustark
