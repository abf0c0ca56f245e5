// The lane emulator: runs the real metal/*.metal kernels on the CPU, one std::thread per lane
// of a threadgroup (runtime.h), in the order the host dispatches them. tests/test_lane_emulator*.py
// build it (tests/msl/msl_emulator.py) and compare its output with the CPU backend and with
// numpy models.
//
//   emulator [--group N] [--groups G] [--col-major] SCENARIO ARGS... < input.bin > output.bin
//   emulator --list        one line per scenario: name, then the kernels it launches
//
// Input and output are raw little-endian u32 words; field elements are canonical (an Ef is four
// limbs), converted to and from the kernels' Montgomery form here. --group sets the threadgroup
// size (default 32; 1-D grids are rounded up to whole groups, as the host does); --groups caps
// the threadgroups of grid-stride kernels (default: one thread per lane), so that threads take
// several lanes. The scenarios live in scenarios_*.h, one file per family of .metal files.

// Standard headers and the launcher first: the keyword macros below would break them.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "runtime.h"

#include "msl_keywords.h"
#include "poseidon2.metal"
#include "merkle.metal"
#include "gather.metal"
#include "ntt.metal"
#include "pow.metal"
#include "sumcheck.metal"
#include "fraction_tree.metal"
#include "trace_tables.metal"
#include "round0.metal"
#include "dag.metal"
#include "stacked.metal"
#include "whir.metal"
#include "field/two_adic.h"  // the host side: NTT twiddles and scale factors
#include "msl_keywords_end.h"

#include "scenarios_primitives.h"
#include "scenarios_sumcheck.h"
#include "scenarios_gkr.h"
#include "scenarios_constraints.h"
#include "scenarios_dag.h"
#include "scenarios_stacked.h"
#include "scenarios_whir.h"

