// How a device backend runs one batched NTT (CUDA and Metal plan it the same way): the row-major
// launch parameters and the block passes that run the stages in group scratch, each as many
// stages as fit a block, one after another until none is left (none when the planner finds no
// room: then every stage is a global pass). A transform that fits one block is that one pass,
// which also does the bit reversal and the scale (NttParams::fused).
#pragma once
#include <stdexcept>
#include <vector>

#include "../kernels/ntt/ntt_params.h"
#include "backend.h"
#include "device/launch_plan.h"

namespace gpustark {

// One block pass: stages first_stage .. first_stage + block.log_block - 1.
struct NttBlockPass {
    uint32_t first_stage = 0;
    device::NttBlockPlan block{};
};

struct DeviceNttPlan {
    NttParams params{};
    std::vector<NttBlockPass> passes;  // empty: every stage is a global pass
    bool single_pass = false;          // one block pass is the whole transform

    // params for pass i (its first stage, block length and columns per group).
    NttParams pass_params(size_t i) const {
        NttParams p = params;
        p.stage = passes[i].first_stage;
        p.log_block = passes[i].block.log_block;
        p.block_columns = passes[i].block.columns;
        return p;
    }
};

// Where element (row, col) of a batch of `batch` columns of n rows lies.
enum class NttLayout {
    RowMajor,     // at row * batch + col (a matrix's columns side by side)
    ColumnMajor,  // at col * n + row (each column's n values one after another)
};

// The order a transform leaves its rows in.
enum class NttOutput {
    Natural,      // row i holds output i (the input is in natural order too)
    BitReversed,  // row rev(i) holds output i: forward only, no bit-reversal pass (GS_NTT_REVERSED_OUT)
};

// `scaled`: the transform has scale factors (a forward coset's shift^j, an inverse's shift^-j / n).
inline DeviceNttPlan plan_device_ntt(const device::DeviceLimits& device, const device::PipelineLimits& block_pipeline,
                                     NttShape shape, bool inverse, bool scaled,
                                     NttLayout layout = NttLayout::RowMajor, NttOutput output = NttOutput::Natural) {
    if (output == NttOutput::BitReversed && inverse)
        throw std::invalid_argument("ntt: bit-reversed output is for forward transforms only");
    DeviceNttPlan plan;
    NttParams& p = plan.params;
    p.log_n = shape.log_n;
    p.batch = shape.batch;
    const bool rows = layout == NttLayout::RowMajor;
    p.row_stride = rows ? shape.batch : 1u;
    p.col_stride = rows ? 1u : 1u << shape.log_n;
    // As few passes as the largest block allows, with the stages shared out evenly (a short
    // last pass would run groups of a few rows). No room for a block, or a grid too large: every
    // stage runs as its own pass.
    try {
        const uint32_t largest =
            device::plan_ntt_block(device, block_pipeline, shape.log_n, shape.batch, 31, !rows).log_block;
        const uint32_t count = largest == 0 ? 0 : (shape.log_n + largest - 1) / largest;
        for (uint32_t i = 0, stage = 0; i < count; ++i) {
            const uint32_t stages = (shape.log_n - stage + (count - i) - 1) / (count - i);
            plan.passes.push_back(
                {stage, device::plan_ntt_block(device, block_pipeline, shape.log_n, shape.batch, stages, !rows)});
            stage += plan.passes.back().block.log_block;
        }
    } catch (const std::invalid_argument&) {
        plan.passes.clear();
    }
    plan.single_pass = plan.passes.size() == 1 && plan.passes[0].block.log_block == shape.log_n;
    if (output == NttOutput::BitReversed && !plan.passes.empty()) {
        // Every pass addresses rows through the bit reversal; one pass also takes the scale.
        p.fused = GS_NTT_REVERSED_OUT | (plan.single_pass && scaled ? GS_NTT_FUSE_SCALE_IN : 0u);
    } else if (plan.single_pass) {
        p.fused = GS_NTT_FUSE_BIT_REVERSE | (scaled ? (inverse ? GS_NTT_FUSE_SCALE_OUT : GS_NTT_FUSE_SCALE_IN) : 0u);
    }
    return plan;
}

}  // namespace gpustark
