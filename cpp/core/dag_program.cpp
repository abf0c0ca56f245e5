#include "dag_program.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "air_program.h"

namespace gpustark {
namespace {

constexpr uint32_t kNone = 0xffffffffu;

bool is_leaf(uint32_t kind) { return kind <= kNodeConstant; }

// One instruction before slot allocation: operands name nodes (or -1), the output a node.
struct Symbolic {
    uint32_t op, aux;
    uint32_t a, b;     // node indices, kNone when unused
    uint32_t defines;  // node index written, kNone for an accumulating op
};

// Compiles constraints [begin, end) (or, with `interactions`, every interaction) into one group:
// only the nodes they reach, in depth-first order from each constraint (then interaction) in turn
// with its accumulation right after its own nodes, and slots by liveness (a node's slot is free
// again after the instruction that reads it last; an instruction reads before it writes, so its
// output may take an operand's slot). Depth first keeps few values waiting: Keccak's program
// needs 6 slots a point this way against 115 in node order (the order keygen lists the nodes).
void append_group(const AirProgram& air, const std::vector<uint32_t>& leaf_ref, uint32_t begin, uint32_t end,
                  bool interactions, DagProgram& p) {
    const size_t n = air.nodes.size();
    // Register need of each node (Sethi-Ullman, leaves need none): a node's operands are emitted
    // the needier first, so fewer values wait in slots while the other operand is computed.
    std::vector<uint32_t> need(n, 0);
    for (uint32_t i = 0; i < n; ++i) {
        const DagNode& d = air.nodes[i];
        if (is_leaf(d.kind)) continue;
        const uint32_t na = need[d.a], nb = d.kind == kNodeNeg ? 0 : need[d.b];
        need[i] = std::max<uint32_t>(1, na == nb ? na + 1 : std::max(na, nb));
    }
    std::vector<Symbolic> program;
    static const uint32_t kOps[] = {GS_DAG_OP_ADD, GS_DAG_OP_SUB, GS_DAG_OP_NEG, GS_DAG_OP_MUL};
    std::vector<bool> emitted(n, false);
    std::vector<std::pair<uint32_t, bool>> stack;  // (node, operands done)
    // Emits `root` after every node it reads that is not emitted yet (post-order, needier operand first).
    auto emit = [&](uint32_t root) {
        stack.assign(1, {root, false});
        while (!stack.empty()) {
            auto [i, ready] = stack.back();
            stack.pop_back();
            const DagNode& d = air.nodes[i];
            if (emitted[i] || is_leaf(d.kind)) continue;
            if (ready) {
                emitted[i] = true;
                uint32_t op = kOps[d.kind - kNodeAdd];
                program.push_back({op, 0, d.a, op == GS_DAG_OP_NEG ? kNone : d.b, i});
                continue;
            }
            stack.push_back({i, true});
            // Pushed last runs first.
            if (d.kind == kNodeNeg) {
                stack.push_back({d.a, false});
            } else if (need[d.a] >= need[d.b]) {
                stack.push_back({d.b, false});
                stack.push_back({d.a, false});
            } else {
                stack.push_back({d.a, false});
                stack.push_back({d.b, false});
            }
        }
    };
    for (uint32_t c = begin; c < end; ++c) {
        emit(air.constraints[c]);
        program.push_back({GS_DAG_OP_CONSTRAINT, c, air.constraints[c], kNone, kNone});
    }
    if (interactions)
        for (uint32_t k = 0; k < air.interactions.size(); ++k) {
            const InteractionProgram& it = air.interactions[k];
            emit(it.count);
            for (uint32_t m : it.message) emit(m);
            const uint32_t e = p.slot_weight_offset() + k;
            program.push_back({GS_DAG_OP_NUMERATOR, e, it.count, kNone, kNone});
            program.push_back({GS_DAG_OP_DEN_BEGIN, p.den_init_offset() + k, kNone, kNone, kNone});
            for (uint32_t j = 0; j < it.message.size(); ++j)
                program.push_back({GS_DAG_OP_DEN_ADD, p.beta_offset() + j, it.message[j], kNone, kNone});
            program.push_back({GS_DAG_OP_DEN_END, e, kNone, kNone, kNone});
        }

    std::vector<uint32_t> last_use(n, 0);
    for (uint32_t pc = 0; pc < program.size(); ++pc)
        for (uint32_t node : {program[pc].a, program[pc].b})
            if (node != kNone) last_use[node] = pc;
    std::vector<uint32_t> slot_of(n, kNone), free_slots;
    uint32_t slots = 0;
    auto ref = [&](uint32_t node) {
        if (node == kNone) return 0u;
        return leaf_ref[node] != kNone ? leaf_ref[node] : GS_DAG_REF(GS_DAG_SRC_SLOT, slot_of[node]);
    };
    DagGroup group{p.instructions(), uint32_t(program.size()), 0};
    for (uint32_t pc = 0; pc < program.size(); ++pc) {
        const Symbolic& s = program[pc];
        uint32_t words[4] = {s.op, s.aux, ref(s.a), ref(s.b)};
        for (uint32_t node : {s.a, s.b})
            if (node != kNone && leaf_ref[node] == kNone && last_use[node] == pc && slot_of[node] != kNone) {
                free_slots.push_back(slot_of[node]);
                slot_of[node] = kNone;  // a node read twice by one instruction is freed once
            }
        if (s.defines != kNone) {
            uint32_t slot;
            if (free_slots.empty()) slot = slots++;
            else slot = free_slots.back(), free_slots.pop_back();
            slot_of[s.defines] = slot;
            words[1] = slot;
            if (last_use[s.defines] <= pc) free_slots.push_back(slot), slot_of[s.defines] = kNone;  // never read
        }
        p.code.insert(p.code.end(), words, words + 4);
    }
    group.slots = slots;
    p.groups.push_back(group);
    p.slots = std::max(p.slots, slots);
}

// The constraints in runs [begin, end) whose programs take about `target` instructions each:
// the nodes a run reaches (its instructions, one per non-leaf node and one per constraint) are
// counted as constraints join it, and a run ends before the constraint that would take it past
// the target.
std::vector<std::pair<uint32_t, uint32_t>> constraint_runs(const AirProgram& air, uint64_t target) {
    const size_t n = air.nodes.size();
    std::vector<uint32_t> owner(n, kNone), seen(n, kNone), stack;
    uint32_t query = 0;  // seen[i] == query: node i already counted by this query
    // Instructions constraint c adds to run `run` (its nodes not in the run yet, and itself);
    // with `take`, they join the run.
    auto cost = [&](uint32_t c, uint32_t run, bool take) {
        uint64_t count = 1;
        ++query;
        stack.assign(1, air.constraints[c]);
        while (!stack.empty()) {
            const uint32_t i = stack.back();
            stack.pop_back();
            const DagNode& d = air.nodes[i];
            if (is_leaf(d.kind) || owner[i] == run || seen[i] == query) continue;
            seen[i] = query;
            if (take) owner[i] = run;
            ++count;
            stack.push_back(d.a);
            if (d.kind != kNodeNeg) stack.push_back(d.b);
        }
        return count;
    };
    std::vector<std::pair<uint32_t, uint32_t>> runs;
    uint64_t size = 0;
    for (uint32_t c = 0; c < air.constraints.size(); ++c) {
        if (runs.empty() || (size > 0 && size + cost(c, uint32_t(runs.size() - 1), false) > target)) {
            runs.push_back({c, c});
            size = 0;
        }
        size += cost(c, uint32_t(runs.size() - 1), true);
        runs.back().second = c + 1;
    }
    return runs;
}

// The instructions of one group holding every constraint.
uint64_t single_group_size(const AirProgram& air) {
    std::vector<bool> used(air.nodes.size(), false);
    for (uint32_t c : air.constraints) used[c] = true;
    uint64_t count = air.constraints.size();
    for (size_t i = air.nodes.size(); i-- > 0;) {
        const DagNode& d = air.nodes[i];
        if (!used[i] || is_leaf(d.kind)) continue;
        ++count;
        used[d.a] = true;
        if (d.kind != kNodeNeg) used[d.b] = true;
    }
    return count;
}

}  // namespace

uint64_t dag_group_target(const AirProgram& air, DagGrouping grouping) {
    if (grouping == DagGrouping::Short)
        return std::max<uint64_t>(kMinShortGroupInstructions, single_group_size(air) / kTargetShortDagGroups);
    return std::max<uint64_t>(kMinGroupInstructions, single_group_size(air) / kTargetDagGroups);
}

std::shared_ptr<const DagProgram> compiled_dag(const AirProgram& air, DagGrouping grouping) {
    std::lock_guard<std::mutex> lock(air.compiled->mutex);
    std::shared_ptr<const DagProgram>& kept =
        grouping == DagGrouping::Short ? air.compiled->short_groups : air.compiled->program;
    if (!kept) kept = std::make_shared<const DagProgram>(compile_dag(air, grouping));
    return kept;
}

DagProgram compile_dag(const AirProgram& air, DagGrouping grouping) {
    const size_t n = air.nodes.size();
    DagProgram p;
    p.width = air.width;
    p.num_constraints = uint32_t(air.constraints.size());

    // Leaves read in place: constants get a table entry, public values follow them.
    std::vector<uint32_t> leaf_ref(n, kNone);
    for (size_t i = 0; i < n; ++i) {
        const DagNode& d = air.nodes[i];
        switch (d.kind) {
            case kNodeMain: leaf_ref[i] = GS_DAG_REF(d.c ? GS_DAG_SRC_NEXT : GS_DAG_SRC_LOCAL, d.b); break;
            case kNodeIsFirst: case kNodeIsLast: case kNodeIsTransition:
                leaf_ref[i] = GS_DAG_REF(GS_DAG_SRC_SELECTOR, d.kind - kNodeIsFirst);
                break;
            case kNodeConstant:
                leaf_ref[i] = GS_DAG_REF(GS_DAG_SRC_CONSTANT, uint32_t(p.constants.size()));
                p.constants.push_back(fp_from_canonical(d.a));
                break;
            default: break;
        }
    }
    p.num_constants = uint32_t(p.constants.size());
    for (size_t i = 0; i < n; ++i)
        if (air.nodes[i].kind == kNodePublic)
            leaf_ref[i] = GS_DAG_REF(GS_DAG_SRC_CONSTANT, p.num_constants + air.nodes[i].a);
    p.constants.resize(p.num_constants + air.num_public_values, fp_zero());

    for (const InteractionProgram& it : air.interactions) {
        p.buses.push_back(it.bus);
        p.message_lengths.push_back(uint32_t(it.message.size()));
        p.max_message = std::max(p.max_message, uint32_t(it.message.size()));
    }
    // Constraints in runs of about equal program size (the interactions in a group of their own):
    // a device runs each group on its own thread, recomputing the few nodes groups share.
    for (const auto& [begin, end] : constraint_runs(air, dag_group_target(air, grouping))) append_group(air, leaf_ref, begin, end, false, p);
    if (!air.interactions.empty()) append_group(air, leaf_ref, 0, 0, true, p);
    if (p.slots >= (1u << 28) || p.constants.size() >= (1u << 28) || p.width >= (1u << 28))
        throw std::invalid_argument("compile_dag: " + air.name + " is too large for 28-bit operand indices");
    return p;
}

std::vector<Fp> bind_publics(const DagProgram& program, const std::vector<Fp>& publics) {
    if (publics.size() != program.constants.size() - program.num_constants)
        throw std::invalid_argument("bind_publics: expected " + std::to_string(program.constants.size() - program.num_constants) +
                                    " public values, found " + std::to_string(publics.size()));
    std::vector<Fp> out(program.constants.begin(), program.constants.begin() + program.num_constants);
    out.insert(out.end(), publics.begin(), publics.end());
    return out;
}

std::vector<Ef> powers(Ef x, size_t count) {
    std::vector<Ef> out(count);
    Ef acc = ef_one();
    for (size_t i = 0; i < count; ++i, acc = ef_mul(acc, x)) out[i] = acc;
    return out;
}

std::vector<Ef> dag_weights(const DagProgram& program, const std::vector<Ef>& lambda_powers,
                            const std::vector<Ef>& slot_weights, const std::vector<Ef>& beta_powers) {
    if (lambda_powers.size() < program.num_constraints || slot_weights.size() != program.buses.size() ||
        beta_powers.size() < program.max_message + 1)
        throw std::invalid_argument("dag_weights: too few lambda powers, slot weights or beta powers for the program");
    std::vector<Ef> w(lambda_powers.begin(), lambda_powers.begin() + program.num_constraints);
    w.insert(w.end(), slot_weights.begin(), slot_weights.end());
    w.insert(w.end(), beta_powers.begin(), beta_powers.begin() + program.max_message + 1);
    for (size_t k = 0; k < program.buses.size(); ++k)
        w.push_back(ef_mul_base(beta_powers[program.message_lengths[k]], fp_from_canonical(program.buses[k] + 1)));
    return w;
}

}  // namespace gpustark
