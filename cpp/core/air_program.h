// An AIR as the prover evaluates it: the constraint DAG as an instruction list (one node per row
// of `nodes`, operands referring to earlier nodes), the constraint nodes in sorted order, and the
// interactions (PROTOCOL 4, 20). Produced by keygen in Python (gpustark.air).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../kernels/field/ext4.h"

namespace gpustark {

enum NodeKind : uint32_t {
    kNodeMain = 0,          // [kind, part_index, column, offset]
    kNodePublic = 1,        // [kind, index]
    kNodeIsFirst = 2,
    kNodeIsLast = 3,
    kNodeIsTransition = 4,
    kNodeConstant = 5,      // [kind, canonical value]
    kNodeAdd = 6,           // [kind, left, right]
    kNodeSub = 7,
    kNodeNeg = 8,           // [kind, operand]
    kNodeMul = 9,
};

struct DagNode {
    uint32_t kind, a, b, c;
};

struct DagProgram;  // core/dag_program.h

struct InteractionProgram {
    uint32_t bus = 0;
    uint32_t count = 0;              // node index
    std::vector<uint32_t> message;   // node indices
};

struct AirProgram {
    std::string name;
    uint32_t width = 0;              // common main width
    bool need_rot = false;
    size_t num_public_values = 0;
    std::vector<DagNode> nodes;
    std::vector<uint32_t> constraints;  // node indices, ascending: lambda^i weights entry i
    std::vector<InteractionProgram> interactions;

    // Throws std::invalid_argument naming the first malformed node (operand out of order, column
    // out of range, unknown kind) so that a bad program never reads out of bounds.
    void validate() const;

    // compile_dag's results, made on first use by compiled_dag (core/dag_program.h) and kept: an
    // AIR does not change after keygen, and Keccak's takes tens of milliseconds to compile.
    struct CompiledDag {
        std::mutex mutex;
        std::shared_ptr<const DagProgram> program;       // DagGrouping::Long
        std::shared_ptr<const DagProgram> short_groups;  // DagGrouping::Short
    };
    std::shared_ptr<CompiledDag> compiled = std::make_shared<CompiledDag>();
};

// Values a node can read at one point of the trace: the local and next row's columns, the three
// selectors and the public values. V is Fp (points in the base field) or Ef.
template <class V>
struct RowPoint {
    const V* local;
    const V* next;
    V is_first, is_last, is_transition;
    const Fp* publics;
};

inline Fp val_add(Fp a, Fp b) { return fp_add(a, b); }
inline Fp val_sub(Fp a, Fp b) { return fp_sub(a, b); }
inline Fp val_mul(Fp a, Fp b) { return fp_mul(a, b); }
inline Fp val_neg(Fp a) { return fp_neg(a); }
inline Ef val_add(Ef a, Ef b) { return ef_add(a, b); }
inline Ef val_sub(Ef a, Ef b) { return ef_sub(a, b); }
inline Ef val_mul(Ef a, Ef b) { return ef_mul(a, b); }
inline Ef val_neg(Ef a) { return ef_neg(a); }
template <class V> V val_from_base(Fp a);
template <> inline Fp val_from_base<Fp>(Fp a) { return a; }
template <> inline Ef val_from_base<Ef>(Fp a) { return ef_from_base(a); }

// out[i] = value of node i at `point`, given the values of its operands in `out`.
template <class V>
inline void evaluate_node(const AirProgram& air, size_t i, const RowPoint<V>& point, V* out) {
    const DagNode& n = air.nodes[i];
    switch (n.kind) {
        case kNodeMain: out[i] = n.c ? point.next[n.b] : point.local[n.b]; break;
        case kNodePublic: out[i] = val_from_base<V>(point.publics[n.a]); break;
        case kNodeIsFirst: out[i] = point.is_first; break;
        case kNodeIsLast: out[i] = point.is_last; break;
        case kNodeIsTransition: out[i] = point.is_transition; break;
        case kNodeConstant: out[i] = val_from_base<V>(fp_from_canonical(n.a)); break;
        case kNodeAdd: out[i] = val_add(out[n.a], out[n.b]); break;
        case kNodeSub: out[i] = val_sub(out[n.a], out[n.b]); break;
        case kNodeNeg: out[i] = val_neg(out[n.a]); break;
        default: out[i] = val_mul(out[n.a], out[n.b]); break;  // kNodeMul (validated)
    }
}

// out[i] = value of node i at `point`. `out` must hold air.nodes.size() values.
template <class V>
void evaluate_nodes(const AirProgram& air, const RowPoint<V>& point, V* out) {
    for (size_t i = 0; i < air.nodes.size(); ++i) evaluate_node(air, i, point, out);
}

}  // namespace gpustark
