// gpu::trace_tables: one kernel (kernels/constraints/trace_table_lanes.h) fills the first 2 width + 3
// tables from the trace; the last table, eq, is the host's. The tables are adopted by the
// device tables (gpu_ef_tables.cpp), so nothing comes back.
#include <stdexcept>

#include "../../kernels/constraints/trace_table_lanes.h"
#include "phases.h"

namespace gpustark {
namespace gpu {

std::unique_ptr<EfTables> trace_tables(Device& device, const TraceTablesInput& in) {
    const size_t n = size_t(1) << in.l_skip, height = size_t(1) << in.log_height, length = in.eq.size();
    const size_t chunks = in.log_height > in.l_skip ? height / n : 1;
    if (in.lagrange.size() != n || length != chunks)
        throw std::invalid_argument("trace_tables: expected N Lagrange weights and one eq entry per chunk");
    const size_t count = 2 * size_t(in.width) + 4;
    const size_t trace_bytes = height * in.width * sizeof(uint32_t), eq_bytes = length * sizeof(Ef);
    const size_t lagrange_bytes = n * sizeof(Ef);
    Buffer tables;
    {
        Call call(device, "trace_tables");
        Buffer trace = device.held(in.values, trace_bytes);
        const bool copy = !trace;  // a copied trace is freed when this scope ends
        if (copy) trace = device.allocate(trace_bytes);
        Buffer lagrange = device.allocate(lagrange_bytes);
        tables = device.allocate(count * length * sizeof(Ef));
        device.reserve_staging((copy ? staged_size(trace_bytes) : 0) + staged_size(lagrange_bytes) +
                               staged_size(eq_bytes));
        if (copy) device.upload(trace, in.values, trace_bytes);
        device.upload(lagrange, in.lagrange.data(), lagrange_bytes);
        device.upload(tables.at_element<Ef>((count - 1) * length), in.eq.data(), eq_bytes);
        TraceTablesParams p{};
        p.length = length;
        p.lanes = uint64_t(length) * (count - 1);
        p.width = in.width;
        p.log_height = in.log_height;
        p.l_skip = in.l_skip;
        device.dispatch(Kernel::TraceTables, device.lane_plan(Kernel::TraceTables, p.lanes),
                        uint64_t(n) * 2 * trace_bytes + p.lanes * sizeof(Ef), {trace, lagrange, tables}, p);
        call.finish("trace_tables");
    }
    return adopt_tables(device, std::move(tables), count, length);
}

}  // namespace gpu
}  // namespace gpustark
