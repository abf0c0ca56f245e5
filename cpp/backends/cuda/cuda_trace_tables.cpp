// CudaBackend::trace_tables: the trace, its Lagrange weights and eq go up once; a kernel fills
// the tables in device memory, which the returned EfTables adopts (nothing comes back).
#include <stdexcept>

#include "cuda_backend.h"
#include "cuda_ef_tables.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {

std::unique_ptr<EfTables> CudaBackend::trace_tables(const TraceTablesInput& in) {
    const size_t n = size_t(1) << in.l_skip, height = size_t(1) << in.log_height, length = in.eq.size();
    const size_t chunks = in.log_height > in.l_skip ? height / n : 1;
    if (in.lagrange.size() != n || length != chunks)
        throw std::invalid_argument("trace_tables: expected N Lagrange weights and one eq entry per chunk");
    const size_t count = 2 * size_t(in.width) + 4;
    const size_t trace_bytes = height * in.width * sizeof(uint32_t), eq_bytes = length * sizeof(Ef);
    const size_t lagrange_bytes = n * sizeof(Ef);
    cuda::DeviceBuffer tables;
    {
        Call call(*this, "trace_tables");
        const uint32_t* held = held_trace(in.values, trace_bytes);  // else copied up here
        cuda::DeviceBuffer copy(held ? 0 : trace_bytes), lagrange(lagrange_bytes);
        const uint32_t* trace = held ? held : copy.as<uint32_t>();
        tables = cuda::DeviceBuffer(count * length * sizeof(Ef));
        call.reserve_staging((held ? 0 : staged_size(trace_bytes)) + staged_size(lagrange_bytes) + staged_size(eq_bytes));
        if (!held) call.upload(copy.data(), in.values, trace_bytes);
        call.upload(lagrange.data(), in.lagrange.data(), lagrange_bytes);
        call.upload(tables.as<Ef>() + (count - 1) * length, in.eq.data(), eq_bytes);  // the last table: eq
        const uint64_t lanes = uint64_t(length) * (count - 1);
        const device::LaunchPlan plan = lane_plan(CudaKernel::TraceTables, lanes);
        call.dispatch(CudaKernel::TraceTables, plan, uint64_t(n) * 2 * trace_bytes + lanes * sizeof(Ef), [&] {
            return int(cuda::launch_trace_tables(trace, in.width, in.log_height, in.l_skip,
                                                 lagrange.as<Ef>(), tables.as<Ef>(), length, plan, call.stream()));
        });
        call.finish("trace_tables");  // a copied trace is freed when this scope ends
    }
    return adopt_cuda_ef_tables(*this, std::move(tables), count, length);
}

}  // namespace gpustark
