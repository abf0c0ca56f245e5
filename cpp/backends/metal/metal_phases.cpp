// MetalBackend's phase objects beyond the tables: ef_tables itself, trace_tables (built on the GPU
// from the trace) and the LogUp-GKR fraction tree (every layer built and kept in shared buffers).
// Kernel arguments follow metal/trace_tables.metal's and metal/fraction_tree.metal's [[buffer(i)]]
// order; params: kernels/constraints/trace_tables.h, kernels/gkr/fraction_tree.h.
#include <stdexcept>
#include <string>

#include "../../kernels/constraints/trace_tables.h"
#include "../../kernels/gkr/fraction_tree.h"
#include "metal_backend.h"
#include "metal_ef_tables.h"

namespace gpustark {

using metal::Arg;

std::unique_ptr<EfTables> MetalBackend::ef_tables(const Ef* values, size_t count, size_t length) {
    return make_metal_ef_tables(*this, values, count, length);
}

std::unique_ptr<EfTables> MetalBackend::trace_tables(const TraceTablesInput& in) {
    const size_t n = size_t(1) << in.l_skip, height = size_t(1) << in.log_height, length = in.eq.size();
    const size_t chunks = in.log_height > in.l_skip ? height / n : 1;
    if (in.lagrange.size() != n || length != chunks)
        throw std::invalid_argument("trace_tables: expected N Lagrange weights and one eq entry per chunk");
    const size_t count = 2 * size_t(in.width) + 4;
    const size_t trace_bytes = height * in.width * sizeof(uint32_t);
    metal::BufferPtr tables;
    {
        Call call(*this, "trace_tables");
        const Bound trace = bind_input(in.values, trace_bytes, kSlotA);
        metal::BufferPtr lagrange = slot(kSlotB, n * sizeof(Ef));
        copy_in(lagrange->contents(), in.lagrange.data(), n * sizeof(Ef));
        tables = allocate(count * length * sizeof(Ef));
        copy_in(tables->as<Ef>() + (count - 1) * length, in.eq.data(), length * sizeof(Ef));  // the last table: eq
        TraceTablesParams p{};
        p.length = length;
        p.lanes = uint64_t(length) * (count - 1);
        p.width = in.width;
        p.log_height = in.log_height;
        p.l_skip = in.l_skip;
        // trace_tables(trace, lagrange, tables, params)
        dispatch("trace_tables", {trace.arg(), Arg::of(lagrange), Arg::of(tables), Arg::value(p)},
                 stride_plan("trace_tables", p.lanes), uint64_t(n) * 2 * trace_bytes + p.lanes * sizeof(Ef));
        finish("trace_tables");  // the slots are free again for the next call
    }
    return adopt_metal_ef_tables(*this, std::move(tables), count, length);
}

namespace {

// All layers of p in one buffer and of q in another: layer j's 2^j nodes start at node 2^j - 1.
class MetalFractionTree final : public FractionTree {
public:
    MetalFractionTree(MetalBackend& backend, const Ef* p, const Ef* q, size_t leaves)
        : FractionTree(fraction_tree_depth(leaves)), backend_(backend) {
        const size_t nodes = 2 * leaves - 1, bytes = leaves * sizeof(Ef);
        MetalBackend::Call call(backend_, "fraction_tree");
        p_ = backend_.allocate(nodes * sizeof(Ef));
        q_ = backend_.allocate(nodes * sizeof(Ef));
        backend_.copy_in(p_->as<Ef>() + first(depth()), p, bytes);
        backend_.copy_in(q_->as<Ef>() + first(depth()), q, bytes);
        for (size_t j = depth(); j > 0; --j) {
            GkrLayerParams params{};
            params.nodes = uint64_t(1) << (j - 1);
            // gkr_layer(child_p, child_q, parent_p, parent_q, params)
            backend_.dispatch("gkr_layer",
                              {layer(p_, j), layer(q_, j), layer(p_, j - 1), layer(q_, j - 1), Arg::value(params)},
                              backend_.stride_plan("gkr_layer", params.nodes), params.nodes * 6 * sizeof(Ef));
        }
        backend_.finish("fraction_tree layers");
    }

    std::array<Ef, 2> node(size_t j, size_t x) override {
        require_node(j, x);
        MetalBackend::Call call(backend_, "fraction_tree.node");
        backend_.finish("fraction_tree node");
        return {p_->as<const Ef>()[first(j) + x], q_->as<const Ef>()[first(j) + x]};
    }

    std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& eq) override {
        require_layer(j, eq.size());
        const size_t half = eq.size();
        metal::BufferPtr tables;
        {
            MetalBackend::Call call(backend_, "fraction_tree.layer_tables");
            tables = backend_.allocate(5 * half * sizeof(Ef));
            backend_.copy_in(tables->as<Ef>() + 4 * half, eq.data(), half * sizeof(Ef));  // the fifth table: eq
            GkrSplitParams params{};
            params.half = half;
            // gkr_split(p, q, tables, params)
            backend_.dispatch("gkr_split", {layer(p_, j), layer(q_, j), Arg::of(tables), Arg::value(params)},
                              backend_.stride_plan("gkr_split", half), half * 8 * sizeof(Ef));
            backend_.commit();  // the tables' first round is ordered after it, and waits
        }
        return adopt_metal_ef_tables(backend_, std::move(tables), 5, half);
    }

private:
    static size_t first(size_t j) { return (size_t(1) << j) - 1; }
    static Arg layer(const metal::BufferPtr& all, size_t j) { return Arg::of(all, first(j) * sizeof(Ef)); }

    MetalBackend& backend_;
    metal::BufferPtr p_, q_;
};

}  // namespace

std::unique_ptr<FractionTree> MetalBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return std::make_unique<MetalFractionTree>(*this, p, q, leaves);
}

}  // namespace gpustark
