#include "cuda_dag.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../../core/dag_round_params.h"
#include "cuda_backend.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {

namespace {

// Replaces `buffer` with a larger one when it holds fewer than `bytes` (its contents are not kept).
void grow(cuda::DeviceBuffer& buffer, uint64_t bytes) {
    if (buffer.bytes() < bytes) buffer = cuda::DeviceBuffer(bytes);
}

}  // namespace

namespace cuda {

DeviceDag::DeviceDag(const DagBinding& binding)
    : dag(binding), bound_weights(binding.weights.data()), bound_constants(binding.constants.data()) {
    if (!dag.program) throw std::invalid_argument("cuda dag: the binding has no program");
    const DagProgram& p = *dag.program;
    if (dag.weights.size() != p.weight_count() || dag.constants.size() != p.constants.size())
        throw std::invalid_argument("cuda dag: the binding's weights or constants do not match its program");
    code = DeviceBuffer(p.code.size() * sizeof(uint32_t));
    for (const DagGroup& g : p.groups) group_table.push_back(g.first), group_table.push_back(g.count);
    groups = DeviceBuffer(group_table.size() * sizeof(uint32_t));
    weights = DeviceBuffer(dag.weights.size() * sizeof(Ef));
    constants = DeviceBuffer(dag.constants.size() * sizeof(Fp));
}

size_t DeviceDag::staged() const {
    return CudaBackend::staged_size(code.bytes()) + CudaBackend::staged_size(weights.bytes()) +
           CudaBackend::staged_size(constants.bytes()) + CudaBackend::staged_size(groups.bytes());
}

void DeviceDag::upload(CudaBackend::Call& call) const {
    call.upload(code.data(), dag.program->code.data(), code.bytes());
    call.upload(weights.data(), dag.weights.data(), weights.bytes());
    call.upload(constants.data(), dag.constants.data(), constants.bytes());
    call.upload(groups.data(), group_table.data(), groups.bytes());
}

bool DeviceDag::same_binding(const DagBinding& other) const {
    return &other == &dag && other.program == dag.program && other.weights.data() == bound_weights &&
           other.constants.data() == bound_constants;
}

DagDeviceProgram DeviceDag::view() const {
    return {code.as<uint32_t>(), groups.as<uint32_t>(), uint32_t(group_table.size() / 2), weights.as<Ef>(),
            constants.as<Fp>(), dag.program->width};
}

device::LaunchPlan dag_plan(const CudaBackend& backend, gpu::Kernel kernel, uint64_t lanes, uint64_t slot_bytes,
                            uint64_t max_groups, bool reduces) {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = kCudaMaxLaneGroup;
    const uint64_t threads = std::max<uint64_t>(kSlotScratchBytes / std::max<uint64_t>(slot_bytes, 1), kCudaMaxLaneGroup);
    work.max_groups = std::max<uint64_t>(1, std::min(max_groups, threads / kCudaMaxLaneGroup));
    if (reduces) work.scratch_for_group = [](uint32_t group) { return dag_round_scratch(group); };
    return backend.plan(kernel, work);
}

BaseSumsLaunch::BaseSumsLaunch(const CudaBackend& backend, const DeviceDag& dag, uint64_t max_points)
    : groups(uint32_t(dag.group_table.size() / 2)) {
    const uint64_t slot_bytes = uint64_t(std::max<uint32_t>(dag.dag.program->slots, 1)) * sizeof(Fp);
    plan = dag_plan(backend, gpu::Kernel::DagBaseSums, max_points * groups, slot_bytes, resident_groups(backend), false);
    slots = DeviceBuffer(slot_bytes * plan.grid * plan.group);
    if (groups > 1) partial = DeviceBuffer(max_points * groups * sizeof(DagSums));
}

void BaseSumsLaunch::enqueue(CudaBackend& backend, CudaBackend::Call& call, const DeviceDag& dag,
                             const DeviceBasePoints& in, DagSums* out) {
    DagSums* first = groups > 1 ? partial.as<DagSums>() : out;
    DagBaseSumsParams params{};
    params.lanes = in.points * groups;
    params.local_point_stride = in.local_point_stride;
    params.local_column_stride = in.local_column_stride;
    params.next_point_stride = in.next_point_stride;
    params.next_column_stride = in.next_column_stride;
    params.group_count = groups;
    params.width = dag.dag.program->width;
    const uint64_t reads = in.points * (2 * uint64_t(params.width) + 3) * sizeof(uint32_t);
    call.dispatch(gpu::Kernel::DagBaseSums, plan, reads + params.lanes * sizeof(DagSums), [&] {
        return int(launch_dag_base_sums(dag.view(), params, in.local, in.next, slots.as<Fp>(), first, plan,
                                        call.stream()));
    });
    if (groups == 1) return;
    const device::LaunchPlan sum_plan = backend.lane_plan(gpu::Kernel::DagGroupSums, in.points);
    call.dispatch(gpu::Kernel::DagGroupSums, sum_plan, in.points * (groups + 1) * sizeof(DagSums), [&] {
        return int(launch_dag_group_sums(partial.as<DagSums>(), groups, in.points, out, sum_plan, call.stream()));
    });
}

uint64_t resident_groups(const CudaBackend& backend) {
    uint64_t threads = device::resident_threads(backend.device_limits(), kCudaMaxLaneGroup);
    return std::max<uint64_t>(threads / kCudaMaxLaneGroup, 1);
}

}  // namespace cuda

