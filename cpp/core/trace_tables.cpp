#include "trace_tables.h"

#include <stdexcept>

#include "backend.h"
#include "parallel.h"

namespace gpustark {

std::unique_ptr<EfTables> host_trace_tables(Backend& backend, const TraceTablesInput& in) {
    const size_t n = size_t(1) << in.l_skip, height = size_t(1) << in.log_height, size = in.eq.size();
    const size_t chunks = in.log_height > in.l_skip ? height / n : 1;
    const uint32_t width = in.width;
    if (in.lagrange.size() != n || size != chunks)
        throw std::invalid_argument("trace_tables: expected N Lagrange weights and one eq entry per chunk");
    std::vector<Ef> values((2 * size_t(width) + 4) * size);
    parallel_for(size, 16, [&](size_t begin, size_t end) {
        std::vector<Ef> local(width), next(width);
        for (size_t x = begin; x < end; ++x) {
            std::fill(local.begin(), local.end(), ef_zero());
            std::fill(next.begin(), next.end(), ef_zero());
            Ef sel[3] = {ef_zero(), ef_zero(), ef_zero()};
            // Whole rows at a time: row-major reads.
            for (size_t a = 0; a < n; ++a) {
                const size_t row = (a + n * x) % height;
                const uint32_t* here = in.values + row * width;
                const uint32_t* after = in.values + ((row + 1) % height) * width;
                const Ef weight = in.lagrange[a];
                for (uint32_t c = 0; c < width; ++c) {
                    local[c] = ef_add(local[c], ef_mul_base(weight, fp_from_canonical(here[c])));
                    next[c] = ef_add(next[c], ef_mul_base(weight, fp_from_canonical(after[c])));
                }
                if (row == 0) sel[0] = ef_add(sel[0], weight);
                if (row == height - 1) sel[1] = ef_add(sel[1], weight);
                else sel[2] = ef_add(sel[2], weight);
            }
            for (uint32_t c = 0; c < width; ++c) values[c * size + x] = local[c], values[(width + c) * size + x] = next[c];
            for (int k = 0; k < 3; ++k) values[(2 * width + k) * size + x] = sel[k];
            values[(2 * width + 3) * size + x] = in.eq[x];
        }
    });
    return backend.ef_tables(values.data(), 2 * size_t(width) + 4, size);
}

}  // namespace gpustark
