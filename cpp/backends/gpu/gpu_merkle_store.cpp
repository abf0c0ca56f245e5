// gpu::keep_merkle_tree: a committed tree kept where the device computed it. An opening uploads
// the start of each run (a row in the matrix, a digest in the levels), gathers the runs on the
// device (kernels/merkle/gather.h) and downloads only them: a keccakf codeword is 2^22 x 42 words,
// and a proof opens a few hundred of its rows.
//
// To hold less memory, a store keeps only the digest levels openings read (from level log_group
// up: a query opens its whole group of rows, so the digests below are never sent) and, where the
// tree's maker can make the matrix again (the stacked commitment's codeword, twice the traces),
// not the matrix: each read makes it in new memory, gathers, and lets it go. Whole copies of a
// dropped matrix or level (checks, the Python API) are made again the same way.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "../../kernels/hash/poseidon2.h"
#include "../../kernels/merkle/gather_params.h"
#include "../../kernels/ntt/ntt.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {
namespace {

class DeviceMerkleStore final : public MerkleStore {
public:
    // levels: the digest levels from log_group up, level k at word offsets[k] - offsets[log_group].
    DeviceMerkleStore(Device& device, Buffer matrix, MatrixSource remake, Buffer levels, size_t rows, uint32_t width,
                      uint32_t log_rows, uint32_t log_group, std::vector<size_t> offsets, RowOrder order)
        : device_(device), matrix_(std::move(matrix)), remake_(std::move(remake)), levels_(std::move(levels)),
          rows_(rows), width_(width), log_group_(log_group), offsets_(std::move(offsets)), order_(order),
          log_rows_(log_rows) {}
    ~DeviceMerkleStore() override {
        if (prepared_) {  // made beside and never read: that work may still read what goes with the store
            try {
                Call call(device_, "merkle_tree.drop_prepared");
                device_.join_beside();
            } catch (...) {  // a failed device: drain() below is all that is left to do
            }
        }
        device_.drain();
    }

    // The dropped matrix made again now, beside the work enqueued next (on CUDA a second stream:
    // the reduction before the openings leaves the GPU mostly idle), and kept for the next read.
    // A device that cannot run it beside makes it when it is read, holding its memory no longer.
    void prepare_rows() const override {
        if (matrix_ || !remake_ || prepared_ || !device_.runs_beside()) return;
        Call call(device_, "merkle_tree.prepare_rows");
        prepared_ = remake_(true);
        call.commit();  // no wait: the read that takes it joins the work beside first
    }

    void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
              uint32_t* node_words) const override {
        std::vector<uint64_t> starts;
        starts.reserve(rows.size() + nodes.size());
        for (size_t r : rows) {
            if (r >= rows_) throw std::out_of_range("merkle store: row " + std::to_string(r) + " out of range");
            starts.push_back(uint64_t(stored_row(r)) * width_);
        }
        bool below_kept = false;
        for (const MerkleNode& n : nodes) {
            if (n.level + 1 >= offsets_.size() || n.index >= (rows_ >> n.level))
                throw std::out_of_range("merkle store: node (" + std::to_string(n.level) + ", " +
                                        std::to_string(n.index) + ") out of range");
            below_kept = below_kept || n.level < log_group_;
        }
        const size_t row_count = rows.size() * width_, node_count = nodes.size() * GS_DIGEST_WIDTH;
        const size_t out_bytes = (row_count + node_count) * 4;
        if (out_bytes == 0) return;

        Call call(device_, "merkle_tree.read");
        // The matrix (made again if dropped) only when rows are read; every level when a node
        // below the kept ones is (the openings never ask: their paths start at the group level).
        const Buffer matrix = rows.empty() && !below_kept ? Buffer{} : matrix_on_device();
        const Buffer levels = below_kept ? all_levels(matrix) : levels_;
        const size_t level_base = below_kept ? 0 : offsets_[log_group_];
        for (const MerkleNode& n : nodes) starts.push_back(offsets_[n.level] - level_base + uint64_t(n.index) * GS_DIGEST_WIDTH);
        const size_t start_bytes = starts.size() * sizeof(uint64_t);
        Buffer d_starts = device_.allocate(start_bytes), d_out = device_.allocate(out_bytes);
        device_.reserve_staging(std::max(staged_size(start_bytes), staged_size(out_bytes)));
        device_.upload(d_starts, starts.data(), start_bytes);
        gather(matrix, d_starts, rows.size(), width_, d_out);
        gather(levels, d_starts.at_element<uint64_t>(rows.size()), nodes.size(), GS_DIGEST_WIDTH,
               d_out.at_element<uint32_t>(row_count));
        const uint32_t* out = static_cast<const uint32_t*>(device_.download(d_out, out_bytes));
        call.finish("merkle openings");
        std::memcpy(row_words, out, row_count * 4);
        std::memcpy(node_words, out + row_count, node_count * 4);
    }

