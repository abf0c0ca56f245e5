// The field operations kernels/dag/dag_code.h's dag_run calls, for the CPU's lane types: base-field
// points as FpLanes (round 0), extension-field points as EfLanes (the multilinear rounds), the
// sums as EfLanes in both. dag_run finds these by argument-dependent lookup, so one interpreter
// serves the devices' single points and the CPU's lanes.
#pragma once
#include "../../kernels/dag/dag_code.h"
#include "ef_lanes.h"

namespace gpustark {
namespace {

inline FpLanes dag_add(FpLanes a, FpLanes b) { return fp_add(a, b); }
inline FpLanes dag_sub(FpLanes a, FpLanes b) { return fp_sub(a, b); }
inline FpLanes dag_mul(FpLanes a, FpLanes b) { return fp_mul(a, b); }
inline FpLanes dag_neg(FpLanes a) { return fp_neg(a); }
inline EfLanes dag_scale(Ef w, FpLanes a) { return ef_mul_base(w, a); }
inline EfLanes dag_add(const EfLanes& a, const EfLanes& b) { return ef_add(a, b); }
inline EfLanes dag_sub(const EfLanes& a, const EfLanes& b) { return ef_sub(a, b); }
inline EfLanes dag_mul(const EfLanes& a, const EfLanes& b) { return ef_mul(a, b); }
inline EfLanes dag_neg(const EfLanes& a) { return ef_neg(a); }
inline EfLanes dag_scale(Ef w, const EfLanes& a) { return ef_mul(ef_lanes_splat(w), a); }
inline void dag_lift(Fp c, FpLanes* out) { *out = fp_lanes_splat(c.m); }
inline void dag_lift(Fp c, EfLanes* out) { *out = ef_lanes_splat(ef_from_base(c)); }
inline void dag_lift(Ef c, EfLanes* out) { *out = ef_lanes_splat(c); }

}  // namespace
}  // namespace gpustark
