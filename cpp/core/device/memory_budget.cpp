#include "memory_budget.h"

#include <algorithm>
#include <stdexcept>

namespace gpustark {
namespace device {

std::vector<std::pair<std::string, uint64_t>> MleBudgetReport::counters() const {
    return {
        {"total_logup_traces", total_logup_traces},
        {"monomial_trace_count", monomial_trace_count},
        {"mle_trace_count", mle_trace_count},
        {"mle_batch_count", mle_batch_count},
        {"fallback_count", fallback_count},
        {"memory_limit_raises", memory_limit_raises},
        {"peak_batch_memory_bytes", peak_batch_memory_bytes},
        {"initial_memory_limit_bytes", initial_memory_limit_bytes},
        {"effective_memory_limit_bytes", effective_memory_limit_bytes},
    };
}

MleBatchPlan plan_mle_batches(const std::vector<TraceMemory>& traces, uint64_t initial_limit_bytes,
                              uint64_t hard_cap_bytes) {
    if (initial_limit_bytes == 0 || initial_limit_bytes > hard_cap_bytes)
        throw std::invalid_argument("MLE memory budget: need 0 < initial limit <= hard cap, got initial limit " +
                                    std::to_string(initial_limit_bytes) + " bytes and hard cap " +
                                    std::to_string(hard_cap_bytes) + " bytes");
    MleBatchPlan plan;
    MleBudgetReport& r = plan.report;
    r.total_logup_traces = traces.size();
    r.initial_memory_limit_bytes = initial_limit_bytes;
    r.effective_memory_limit_bytes = initial_limit_bytes;

    MleBatch open;  // the Packed batch being filled; empty when none is open
    auto close = [&] {
        if (open.traces.empty()) return;
        plan.batches.push_back(std::move(open));
        open = MleBatch{};
    };
    auto single = [&](BatchKind kind, size_t index, uint64_t bytes, uint64_t limit) {
        close();
        plan.batches.push_back(MleBatch{kind, {index}, bytes, limit});
    };

    for (size_t i = 0; i < traces.size(); ++i) {
        const TraceMemory& t = traces[i];
        if (t.monomial) {
            ++r.monomial_trace_count;
            continue;
        }
        ++r.mle_trace_count;
        if (t.bytes > hard_cap_bytes) {
            single(BatchKind::Fallback, i, t.bytes, hard_cap_bytes);
            ++r.fallback_count;
        } else if (t.bytes > initial_limit_bytes) {
            single(BatchKind::Raised, i, t.bytes, t.bytes);
            ++r.memory_limit_raises;
        } else {
            // Written as a subtraction so that huge sizes cannot wrap the sum.
            if (!open.traces.empty() && t.bytes > initial_limit_bytes - open.memory_bytes) close();
            open.limit_bytes = initial_limit_bytes;
            open.traces.push_back(i);
            open.memory_bytes += t.bytes;
        }
    }
    close();

    for (const MleBatch& b : plan.batches) {
        if (b.kind == BatchKind::Fallback) continue;  // evaluated piecewise: never held whole
        ++r.mle_batch_count;
        r.peak_batch_memory_bytes = std::max(r.peak_batch_memory_bytes, b.memory_bytes);
        r.effective_memory_limit_bytes = std::max(r.effective_memory_limit_bytes, b.limit_bytes);
    }
    return plan;
}

}  // namespace device
}  // namespace gpustark