namespace {

using gs_emu::Args;
using gs_emu::Options;

struct Scenario {
    const char* name;
    size_t nargs;
    const char* usage;
    const char* kernels;  // what --list reports; tests check every .metal kernel appears here
    void (*run)(const Args&, const Options&);
};

const Scenario kScenarios[] = {
    {"poseidon2", 1, "N", "poseidon2_permute", gs_emu::scenario_poseidon2},
    {"merkle_leaf", 2, "ROWS WIDTH", "merkle_leaf", gs_emu::scenario_merkle_leaf},
    {"merkle_compress", 2, "N STRIDE", "merkle_compress", gs_emu::scenario_merkle_compress},
    {"merkle_tree", 3, "ROWS WIDTH LOG_GROUP", "merkle_leaf merkle_compress", gs_emu::scenario_merkle_tree},
    {"gather_words", 3, "RUNS WORDS SRC_WORDS", "gather_words", gs_emu::scenario_gather_words},
    {"ntt", 8, "LOG_N BATCH LOG_BLOCK LANES INVERSE SHIFT COLUMNS FUSED", "ntt_scale ntt_bit_reverse ntt_block ntt_stage",
     gs_emu::scenario_ntt},
    {"pow", 3, "BITS ABSORB_IDX WINDOW", "pow_grind", gs_emu::scenario_pow},
    {"sumcheck_fold", 4, "COUNT LENGTH STRIDE ROUNDS", "sumcheck_fold", gs_emu::scenario_sumcheck_fold},
    {"sumcheck_pair_product", 3, "COUNT LENGTH STRIDE", "sumcheck_pair_product",
     gs_emu::scenario_sumcheck_pair_product},
    {"sumcheck_fraction", 2, "LENGTH STRIDE", "sumcheck_fraction", gs_emu::scenario_sumcheck_fraction},
    {"sumcheck_add_eq_powers", 2, "VARS POINTS", "sumcheck_eq_halves sumcheck_add_eq_powers",
     gs_emu::scenario_sumcheck_add_eq_powers},
    {"sumcheck_rounds", 5, "SUMS COUNT LENGTH ROUNDS BITS",
     "sumcheck_pair_product sumcheck_fraction sumcheck_sponge_step sumcheck_sponge_grind sumcheck_sponge_witness "
     "sumcheck_fold_logged", gs_emu::scenario_sumcheck_rounds},
    {"gkr_layer", 1, "NODES", "gkr_layer", gs_emu::scenario_gkr_layer},
    {"gkr_tree", 1, "LOG_LEAVES", "gkr_layer", gs_emu::scenario_gkr_tree},
    {"gkr_split", 1, "HALF", "gkr_split", gs_emu::scenario_gkr_split},
    {"trace_tables", 3, "WIDTH LOG_HEIGHT L_SKIP", "trace_tables", gs_emu::scenario_trace_tables},
    {"round0_gather", 6, "WIDTH LOG_HEIGHT L_SKIP FIRST COUNT COSET", "round0_gather",
     gs_emu::scenario_round0_gather},
    {"round0_eq_sums", 5, "EVALS L_SKIP CHUNKS BLOCK PIECES", "round0_eq_sums round0_piece_sums",
     gs_emu::scenario_round0_eq_sums},
    {"dag_base_sums", 14,
     "WIDTH SLOTS INSTRS GROUPS WEIGHTS CONSTANTS POINTS LOCAL_POINT_STRIDE LOCAL_COLUMN_STRIDE LOCAL_WORDS "
     "NEXT_POINT_STRIDE NEXT_COLUMN_STRIDE NEXT_WORDS MONTGOMERY",
     "dag_base_sums dag_group_sums", gs_emu::scenario_dag_base_sums},
    {"logup_leaves", 11,
     "WIDTH SLOTS INSTRS WEIGHTS CONSTANTS LOG_HEIGHT REPEATS INTERACTIONS FIRST_SLOT_WEIGHT SLOT_LEAVES LEAVES",
     "logup_leaves logup_unused_leaves", gs_emu::scenario_logup_leaves},
    {"dag_round", 10, "WIDTH SLOTS INSTRS GROUPS WEIGHTS CONSTANTS LENGTH FIRST_PAIR PAIRS POINTS",
     "dag_fold_points dag_round", gs_emu::scenario_dag_round},
    {"stacked_sums", 6, "WIDTH LOG_ROWS L_SKIP SLOTS PIECES EQ_LEN", "stacked_slot_sums stacked_piece_sums",
     gs_emu::scenario_stacked_sums},
    {"stacked_fold_columns", 3, "WIDTH LOG_ROWS L_SKIP", "stacked_fold_columns",
     gs_emu::scenario_stacked_fold_columns},
    {"stacked_kernel_table", 4, "WIDTH CHUNKS SLOTS EQ_LEN", "stacked_kernel_table",
     gs_emu::scenario_stacked_kernel_table},
    {"stacked_batch_message", 3, "WIDTH ROWS ACCUMULATE", "stacked_batch_message", gs_emu::scenario_stacked_batch_message},
    {"stacked_scatter", 5, "TRACE_ROWS TRACE_WIDTH SLOTS WIDTH ROWS", "stacked_scatter",
     gs_emu::scenario_stacked_scatter},
    {"stacked_message", 3, "WIDTH LOG_ROWS L_SKIP", "stacked_message", gs_emu::scenario_stacked_message},
    {"whir_subset_transform", 2, "VARS INVERSE", "whir_subset_step", gs_emu::scenario_whir_subset_transform},
    {"whir_product_table", 1, "VARS", "whir_product_table", gs_emu::scenario_whir_product_table},
    {"whir_power_sum", 1, "VARS", "whir_power_sum", gs_emu::scenario_whir_power_sum},
    {"whir_ef_words", 1, "LENGTH", "whir_ef_words", gs_emu::scenario_whir_ef_words},
};

[[noreturn]] void usage() {
    std::string text = "usage: emulator [--group N] [--groups G] [--col-major] SCENARIO ARGS... < in.bin > out.bin\n";
    for (const Scenario& s : kScenarios) text += std::string("  ") + s.name + " " + s.usage + "\n";
    std::fputs(text.c_str(), stderr);
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    Args rest;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--list") {
            for (const Scenario& s : kScenarios) std::printf("%s %s\n", s.name, s.kernels);
            return 0;
        } else if (a == "--group" && i + 1 < argc) {
            opt.group = gs_emu::arg({argv[++i]}, 0);
        } else if (a == "--groups" && i + 1 < argc) {
            opt.groups = gs_emu::arg({argv[++i]}, 0);
        } else if (a == "--col-major") {
            opt.col_major = true;
        } else {
            rest.push_back(a);
        }
    }
    if (rest.empty()) usage();
    for (const Scenario& s : kScenarios) {
        if (rest[0] != s.name) continue;
        Args args(rest.begin() + 1, rest.end());
        if (args.size() != s.nargs) usage();
        s.run(args, opt);
        return 0;
    }
    usage();
}
