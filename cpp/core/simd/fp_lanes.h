// Several BabyBear values processed side by side (structure of arrays), with the free functions
// the kernel bodies use on Fp. The lanes are a GCC/Clang vector (vector_size), so every operation
// is a few vector instructions on any instruction set; plain loops over an array were left
// scalar by the compiler once unrolled. Branch-free: the unsigned minimum selects the reduced
// value (x - p wraps above x when x < p).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../../kernels/field/babybear.h"

#if defined(__AVX2__)
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
#elif defined(__AVX2__) && GS_CPU_LANES == 8
#define GS_FP_LANES_AVX2 1
#endif

typedef u32 U32Lanes __attribute__((vector_size(4 * GS_CPU_LANES)));
typedef u64 U64Lanes __attribute__((vector_size(8 * GS_CPU_LANES)));

struct FpLanes {
    U32Lanes v;  // Montgomery-form words; v[i] reads or writes lane i
};

inline U32Lanes lanes_min(U32Lanes a, U32Lanes b) { return a < b ? a : b; }

inline FpLanes fp_add(FpLanes a, FpLanes b) {
    const U32Lanes s = a.v + b.v;
    return FpLanes{lanes_min(s, s - GS_P)};
}

inline FpLanes fp_double(FpLanes a) { return fp_add(a, a); }

inline FpLanes fp_sub(FpLanes a, FpLanes b) {
    const U32Lanes d = a.v - b.v;
    return FpLanes{lanes_min(d, d + GS_P)};  // d + p wraps below d exactly when a >= b
}

inline FpLanes fp_neg(FpLanes a) { return fp_sub(FpLanes{}, a); }

// Every lane the Montgomery word m.
inline FpLanes fp_lanes_splat(u32 m) { return FpLanes{U32Lanes{} + m}; }

// The first `count` (<= kCpuLanes) words at p into lanes (the rest zero), and back: masked
// loads and stores where the ISA has them (a row's last few columns, at every butterfly).
inline FpLanes fp_lanes_load(const u32* p) {
    FpLanes r;
    std::memcpy(&r.v, p, sizeof r.v);
    return r;
}
inline void fp_lanes_store(u32* p, FpLanes x) { std::memcpy(p, &x.v, sizeof x.v); }
#if defined(GS_FP_LANES_AVX512)
inline FpLanes fp_lanes_load(const u32* p, size_t count) {
    return FpLanes{U32Lanes(_mm512_maskz_loadu_epi32(__mmask16((1u << count) - 1u), p))};
}
inline void fp_lanes_store(u32* p, FpLanes x, size_t count) {
    _mm512_mask_storeu_epi32(p, __mmask16((1u << count) - 1u), __m512i(x.v));
}
#elif defined(GS_FP_LANES_AVX2)
inline __m256i lanes_below(size_t count) {  // all ones in lanes i < count
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline FpLanes fp_lanes_load(const u32* p, size_t count) {
    return FpLanes{U32Lanes(_mm256_maskload_epi32(reinterpret_cast<const int*>(p), lanes_below(count)))};
}
inline void fp_lanes_store(u32* p, FpLanes x, size_t count) {
    _mm256_maskstore_epi32(reinterpret_cast<int*>(p), lanes_below(count), __m256i(x.v));
}
#else
inline FpLanes fp_lanes_load(const u32* p, size_t count) {
    FpLanes r{};
    std::memcpy(&r.v, p, count * sizeof(u32));
    return r;
}
inline void fp_lanes_store(u32* p, FpLanes x, size_t count) { std::memcpy(p, &x.v, count * sizeof(u32)); }
#endif

#if defined(GS_FP_LANES_AVX512) || defined(GS_FP_LANES_AVX2)
#include "fp_lanes_x86_mul.h"
#else
inline FpLanes fp_mul(FpLanes a, FpLanes b) {
    const U64Lanes x = __builtin_convertvector(a.v, U64Lanes) * __builtin_convertvector(b.v, U64Lanes);
    const U32Lanes q = __builtin_convertvector(x, U32Lanes) * GS_P_NEG_INV;
    const U32Lanes t = __builtin_convertvector((x + __builtin_convertvector(q, U64Lanes) * u64(GS_P)) >> 32, U32Lanes);
    return FpLanes{lanes_min(t, t - GS_P)};
}
#endif

inline FpLanes fp_pow7(FpLanes x) {
    FpLanes x2 = fp_mul(x, x);
    FpLanes x3 = fp_mul(x2, x);
    FpLanes x4 = fp_mul(x2, x2);
    return fp_mul(x3, x4);
}

inline FpLanes p2_lane_constant(FpLanes, u32 montgomery) { return fp_lanes_splat(montgomery); }

}  // namespace
}  // namespace gpustark
