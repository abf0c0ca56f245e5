// gpu::fraction_tree: all layers of p in one buffer and of q in another, layer j's 2^j nodes at
// node 2^j - 1; kernels/gkr/gkr_lanes.h's lanes build each layer from its child layer. For the
// LogUp input layer (gpu::logup_fraction_tree) the leaves are written there first, from the
// traces the device holds, by kernels/gkr/logup_leaf_lanes.h's lanes.
#include <cstring>
#include <memory>

#include "../../kernels/gkr/gkr_lanes.h"
#include "gpu_dag.h"
#include "phases.h"

namespace gpustark {
namespace gpu {
namespace {

class DeviceFractionTree final : public FractionTree {
public:
    // Layers' room only: the leaves are written by the caller's work, then build_layers.
    DeviceFractionTree(Device& device, size_t leaves) : FractionTree(fraction_tree_depth(leaves)), device_(device) {
        p_ = device_.allocate((2 * leaves - 1) * sizeof(Ef));
        q_ = device_.allocate((2 * leaves - 1) * sizeof(Ef));
    }

    Buffer leaves_p() const { return layer_of(p_, depth()); }
    Buffer leaves_q() const { return layer_of(q_, depth()); }

    // Every layer above the leaves, enqueued.
    void build_layers() {
        for (size_t j = depth(); j > 0; --j) {
            GkrLayerParams params{};
            params.nodes = uint64_t(1) << (j - 1);
            device_.dispatch(Kernel::GkrLayer, device_.lane_plan(Kernel::GkrLayer, params.nodes),
                             params.nodes * 6 * sizeof(Ef),
                             {layer_of(p_, j), layer_of(q_, j), layer_of(p_, j - 1), layer_of(q_, j - 1)}, params);
        }
    }

    ~DeviceFractionTree() override { device_.drain(); }

    std::array<Ef, 2> node(size_t j, size_t x) override {
        require_node(j, x);
        Call call(device_, "fraction_tree.node");
        device_.reserve_staging(2 * staged_size(sizeof(Ef)));
        const void* p = device_.download(layer_of(p_, j).at_element<Ef>(x), sizeof(Ef));
        const void* q = device_.download(layer_of(q_, j).at_element<Ef>(x), sizeof(Ef));
        call.finish("fraction_tree node");
        std::array<Ef, 2> out;
        std::memcpy(&out[0], p, sizeof(Ef));
        std::memcpy(&out[1], q, sizeof(Ef));
        return out;
    }

    std::array<std::vector<Ef>, 2> layer(size_t j) override {
        require_layer_index(j);
        const size_t nodes = size_t(1) << j, bytes = nodes * sizeof(Ef);
        Call call(device_, "fraction_tree.layer");
        device_.reserve_staging(2 * staged_size(bytes));
        const void* p = device_.download(layer_of(p_, j), bytes);
        const void* q = device_.download(layer_of(q_, j), bytes);
        call.finish("fraction_tree layer");
        std::array<std::vector<Ef>, 2> out{std::vector<Ef>(nodes), std::vector<Ef>(nodes)};
        std::memcpy(out[0].data(), p, bytes);
        std::memcpy(out[1].data(), q, bytes);
        return out;
    }

    // p0, p1, q0, q1 split out of layer j by one kernel; eq made by another (set_eq_table).
    std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& xi) override {
        require_layer(j, xi);
        const size_t half = size_t(1) << (j - 1);
        Buffer tables;
        {
            Call call(device_, "fraction_tree.layer_tables");
            tables = device_.allocate(5 * half * sizeof(Ef));
            GkrSplitParams params{};
            params.half = half;
            device_.dispatch(Kernel::GkrSplit, device_.lane_plan(Kernel::GkrSplit, half), half * 8 * sizeof(Ef),
                             {layer_of(p_, j), layer_of(q_, j), tables}, params);
            call.commit();  // no wait: the tables' next operation is ordered after it
        }
        std::unique_ptr<EfTables> out = adopt_tables(device_, std::move(tables), 5, half);
        set_eq_table(*out, xi);
        return out;
    }

private:
    static Buffer layer_of(const Buffer& all, size_t j) { return all.at_element<Ef>((size_t(1) << j) - 1); }

