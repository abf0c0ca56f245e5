// Chooses the widest compiled copy of the NTT passes that this CPU supports.
#include "cpu_isa.h"
#include "ntt_lanes.h"

namespace gpustark {

#define GS_DECLARE_NTT_LANES(ns)                                                                      \
    namespace ns {                                                                                    \
    void ntt_stage_groups(const NttMatrix&, const NttStages&, size_t, size_t, size_t, size_t);        \
    void ntt_bit_reverse_rows(const NttMatrix&, const uint32_t*, size_t, size_t, size_t, size_t);     \
    }
GS_DECLARE_NTT_LANES(lanes_base)
#ifdef GPUSTARK_HAVE_AVX2_LANES
GS_DECLARE_NTT_LANES(lanes_avx2)
GS_DECLARE_NTT_LANES(lanes_avx512)
#endif

void ntt_stage_groups(const NttMatrix& m, const NttStages& stages, size_t group_begin, size_t group_end,
                      size_t col_begin, size_t col_end) {
    GS_ISA_DISPATCH(ntt_stage_groups, m, stages, group_begin, group_end, col_begin, col_end);
}

void ntt_bit_reverse_rows(const NttMatrix& m, const uint32_t* pre_factors, size_t row_begin, size_t row_end,
                          size_t col_begin, size_t col_end) {
    GS_ISA_DISPATCH(ntt_bit_reverse_rows, m, pre_factors, row_begin, row_end, col_begin, col_end);
}

const char* ntt_lanes_isa() { return cpu_isa_name(); }

std::vector<std::pair<const char*, NttStageGroups>> ntt_stage_groups_copies() {
    std::vector<std::pair<const char*, NttStageGroups>> copies;
    copies.push_back({"baseline", lanes_base::ntt_stage_groups});
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (cpu_has_avx2()) copies.push_back({"avx2", lanes_avx2::ntt_stage_groups});
    if (cpu_has_avx512()) copies.push_back({"avx512", lanes_avx512::ntt_stage_groups});
#endif
    return copies;
}

}  // namespace gpustark