using cuda::DeviceDag;
using cuda::dag_plan;
using cuda::resident_groups;

void cuda_dag_base_sums(CudaBackend& backend, const DagBinding& dag, const DagBasePoints& in, DagSums* out) {
    if (in.points == 0) return;
    const uint32_t width = dag.program ? dag.program->width : 0;
    if (in.local_stride < size_t(width) + 3 || in.next_stride < width)
        throw std::invalid_argument("dag_base_sums: rows are narrower than the AIR's width (plus three selectors)");
    CudaBackend::Call call(backend, "dag_base_sums");
    DeviceDag program(dag);
    const size_t local_bytes = in.points * in.local_stride * sizeof(uint32_t);
    const size_t next_bytes = in.points * in.next_stride * sizeof(uint32_t);
    const size_t out_bytes = in.points * sizeof(DagSums);
    cuda::BaseSumsLaunch launch(backend, program, in.points);
    cuda::DeviceBuffer local(local_bytes), next(next_bytes), sums(out_bytes);
    call.reserve_staging(std::max(program.staged() + CudaBackend::staged_size(local_bytes) +
                                      CudaBackend::staged_size(next_bytes),
                                  CudaBackend::staged_size(out_bytes)));
    program.upload(call);
    call.upload(local.data(), in.local, local_bytes);
    call.upload(next.data(), in.next, next_bytes);
    // The host's rows are point by point: column c of point k at k * stride + c.
    launch.enqueue(backend, call, program,
                   {local.as<uint32_t>(), in.local_stride, 1, next.as<uint32_t>(), in.next_stride, 1, in.points},
                   sums.as<DagSums>());
    const void* staged = call.download(sums.data(), out_bytes);
    call.finish("dag_base_sums");
    std::memcpy(out, staged, out_bytes);
}

std::vector<Ef> cuda_dag_round(CudaBackend& backend, const Ef* tables, size_t stride, size_t length,
                               const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs, size_t max_pairs,
                               cuda::DagRoundState& state) {
    DagRoundLaunch r(*dag.program, combine, xs, stride, length, max_pairs, "cuda dag_round");
    if (r.points == 0) return {};
    const uint64_t slot_bytes = uint64_t(std::max<uint32_t>(dag.program->slots, 1)) * sizeof(Ef);
    const uint64_t max_groups = resident_groups(backend);
    std::vector<Ef> sums(r.points, ef_zero());
    // The program goes up once per binding: every round of a trace reuses it, and the scratch.
    const bool fresh = !state.program || !state.program->same_binding(dag);
    if (fresh) state.program = std::make_unique<DeviceDag>(dag);
    const DeviceDag& program = *state.program;
    // One call (one wait) per piece of pairs; one piece unless a memory plan asked for less.
    for (size_t first = 0; first < r.pairs; first += r.piece) {
        r.set_piece(first, std::min(r.piece, r.pairs - first));
        CudaBackend::Call call(backend, "dag_round");
        const device::LaunchPlan fold_plan = backend.lane_plan(gpu::Kernel::DagFoldPoints, r.fold.lanes);
        const device::LaunchPlan plan = dag_plan(backend, gpu::Kernel::DagRound, r.round.lanes, slot_bytes, max_groups, true);
        const size_t partial_bytes = size_t(plan.grid) * cuda::kDagMaxPoints * sizeof(Ef);
        const uint64_t folded_bytes = r.fold.lanes * sizeof(Ef);
        grow(state.folded, folded_bytes);
        grow(state.slots, slot_bytes * plan.grid * plan.group);
        grow(state.partials, partial_bytes);
        const bool upload = fresh && first == 0;
        call.reserve_staging(std::max(upload ? program.staged() : 0, CudaBackend::staged_size(partial_bytes)));
        if (upload) program.upload(call);
        call.dispatch(gpu::Kernel::DagFoldPoints, fold_plan, r.fold_reads() + folded_bytes, [&] {
            return int(cuda::launch_dag_fold_points(tables, r.fold, state.folded.as<Ef>(), fold_plan, call.stream()));
        });
        call.dispatch(gpu::Kernel::DagRound, plan, folded_bytes + partial_bytes, [&] {
            return int(cuda::launch_dag_round(program.view(), state.folded.as<Ef>(), r.round, state.slots.as<Ef>(),
                                              state.partials.as<Ef>(), plan, call.stream()));
        });
        const void* staged = call.download(state.partials.data(), partial_bytes);
        call.finish("dag_round sums");
        std::vector<Ef> partial(size_t(plan.grid) * cuda::kDagMaxPoints);
        std::memcpy(partial.data(), staged, partial_bytes);
        for (size_t b = 0; b < plan.grid; ++b)
            for (size_t k = 0; k < r.points; ++k) sums[k] = ef_add(sums[k], partial[b * cuda::kDagMaxPoints + k]);
    }
    return sums;
}

}  // namespace gpustark