    Device& device_;
    Buffer p_, q_;
};

}  // namespace

std::unique_ptr<FractionTree> fraction_tree(Device& device, const Ef* p, const Ef* q, size_t leaves) {
    Call call(device, "fraction_tree");
    auto tree = std::make_unique<DeviceFractionTree>(device, leaves);
    const size_t bytes = leaves * sizeof(Ef);
    device.reserve_staging(2 * staged_size(bytes));
    device.upload(tree->leaves_p(), p, bytes);
    device.upload(tree->leaves_q(), q, bytes);
    tree->build_layers();
    call.finish("fraction_tree layers");
    return tree;
}

namespace {

// One trace's part of the input layer on the device: its program, its slot offsets, its rows
// (held, or uploaded here) and the slot scratch of the interpreter's threads.
struct LogUpLeavesOnDevice {
    LogUpLeavesOnDevice(Device& device, const LogUpLeafTrace& t, uint32_t l_skip)
        : trace(t), params(logup_leaves_params(t, l_skip)), program(device, t.dag) {
        trace_bytes = params.height * params.width * sizeof(uint32_t);
        rows = device.held(t.values, trace_bytes);
        upload_rows = !rows;
        if (upload_rows) rows = device.allocate(trace_bytes);
        offsets = device.allocate(t.slot_offsets.size() * sizeof(uint64_t));
        const uint32_t group_slots = logup_interaction_group(*t.dag.program).slots;
        const uint64_t slot_bytes = uint64_t(std::max<uint32_t>(group_slots, 1)) * sizeof(Fp);
        plan = dag_scratch_plan(device, Kernel::LogUpLeaves, params.height, slot_bytes);
        slots = device.allocate(size_t(slot_bytes * plan.grid * plan.group));
    }
    size_t staged() const {
        return program.staged() + staged_size(trace.slot_offsets.size() * sizeof(uint64_t)) +
               (upload_rows ? staged_size(trace_bytes) : 0);
    }
    void enqueue(Device& device, const Buffer& p, const Buffer& q) {
        program.upload(device);
        device.upload(offsets, trace.slot_offsets.data(), trace.slot_offsets.size() * sizeof(uint64_t));
        if (upload_rows) device.upload(rows, trace.values, trace_bytes);
        const uint64_t writes = params.height * params.repeats * trace.slot_offsets.size() * 2 * sizeof(Ef);
        device.dispatch(Kernel::LogUpLeaves, plan, trace_bytes + writes,
                        {program.code, program.weights, program.constants, rows, offsets, slots, p, q}, params);
    }

    const LogUpLeafTrace& trace;
    LogUpLeavesParams params;
    DagOnDevice program;
    size_t trace_bytes = 0;
    bool upload_rows = false;
    Buffer rows, offsets, slots;
    device::LaunchPlan plan;
};

}  // namespace

std::unique_ptr<FractionTree> logup_fraction_tree(Device& device, const LogUpLeaves& in) {
    check_logup_leaves(in);
    Call call(device, "logup_fraction_tree");
    auto tree = std::make_unique<DeviceFractionTree>(device, in.leaves);
    // Every allocation before the staged copies.
    std::vector<std::unique_ptr<LogUpLeavesOnDevice>> parts;
    size_t staged = 0;
    for (const LogUpLeafTrace& t : in.traces) {
        parts.push_back(std::make_unique<LogUpLeavesOnDevice>(device, t, in.l_skip));
        staged += parts.back()->staged();
    }
    device.reserve_staging(staged);
    for (auto& part : parts) part->enqueue(device, tree->leaves_p(), tree->leaves_q());
    if (in.slot_leaves < in.leaves) {
        LogUpUnusedLeavesParams unused{};
        unused.alpha = in.alpha;
        unused.first = in.slot_leaves;
        unused.count = in.leaves - in.slot_leaves;
        device.dispatch(Kernel::LogUpUnusedLeaves, device.lane_plan(Kernel::LogUpUnusedLeaves, unused.count),
                        unused.count * 2 * sizeof(Ef), {tree->leaves_p(), tree->leaves_q()}, unused);
    }
    tree->build_layers();
    call.finish("logup_fraction_tree layers");  // the uploads' staging and the parts' buffers live until here
    return tree;
}

}  // namespace gpu
}  // namespace gpustark
