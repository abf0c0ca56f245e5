// Extension-field elements side by side: kCpuLanes values of EF = F[X]/(X^4 - 11) as four
// FpLanes (structure of arrays), with the ef_* operations the constraint DAG needs. Compiled once
// per instruction set like fp_lanes.h. Every lane holds the canonical Montgomery value the scalar
// ext4.h functions give, so proofs built on lanes stay byte-identical.
#pragma once
#include "../../kernels/field/ext4.h"
#include "fp_lanes.h"

namespace gpustark {
namespace {

struct EfLanes {
    FpLanes c0, c1, c2, c3;
};

// Every lane a.
inline EfLanes ef_lanes_splat(Ef a) {
    return {fp_lanes_splat(a.c0.m), fp_lanes_splat(a.c1.m), fp_lanes_splat(a.c2.m), fp_lanes_splat(a.c3.m)};
}

// Lane i.
inline Ef ef_lane(const EfLanes& a, int i) {
    return ef_make(fp_raw(a.c0.v[i]), fp_raw(a.c1.v[i]), fp_raw(a.c2.v[i]), fp_raw(a.c3.v[i]));
}

inline void ef_set_lane(EfLanes& a, int i, Ef v) {
    a.c0.v[i] = v.c0.m;
    a.c1.v[i] = v.c1.m;
    a.c2.v[i] = v.c2.m;
    a.c3.v[i] = v.c3.m;
}

inline EfLanes ef_add(const EfLanes& a, const EfLanes& b) {
    return {fp_add(a.c0, b.c0), fp_add(a.c1, b.c1), fp_add(a.c2, b.c2), fp_add(a.c3, b.c3)};
}
inline EfLanes ef_sub(const EfLanes& a, const EfLanes& b) {
    return {fp_sub(a.c0, b.c0), fp_sub(a.c1, b.c1), fp_sub(a.c2, b.c2), fp_sub(a.c3, b.c3)};
}
inline EfLanes ef_neg(const EfLanes& a) { return {fp_neg(a.c0), fp_neg(a.c1), fp_neg(a.c2), fp_neg(a.c3)}; }
inline EfLanes ef_mul_base(const EfLanes& a, FpLanes b) {
    return {fp_mul(a.c0, b), fp_mul(a.c1, b), fp_mul(a.c2, b), fp_mul(a.c3, b)};
}
// w (the same in every lane) times a.
inline EfLanes ef_mul_base(Ef w, FpLanes a) {
    return {fp_mul(fp_lanes_splat(w.c0.m), a), fp_mul(fp_lanes_splat(w.c1.m), a), fp_mul(fp_lanes_splat(w.c2.m), a),
            fp_mul(fp_lanes_splat(w.c3.m), a)};
}

}  // namespace
}  // namespace gpustark

// ef_mul(EfLanes, EfLanes): explicit on AVX-512, else lane loops the compiler vectorises.
#ifdef GS_FP_LANES_AVX512
#include "ef_lanes_avx512.h"
#else
#include "ef_lanes_generic.h"
#endif
