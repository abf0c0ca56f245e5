// Compiled once per instruction set (CMake: baseline, and -mavx2 on x86-64), each copy in its own
// namespace GS_LANES_NS; poseidon2_lanes_dispatch.cpp picks one at run time.
#include "poseidon2_lanes.h"

#include "fp_lanes.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {

using P2Batch = P2Lanes<FpLanes>;
static_assert(kCpuLanes == int(kPoseidon2Lanes), "one lane count");

void p2_permute_lanes(uint32_t* states, size_t count, size_t stride) {
    P2Batch st;
    for (u32 j = 0; j < 16; ++j)
        for (int i = 0; i < kCpuLanes; ++i) st.s[j].v[i] = size_t(i) < count ? fp_from_canonical(states[i * stride + j]).m : 0;
    p2_permute(st);
    for (u32 j = 0; j < 16; ++j)
        for (size_t i = 0; i < count; ++i) states[i * stride + j] = fp_to_canonical(fp_raw(st.s[j].v[i]));
}

void hash_rows_lanes(const uint32_t* matrix, size_t count, uint32_t width, size_t row_stride, uint32_t* digests) {
    P2Batch st;
    for (u32 j = 0; j < 16; ++j)
        for (int i = 0; i < kCpuLanes; ++i) st.s[j].v[i] = 0;
    for (u32 start = 0; start < width; start += GS_P2_RATE) {
        u32 chunk = width - start < GS_P2_RATE ? width - start : GS_P2_RATE;
        for (u32 j = 0; j < chunk; ++j)
            for (size_t i = 0; i < count; ++i) st.s[j].v[i] = fp_from_canonical(matrix[i * row_stride + start + j]).m;
        p2_permute(st);
    }
    for (size_t i = 0; i < count; ++i)
        for (u32 j = 0; j < GS_DIGEST_WIDTH; ++j) digests[i * GS_DIGEST_WIDTH + j] = fp_to_canonical(fp_raw(st.s[j].v[i]));
}

void compress_lanes(const uint32_t* const* left, const uint32_t* const* right, size_t count, uint32_t* const* out) {
    P2Batch st;
    for (u32 j = 0; j < 8; ++j)
        for (int i = 0; i < kCpuLanes; ++i) {
            bool live = size_t(i) < count;
            st.s[j].v[i] = live ? fp_from_canonical(left[i][j]).m : 0;
            st.s[8 + j].v[i] = live ? fp_from_canonical(right[i][j]).m : 0;
        }
    p2_permute(st);
    for (size_t i = 0; i < count; ++i)
        for (u32 j = 0; j < 8; ++j) out[i][j] = fp_to_canonical(fp_raw(st.s[j].v[i]));
}

uint32_t pow_check_lanes(const PowParams& params, uint32_t first_witness) {
    P2Batch st;
    for (u32 j = 0; j < 16; ++j) {
        u32 m = fp_from_canonical(params.state[j]).m;
        for (int i = 0; i < kCpuLanes; ++i) st.s[j].v[i] = m;
    }
    for (int i = 0; i < kCpuLanes; ++i) st.s[params.absorb_idx].v[i] = fp_from_canonical(first_witness + i).m;
    p2_permute(st);
    uint32_t mask = 0, low = (1u << params.bits) - 1u;
    for (int i = 0; i < kCpuLanes; ++i)
        if ((fp_to_canonical(fp_raw(st.s[7].v[i])) & low) == 0) mask |= 1u << i;
    return mask;
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
