// The LogUp-GKR input layer (PROTOCOL 8.1): one slot of 2^(l_skip + n~_t) leaves per (trace,
// interaction) in sorted-trace then interaction order; counts and messages evaluated on the rows
// of the unlifted trace, repeated cyclically in lifted slots with the numerator scaled by
// 2^-(l_skip - log h). Unused leaves are (0, alpha).
#include <algorithm>

#include "../core/parallel.h"
#include "rap.h"

namespace gpustark {

EfVec powers(Ef x, size_t count) {
    EfVec out(count);
    Ef acc = ef_one();
    for (size_t i = 0; i < count; ++i, acc = ef_mul(acc, x)) out[i] = acc;
    return out;
}

InteractionReads::InteractionReads(const AirProgram& air) {
    nodes = interaction_nodes(air, &local_columns, &next_columns);
}

TraceRow::TraceRow(const InteractionReads& reads, uint32_t width) : reads(reads), local(width), next(width) {}

RowPoint<Fp> TraceRow::point(const RapTrace& trace, size_t row) {
    const uint32_t width = trace.air->width;
    const size_t height = size_t(1) << trace.log_height;
    const uint32_t* here = trace.values + row * width;
    const uint32_t* after = trace.values + ((row + 1) % height) * width;
    for (uint32_t c : reads.local_columns) local[c] = fp_from_canonical(here[c]);
    for (uint32_t c : reads.next_columns) next[c] = fp_from_canonical(after[c]);
    bool last = row == height - 1;
    return {local.data(), next.data(), row == 0 ? fp_one() : fp_zero(), last ? fp_one() : fp_zero(),
            last ? fp_zero() : fp_one(), trace.publics.data()};
}

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

LogUpInput build_logup_input(const std::vector<RapTrace>& traces, uint32_t l_skip, Ef alpha, Ef beta) {
    LogUpInput input = logup_layout(traces, l_skip);
    input.alpha = alpha;
    input.beta = beta;
    size_t max_message = 0;
    for (const RapTrace& trace : traces)
        for (const auto& interaction : trace.air->interactions) max_message = std::max(max_message, interaction.message.size());
    if (input.n_logup == 0) return input;  // no interactions: no leaves
    // Every leaf is written once below, on the worker threads: the slots, then the unused leaves
    // after them. Filling both layers on one thread first took 1.4-3.4 ms
    // for interactions-large's 2 x 4 MiB (this repository's 2-core guest), longer than the rows.
    const size_t leaves = size_t(1) << (l_skip + input.n_logup);
    input.p = uninitialized_vector<Ef>(leaves);
    input.q = uninitialized_vector<Ef>(leaves);
    EfVec beta_powers = powers(beta, max_message + 1);

    for (size_t t = 0; t < traces.size(); ++t) {
        const RapTrace& trace = traces[t];
        const AirProgram& air = *trace.air;
        if (air.interactions.empty()) continue;
        size_t height = size_t(1) << trace.log_height;
        size_t slot = size_t(1) << std::max(trace.log_height, l_skip);
        const bool lifted_slot = slot > height;
        const Fp norm = lifted_slot ? fp_inv(fp_from_canonical(uint32_t(slot / height))) : fp_one();
        // Per interaction: alpha + beta^L (bus + 1), the part of q no row changes, and its slot.
        std::vector<Ef> q_init;
        std::vector<Ef*> slot_p, slot_q;
        for (size_t s = 0; s < air.interactions.size(); ++s) {
            q_init.push_back(ef_add(alpha, logup_bus_term(air.interactions[s], beta_powers)));
            slot_p.push_back(input.p.data() + input.slot_offsets[t][s]);
            slot_q.push_back(input.q.data() + input.slot_offsets[t][s]);
        }
        const InteractionReads reads(air);
        parallel_for(height, 64, [&](size_t begin, size_t end) {
            TraceRow row_values(reads, air.width);
            std::vector<Fp> nodes(air.nodes.size());
            for (size_t row = begin; row < end; ++row) {
                const RowPoint<Fp> point = row_values.point(trace, row);
                for (uint32_t i : reads.nodes) evaluate_node(air, i, point, nodes.data());
                for (size_t s = 0; s < air.interactions.size(); ++s) {
                    const InteractionProgram& interaction = air.interactions[s];
                    const Fp count = nodes[interaction.count];
                    const Ef p = ef_from_base(lifted_slot ? fp_mul(norm, count) : count);
                    const Ef q = ef_add(q_init[s], logup_message_sum(nodes.data(), interaction, beta_powers));
                    for (size_t lifted = row; lifted < slot; lifted += height) {
                        slot_p[s][lifted] = p;
                        slot_q[s][lifted] = q;
                    }
                }
            }
        });
    }
    // Unused leaves are (0, alpha).
    const size_t used = input.slot_leaves;
    parallel_for(leaves - used, size_t(1) << 12, [&](size_t begin, size_t end) {
        std::fill(input.p.begin() + used + begin, input.p.begin() + used + end, ef_zero());
        std::fill(input.q.begin() + used + begin, input.q.begin() + used + end, alpha);
    });
    return input;
}

}  // namespace gpustark