    std::vector<uint32_t> matrix() const override {
        Call call(device_, "merkle_tree.matrix");
        std::vector<uint32_t> stored = words(matrix_on_device(), rows_ * width_, "merkle_tree.matrix");
        if (order_ == RowOrder::Natural) return stored;
        std::vector<uint32_t> out(stored.size());
        for (size_t r = 0; r < rows_; ++r)
            std::copy_n(stored.data() + stored_row(r) * width_, width_, out.data() + r * width_);
        return out;
    }

    std::vector<uint32_t> level(uint32_t k) const override {
        if (size_t(k) + 1 >= offsets_.size()) throw std::out_of_range("merkle store: level " + std::to_string(k));
        Call call(device_, "merkle_tree.level");
        const size_t count = offsets_[k + 1] - offsets_[k];
        if (k >= log_group_)
            return words(levels_.at_element<uint32_t>(offsets_[k] - offsets_[log_group_]), count, "merkle_tree.level");
        return words(all_levels(matrix_on_device()).at_element<uint32_t>(offsets_[k]), count, "merkle_tree.level");
    }

private:
    // Inside an operation, before its staged copies: the kept matrix, the prepared one (once), or
    // one made again now.
    Buffer matrix_on_device() const {
        if (matrix_) return matrix_;
        if (!prepared_) return remake_(false);
        device_.join_beside();
        Buffer made = std::move(prepared_);
        prepared_ = Buffer{};
        return made;
    }

    // Where row r lies in the matrix.
    size_t stored_row(size_t r) const {
        return order_ == RowOrder::BitReversed ? ntt_bit_reverse(uint32_t(r), log_rows_) : r;
    }

    // Every level of the tree over `matrix`, in new memory (inside an operation).
    Buffer all_levels(const Buffer& matrix) const {
        const Buffer levels = device_.allocate(offsets_.back() * sizeof(uint32_t));
        merkle_levels(device_, matrix, rows_, width_, log_group_, levels, offsets_, order_);
        return levels;
    }

    // Runs of `words` words from src, starting where `starts` says, packed into out.
    void gather(const Buffer& src, const Buffer& starts, size_t runs, uint32_t words, const Buffer& out) const {
        if (runs == 0 || words == 0) return;
        GatherWordsParams p{};
        p.lanes = uint64_t(runs) * words;
        p.words = words;
        device_.dispatch(Kernel::GatherWords, device_.lane_plan(Kernel::GatherWords, p.lanes), p.lanes * 8,
                         {src, starts, out}, p);
    }

    // Inside the caller's operation: `count` words of src, after the work enqueued so far.
    std::vector<uint32_t> words(const Buffer& src, size_t count, const char* what) const {
        std::vector<uint32_t> out(count);
        if (count == 0) return out;
        device_.reserve_staging(staged_size(count * 4));
        const void* staged = device_.download(src, count * 4);
        device_.finish(what);
        std::memcpy(out.data(), staged, count * 4);
        return out;
    }

    Device& device_;
    Buffer matrix_;           // empty when remake_ makes it again
    MatrixSource remake_;
    mutable Buffer prepared_;  // made by prepare_rows, for the next read
    Buffer levels_;           // from level log_group_ up
    size_t rows_;
    uint32_t width_, log_group_;
    std::vector<size_t> offsets_;  // of every level, as merkle_level_offsets gives them
    RowOrder order_;
    uint32_t log_rows_;  // rows_ = 2^log_rows_
};

}  // namespace

MerkleTree keep_merkle_tree(Device& device, Buffer matrix, MatrixSource remake, Buffer levels, size_t rows,
                            uint32_t width, uint32_t log_group, std::vector<size_t> level_offsets, RowOrder order) {
    size_t log_rows = 0;
    while ((size_t(1) << log_rows) < rows) ++log_rows;
    // The levels the openings read, from the group level up, in memory of their own; the rest go
    // when `levels` does (after the copy, on a device whose frees are ordered after its work).
    const size_t kept_base = level_offsets[log_group], kept_words = level_offsets.back() - kept_base;
    Buffer kept = levels;
    if (log_group > 0) {
        kept = device.allocate(kept_words * sizeof(uint32_t));
        device.copy(kept, levels.at_element<uint32_t>(kept_base), kept_words * sizeof(uint32_t));
    }
    levels = Buffer{};
    const uint32_t* root = static_cast<const uint32_t*>(device.download(
        kept.at_element<uint32_t>(level_offsets[log_rows] - kept_base), GS_DIGEST_WIDTH * sizeof(uint32_t)));
    device.finish("merkle root");
    MerkleTree tree;
    tree.rows = rows;
    tree.width = width;
    tree.log_group = log_group;
    tree.root_digest.assign(root, root + GS_DIGEST_WIDTH);
    if (remake) matrix = Buffer{};  // made again for each read
    tree.store = std::make_shared<DeviceMerkleStore>(device, std::move(matrix), std::move(remake), std::move(kept), rows,
                                                     width, uint32_t(log_rows), log_group, std::move(level_offsets),
                                                     order);
    return tree;
}

}  // namespace gpu
}  // namespace gpustark
