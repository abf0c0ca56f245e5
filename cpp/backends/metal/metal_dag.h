// The constraint DAG (core/dag_program.h) on the Metal backend: the program, its weights and
// constants in shared buffers (metal/dag.metal reads them as the CUDA kernels do), a column of
// slot scratch per thread, and only the sums read back.
#pragma once
#include <cstdint>
#include <vector>

#include "../../core/dag_program.h"
#include "metal_backend.h"

namespace gpustark {
namespace metal {

// A bound program copied into shared buffers. Create it inside a MetalBackend::Call.
struct MetalDagProgram {
    MetalDagProgram(MetalBackend& backend, const DagBinding& binding);
    // Whether `other` is the binding this copy was made from, unchanged in place.
    bool same_binding(const DagBinding& other) const;
    // Arguments 0..3 of the DAG kernels: code, groups, weights, constants.
    std::vector<Arg> args() const;

    const DagBinding& dag;
    const Ef* bound_weights;
    const Fp* bound_constants;
    uint32_t group_count;
    BufferPtr code, groups, weights, constants;
};

// What one trace's tables keep between dag_round calls: the program (copied on the first round,
// again only for another binding), the tables folded at the round's points, the slot scratch and
// the per-group sums.
struct MetalDagRoundState {
    std::unique_ptr<MetalDagProgram> program;
    BufferPtr folded, slots, partials;
};

// EfTables::dag_round over `tables` (count tables of `length` values at `stride`).
std::vector<Ef> metal_dag_round(MetalBackend& backend, const BufferPtr& tables, size_t stride, size_t length,
                                const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                                size_t max_pairs, MetalDagRoundState& state);

}  // namespace metal
}  // namespace gpustark
