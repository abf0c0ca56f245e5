// The NTT on the device (primitives.h) and GpuBackend::ntt. Block passes run as many stages as
// fit a block in group scratch (the device's limits say how many: CUDA's shared memory, Metal's
// threadgroup memory); a transform that fits one block is that one kernel, with the bit reversal
// and the scale fused into it (core/device_ntt_plan.h).
#include <stdexcept>
#include <string>

#include "../../core/device_ntt_plan.h"
#include "gpu_backend.h"
#include "gpu_ntt_tables.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {

void ntt(Device& device, const Buffer& data, NttShape shape, bool inverse, const Buffer& twiddles,
         const Buffer& factors, NttLayout layout, NttOutput output) {
    if (shape.log_n == 0 || shape.batch == 0) return;
    const uint64_t elements = (uint64_t(1) << shape.log_n) * shape.batch, bytes = elements * sizeof(uint32_t);
    const DeviceNttPlan plan = plan_device_ntt(device.limits(), device.kernel_limits(Kernel::NttBlock), shape,
                                               inverse, bool(factors), layout, output);
    // ntt_block(data, twiddles, factors, params): the factors are read only when the pass fuses
    // the scale, so without them any buffer (the twiddles) stands in.
    const Buffer block_factors = factors ? factors : twiddles;
    auto block_pass = [&](size_t i) {
        device.dispatch(Kernel::NttBlock, device::as_launch_plan(plan.passes[i].block), 2 * bytes,
                        {data, twiddles, block_factors}, plan.pass_params(i));
    };
    if (plan.single_pass) return block_pass(0);
    NttParams p = plan.params;
    // ntt_scale(data, factors, params)
    auto scale_pass = [&] {
        device.dispatch(Kernel::NttScale, device.lane_plan(Kernel::NttScale, elements), 3 * bytes, {data, factors}, p);
    };
    if (factors && !inverse) scale_pass();
    // ntt_bit_reverse(data, params)
    auto bit_reverse = [&] {
        device.dispatch(Kernel::NttBitReverse, device.lane_plan(Kernel::NttBitReverse, elements), 2 * bytes, {data}, p);
    };
    // Block passes that leave a bit-reversed output read the natural order as it lies.
    if ((plan.params.fused & GS_NTT_REVERSED_OUT) == 0) bit_reverse();
    for (size_t i = 0; i < plan.passes.size(); ++i) block_pass(i);
    if (plan.passes.empty()) {
        // ntt_stage(data, twiddles, params): one butterfly per lane
        const device::LaunchPlan stage_plan = device.lane_plan(Kernel::NttStage, elements / 2);
        for (uint32_t stage = 0; stage < shape.log_n; ++stage) {
            p.stage = stage;
            device.dispatch(Kernel::NttStage, stage_plan, 2 * bytes, {data, twiddles}, p);
        }
        if (output == NttOutput::BitReversed) bit_reverse();  // the stages leave natural order
    }
    if (factors && inverse) scale_pass();
}

void GpuBackend::ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    // n = 1: the transform, 1/n and shift^0 are all the identity.
    if (shape.log_n == 0 || shape.batch == 0) return;
    if (shape.log_n > kMaxLogN)
        throw std::invalid_argument(what("ntt") + ": log_n must be <= " + std::to_string(kMaxLogN) + ", got " +
                                    std::to_string(shape.log_n));
    const uint64_t words = (uint64_t(1) << shape.log_n) * shape.batch;
    // The kernels count n * batch lanes in 32 bits: 2^32 would wrap to 0 and do nothing.
    require_u32(words, "n * batch", what("ntt").c_str());
    const size_t bytes = size_t(words) * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "ntt");
    // The tables first: they are uploaded before the call's staged copies.
    const Buffer twiddles = device.ntt_tables().twiddles(device, shape.log_n, inverse);
    const Buffer factors = device.ntt_tables().scale_factors(device, shape.log_n, inverse, shift);
    device.reserve_staging(staged_size(bytes));
    const Bound d = bind(data, bytes, kSlotA);
    if (!d.in_place) device.upload(d.buffer, data, bytes);
    gpu::ntt(device, d.buffer, shape, inverse, twiddles, factors);
    const void* out = download(d, bytes);
    call.finish("transformed columns");
    if (out) host_copy(data, out, bytes);
}

}  // namespace gpu
}  // namespace gpustark
