// The constraint DAG as devices run it: a straight-line program over a few reusable value slots
// (core/dag_program.h compiles an AIR's node list into it), evaluated at one point per thread.
//
// Each instruction is four words [op, aux, a, b]. Operands a and b are references: the top four
// bits say where the value lives (a slot, a column of the local or next row, a selector, or the
// constant table of constants and public values) and the low 28 bits which one. The arithmetic
// ops write slot `aux`. The accumulating ops build, at the point, the AIR's three sums
//   constraint  = sum_i lambda^i c_i
//   numerator   = sum_k e_k count_k
//   denominator = sum_k e_k (beta^L_k (bus_k + 1) + sum_j beta^j message_kj)
// from the weight table W (extension-field values; `aux` indexes it). Values are V = Fp at
// base-field points (round 0) or V = Ef at extension points (the multilinear rounds).
#pragma once
#include "../field/ext4.h"

#define GS_DAG_OP_ADD 0u
#define GS_DAG_OP_SUB 1u
#define GS_DAG_OP_MUL 2u
#define GS_DAG_OP_NEG 3u         // slot[aux] = -a
#define GS_DAG_OP_CONSTRAINT 4u  // constraint += W[aux] a
#define GS_DAG_OP_NUMERATOR 5u   // numerator += W[aux] a
#define GS_DAG_OP_DEN_BEGIN 6u   // term = W[aux]                (beta^L (bus + 1))
#define GS_DAG_OP_DEN_ADD 7u     // term += W[aux] a             (beta^j message_j)
#define GS_DAG_OP_DEN_END 8u     // denominator += W[aux] term   (e_k)

#define GS_DAG_SRC_SLOT 0u
#define GS_DAG_SRC_LOCAL 1u
#define GS_DAG_SRC_NEXT 2u
#define GS_DAG_SRC_SELECTOR 3u  // 0 is_first, 1 is_last, 2 is_transition
#define GS_DAG_SRC_CONSTANT 4u
#define GS_DAG_REF(src, index) (((src) << 28) | (index))
#define GS_DAG_REF_SRC(ref) ((ref) >> 28)
#define GS_DAG_REF_INDEX(ref) ((ref) & 0x0fffffffu)

// The three sums in S: Ef on a device; on the CPU, which runs many points at once, the sums of
// its extension-field lanes (core/simd/dag_run_lanes.cpp).
template <class S>
struct DagSumsOf {
    S constraint, numerator, denominator;
};
typedef DagSumsOf<Ef> DagSums;

// The field operations the program needs, for both value types and the Ef sums. Other value and
// sum types (the CPU's lanes) bring their own overloads, found by argument-dependent lookup.
GS_FN Fp dag_add(Fp a, Fp b) { return fp_add(a, b); }
GS_FN Fp dag_sub(Fp a, Fp b) { return fp_sub(a, b); }
GS_FN Fp dag_mul(Fp a, Fp b) { return fp_mul(a, b); }
GS_FN Fp dag_neg(Fp a) { return fp_neg(a); }
GS_FN Ef dag_scale(Ef w, Fp a) { return ef_mul_base(w, a); }
GS_FN Ef dag_add(Ef a, Ef b) { return ef_add(a, b); }
GS_FN Ef dag_sub(Ef a, Ef b) { return ef_sub(a, b); }
GS_FN Ef dag_mul(Ef a, Ef b) { return ef_mul(a, b); }
GS_FN Ef dag_neg(Ef a) { return ef_neg(a); }
GS_FN Ef dag_scale(Ef w, Ef a) { return ef_mul(w, a); }
GS_FN void dag_lift(Fp c, GS_THREAD Fp* out) { *out = c; }
GS_FN void dag_lift(Fp c, GS_THREAD Ef* out) { *out = ef_from_base(c); }
GS_FN void dag_lift(Ef c, GS_THREAD Ef* out) { *out = c; }
template <class V>
GS_FN V dag_lifted(Fp c) {
    V v;
    dag_lift(c, &v);
    return v;
}

// Instruction pc of a program: [op, aux, a, b].
struct DagInstruction {
    u32 op, aux, a, b;
};

GS_FN DagInstruction dag_instruction(GS_CONSTANT const u32* code, u32 pc) {
#if defined(__CUDACC__)
    // One 128-bit load instead of four: programs start 16-byte aligned (device allocations are,
    // and groups start at whole instructions).
    const uint4 v = __ldg(reinterpret_cast<const uint4*>(code) + pc);
    DagInstruction i;
    i.op = v.x;
    i.aux = v.y;
    i.a = v.z;
    i.b = v.w;
    return i;
#else
    DagInstruction i;
    i.op = code[4 * pc];
    i.aux = code[4 * pc + 1];
    i.a = code[4 * pc + 2];
    i.b = code[4 * pc + 3];
    return i;
#endif
}

