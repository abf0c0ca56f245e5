// Every device kernel under one typed id, shared by the CUDA and Metal backends and the phases of
// this folder: a phase names a kernel by Kernel::X, never by a string, and each backend finds its
// own entry from the id (CUDA: a launcher in cpp/backends/cuda/*.cu; Metal: the pipeline of the
// function kernel_name(id) in metal/*.metal). Plain C++, no device headers.
#pragma once

namespace gpustark {
namespace gpu {

enum class Kernel : int {
    Poseidon2Permute,
    MerkleLeaves,
    MerkleCompress,
    NttBitReverse,
    NttStage,
    NttScale,
    NttBlock,
    PowGrind,
    SumcheckFold,
    SumcheckPairProduct,
    SumcheckFraction,
    SumcheckAddEqPowers,
    SumcheckEqHalves,
    SumcheckSpongeStep,
    SumcheckFoldLogged,
    SumcheckSpongeGrind,
    SumcheckSpongeWitness,
    DagBaseSums,
    DagRound,
    DagGroupSums,
    Round0Gather,
    Round0EqSums,
    Round0PieceSums,
    TraceTables,
    GkrLayer,
    GkrSplit,
    LogUpLeaves,
    LogUpUnusedLeaves,
    GatherWords,
    StackedSlotSums,
    StackedPieceSums,
    StackedFoldColumns,
    StackedKernelTable,
    StackedBatchMessage,
    StackedScatter,
    StackedMessage,
    DagFoldPoints,
    WhirSubsetStep,
    WhirProductTable,
    WhirPowerSum,
    WhirEfWords,
    Count
};
constexpr int kKernelCount = static_cast<int>(Kernel::Count);

// The kernel's name: the Metal function in metal/*.metal and, with "_kernel" appended, the CUDA
// __global__ in cpp/backends/cuda/*.cu.
inline const char* kernel_name(Kernel k) {
    static const char* const names[] = {
        "poseidon2_permute", "merkle_leaf", "merkle_compress",
        "ntt_bit_reverse", "ntt_stage", "ntt_scale", "ntt_block", "pow_grind",
        "sumcheck_fold", "sumcheck_pair_product", "sumcheck_fraction", "sumcheck_add_eq_powers", "sumcheck_eq_halves",
        "sumcheck_sponge_step", "sumcheck_fold_logged", "sumcheck_sponge_grind", "sumcheck_sponge_witness",
        "dag_base_sums", "dag_round", "dag_group_sums", "round0_gather", "round0_eq_sums", "round0_piece_sums", "trace_tables",
        "gkr_layer", "gkr_split", "logup_leaves", "logup_unused_leaves", "gather_words",
        "stacked_slot_sums", "stacked_piece_sums", "stacked_fold_columns", "stacked_kernel_table",
        "stacked_batch_message", "stacked_scatter", "stacked_message", "dag_fold_points",
        "whir_subset_step", "whir_product_table", "whir_power_sum", "whir_ef_words"};
    static_assert(sizeof(names) / sizeof(names[0]) == kKernelCount, "one name per kernel id");
    const int i = static_cast<int>(k);
    return i >= 0 && i < kKernelCount ? names[i] : "unknown";
}

}  // namespace gpu
}  // namespace gpustark
