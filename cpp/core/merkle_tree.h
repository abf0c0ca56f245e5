// A committed Merkle tree (PROTOCOL 6.4) and path verification.
//
// A tree's words (the committed matrix and every digest level) live wherever the backend built
// them: host vectors on the CPU, device buffers on a GPU (a 2^22-row codeword is hundreds of MB,
// and only a few hundred rows are ever opened). A MerkleStore hides which: openings ask it for
// just the rows and path digests they need, in one read per batch of queries.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "host_memory.h"

namespace gpustark {

using Digest = std::vector<uint32_t>;  // 8 canonical field elements

struct MerkleOpening {
    std::vector<uint32_t> rows;  // 2^log_group rows x width, in t order: rows y + t * rows/2^log_group
    std::vector<uint32_t> path;  // siblings from the query level up, 8 words each
};

// One digest of a tree: level 0 holds the leaf digests (rows of them), level k has rows >> k.
struct MerkleNode {
    uint32_t level = 0;
    size_t index = 0;
};

// The words of one tree.
class MerkleStore {
public:
    virtual ~MerkleStore() = default;
    // row_words gets width words per entry of `rows`, node_words 8 per entry of `nodes`, in order.
    virtual void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
                      uint32_t* node_words) const = 0;
    // Whole copies, for checks and the Python API.
    virtual std::vector<uint32_t> matrix() const = 0;
    virtual std::vector<uint32_t> level(uint32_t k) const = 0;
    // Rows will be read soon: a store that dropped its matrix may start making it again now,
    // beside other work, for the next read. Stores that keep theirs do nothing.
    virtual void prepare_rows() const {}
};

// The store of a tree built in host memory.
class HostMerkleStore : public MerkleStore {
public:
    HostMerkleStore(HostVector<uint32_t> matrix, uint32_t width, std::vector<HostVector<uint32_t>> levels)
        : matrix_(std::move(matrix)), width_(width), levels_(std::move(levels)) {}
    void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
              uint32_t* node_words) const override;
    std::vector<uint32_t> matrix() const override { return {matrix_.begin(), matrix_.end()}; }
    std::vector<uint32_t> level(uint32_t k) const override { return {levels_.at(k).begin(), levels_.at(k).end()}; }

private:
    HostVector<uint32_t> matrix_;
    uint32_t width_;
    std::vector<HostVector<uint32_t>> levels_;
};

struct MerkleTree {
    size_t rows = 0;  // of the committed rows x width matrix
    uint32_t width = 0;
    uint32_t log_group = 0;
    Digest root_digest;
    std::shared_ptr<const MerkleStore> store;

    // A tree whose matrix and levels (levels[0] = leaf digests, ..., levels.back() = root) are in
    // host memory.
    static MerkleTree in_host_memory(HostVector<uint32_t> matrix, size_t rows, uint32_t width, uint32_t log_group,
                                     std::vector<HostVector<uint32_t>> levels);

    size_t num_queries() const { return rows >> log_group; }
    uint32_t num_levels() const;  // log2(rows) + 1
    const Digest& root() const { return root_digest; }
    // The openings of `queries` (each < num_queries()), read from the store in one batch.
    std::vector<MerkleOpening> open_many(const std::vector<size_t>& queries) const;
    MerkleOpening open(size_t query) const { return open_many({query}).front(); }
    // MerkleStore::prepare_rows: openings will follow (the stacked commitment's, once the openings
    // phase starts).
    void prepare_rows() const {
        if (store) store->prepare_rows();
    }
    std::vector<uint32_t> matrix() const { return store->matrix(); }
    std::vector<uint32_t> level(uint32_t k) const { return store->level(k); }
};

// For device backends, which keep every level of a tree in one buffer: where level k (rows >> k
// digests, after levels 0..k-1) starts, in words; the last entry is the total.
std::vector<size_t> merkle_level_offsets(size_t rows, uint32_t log_rows);
// Throws std::invalid_argument (prefixed with `what`) unless rows is a power of two, 2^log_group <=
// rows, and rows * 8 fits in 32 bits (the device compress kernels form child offsets in u32).
void check_device_tree_shape(size_t rows, uint32_t log_group, const char* what);

// Checks an opening against a root; throws nothing, returns false on any mismatch.
bool merkle_verify(const Digest& root, size_t rows, uint32_t width, uint32_t log_group, size_t query,
                   const MerkleOpening& opening);

}  // namespace gpustark
