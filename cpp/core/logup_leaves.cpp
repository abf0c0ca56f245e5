#include "logup_leaves.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "parallel.h"

namespace gpustark {

std::vector<Ef> logup_leaf_weights(const DagProgram& program, Ef alpha, Ef beta) {
    const std::vector<Ef> unused_lambda(program.num_constraints, ef_zero());
    const std::vector<Ef> unused_slots(program.buses.size(), ef_zero());
    std::vector<Ef> w = dag_weights(program, unused_lambda, unused_slots, powers(beta, program.max_message + 1));
    for (size_t k = 0; k < program.buses.size(); ++k) {
        Ef& den_init = w[program.den_init_offset() + k];
        den_init = ef_add(den_init, alpha);
    }
    return w;
}

const DagGroup& logup_interaction_group(const DagProgram& program) {
    if (program.buses.empty() || program.groups.empty())
        throw std::invalid_argument("logup leaves: the AIR has no interactions");
    return program.groups.back();
}

LogUpLeavesParams logup_leaves_params(const LogUpLeafTrace& trace, uint32_t l_skip) {
    const DagProgram& program = *trace.dag.program;
    const DagGroup& group = logup_interaction_group(program);
    LogUpLeavesParams q{};
    q.height = uint64_t(1) << trace.log_height;
    q.repeats = trace.log_height < l_skip ? uint64_t(1) << (l_skip - trace.log_height) : 1;
    q.width = program.width;
    q.first = group.first;
    q.count = group.count;
    q.first_slot_weight = program.slot_weight_offset();
    q.norm = q.repeats > 1 ? fp_inv(fp_from_canonical(uint32_t(q.repeats))) : fp_one();
    q.interactions = uint32_t(program.buses.size());
    return q;
}

void check_logup_leaves(const LogUpLeaves& in) {
    if (in.leaves < 2 || (in.leaves & (in.leaves - 1)) != 0 || in.slot_leaves > in.leaves)
        throw std::invalid_argument("logup leaves: " + std::to_string(in.slot_leaves) + " slot leaves in " +
                                    std::to_string(in.leaves) + " leaves (a power of two >= 2)");
    for (const LogUpLeafTrace& t : in.traces) {
        if (!t.dag.program || !t.values) throw std::invalid_argument("logup leaves: a trace without values or program");
        const LogUpLeavesParams q = logup_leaves_params(t, in.l_skip);
        if (t.slot_offsets.size() != t.dag.program->buses.size() ||
            t.dag.weights.size() != t.dag.program->weight_count() ||
            t.dag.constants.size() != t.dag.program->constants.size())
            throw std::invalid_argument("logup leaves: the slots, weights or constants do not match the program");
        for (uint64_t offset : t.slot_offsets)
            if (offset + q.height * q.repeats > in.slot_leaves)
                throw std::invalid_argument("logup leaves: a slot runs past the slot leaves");
    }
}

void host_logup_leaves(const LogUpLeaves& in, Ef* p, Ef* q) {
    check_logup_leaves(in);
    for (const LogUpLeafTrace& t : in.traces) {
        const LogUpLeavesParams params = logup_leaves_params(t, in.l_skip);
        const DagProgram& program = *t.dag.program;
        const uint32_t slots = logup_interaction_group(program).slots;
        parallel_for(params.height, 64, [&](size_t begin, size_t end) {
            std::vector<Fp> scratch(std::max<uint32_t>(slots, 1));
            for (size_t row = begin; row < end; ++row)
                logup_leaves_lane(row, program.code.data(), t.dag.weights.data(), t.dag.constants.data(), t.values,
                                  t.slot_offsets.data(), params, scratch.data(), 1, p, q);
        });
    }
    LogUpUnusedLeavesParams unused{};
    unused.alpha = in.alpha;
    unused.first = in.slot_leaves;
    unused.count = in.leaves - in.slot_leaves;
    parallel_for(unused.count, size_t(1) << 12, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) logup_unused_leaves_lane(i, unused, p, q);
    });
}

}  // namespace gpustark
