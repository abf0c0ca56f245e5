// The `dual:A,B` backend: runs every primitive on two backends and compares the outputs word for
// word. This is how a device backend is proven equal to the CPU reference (risc0's hal/dual is
// the model): run the whole prover or test suite on `dual:cpu,cuda` and the first divergence
// stops it with the primitive, the position and both values.
#pragma once
#include <string>

#include "../../core/backend.h"

namespace gpustark {

class DualBackend final : public Backend {
public:
    // Does not own `a` or `b`; both must outlive this object (the registry keeps its backends for
    // the life of the process). Messages name them by their info().backend.
    DualBackend(Backend& a, Backend& b);

    // backend "dual:A,B", name "<A's device> | <B's device>", limits of each side under "A." / "B."
    // (or "a." / "b." when both sides have the same name, e.g. dual:cpu,cpu).
    DeviceInfo info() const override;

    // Each primitive runs on A with the caller's buffers and on B with its own copy of the inputs
    // (so a side that scribbles on its inputs cannot hide it from the other), then compares.
    // On the first differing word it throws std::runtime_error naming the primitive, both
    // backends, the position (state/lane, row/column, level/node/word, witness) and both values;
    // otherwise the caller sees A's result.
    void poseidon2_permute(uint32_t* states, size_t count) override;
    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override;
    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override;
    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override;
    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override;
    uint32_t grind(const PowParams& params) override;
    // Each side's own (a device's fused path), the trees compared as merkle_tree's are.
    MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                 uint32_t log_group) override;
    // Tables on both sides; every step compared (dual_ef_tables.h).
    std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) override;
    void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) override;
    // Each side's own round0_sums (a device's fused path, not the composition of the primitives).
    Round0Sums round0_sums(const Round0Trace& trace) override;
    // Each side's own tree, compared node by node and layer by layer (dual_fraction_tree.h).
    std::unique_ptr<FractionTree> fraction_tree(const Ef* p, const Ef* q, size_t leaves) override;
    // Each side's tree over the leaves it made; the leaves compared whole, then as fraction_tree.
    std::unique_ptr<FractionTree> logup_fraction_tree(const LogUpLeaves& in) override;
    // Each side's own tables, compared in full as the dual tables start (dual_ef_tables.h).
    std::unique_ptr<EfTables> trace_tables(const TraceTablesInput& in) override;
    // Each side's commitment: trees, matrices and messages compared; then, as for stacked_matrix,
    // every pass over them (dual_stacked_matrix.h).
    StackedCommit commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces, uint32_t log_blowup,
                                 uint32_t k) override;
    // Each side's copy of the stacked data; slot sums, column tables and batched messages compared.
    std::unique_ptr<StackedMatrix> stacked_matrix(HostVector<uint32_t> matrix, HostVector<uint32_t> message,
                                                  size_t height, uint32_t width, uint32_t l_skip) override;
    // The side that tracks its device memory (B, the device, in dual:cpu,X), else A.
    void hold_traces(const std::vector<TraceView>& traces) override {
        a_.hold_traces(traces);
        b_.hold_traces(traces);
    }
    void release_traces() override {
        a_.release_traces();
        b_.release_traces();
    }
    DeviceMemory device_memory() const override { return b_.device_memory().tracked ? b_.device_memory() : a_.device_memory(); }
    void reset_device_memory_peak() override {
        a_.reset_device_memory_peak();
        b_.reset_device_memory_peak();
    }
    void release_cached_memory() override {
        a_.release_cached_memory();
        b_.release_cached_memory();
    }

private:
    // The shape, the kept matrix and every level of two trees, the first difference reported.
    void compare_trees(const std::string& what, const MerkleTree& ta, const MerkleTree& tb) const;
    // The DAG's three sums at `count` points (or positions), named `where` and the index.
    void compare_sums(const std::string& what, const std::string& where, const DagSums* sa, const DagSums* sb,
                      size_t count) const;
    [[noreturn]] void fail(const std::string& what, const std::string& where, uint64_t value_a,
                           uint64_t value_b) const;

    Backend& a_;
    Backend& b_;
    std::string name_a_, name_b_;
};

// "dual:A,B" -> {A, B}; false when `name` is not of that form (missing prefix, not exactly one
// comma, an empty part).
bool parse_dual_name(const std::string& name, std::string& a, std::string& b);

// Registers "dual:A,B" with the registry (core/backend.h register_composite_backend).
void register_dual_backend();

}  // namespace gpustark
