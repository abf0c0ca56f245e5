// CudaBackend::fraction_tree: the leaves go up once and every layer is built on the device
// (all layers of p in one buffer, of q in another: layer j's 2^j nodes at offset 2^j - 1); a
// layer's sumcheck tables are split out on the device and adopted by CudaEfTables.
#include <cstring>
#include <stdexcept>

#include "cuda_backend.h"
#include "cuda_ef_tables.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {
namespace {

class CudaFractionTree final : public FractionTree {
public:
    CudaFractionTree(CudaBackend& backend, const Ef* p, const Ef* q, size_t leaves)
        : FractionTree(fraction_tree_depth(leaves)), backend_(backend) {
        const size_t nodes = 2 * leaves - 1, bytes = leaves * sizeof(Ef);
        CudaBackend::Call call(backend_, "fraction_tree");
        p_ = cuda::DeviceBuffer(nodes * sizeof(Ef));
        q_ = cuda::DeviceBuffer(nodes * sizeof(Ef));
        call.reserve_staging(2 * CudaBackend::staged_size(bytes));
        call.upload(layer(p_, depth()), p, bytes);
        call.upload(layer(q_, depth()), q, bytes);
        for (size_t j = depth(); j > 0; --j) {
            const uint64_t parents = uint64_t(1) << (j - 1);
            const device::LaunchPlan plan = backend_.lane_plan(CudaKernel::GkrLayer, parents);
            call.dispatch(CudaKernel::GkrLayer, plan, parents * 6 * sizeof(Ef), [&] {
                return int(cuda::launch_gkr_layer(layer(p_, j), layer(q_, j), layer(p_, j - 1), layer(q_, j - 1),
                                                  parents, plan, call.stream()));
            });
        }
        call.finish("fraction_tree upload");  // the staging is free again for the next call
    }

    ~CudaFractionTree() override { backend_.drain(); }

    std::array<Ef, 2> node(size_t j, size_t x) override {
        require_node(j, x);
        CudaBackend::Call call(backend_, "fraction_tree.node");
        call.reserve_staging(2 * CudaBackend::staged_size(sizeof(Ef)));
        const void* p = call.download(layer(p_, j) + x, sizeof(Ef));
        const void* q = call.download(layer(q_, j) + x, sizeof(Ef));
        call.finish("fraction_tree node");
        std::array<Ef, 2> out;
        std::memcpy(&out[0], p, sizeof(Ef));
        std::memcpy(&out[1], q, sizeof(Ef));
        return out;
    }

    std::unique_ptr<EfTables> layer_tables(size_t j, const std::vector<Ef>& eq) override {
        require_layer(j, eq.size());
        const size_t half = eq.size();
        cuda::DeviceBuffer tables;
        {
            CudaBackend::Call call(backend_, "fraction_tree.layer_tables");
            tables = cuda::DeviceBuffer(5 * half * sizeof(Ef));
            call.reserve_staging(CudaBackend::staged_size(half * sizeof(Ef)));
            call.upload(tables.as<Ef>() + 4 * half, eq.data(), half * sizeof(Ef));
            const device::LaunchPlan plan = backend_.lane_plan(CudaKernel::GkrSplit, half);
            call.dispatch(CudaKernel::GkrSplit, plan, half * 8 * sizeof(Ef), [&] {
                return int(cuda::launch_gkr_split(layer(p_, j), layer(q_, j), tables.as<Ef>(), half, plan, call.stream()));
            });
            call.finish("fraction_tree layer tables");
        }
        return adopt_cuda_ef_tables(backend_, std::move(tables), 5, half);
    }

private:
    static Ef* layer(const cuda::DeviceBuffer& all, size_t j) { return all.as<Ef>() + ((size_t(1) << j) - 1); }

    CudaBackend& backend_;
    cuda::DeviceBuffer p_, q_;
};

}  // namespace

std::unique_ptr<FractionTree> CudaBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return std::make_unique<CudaFractionTree>(*this, p, q, leaves);
}

}  // namespace gpustark
