// gpu::fraction_tree: all layers of p in one buffer and of q in another, layer j's 2^j nodes at
// node 2^j - 1; kernels/gkr/gkr_lanes.h's lanes build each layer from its child layer.
#include <cstring>

#include "../../kernels/gkr/gkr_lanes.h"
#include "phases.h"

namespace gpustark {
namespace gpu {
namespace {

class DeviceFractionTree final : public FractionTree {
public:
    DeviceFractionTree(Device& device, const Ef* p, const Ef* q, size_t leaves)
        : FractionTree(fraction_tree_depth(leaves)), device_(device) {
        const size_t nodes = 2 * leaves - 1, bytes = leaves * sizeof(Ef);
        Call call(device_, "fraction_tree");
        p_ = device_.allocate(nodes * sizeof(Ef));
        q_ = device_.allocate(nodes * sizeof(Ef));
        device_.reserve_staging(2 * staged_size(bytes));
        device_.upload(layer(p_, depth()), p, bytes);
        device_.upload(layer(q_, depth()), q, bytes);
        for (size_t j = depth(); j > 0; --j) {
            GkrLayerParams params{};
            params.nodes = uint64_t(1) << (j - 1);
            device_.dispatch(Kernel::GkrLayer, device_.lane_plan(Kernel::GkrLayer, params.nodes),
                             params.nodes * 6 * sizeof(Ef),
                             {layer(p_, j), layer(q_, j), layer(p_, j - 1), layer(q_, j - 1)}, params);
        }
        call.finish("fraction_tree layers");
    }

    ~DeviceFractionTree() override { device_.drain(); }

    std::array<Ef, 2> node(size_t j, size_t x) override {
        require_node(j, x);
        Call call(device_, "fraction_tree.node");
        device_.reserve_staging(2 * staged_size(sizeof(Ef)));
        const void* p = device_.download(layer(p_, j).at_element<Ef>(x), sizeof(Ef));
        const void* q = device_.download(layer(q_, j).at_element<Ef>(x), sizeof(Ef));
        call.finish("fraction_tree node");
        std::array<Ef, 2> out;
        std::memcpy(&out[0], p, sizeof(Ef));
        std::memcpy(&out[1], q, sizeof(Ef));
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
                             {layer(p_, j), layer(q_, j), tables}, params);
            call.commit();  // no wait: the tables' next operation is ordered after it
        }
        std::unique_ptr<EfTables> out = adopt_tables(device_, std::move(tables), 5, half);
        set_eq_table(*out, xi);
        return out;
    }

private:
    static Buffer layer(const Buffer& all, size_t j) { return all.at_element<Ef>((size_t(1) << j) - 1); }

    Device& device_;
    Buffer p_, q_;
};

}  // namespace

std::unique_ptr<FractionTree> fraction_tree(Device& device, const Ef* p, const Ef* q, size_t leaves) {
    return std::make_unique<DeviceFractionTree>(device, p, q, leaves);
}

}  // namespace gpu
}  // namespace gpustark
