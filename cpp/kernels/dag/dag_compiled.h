// The lane of dag_base_sums for a constraint DAG compiled for one AIR (core/dag_source.h): what
// dag_lanes.h's dag_base_sums_lane computes, with the group's straight-line function in place of
// the interpreter, so no program words are read and no slots are used. A compiled part holds
// gs_dag_part_groups() of the program's groups from q.first_group on, as gs_dag_run_group(0..).
// Both are defined by the generated source, which a device compiles after this header (one text:
// the kernel headers, this one, the source, the kernel).
#pragma once
#include "dag_lanes.h"

GS_FN u32 gs_dag_part_groups();
template <class V, class S, class Point>
GS_FN DagSumsOf<S> gs_dag_run_group(u32 g, GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants, Point point);

// Lane = (group g of the part, point k), k fastest, of lanes = points * gs_dag_part_groups():
// out[k * group_count + first_group + g] = that group's sums at point k, as the interpreter's.
template <bool kMontgomery>
GS_FN void dag_compiled_base_sums_lane(u64 lane, GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants,
                                       GS_DEVICE const u32* local, GS_DEVICE const u32* next,
                                       GS_CONSTANT const DagBaseSumsParams& q, GS_DEVICE DagSums* out) {
    const u64 points = q.lanes / gs_dag_part_groups(), g = lane / points, k = lane % points;
    const DagBasePoint<kMontgomery> p = dag_base_point<kMontgomery>(k, local, next, q, (GS_DEVICE Fp*)0, 0);
    out[k * q.group_count + q.first_group + g] = gs_dag_run_group<Fp, Ef>((u32)g, weights, constants, p);
}
