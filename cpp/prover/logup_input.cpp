// The LogUp-GKR input layer (PROTOCOL 8.1): its layout (one slot of 2^(l_skip + n~_t) leaves per
// (trace, interaction), in sorted-trace then interaction order) and what a backend needs to make
// its leaves (core/logup_leaves.h).
#include <algorithm>

#include "../core/dag_program.h"
#include "rap.h"

namespace gpustark {

static uint32_t bit_length(uint64_t x) {
    uint32_t n = 0;
    while (x) ++n, x >>= 1;
    return n;
}

LogUpInput logup_layout(const std::vector<RapTrace>& traces, uint32_t l_skip) {
    LogUpInput input;
    uint64_t total = 0;
    input.slot_offsets.resize(traces.size());
    for (size_t t = 0; t < traces.size(); ++t) {
        uint64_t slot = uint64_t(1) << std::max(traces[t].log_height, l_skip);
        for (size_t s = 0; s < traces[t].air->interactions.size(); ++s) {
            input.slot_offsets[t].push_back(total);
            total += slot;
        }
    }
    input.slot_leaves = total;
    if (total != 0) input.n_logup = bit_length(total) - l_skip;
    return input;
}

LogUpLeaves logup_leaves(const std::vector<RapTrace>& traces, const LogUpInput& layout, uint32_t l_skip) {
    LogUpLeaves out;
    out.l_skip = l_skip;
    out.slot_leaves = layout.slot_leaves;
    out.leaves = layout.slot_leaves == 0 ? 0 : uint64_t(1) << (l_skip + layout.n_logup);
    out.alpha = layout.alpha;
    for (size_t t = 0; t < traces.size(); ++t) {
        const RapTrace& trace = traces[t];
        if (trace.air->interactions.empty()) continue;
        LogUpLeafTrace leaf;
        leaf.values = trace.values;
        leaf.log_height = trace.log_height;
        leaf.dag.air = trace.air;
        leaf.dag.program = compiled_dag(*trace.air).get();  // kept with the AIR
        leaf.dag.constants = bind_publics(*leaf.dag.program, trace.publics);
        leaf.dag.weights = logup_leaf_weights(*leaf.dag.program, layout.alpha, layout.beta);
        leaf.slot_offsets = layout.slot_offsets[t];
        out.traces.push_back(std::move(leaf));
    }
    return out;
}

}  // namespace gpustark
