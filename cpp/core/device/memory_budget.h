// The memory budget for batching LogUp / zerocheck MLE evaluation across traces: which traces
// share one batched evaluation, so that the intermediates of a batch stay under an effective
// limit, while a single oversized trace may raise that limit up to a hard cap before it falls
// back to one-trace-at-a-time evaluation. A pure policy: the prover allocates and evaluates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gpustark {
namespace device {

constexpr uint64_t kDefaultMleMemoryCap = uint64_t(5) << 30;  // 5 GiB

struct TraceMemory {
    uint64_t bytes = 0;     // MLE intermediates needed to evaluate this trace in a batch
    bool monomial = false;  // evaluated by monomial expansion instead: needs no MLE memory
};

enum class BatchKind {
    Packed,    // one or more consecutive traces whose sum fits the effective limit
    Raised,    // one trace above the effective limit but within the cap: the limit is raised for it
    Fallback,  // one trace above the cap: evaluated alone, one trace at a time (not batched)
};

struct MleBatch {
    BatchKind kind = BatchKind::Packed;
    std::vector<size_t> traces;  // indices into the input, increasing
    uint64_t memory_bytes = 0;   // sum of the traces' bytes
    uint64_t limit_bytes = 0;    // the limit it ran under: initial, raised (its size), or the cap
};

// Field names are the reported counter names.
struct MleBudgetReport {
    uint64_t total_logup_traces = 0;    // every input trace
    uint64_t monomial_trace_count = 0;  // marked monomial: in no batch
    uint64_t mle_trace_count = 0;       // the rest, including fallback traces
    uint64_t mle_batch_count = 0;       // Packed + Raised batches
    uint64_t fallback_count = 0;        // Fallback batches (= traces above the cap)
    uint64_t memory_limit_raises = 0;   // Raised batches
    uint64_t peak_batch_memory_bytes = 0;       // largest Packed or Raised batch
    uint64_t initial_memory_limit_bytes = 0;
    uint64_t effective_memory_limit_bytes = 0;  // largest limit a Packed/Raised batch ran under (>= initial)

    // (name, value) in the order above, for span counters and JSON reports.
    std::vector<std::pair<std::string, uint64_t>> counters() const;
};

struct MleBatchPlan {
    std::vector<MleBatch> batches;  // in trace order; every non-monomial trace in exactly one
    MleBudgetReport report;
};

// Walks the traces in order, skipping monomial ones (they neither join nor break a batch):
//  - a trace that fits the open batch under initial_limit_bytes joins it;
//  - one that fits the limit but not the open batch closes it and opens the next;
//  - one above the limit but <= hard_cap_bytes closes the open batch and gets a Raised batch of
//    its own, whose limit is its size (the raise applies to that trace only);
//  - one above the cap closes the open batch and gets a Fallback entry of its own.
// A zero-byte trace always fits. Throws std::invalid_argument unless
// 0 < initial_limit_bytes <= hard_cap_bytes.
MleBatchPlan plan_mle_batches(const std::vector<TraceMemory>& traces, uint64_t initial_limit_bytes,
                              uint64_t hard_cap_bytes = kDefaultMleMemoryCap);

}  // namespace device
}  // namespace gpustark
