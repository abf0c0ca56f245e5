// Compiled once per instruction set (CMake: baseline, -mavx2 and -mavx512* on x86-64), each copy
// in its own namespace GS_LANES_NS with its own lane width kCpuLanes; poseidon2_lanes_dispatch.cpp
// picks one at run time. A call takes up to kPoseidon2Lanes states and runs them in passes of
// kCpuLanes.
#include "poseidon2_lanes.h"

#include "fp_lanes.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace {
#include "poseidon2_diag_lanes.h"
}  // namespace
namespace GS_LANES_NS {
namespace {

using P2Batch = P2Lanes<FpLanes>;
static_assert(kPoseidon2Lanes % size_t(kCpuLanes) == 0, "whole passes per call");

size_t pass_count(size_t first, size_t count) {
    return count - first < size_t(kCpuLanes) ? count - first : size_t(kCpuLanes);
}

void permute_pass(uint32_t* states, size_t count, size_t stride) {
    P2Batch st;
    for (u32 j = 0; j < 16; ++j)
        for (int i = 0; i < kCpuLanes; ++i) st.s[j].v[i] = size_t(i) < count ? fp_from_canonical(states[i * stride + j]).m : 0;
    p2_permute(st);
    for (u32 j = 0; j < 16; ++j)
        for (size_t i = 0; i < count; ++i) states[i * stride + j] = fp_to_canonical(fp_raw(st.s[j].v[i]));
}

void hash_rows_pass(const uint32_t* matrix, size_t count, uint32_t width, size_t row_stride, uint32_t* digests) {
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

void compress_pass(const uint32_t* const* left, const uint32_t* const* right, size_t count, uint32_t* const* out) {
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

uint32_t pow_check_pass(const PowParams& params, uint32_t first_witness) {
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

}  // namespace

void p2_permute_lanes(uint32_t* states, size_t count, size_t stride) {
    for (size_t first = 0; first < count; first += kCpuLanes) permute_pass(states + first * stride, pass_count(first, count), stride);
}

void hash_rows_lanes(const uint32_t* matrix, size_t count, uint32_t width, size_t row_stride, uint32_t* digests) {
    for (size_t first = 0; first < count; first += kCpuLanes)
        hash_rows_pass(matrix + first * row_stride, pass_count(first, count), width, row_stride, digests + first * GS_DIGEST_WIDTH);
}

void compress_lanes(const uint32_t* const* left, const uint32_t* const* right, size_t count, uint32_t* const* out) {
    for (size_t first = 0; first < count; first += kCpuLanes)
        compress_pass(left + first, right + first, pass_count(first, count), out + first);
}

uint32_t pow_check_lanes(const PowParams& params, uint32_t first_witness) {
    uint32_t mask = 0;
    for (size_t first = 0; first < kPoseidon2Lanes; first += kCpuLanes)
        mask |= pow_check_pass(params, first_witness + uint32_t(first)) << first;
    return mask;
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
