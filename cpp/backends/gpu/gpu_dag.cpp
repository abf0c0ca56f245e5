// The constraint DAG on the device (gpu_dag.h): the program's upload, the base sums and the
// rounds of the batch-constraint sumcheck. Kernel arguments follow metal/dag.metal's order.
#include "gpu_dag.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "../../core/dag_round_params.h"
#include "../../kernels/dag/dag_lanes.h"
#include "phases.h"

namespace gpustark {
namespace gpu {
namespace {

// Throws std::invalid_argument unless the binding has a program with its weights and constants.
void check_binding(const DagBinding& dag) {
    if (!dag.program) throw std::invalid_argument("dag: the binding has no program");
    if (dag.weights.size() != dag.program->weight_count() || dag.constants.size() != dag.program->constants.size())
        throw std::invalid_argument("dag: the binding's weights or constants do not match its program");
}

// Slot scratch per thread of a program whose values are T.
template <typename T>
uint64_t slot_bytes(const DagProgram& program) {
    return uint64_t(std::max<uint32_t>(program.slots, 1)) * sizeof(T);
}

// The plan of a DAG launch over `lanes` lanes whose threads each need `slot_bytes` of slot
// scratch: at most the device's groups for the kind of launch, fewer when its slot scratch would
// not hold their slots; a round (`reduces`) also needs GS_DAG_MAX_POINTS sums per thread of
// group memory.
device::LaunchPlan dag_plan(Device& device, Kernel kernel, uint64_t lanes, uint64_t slot_bytes, bool reduces) {
    const LaunchCaps caps = device.launch_caps();
    const uint64_t cap = caps.max_lane_group;
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = caps.max_lane_group;
    const uint64_t threads = std::max<uint64_t>(caps.slot_scratch_bytes / std::max<uint64_t>(slot_bytes, 1), cap);
    const uint64_t groups = reduces ? caps.reduce_groups : caps.scratch_groups;
    work.max_groups = std::max<uint64_t>(1, std::min(groups, threads / cap));
    if (reduces) work.scratch_for_group = [](uint32_t group) { return uint64_t(group) * GS_DAG_MAX_POINTS * sizeof(Ef); };
    return device.plan(kernel, work);
}

// `buffer` replaced by a larger allocation when it holds fewer than `bytes` (contents not kept).
// Only between operations that waited: no queued kernel uses the old one.
void grow(Device& device, Buffer& buffer, size_t& have, size_t bytes) {
    if (buffer && have >= bytes) return;
    buffer = device.allocate(bytes);
    have = bytes;
}

}  // namespace

device::LaunchPlan dag_scratch_plan(Device& device, Kernel kernel, uint64_t lanes, uint64_t slot_bytes) {
    return dag_plan(device, kernel, lanes, slot_bytes, false);
}

// ---- the program ----

DagOnDevice::DagOnDevice(Device& device, const DagBinding& binding, const DagProgram* program)
    : dag_(binding), program_(program ? program : binding.program), bound_weights_(binding.weights.data()),
      bound_constants_(binding.constants.data()) {
    check_binding(binding);
    const DagProgram& p = *program_;
    if (p.weight_count() != binding.program->weight_count() || p.constants.size() != binding.program->constants.size())
        throw std::invalid_argument("dag: the program is not a grouping of the binding's program");
    for (const DagGroup& g : p.groups) group_table_.push_back(g.first), group_table_.push_back(g.count);
    code = device.allocate(p.code.size() * sizeof(uint32_t));
    groups = device.allocate(group_table_.size() * sizeof(uint32_t));
    weights = device.allocate(dag_.weights.size() * sizeof(Ef));
    constants = device.allocate(dag_.constants.size() * sizeof(Fp));
}

size_t DagOnDevice::staged() const {
    return staged_size(program_->code.size() * sizeof(uint32_t)) +
           staged_size(group_table_.size() * sizeof(uint32_t)) + staged_size(dag_.weights.size() * sizeof(Ef)) +
           staged_size(dag_.constants.size() * sizeof(Fp));
}

void DagOnDevice::upload(Device& device) const {
    device.upload(code, program_->code.data(), program_->code.size() * sizeof(uint32_t));
    device.upload(groups, group_table_.data(), group_table_.size() * sizeof(uint32_t));
    device.upload(weights, dag_.weights.data(), dag_.weights.size() * sizeof(Ef));
    device.upload(constants, dag_.constants.data(), dag_.constants.size() * sizeof(Fp));
}

bool DagOnDevice::same_binding(const DagBinding& other, const DagProgram* program) const {
    return &other == &dag_ && (program ? program : other.program) == program_ &&
           other.weights.data() == bound_weights_ && other.constants.data() == bound_constants_;
}

// ---- base sums ----

DagBaseSums::DagBaseSums(Device& device, const DagOnDevice& dag, uint64_t max_points, bool montgomery_points)
    : device_(device), dag_(dag), groups_(dag.group_count()) {
    if (groups_ == 0) throw std::invalid_argument("dag base sums: the program has no group");
    if (montgomery_points) compiled_ = device.compiled_dag(dag.program());
    if (!compiled_) {
        const uint64_t slots = slot_bytes<Fp>(dag.program());
        plan_ = dag_plan(device, Kernel::DagBaseSums, max_points * groups_, slots, false);
        slots_ = device.allocate(size_t(slots * plan_.grid * plan_.group));
    }
    if (groups_ > 1) partial_ = device.allocate(size_t(max_points * groups_ * sizeof(DagSums)));
}

void DagBaseSums::enqueue(const DagPointsOnDevice& in, const Buffer& out) {
    if (in.points == 0) return;
    DagBaseSumsParams p{};
    p.lanes = in.points * groups_;
    p.local_point_stride = in.local_point_stride;
    p.local_column_stride = in.local_column_stride;
    p.next_point_stride = in.next_point_stride;
    p.next_column_stride = in.next_column_stride;
    p.group_count = groups_;
    p.width = dag_.program().width;
    p.montgomery = in.montgomery ? 1u : 0u;
    // With one group the sums go straight out; with several, per (point, group) first, then added.
    const Buffer& first = groups_ > 1 ? partial_ : out;
    const uint64_t reads = in.points * (2 * uint64_t(p.width) + 3) * sizeof(uint32_t);
    if (compiled_) {
        if (!in.montgomery) throw std::logic_error("dag base sums: compiled for Montgomery-form points, given canonical");
        device_.dispatch_compiled_base_sums(*compiled_, reads + p.lanes * sizeof(DagSums),
                                            {dag_.weights, dag_.constants, in.local, in.next, first}, p);
    } else {
        device_.dispatch(Kernel::DagBaseSums, plan_, reads + p.lanes * sizeof(DagSums),
                         {dag_.code, dag_.groups, dag_.weights, dag_.constants, in.local, in.next, slots_, first}, p);
    }
    if (groups_ == 1) return;
    DagGroupSumsParams q{};
    q.points = in.points;
    q.group_count = groups_;
    device_.dispatch(Kernel::DagGroupSums, device_.lane_plan(Kernel::DagGroupSums, in.points),
                     in.points * (groups_ + 1) * sizeof(DagSums), {partial_, out}, q);
}

void dag_base_sums(Device& device, const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    if (in.points == 0) return;
    check_binding(dag);
    const uint32_t width = dag.program->width;
    if (in.local_stride < size_t(width) + 3 || in.next_stride < width)
        throw std::invalid_argument("dag_base_sums: rows are narrower than the AIR's width (plus three selectors)");
    if (dag.program->groups.empty()) {  // nothing to evaluate: every sum is zero
        std::fill(out, out + in.points, DagSums{ef_zero(), ef_zero(), ef_zero()});
        return;
    }
    Call call(device, "dag_base_sums");
    const size_t local_bytes = in.points * in.local_stride * sizeof(uint32_t);
    const size_t next_bytes = in.points * in.next_stride * sizeof(uint32_t);
    const size_t out_bytes = in.points * sizeof(DagSums);
    // Every allocation before the staged copies; points the device holds are read in place.
    const DagOnDevice program(device, dag);
    DagBaseSums launch(device, program, in.points);
    Buffer local = device.held(in.local, local_bytes), next = device.held(in.next, next_bytes);
    const bool copy_local = !local, copy_next = !next;
    if (copy_local) local = device.allocate(local_bytes);
    if (copy_next) next = device.allocate(next_bytes);
    const Buffer sums = device.allocate(out_bytes);
    device.reserve_staging(std::max(program.staged() + (copy_local ? staged_size(local_bytes) : 0) +
                                        (copy_next ? staged_size(next_bytes) : 0),
                                    staged_size(out_bytes)));
    program.upload(device);
    if (copy_local) device.upload(local, in.local, local_bytes);
    if (copy_next) device.upload(next, in.next, next_bytes);
    // The host's rows are point by point: column c of point k at k * stride + c.
    launch.enqueue({local, in.local_stride, 1, next, in.next_stride, 1, in.points}, sums);
    const void* values = device.download(sums, out_bytes);
    call.finish("dag_base_sums");
    std::memcpy(out, values, out_bytes);
}

// ---- rounds ----

std::vector<Ef> dag_round(Device& device, const Buffer& tables, size_t stride, size_t length, const DagBinding& dag,
                          const Ef combine[3], const std::vector<Ef>& xs, size_t max_pairs, DagRoundState& state) {
    check_binding(dag);
    // Kept with the AIR (compiled_dag), which outlives the state's copy of it.
    const std::shared_ptr<const DagProgram> short_groups = dag.air ? compiled_dag(*dag.air, DagGrouping::Short) : nullptr;
    const DagProgram& program_in_groups = short_groups ? *short_groups : *dag.program;
    DagRoundLaunch r(program_in_groups, combine, xs, stride, length, max_pairs, "dag_round");
    if (r.points == 0) return {};
    const uint64_t slots = slot_bytes<Ef>(program_in_groups);
    std::vector<Ef> sums(r.points, ef_zero());
    // One operation (one wait) per piece of pairs; one piece unless a memory plan asked for less.
    for (size_t first = 0; first < r.pairs; first += r.piece) {
        r.set_piece(first, std::min(r.piece, r.pairs - first));
        Call call(device, "dag_round");
        // The program goes up once per binding: every round of a trace reuses it, and the scratch.
        const bool upload = !state.program || !state.program->same_binding(dag, &program_in_groups);
        if (upload) state.program = std::make_unique<DagOnDevice>(device, dag, &program_in_groups);
        const DagOnDevice& program = *state.program;
        const device::LaunchPlan plan = dag_plan(device, Kernel::DagRound, r.round.lanes, slots, true);
        const size_t folded_bytes = size_t(r.fold.lanes) * sizeof(Ef);
        const size_t partial_bytes = size_t(plan.grid) * GS_DAG_MAX_POINTS * sizeof(Ef);
        grow(device, state.folded, state.folded_bytes, folded_bytes);
        grow(device, state.slots, state.slots_bytes, size_t(slots * plan.grid * plan.group));
        grow(device, state.partials, state.partials_bytes, partial_bytes);
        device.reserve_staging(std::max(upload ? program.staged() : 0, staged_size(partial_bytes)));
        if (upload) program.upload(device);
        device.dispatch(Kernel::DagFoldPoints, device.lane_plan(Kernel::DagFoldPoints, r.fold.lanes),
                        r.fold_reads() + folded_bytes, {tables, state.folded}, r.fold);
        device.dispatch(Kernel::DagRound, plan, folded_bytes + partial_bytes,
                        {program.code, program.groups, program.weights, program.constants, state.folded,
                         state.slots, state.partials},
                        r.round);
        const Ef* partial = static_cast<const Ef*>(device.download(state.partials, partial_bytes));
        call.finish("dag_round sums");
        for (size_t b = 0; b < plan.grid; ++b)
            for (size_t k = 0; k < r.points; ++k) sums[k] = ef_add(sums[k], partial[b * GS_DAG_MAX_POINTS + k]);
    }
    return sums;
}

}  // namespace gpu
}  // namespace gpustark
