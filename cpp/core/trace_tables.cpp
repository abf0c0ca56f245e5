#include "trace_tables.h"

#include <stdexcept>

#include "backend.h"
#include "host_memory.h"
#include "parallel.h"
#include "simd/trace_chunk_lanes.h"

namespace gpustark {

std::unique_ptr<EfTables> host_trace_tables(Backend& backend, const TraceTablesInput& in) {
    const size_t n = size_t(1) << in.l_skip, height = size_t(1) << in.log_height, size = in.eq.size();
    const size_t chunks = in.log_height > in.l_skip ? height / n : 1;
    const uint32_t width = in.width;
    if (in.lagrange.size() != n || size != chunks)
        throw std::invalid_argument("trace_tables: expected N Lagrange weights and one eq entry per chunk");
    HostVector<Ef> values = uninitialized_vector<Ef>((2 * size_t(width) + 4) * size);  // every entry written below
    // L_a times R (a Montgomery product by R^2 mod p): the lanes multiply it by canonical trace
    // values straight into Montgomery form.
    std::vector<Ef> lagrange_r(n);
    for (size_t a = 0; a < n; ++a) lagrange_r[a] = ef_mul_base(in.lagrange[a], fp_raw(GS_R2_MOD_P));
    parallel_for(size, 16, [&](size_t begin, size_t end) {
        std::vector<Ef> local(width), next(width);
        for (size_t x = begin; x < end; ++x) {
            trace_chunk_sums(in.values, height, width, n, x, lagrange_r.data(), local.data(), next.data());
            Ef sel[3] = {ef_zero(), ef_zero(), ef_zero()};
            for (size_t a = 0; a < n; ++a) {
                const size_t row = (a + n * x) % height;
                if (row == 0) sel[0] = ef_add(sel[0], in.lagrange[a]);
                if (row == height - 1) sel[1] = ef_add(sel[1], in.lagrange[a]);
                else sel[2] = ef_add(sel[2], in.lagrange[a]);
            }
            for (uint32_t c = 0; c < width; ++c) values[c * size + x] = local[c], values[(width + c) * size + x] = next[c];
            for (int k = 0; k < 3; ++k) values[(2 * width + k) * size + x] = sel[k];
            values[(2 * width + 3) * size + x] = in.eq[x];
        }
    });
    return backend.ef_tables(values.data(), 2 * size_t(width) + 4, size);
}

}  // namespace gpustark
