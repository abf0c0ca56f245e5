// The Backend methods of every GPU, written once over gpu::Device: the primitives (poseidon2
// permute, hash_rows, compress, ntt, merkle_tree, encode_and_commit, grind) and the phases of
// phases.h (the sumcheck tables, the DAG, round 0 and the rest). CudaBackend and MetalBackend
// derive from it and add only what is their own: making their device, its info and memory report.
//
// Host data reach the device through reusable slots (one per role, grown on demand): a call
// uploads into them, runs its kernels and waits once; where device memory is the host's (Metal)
// a caller's array the device holds is read and written in place instead.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../../core/backend.h"
#include "device.h"

namespace gpustark {
namespace gpu {

class GpuBackend : public Backend {
public:
    // `name` ("cuda", "metal") starts the messages of the errors it throws.
    explicit GpuBackend(std::string name) : name_(std::move(name)) {}

    void poseidon2_permute(uint32_t* states, size_t count) override;
    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override;
    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override;
    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override;
    // The tree keeps its own copy of the matrix on the device; openings read only their rows.
    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override;
    // The codeword computed and hashed in one call; it stays on the device with its tree.
    MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                 uint32_t log_group) override;
    uint32_t grind(const PowParams& params) override;

    // The phases of phases.h on this backend's device. Tables and trees must not outlive it.
    std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) override;
    void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) override;
    Round0Sums round0_sums(const Round0Trace& trace) override;
    std::unique_ptr<FractionTree> fraction_tree(const Ef* p, const Ef* q, size_t leaves) override;
    std::unique_ptr<FractionTree> logup_fraction_tree(const LogUpLeaves& in) override;
    std::unique_ptr<EfTables> trace_tables(const TraceTablesInput& in) override;
    StackedCommit commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                 uint32_t log_blowup, uint32_t k) override;
    std::unique_ptr<StackedMatrix> stacked_matrix(HostVector<uint32_t> matrix, HostVector<uint32_t> message,
                                                  size_t height, uint32_t width, uint32_t l_skip) override;

    // Drops the slots and the NTT tables, then what the device keeps (release_device_memory).
    void release_cached_memory() override;

protected:
    // The device every method runs on; it lives as long as the backend.
    virtual Device& gpu_device() = 0;
    // Inside release_cached_memory's operation: the device's own kept memory (its pool).
    virtual void release_device_memory() {}
    // Drops the slots (a derived destructor, before its device goes).
    void release_slots();

private:
    enum Slot { kSlotA, kSlotB, kSlotC, kSlotResult, kSlotCount };
    // Host memory bound for one call: a slot, or the caller's array itself (in_place).
    struct Bound {
        Buffer buffer;
        bool in_place = false;
    };
    Buffer slot(Slot s, size_t bytes);
    Bound bind(const void* host, size_t bytes, Slot s);
    // After the kernels: the download of an output that is not in place (nullptr when it is).
    const void* download(const Bound& b, size_t bytes);
    std::string what(const char* op) const { return name_ + " " + op; }

    std::string name_;
    Buffer slots_[kSlotCount];
    size_t slot_bytes_[kSlotCount] = {};
};

}  // namespace gpu
}  // namespace gpustark
