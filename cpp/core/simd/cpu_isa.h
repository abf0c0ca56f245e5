// Which of the compiled SIMD copies (namespaces lanes_base, lanes_avx2, lanes_avx512) this CPU
// can run: asked once, at the first call. The copies beyond baseline exist on x86-64 builds only
// (CMake defines GPUSTARK_HAVE_AVX2_LANES for the dispatch files there).
#pragma once

namespace gpustark {

inline bool cpu_has_avx2() {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
#else
    return false;
#endif
}

inline bool cpu_has_avx512() {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
    return yes;
#else
    return false;
#endif
}

// The widest copy this CPU runs: "avx512", "avx2" or "baseline".
inline const char* cpu_isa_name() { return cpu_has_avx512() ? "avx512" : cpu_has_avx2() ? "avx2" : "baseline"; }

}  // namespace gpustark

// Calls the widest copy of fn (declared in each lanes namespace) this CPU runs.
#ifdef GPUSTARK_HAVE_AVX2_LANES
#define GS_ISA_DISPATCH(fn, ...)                                                                 \
    return ::gpustark::cpu_has_avx512() ? lanes_avx512::fn(__VA_ARGS__)                          \
           : ::gpustark::cpu_has_avx2() ? lanes_avx2::fn(__VA_ARGS__) : lanes_base::fn(__VA_ARGS__)
#else
#define GS_ISA_DISPATCH(fn, ...) return lanes_base::fn(__VA_ARGS__)
#endif
