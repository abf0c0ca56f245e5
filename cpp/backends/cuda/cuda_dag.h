// The CUDA backend's constraint DAG evaluation (Backend::dag_base_sums, EfTables::dag_round):
// the program, its weights and constants go to device memory once per operation, each thread
// gets a column of slot scratch, and only the sums come back (dag.cu has the kernels).
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "../../core/dag_program.h"
#include "cuda_backend.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {
namespace cuda {

// Slot scratch per launch: the grid shrinks (grid-stride loops take the rest) so that
// slots x threads values fit. 512 MiB keeps a resident wave of an H100 for programs of up to
// ~480 extension-field slots, and fewer threads only when a program is larger.
constexpr uint64_t kSlotScratchBytes = uint64_t(512) << 20;

// A bound program in device memory: allocated by the constructor (before a call's staged
// copies), copied by upload() within a call.
struct DeviceDag {
    explicit DeviceDag(const DagBinding& binding);
    size_t staged() const;  // staging the three uploads take
    void upload(CudaBackend::Call& call) const;
    DagDeviceProgram view() const;
    // Whether `other` is the binding this copy was made from, unchanged in place.
    bool same_binding(const DagBinding& other) const;

    const DagBinding& dag;
    const Ef* bound_weights;
    const Fp* bound_constants;
    std::vector<uint32_t> group_table;  // (first, count) per group
    DeviceBuffer code, weights, constants, groups;
};

// Base-field points in device memory: value (point k, column c) of the local columns (then the
// selectors) at local[k * local_point_stride + c * local_column_stride], and so for next.
struct DeviceBasePoints {
    const uint32_t* local;
    uint64_t local_point_stride, local_column_stride;
    const uint32_t* next;
    uint64_t next_point_stride, next_column_stride;
    uint64_t points;
};

// The DAG's sums at up to max_points base-field points per launch: every (point, group) on its
// own thread, then (with several groups) a second kernel adding each point's groups. The
// constructor allocates the slot scratch and the per-group sums (before a call's staged copies).
struct BaseSumsLaunch {
    BaseSumsLaunch(const CudaBackend& backend, const DeviceDag& dag, uint64_t max_points);
    // out[k] = the sums at point k < in.points (device pointers), enqueued on the call's stream.
    void enqueue(CudaBackend& backend, CudaBackend::Call& call, const DeviceDag& dag, const DeviceBasePoints& in,
                 DagSums* out);

    uint32_t groups;
    device::LaunchPlan plan;
    DeviceBuffer slots, partial;
};

// The plan of a DAG launch over `lanes` lanes whose threads each need `slot_bytes` of slot
// scratch: at most max_groups blocks, fewer when kSlotScratchBytes would not hold their slots;
// `reduces` adds the round kernel's shared memory per block.
device::LaunchPlan dag_plan(const CudaBackend& backend, gpu::Kernel kernel, uint64_t lanes, uint64_t slot_bytes,
                            uint64_t max_groups, bool reduces);
// What one trace's tables keep between rounds: its program in device memory (uploaded on the
// first round, again only for another binding), the tables folded at the round's points, the
// slot scratch and the per-block sums (each grown to the largest round's).
struct DagRoundState {
    std::unique_ptr<DeviceDag> program;
    DeviceBuffer folded, slots, partials;
};

// Blocks of kCudaMaxLaneGroup threads resident on the device at once (at least 1).
uint64_t resident_groups(const CudaBackend& backend);

}  // namespace cuda

// The DAG's sums at base-field points given in host memory.
void cuda_dag_base_sums(CudaBackend& backend, const DagBinding& dag, const DagBasePoints& points, DagSums* out);

// EfTables::dag_round over a trace's tables in device memory: `count` tables of `length` values,
// table c at tables + c * stride.
std::vector<Ef> cuda_dag_round(CudaBackend& backend, const Ef* tables, size_t stride, size_t length,
                               const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs, size_t max_pairs,
                               cuda::DagRoundState& state);

}  // namespace gpustark
