// MetalBackend::dag_base_sums and the DAG round of the Metal sumcheck tables (metal_dag.h). The
// kernels' arguments follow metal/dag.metal's [[buffer(i)]] order; params: kernels/dag/dag_lanes.h.
#include "metal_dag.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../../core/dag_round_params.h"
#include "../../kernels/dag/dag_lanes.h"

namespace gpustark {
namespace metal {

namespace {

BufferPtr copy_of(MetalBackend& backend, const void* data, size_t bytes) {
    BufferPtr b = backend.allocate(bytes);
    backend.copy_in(b->contents(), data, bytes);
    return b;
}

}  // namespace

MetalDagProgram::MetalDagProgram(MetalBackend& backend, const DagBinding& binding)
    : dag(binding), bound_weights(binding.weights.data()), bound_constants(binding.constants.data()) {
    if (!dag.program) throw std::invalid_argument("metal dag: the binding has no program");
    const DagProgram& p = *dag.program;
    if (dag.weights.size() != p.weight_count() || dag.constants.size() != p.constants.size())
        throw std::invalid_argument("metal dag: the binding's weights or constants do not match its program");
    std::vector<uint32_t> table;  // (first instruction, count) per group
    for (const DagGroup& g : p.groups) table.push_back(g.first), table.push_back(g.count);
    group_count = static_cast<uint32_t>(p.groups.size());
    code = copy_of(backend, p.code.data(), p.code.size() * sizeof(uint32_t));
    groups = copy_of(backend, table.data(), table.size() * sizeof(uint32_t));
    weights = copy_of(backend, dag.weights.data(), dag.weights.size() * sizeof(Ef));
    constants = copy_of(backend, dag.constants.data(), dag.constants.size() * sizeof(Fp));
}

bool MetalDagProgram::same_binding(const DagBinding& other) const {
    return &other == &dag && other.program == dag.program && other.weights.data() == bound_weights &&
           other.constants.data() == bound_constants;
}

std::vector<Arg> MetalDagProgram::args() const {
    return {Arg::of(code), Arg::of(groups), Arg::of(weights), Arg::of(constants)};
}

std::vector<Ef> metal_dag_round(MetalBackend& backend, const BufferPtr& tables, size_t stride, size_t length,
                                const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                                size_t max_pairs, MetalDagRoundState& state) {
    DagRoundLaunch r(*dag.program, combine, xs, stride, length, max_pairs, "metal dag_round");
    if (r.points == 0) return {};
    const uint64_t slot_bytes = uint64_t(std::max<uint32_t>(dag.program->slots, 1)) * sizeof(Ef);
    std::vector<Ef> sums(r.points, ef_zero());
    // One call (one wait) per piece of pairs; one piece unless a memory plan asked for less.
    for (size_t first = 0; first < r.pairs; first += r.piece) {
        r.set_piece(first, std::min(r.piece, r.pairs - first));
        MetalBackend::Call call(backend, "dag_round");
        // The program is copied once per binding: every round of a trace reuses it.
        if (!state.program || !state.program->same_binding(dag))
            state.program = std::make_unique<MetalDagProgram>(backend, dag);
        const device::LaunchPlan plan = backend.dag_plan(gpu::Kernel::DagRound, r.round.lanes, slot_bytes, true);
        const size_t folded_bytes = size_t(r.fold.lanes) * sizeof(Ef);
        const size_t slots_bytes = size_t(slot_bytes * plan.grid * plan.group);
        const size_t partial_bytes = size_t(plan.grid) * GS_DAG_MAX_POINTS * sizeof(Ef);
        // Grown only between calls: every round waits before it ends, so no kernel uses them now.
        if (!state.folded || state.folded->bytes() < folded_bytes) state.folded = backend.allocate(folded_bytes);
        if (!state.slots || state.slots->bytes() < slots_bytes) state.slots = backend.allocate(slots_bytes);
        if (!state.partials || state.partials->bytes() < partial_bytes) state.partials = backend.allocate(partial_bytes);
        // dag_fold_points(tables, folded, params), then dag_round(code, groups, weights,
        // constants, folded, slots, partials, params).
        backend.dispatch(gpu::Kernel::DagFoldPoints, {Arg::of(tables), Arg::of(state.folded), Arg::value(r.fold)},
                         backend.stride_plan(gpu::Kernel::DagFoldPoints, r.fold.lanes), r.fold_reads() + folded_bytes);
        std::vector<Arg> args = state.program->args();
        args.push_back(Arg::of(state.folded));
        args.push_back(Arg::of(state.slots));
        args.push_back(Arg::of(state.partials));
        args.push_back(Arg::value(r.round));
        backend.dispatch(gpu::Kernel::DagRound, std::move(args), plan, folded_bytes + partial_bytes);
        backend.finish("dag_round sums");
        const Ef* partial = state.partials->as<const Ef>();
        for (size_t b = 0; b < plan.grid; ++b)
            for (size_t k = 0; k < r.points; ++k) sums[k] = ef_add(sums[k], partial[b * GS_DAG_MAX_POINTS + k]);
    }
    return sums;
}

}  // namespace metal

void MetalBackend::dag_base_sums(const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    if (in.points == 0) return;
    const uint32_t width = dag.program ? dag.program->width : 0;
    if (in.local_stride < size_t(width) + 3 || in.next_stride < width)
        throw std::invalid_argument("dag_base_sums: rows are narrower than the AIR's width (plus three selectors)");
    if (dag.program->groups.empty()) {  // nothing to evaluate: every sum is zero
        std::fill(out, out + in.points, DagSums{ef_zero(), ef_zero(), ef_zero()});
        return;
    }
    Call call(*this, "dag_base_sums");
    const metal::MetalDagProgram program(*this, dag);
    const size_t local_bytes = in.points * in.local_stride * sizeof(uint32_t);
    const size_t next_bytes = in.points * in.next_stride * sizeof(uint32_t);
    const size_t out_bytes = in.points * sizeof(DagSums);
    const uint32_t groups = program.group_count;
    const Bound local = bind_input(in.local, local_bytes, kSlotA);
    const Bound next = bind_input(in.next, next_bytes, kSlotB);
    const Bound sums = bind_output(out, out_bytes, kSlotC);

    DagBaseSumsParams p{};  // the host's rows are point by point
    p.lanes = uint64_t(in.points) * groups;
    p.local_point_stride = in.local_stride;
    p.local_column_stride = 1;
    p.next_point_stride = in.next_stride;
    p.next_column_stride = 1;
    p.group_count = groups;
    p.width = width;
    const uint64_t slot_bytes = uint64_t(std::max<uint32_t>(dag.program->slots, 1)) * sizeof(Fp);
    const device::LaunchPlan plan = dag_plan(gpu::Kernel::DagBaseSums, p.lanes, slot_bytes, false);
    const metal::BufferPtr slots = slot(kSlotD, size_t(slot_bytes * plan.grid * plan.group));
    // With one group the sums go straight out; with several, per (point, group) first, then added.
    const metal::BufferPtr partial = groups > 1 ? allocate(p.lanes * sizeof(DagSums)) : nullptr;
    std::vector<metal::Arg> args = program.args();
    args.push_back(local.arg());
    args.push_back(next.arg());
    args.push_back(metal::Arg::of(slots));
    args.push_back(groups > 1 ? metal::Arg::of(partial) : sums.arg());
    args.push_back(metal::Arg::value(p));
    dispatch(gpu::Kernel::DagBaseSums, std::move(args), plan, local_bytes + next_bytes + p.lanes * sizeof(DagSums));
    if (groups > 1) {
        DagGroupSumsParams q{};
        q.points = in.points;
        q.group_count = groups;
        dispatch(gpu::Kernel::DagGroupSums, {metal::Arg::of(partial), sums.arg(), metal::Arg::value(q)},
                 stride_plan(gpu::Kernel::DagGroupSums, in.points), (p.lanes + in.points) * sizeof(DagSums));
    }
    finish("dag_base_sums");
    copy_out(sums, out, out_bytes);
}

}  // namespace gpustark
