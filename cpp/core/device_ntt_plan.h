// How a device backend runs one batched NTT (CUDA and Metal plan it the same way): the row-major
// launch parameters, the block pass for the first log_block stages (none when the planner finds
// no room), and whether that block holds the whole transform, in which case it is the only pass
// and does the bit reversal and the scale too (NttParams::fused).
#pragma once
#include <stdexcept>

#include "../kernels/ntt/ntt_params.h"
#include "backend.h"
#include "device/launch_plan.h"

namespace gpustark {

struct DeviceNttPlan {
    NttParams params{};
    device::NttBlockPlan block{};  // log_block 0: every stage is a global pass
    bool single_pass = false;      // the block pass is the whole transform
};

// `scaled`: the transform has scale factors (a forward coset's shift^j, an inverse's shift^-j / n).
inline DeviceNttPlan plan_device_ntt(const device::DeviceLimits& device, const device::PipelineLimits& block_pipeline,
                                     NttShape shape, bool inverse, bool scaled) {
    DeviceNttPlan plan;
    NttParams& p = plan.params;
    p.log_n = shape.log_n;
    p.batch = shape.batch;
    p.row_stride = shape.batch;  // row-major: element (row, col) at row * batch + col
    p.col_stride = 1;
    // No room for a block, or a grid too large: every stage runs as its own pass.
    try {
        plan.block = device::plan_ntt_block(device, block_pipeline, shape.log_n, shape.batch);
    } catch (const std::invalid_argument&) {
        plan.block = device::NttBlockPlan{};
    }
    if (plan.block.log_block >= 1) {
        p.log_block = plan.block.log_block;
        p.block_columns = plan.block.columns;
    }
    plan.single_pass = plan.block.log_block >= 1 && plan.block.log_block == shape.log_n;
    if (plan.single_pass)
        p.fused = GS_NTT_FUSE_BIT_REVERSE | (scaled ? (inverse ? GS_NTT_FUSE_SCALE_OUT : GS_NTT_FUSE_SCALE_IN) : 0u);
    return plan;
}

}  // namespace gpustark
