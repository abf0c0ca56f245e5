// Chooses the widest compiled copy of trace_chunk_sums that this CPU supports.
#include "cpu_isa.h"
#include "trace_chunk_lanes.h"

namespace gpustark {

#define GS_DECLARE_TRACE_TABLE_LANES(ns)                                                                     \
    namespace ns {                                                                                           \
    void trace_chunk_sums(const uint32_t*, size_t, uint32_t, size_t, size_t, const Ef*, Ef*, Ef*);           \
    }
GS_DECLARE_TRACE_TABLE_LANES(lanes_base)
#ifdef GPUSTARK_HAVE_AVX2_LANES
GS_DECLARE_TRACE_TABLE_LANES(lanes_avx2)
GS_DECLARE_TRACE_TABLE_LANES(lanes_avx512)
#endif

void trace_chunk_sums(const uint32_t* values, size_t height, uint32_t width, size_t n, size_t x, const Ef* lagrange_r,
                      Ef* local, Ef* next) {
    GS_ISA_DISPATCH(trace_chunk_sums, values, height, width, n, x, lagrange_r, local, next);
}

}  // namespace gpustark
