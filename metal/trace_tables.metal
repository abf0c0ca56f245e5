// A trace's batch-constraint tables at r_0 (core/trace_tables.h), built from the trace on the
// device. A grid-stride loop (lane += threads_per_grid), so any grid works. Params struct:
// cpp/kernels/constraints/trace_table_lanes.h.
#include "constraints/trace_table_lanes.h"

// buffer 0: trace (2^log_height x width canonical u32), 1: lagrange (2^l_skip Ef),
// 2: tables (Ef, table c at c * p.length for c < 2 width + 3; the eq table after them is the
// host's), 3: TraceTablesParams.
kernel void trace_tables(device const u32* trace [[buffer(0)]],
                         device const Ef* lagrange [[buffer(1)]],
                         device Ef* tables [[buffer(2)]],
                         constant TraceTablesParams& p [[buffer(3)]],
                         uint pos [[thread_position_in_grid]],
                         uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        trace_tables_lane(lane, trace, p.width, p.log_height, p.l_skip, lagrange, tables, p.length);
}
