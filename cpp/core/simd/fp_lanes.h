// Several BabyBear values processed side by side (structure of arrays), with the free functions
// the kernel bodies use on Fp. Written as plain loops over lanes, branch-free, so the compiler
// vectorises them (unsigned min selects the reduced value: x - p wraps above x when x < p).
#pragma once
#include <algorithm>
#include <cstddef>

#include "../../kernels/field/babybear.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace gpustark {
// Internal linkage: this header is compiled once per instruction set (poseidon2_lanes.cpp), and
// each copy's instantiations must stay in its own object rather than merge at link time.
namespace {

// CMake sets 16 for the AVX-512 copy (one 512-bit register per value); 8 fills an AVX2 register.
#ifndef GS_CPU_LANES
#define GS_CPU_LANES 8
#endif
constexpr int kCpuLanes = GS_CPU_LANES;

#if defined(__AVX512F__) && GS_CPU_LANES == 16
#define GS_FP_LANES_AVX512 1
#endif

struct FpLanes {
#ifdef GS_FP_LANES_AVX512
    union {  // the AVX-512 multiply (fp_lanes_avx512.h) works on the register view
        u32 v[kCpuLanes];
        __m512i z;
    };
#else
    u32 v[kCpuLanes];
#endif
};

inline FpLanes fp_add(FpLanes a, FpLanes b) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) {
        u32 s = a.v[i] + b.v[i];
        r.v[i] = std::min(s, s - GS_P);
    }
    return r;
}

inline FpLanes fp_double(FpLanes a) { return fp_add(a, a); }

inline FpLanes fp_sub(FpLanes a, FpLanes b) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) {
        u32 d = a.v[i] - b.v[i];
        r.v[i] = std::min(d, d + GS_P);  // d + p wraps below d exactly when a >= b
    }
    return r;
}

// The first `count` (<= kCpuLanes) words at p into lanes (the rest zero), and back.
inline FpLanes fp_lanes_load(const u32* p, size_t count = kCpuLanes) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) r.v[i] = size_t(i) < count ? p[i] : 0u;
    return r;
}
inline void fp_lanes_store(u32* p, FpLanes x, size_t count = kCpuLanes) {
    for (int i = 0; i < kCpuLanes; ++i)
        if (size_t(i) < count) p[i] = x.v[i];
}

#ifdef GS_FP_LANES_AVX512
#include "fp_lanes_avx512.h"
#else
inline FpLanes fp_mul(FpLanes a, FpLanes b) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) {
        u64 x = (u64)a.v[i] * b.v[i];
        u32 q = (u32)x * GS_P_NEG_INV;
        u32 t = (u32)((x + (u64)q * GS_P) >> 32);
        r.v[i] = std::min(t, t - GS_P);
    }
    return r;
}
#endif

inline FpLanes fp_pow7(FpLanes x) {
    FpLanes x2 = fp_mul(x, x);
    FpLanes x3 = fp_mul(x2, x);
    FpLanes x4 = fp_mul(x2, x2);
    return fp_mul(x3, x4);
}

inline FpLanes p2_lane_constant(FpLanes, u32 montgomery) {
    FpLanes r;
    for (int i = 0; i < kCpuLanes; ++i) r.v[i] = montgomery;
    return r;
}

}  // namespace
}  // namespace gpustark
