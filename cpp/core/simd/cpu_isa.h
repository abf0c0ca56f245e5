// Which of the compiled SIMD copies (namespaces lanes_base, lanes_avx2, lanes_avx512) this CPU
// runs: asked once, at the first call. The copies beyond baseline exist on x86-64 builds only
// (CMake defines GPUSTARK_HAVE_AVX2_LANES for the dispatch files there). GPUSTARK_CPU_ISA=avx2 or
// =baseline caps the choice, to measure a narrower copy on a wider CPU.
#pragma once
#include <cstdlib>
#include <cstring>

namespace gpustark {

// The cap GPUSTARK_CPU_ISA sets: 0 baseline, 1 avx2, 2 none (avx512 allowed).
inline int cpu_isa_cap() {
    static const int cap = [] {
        const char* v = std::getenv("GPUSTARK_CPU_ISA");
        if (!v) return 2;
        return std::strcmp(v, "baseline") == 0 ? 0 : std::strcmp(v, "avx2") == 0 ? 1 : 2;
    }();
    return cap;
}

inline bool cpu_has_avx2() {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    static const bool yes = __builtin_cpu_supports("avx2") && cpu_isa_cap() >= 1;
    return yes;
#else
    return false;
#endif
}

inline bool cpu_has_avx512() {
#ifdef GPUSTARK_HAVE_AVX2_LANES
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                            cpu_isa_cap() >= 2;
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