// The value an operand reference names at `point`.
template <class V, class Point>
GS_FN V dag_operand(u32 ref, GS_CONSTANT const Fp* constants, GS_THREAD const Point& point) {
    const u32 index = GS_DAG_REF_INDEX(ref);
    switch (GS_DAG_REF_SRC(ref)) {
        case GS_DAG_SRC_SLOT: return point.slot(index);
        case GS_DAG_SRC_LOCAL: return point.local(index);
        case GS_DAG_SRC_NEXT: return point.next(index);
        case GS_DAG_SRC_SELECTOR: return point.selector(index);
        default: return dag_lifted<V>(constants[index]);
    }
}

// What the accumulating ops do with their values, as dag_run_into's `sink`:
//   sink.constraint(aux, V a), sink.numerator(aux, V a), sink.denominator(aux, S term)
// (term: an interaction's beta^L (bus + 1) + sum_j beta^j message_j, built from the weights).
// DagWeightedSums builds the AIR's three weighted sums; the LogUp input layer's sink
// (gkr/logup_leaf_lanes.h) writes each interaction's count and term to its leaves instead.
template <class S>
struct DagWeightedSums {
    GS_CONSTANT const Ef* weights;
    DagSumsOf<S> sums;
    template <class V>
    GS_FN void constraint(u32 aux, V a) { sums.constraint = dag_add(sums.constraint, dag_scale(weights[aux], a)); }
    template <class V>
    GS_FN void numerator(u32 aux, V a) { sums.numerator = dag_add(sums.numerator, dag_scale(weights[aux], a)); }
    GS_FN void denominator(u32 aux, S term) { sums.denominator = dag_add(sums.denominator, dag_scale(weights[aux], term)); }
};

// Runs the program at one point. `point` supplies the values and the slots:
//   V point.local(column), V point.next(column), V point.selector(s),
//   V point.slot(index), void point.set_slot(index, V)
// (a device keeps slots in memory interleaved across threads; the host in a local array).
// The accumulating ops go to `sink`; an interaction's term accumulates in S.
template <class V, class S, class Point, class Sink>
GS_FN void dag_run_into(GS_CONSTANT const u32* code, u32 count, GS_CONSTANT const Ef* weights,
                        GS_CONSTANT const Fp* constants, GS_THREAD Point& point, GS_THREAD Sink& sink) {
    S term;
    dag_lift(ef_zero(), &term);
    // The next instruction is loaded before this one runs: with few threads (a late MLE round)
    // nothing else hides the load's latency, and each instruction would wait for its own.
    DagInstruction next;
    next.op = next.aux = next.a = next.b = 0u;
    if (count != 0u) next = dag_instruction(code, 0u);
    for (u32 pc = 0; pc < count; ++pc) {
        const DagInstruction ins = next;
        if (pc + 1u < count) next = dag_instruction(code, pc + 1u);
        if (ins.op == GS_DAG_OP_DEN_BEGIN) {
            dag_lift(weights[ins.aux], &term);
            continue;
        }
        if (ins.op == GS_DAG_OP_DEN_END) {
            sink.denominator(ins.aux, term);
            continue;
        }
        // Every other op reads operand a (and the binary ones b).
        const V a = dag_operand<V>(ins.a, constants, point);
        switch (ins.op) {
            case GS_DAG_OP_ADD: point.set_slot(ins.aux, dag_add(a, dag_operand<V>(ins.b, constants, point))); break;
            case GS_DAG_OP_SUB: point.set_slot(ins.aux, dag_sub(a, dag_operand<V>(ins.b, constants, point))); break;
            case GS_DAG_OP_MUL: point.set_slot(ins.aux, dag_mul(a, dag_operand<V>(ins.b, constants, point))); break;
            case GS_DAG_OP_NEG: point.set_slot(ins.aux, dag_neg(a)); break;
            case GS_DAG_OP_CONSTRAINT: sink.constraint(ins.aux, a); break;
            case GS_DAG_OP_NUMERATOR: sink.numerator(ins.aux, a); break;
            default: term = dag_add(term, dag_scale(weights[ins.aux], a)); break;  // GS_DAG_OP_DEN_ADD
        }
    }
}

// The AIR's three weighted sums at one point (DagWeightedSums), in S (Ef unless the caller's
// lane types say otherwise).
template <class V, class S = Ef, class Point>
GS_FN DagSumsOf<S> dag_run(GS_CONSTANT const u32* code, u32 count, GS_CONSTANT const Ef* weights,
                           GS_CONSTANT const Fp* constants, GS_THREAD Point& point) {
    DagWeightedSums<S> sink;
    sink.weights = weights;
    dag_lift(ef_zero(), &sink.sums.constraint);
    dag_lift(ef_zero(), &sink.sums.numerator);
    dag_lift(ef_zero(), &sink.sums.denominator);
    dag_run_into<V, S>(code, count, weights, constants, point, sink);
    return sink.sums;
}
