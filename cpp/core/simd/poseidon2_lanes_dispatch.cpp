// Chooses the widest compiled copy of the batched and the one-state Poseidon2 functions that this
// CPU supports.
#include <algorithm>
#include <cstdint>

#include "cpu_isa.h"
#include "poseidon2_lanes.h"

namespace gpustark {

#define GS_DECLARE_LANES(ns)                                                                                     \
    namespace ns {                                                                                               \
    void p2_permute_lanes(uint32_t*, size_t, size_t);                                                            \
    void hash_rows_lanes(const uint32_t*, size_t, uint32_t, size_t, uint32_t*);                                  \
    void compress_lanes(const uint32_t* const*, const uint32_t* const*, size_t, uint32_t* const*);               \
    uint32_t pow_check_lanes(const PowParams&, uint32_t);                                                        \
    void p2_permute_single(uint32_t*);                                                                           \
    }
GS_DECLARE_LANES(lanes_base)
#ifdef GPUSTARK_HAVE_AVX2_LANES
GS_DECLARE_LANES(lanes_avx2)
GS_DECLARE_LANES(lanes_avx512)
#endif

void p2_permute_lanes(uint32_t* states, size_t count, size_t stride) { GS_ISA_DISPATCH(p2_permute_lanes, states, count, stride); }
void hash_rows_lanes(const uint32_t* matrix, size_t count, uint32_t width, size_t row_stride, uint32_t* digests) {
    GS_ISA_DISPATCH(hash_rows_lanes, matrix, count, width, row_stride, digests);
}
void compress_lanes(const uint32_t* const* left, const uint32_t* const* right, size_t count, uint32_t* const* out) {
    GS_ISA_DISPATCH(compress_lanes, left, right, count, out);
}
uint32_t pow_check_lanes(const PowParams& params, uint32_t first_witness) {
    GS_ISA_DISPATCH(pow_check_lanes, params, first_witness);
}
uint32_t first_passing_witness(const PowParams& params, uint64_t first, uint64_t count) {
    const uint64_t end = std::min<uint64_t>(first + count, GS_P);
    for (uint64_t batch = first; batch < end; batch += kPoseidon2Lanes) {
        uint32_t mask = pow_check_lanes(params, uint32_t(batch));
        if (end - batch < kPoseidon2Lanes) mask &= (1u << (end - batch)) - 1u;  // the range's end, p included
        if (mask != 0) return uint32_t(batch) + uint32_t(__builtin_ctz(mask));  // the lowest passing lane
    }
    return UINT32_MAX;
}
const char* poseidon2_lanes_isa() { return cpu_isa_name(); }

void p2_permute_single(uint32_t* state) { GS_ISA_DISPATCH(p2_permute_single, state); }
const char* poseidon2_single_isa() { return poseidon2_lanes_isa(); }

std::vector<std::pair<const char*, void (*)(uint32_t*)>> p2_permute_single_copies() {
    std::vector<std::pair<const char*, void (*)(uint32_t*)>> copies;
    copies.push_back({"baseline", lanes_base::p2_permute_single});
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (cpu_has_avx2()) copies.push_back({"avx2", lanes_avx2::p2_permute_single});
    if (cpu_has_avx512()) copies.push_back({"avx512", lanes_avx512::p2_permute_single});
#endif
    return copies;
}

std::vector<std::pair<const char*, P2PermuteLanes>> p2_permute_lanes_copies() {
    std::vector<std::pair<const char*, P2PermuteLanes>> copies;
    copies.push_back({"baseline", lanes_base::p2_permute_lanes});
#ifdef GPUSTARK_HAVE_AVX2_LANES
    if (cpu_has_avx2()) copies.push_back({"avx2", lanes_avx2::p2_permute_lanes});
    if (cpu_has_avx512()) copies.push_back({"avx512", lanes_avx512::p2_permute_lanes});
#endif
    return copies;
}

}  // namespace gpustark
