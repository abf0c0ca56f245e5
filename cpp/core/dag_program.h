// An AIR's constraint DAG compiled for the device kernels (kernels/dag/dag_code.h): the node
// list becomes a straight-line program whose intermediate values live in a few reusable slots.
//
// Leaves (columns, selectors, constants, public values) are read where they are used instead of
// being copied into slots, nodes are computed depth first from each constraint, each intermediate
// node gets a slot from its definition to its last use, and every constraint and interaction is
// accumulated as soon as its operands exist. So a thread needs `slots` values of scratch rather
// than one per node: that is what lets a GPU keep thousands of points in flight for a DAG of tens
// of thousands of nodes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../kernels/dag/dag_code.h"

namespace gpustark {

struct AirProgram;  // core/air_program.h (kept out of here: CUDA sources include this header)

// A self-contained run of instructions: some of the constraints (or the interactions) with every
// node they need. Groups' sums add up to the AIR's, so a device may run the groups of one point
// on different threads; the host runs the whole code, group after group.
struct DagGroup {
    uint32_t first = 0;  // instruction index
    uint32_t count = 0;  // instructions
    uint32_t slots = 0;  // scratch values it needs
};

// How constraints are grouped: runs of consecutive constraints whose programs stay near one
// size, at least kMinGroupInstructions and about 1/kTargetDagGroups of the whole (a constraint
// whose own nodes are more stays in one group). A lane runs one group, so in the late sumcheck
// rounds (few pairs) the longest group is the round's latency; more groups recompute more of the
// nodes they share.
constexpr uint32_t kMinGroupInstructions = 256;
constexpr uint32_t kTargetDagGroups = 64;

// The same program in more, shorter groups (DagGrouping::Short) for rounds with too few points to
// fill a GPU: there a round lasts as long as its longest group, so shorter groups finish sooner
// though together they recompute more of the nodes they share.
constexpr uint32_t kMinShortGroupInstructions = 32;
constexpr uint32_t kTargetShortDagGroups = 1024;

enum class DagGrouping { Long, Short };

struct DagProgram {
    uint32_t width = 0;               // columns of a row (local and next)
    uint32_t slots = 0;               // scratch values per point: the largest group's
    std::vector<uint32_t> code;       // 4 words per instruction, the groups one after another
    std::vector<DagGroup> groups;
    std::vector<Fp> constants;        // the AIR's constants, then its public values
    uint32_t num_constraints = 0;
    std::vector<uint32_t> buses;      // per interaction
    std::vector<uint32_t> message_lengths;
    uint32_t max_message = 0;         // longest message: beta^0..beta^max_message are used
    uint32_t num_constants = 0;       // constants before the public values in `constants`

    uint32_t instructions() const { return uint32_t(code.size() / 4); }
    // Offsets into the weight table: lambda^i, then e_k, then beta^j, then beta^L_k (bus_k + 1).
    uint32_t slot_weight_offset() const { return num_constraints; }
    uint32_t beta_offset() const { return num_constraints + uint32_t(buses.size()); }
    uint32_t den_init_offset() const { return beta_offset() + max_message + 1; }
    uint32_t weight_count() const { return den_init_offset() + uint32_t(buses.size()); }
};

// A program ready to run for one trace: its constants with the public values bound, and the
// weight table of the sums. `air` is the source program, for backends that evaluate nodes
// directly (the CPU's lane evaluator).
struct DagBinding {
    const DagProgram* program = nullptr;
    const AirProgram* air = nullptr;
    std::vector<Fp> constants;
    std::vector<Ef> weights;
};

// Base-field points for Backend::dag_base_sums, canonical words: point k's local row at
// local + k * local_stride followed by its three selectors (is_first, is_last, is_transition),
// so local_stride >= width + 3; its next row at next + k * next_stride.
struct DagBasePoints {
    const uint32_t* local = nullptr;
    size_t local_stride = 0;
    const uint32_t* next = nullptr;
    size_t next_stride = 0;
    size_t points = 0;
};

// The instructions a group of several constraints stays within: for Long groups
// kMinGroupInstructions or the whole program's over kTargetDagGroups, for Short groups
// kMinShortGroupInstructions or the whole program's over kTargetShortDagGroups.
uint64_t dag_group_target(const AirProgram& air, DagGrouping grouping = DagGrouping::Long);
// Compiles an AIR program that passed AirProgram::validate (operands precede their nodes). Public
// values are placeholders until bind_publics. Every grouping has the same constants and weight
// table, and its groups' sums add up to the same AIR sums: a binding serves all of them.
DagProgram compile_dag(const AirProgram& air, DagGrouping grouping = DagGrouping::Long);
// compile_dag(air, grouping), compiled once per AIR and grouping and kept with it (shared by its copies).
std::shared_ptr<const DagProgram> compiled_dag(const AirProgram& air, DagGrouping grouping = DagGrouping::Long);
// The constant table with this trace's public values filled in.
std::vector<Fp> bind_publics(const DagProgram& program, const std::vector<Fp>& publics);
// x^0 .. x^(count - 1): the powers the weight tables are made of (lambda^i, beta^j, ...).
std::vector<Ef> powers(Ef x, size_t count);
// The weight table W of the program's accumulating instructions.
std::vector<Ef> dag_weights(const DagProgram& program, const std::vector<Ef>& lambda_powers,
                            const std::vector<Ef>& slot_weights, const std::vector<Ef>& beta_powers);

}  // namespace gpustark
