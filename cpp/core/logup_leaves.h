// The LogUp-GKR input layer's leaves (PROTOCOL 8.1) as a backend makes them: one slot of
// 2^max(log h, l_skip) leaves per (trace, interaction), in sorted-trace then interaction order,
// each leaf (count, alpha + h_beta(message, bus)) at a row, a lifted trace's rows repeated with
// the count scaled by 2^-(l_skip - log h); the leaves after the slots are (0, alpha). Every
// backend runs one lane body per row (kernels/gkr/logup_leaf_lanes.h): the AIR's interaction group
// of its constraint DAG, with weights that make each interaction's term its denominator.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../kernels/gkr/logup_leaf_lanes.h"
#include "dag_program.h"

namespace gpustark {

// One trace with interactions.
struct LogUpLeafTrace {
    const uint32_t* values = nullptr;  // 2^log_height x width, row-major, canonical
    uint32_t log_height = 0;
    DagBinding dag;                    // the AIR's program, its public values and logup_leaf_weights
    std::vector<uint64_t> slot_offsets;  // interaction k's slot starts at leaf slot_offsets[k]
};

struct LogUpLeaves {
    std::vector<LogUpLeafTrace> traces;
    uint32_t l_skip = 0;
    uint64_t slot_leaves = 0;  // the slots fill leaves 0 .. slot_leaves - 1
    uint64_t leaves = 0;       // 2^(l_skip + n_logup), a power of two >= 2
    Ef alpha = ef_zero();
};

// The weight table for the program's interaction group: each term begins at alpha + beta^L (bus +
// 1) and adds beta^j message_j; the constraint and slot weights are unused (zero).
std::vector<Ef> logup_leaf_weights(const DagProgram& program, Ef alpha, Ef beta);
// The program's interaction group (compile_dag puts every interaction in one group, the last).
// Throws std::invalid_argument for a program without interactions.
const DagGroup& logup_interaction_group(const DagProgram& program);
// The lane's parameters for one trace: its interaction group, its height and its lifting under
// l_skip. Throws std::invalid_argument for a program without interactions.
LogUpLeavesParams logup_leaves_params(const LogUpLeafTrace& trace, uint32_t l_skip);
// Throws std::invalid_argument unless `in`'s slots fit its leaves, in.leaves is a power of two >= 2
// and each trace has a bound program with one slot per interaction.
void check_logup_leaves(const LogUpLeaves& in);
// The leaves on the host's worker threads: p and q hold in.leaves values each.
void host_logup_leaves(const LogUpLeaves& in, Ef* p, Ef* q);

}  // namespace gpustark
