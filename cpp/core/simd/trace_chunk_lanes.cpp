// Compiled once per instruction set (CMake) into namespace GS_LANES_NS; trace_chunk_lanes_dispatch.cpp
// picks one at run time.
#include "trace_chunk_lanes.h"

#include <algorithm>

#include "ef_lanes.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {

void trace_chunk_sums(const uint32_t* values, size_t height, uint32_t width, size_t n, size_t x, const Ef* lagrange_r,
                      Ef* local, Ef* next) {
    const size_t lanes = size_t(kCpuLanes);
    for (size_t c0 = 0; c0 < width; c0 += lanes) {
        const size_t count = std::min(lanes, width - c0);
        EfLanes here = ef_lanes_splat(ef_zero()), after = here;
        for (size_t a = 0; a < n; ++a) {
            const size_t row = (a + n * x) % height;
            const FpLanes v = fp_lanes_load(values + row * width + c0, count);
            const FpLanes w = fp_lanes_load(values + ((row + 1) % height) * width + c0, count);
            here = ef_add(here, ef_mul_base(lagrange_r[a], v));
            after = ef_add(after, ef_mul_base(lagrange_r[a], w));
        }
        for (size_t i = 0; i < count; ++i) local[c0 + i] = ef_lane(here, int(i)), next[c0 + i] = ef_lane(after, int(i));
    }
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
