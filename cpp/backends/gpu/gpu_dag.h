// The constraint DAG (core/dag_program.h) on a GPU, written once over gpu::Device: the program,
// its weights and constants go to device memory, each thread gets a column of slot scratch (a
// slots x threads matrix, so neighbouring threads touch neighbouring words), and only the sums
// come back. Backend::dag_base_sums is gpu::dag_base_sums (phases.h); round 0 and the tables'
// dag_round use the pieces below. Kernels: metal/dag.metal and cpp/backends/cuda/dag.cu, both
// over kernels/dag/dag_lanes.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../../core/dag_program.h"
#include "device.h"

namespace gpustark {
namespace gpu {

// A bound program in device memory: the binding's program, or `program`, another grouping of the
// same AIR's (compiled_dag), with the binding's weights and constants. Make it inside an
// operation, before its staged copies; upload() copies it up (staged() bytes of staging).
class DagOnDevice {
public:
    DagOnDevice(Device& device, const DagBinding& binding, const DagProgram* program = nullptr);
    size_t staged() const;
    void upload(Device& device) const;
    // Whether `other` is the binding this copy was made from, unchanged in place, and `program`
    // (nullptr: the binding's) the program it holds.
    bool same_binding(const DagBinding& other, const DagProgram* program = nullptr) const;
    const DagProgram& program() const { return *program_; }
    uint32_t group_count() const { return uint32_t(group_table_.size() / 2); }
    // The first four arguments of the DAG kernels: code, groups, weights, constants.
    Buffer code, groups, weights, constants;

private:
    const DagBinding& dag_;
    const DagProgram* program_;
    const Ef* bound_weights_;
    const Fp* bound_constants_;
    std::vector<uint32_t> group_table_;  // (first instruction, count) per group
};

// Base-field points in device memory: value (point k, column c) of the local columns (then the
// selectors) at local[k * local_point_stride + c * local_column_stride], and so for next.
struct DagPointsOnDevice {
    Buffer local;
    uint64_t local_point_stride, local_column_stride;
    Buffer next;
    uint64_t next_point_stride, next_column_stride;
    uint64_t points;
    bool montgomery = false;  // words in Montgomery form (round 0's blocks), else canonical
};

// The DAG's sums at up to max_points base-field points per launch: every (point, group) on its
// own thread, then (with several groups) a second kernel adding each point's groups. The
// constructor plans for max_points and allocates the slot scratch and the per-group sums (inside
// an operation, before its staged copies); the DAG must have a group. For points in Montgomery
// form (`montgomery_points`: every enqueue's), the program the device compiled for the AIR runs
// where it has one (Device::compiled_dag), with no slot scratch; else the interpreter.
class DagBaseSums {
public:
    DagBaseSums(Device& device, const DagOnDevice& dag, uint64_t max_points, bool montgomery_points = false);
    // out[k] = the sums at point k < in.points, enqueued.
    void enqueue(const DagPointsOnDevice& in, const Buffer& out);

private:
    Device& device_;
    const DagOnDevice& dag_;
    uint32_t groups_;
    std::shared_ptr<const CompiledDag> compiled_;
    device::LaunchPlan plan_;
    Buffer slots_, partial_;
};

// The plan of an interpreter launch (`kernel`) over `lanes` lanes whose threads each need
// `slot_bytes` of slot scratch: the device's groups for such launches, fewer when the scratch
// would not hold their slots. The scratch to allocate is slot_bytes x grid x group.
device::LaunchPlan dag_scratch_plan(Device& device, Kernel kernel, uint64_t lanes, uint64_t slot_bytes);

// What one trace's tables keep between dag_round calls: the program (uploaded on the first
// round, again only for another binding), the tables folded at the round's points, the slot
// scratch and the per-group sums, each grown to the largest round's. The rounds run the AIR's
// program in short groups (DagGrouping::Short) where the binding names its AIR: a round has no
// per-group buffer, so more groups cost only their few shared nodes, and the late rounds, with
// a few points, then last as long as a short group rather than a long one.
struct DagRoundState {
    std::unique_ptr<DagOnDevice> program;
    Buffer folded, slots, partials;
    size_t folded_bytes = 0, slots_bytes = 0, partials_bytes = 0;
};

// EfTables::dag_round over `tables` (table c at c * stride, `length` values each) in device
// memory: one operation, and one wait, per piece of pairs.
std::vector<Ef> dag_round(Device& device, const Buffer& tables, size_t stride, size_t length, const DagBinding& dag,
                          const Ef combine[3], const std::vector<Ef>& xs, size_t max_pairs, DagRoundState& state);

}  // namespace gpu
}  // namespace gpustark
