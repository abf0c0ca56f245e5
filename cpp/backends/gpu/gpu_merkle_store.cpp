// gpu::merkle_store: a committed tree kept where the device computed it. An opening uploads the
// start of each run (a row in the matrix, a digest in the levels), gathers the runs on the device
// (kernels/merkle/gather.h) and downloads only them: a keccakf codeword is 2^22 x 42 words, and a
// proof opens a few hundred of its rows.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "../../kernels/hash/poseidon2.h"
#include "../../kernels/merkle/gather_params.h"
#include "phases.h"

namespace gpustark {
namespace gpu {
namespace {

class DeviceMerkleStore final : public MerkleStore {
public:
    DeviceMerkleStore(Device& device, Buffer matrix, Buffer levels, size_t rows, uint32_t width,
                      std::vector<size_t> level_offsets)
        : device_(device), matrix_(std::move(matrix)), levels_(std::move(levels)), rows_(rows), width_(width),
          level_offsets_(std::move(level_offsets)) {}
    ~DeviceMerkleStore() override { device_.drain(); }

    void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
              uint32_t* node_words) const override {
        std::vector<uint64_t> starts;
        starts.reserve(rows.size() + nodes.size());
        for (size_t r : rows) {
            if (r >= rows_) throw std::out_of_range("merkle store: row " + std::to_string(r) + " out of range");
            starts.push_back(uint64_t(r) * width_);
        }
        for (const MerkleNode& n : nodes) {
            if (n.level + 1 >= level_offsets_.size() || n.index >= (rows_ >> n.level))
                throw std::out_of_range("merkle store: node (" + std::to_string(n.level) + ", " +
                                        std::to_string(n.index) + ") out of range");
            starts.push_back(level_offsets_[n.level] + uint64_t(n.index) * GS_DIGEST_WIDTH);
        }
        const size_t row_count = rows.size() * width_, node_count = nodes.size() * GS_DIGEST_WIDTH;
        const size_t out_bytes = (row_count + node_count) * 4, start_bytes = starts.size() * sizeof(uint64_t);
        if (out_bytes == 0) return;

        Call call(device_, "merkle_tree.read");
        Buffer d_starts = device_.allocate(start_bytes), d_out = device_.allocate(out_bytes);
        device_.reserve_staging(std::max(staged_size(start_bytes), staged_size(out_bytes)));
        device_.upload(d_starts, starts.data(), start_bytes);
        gather(matrix_, d_starts, rows.size(), width_, d_out);
        gather(levels_, d_starts.at_element<uint64_t>(rows.size()), nodes.size(), GS_DIGEST_WIDTH,
               d_out.at_element<uint32_t>(row_count));
        const uint32_t* out = static_cast<const uint32_t*>(device_.download(d_out, out_bytes));
        call.finish("merkle openings");
        std::memcpy(row_words, out, row_count * 4);
        std::memcpy(node_words, out + row_count, node_count * 4);
    }

    std::vector<uint32_t> matrix() const override { return words(matrix_, rows_ * width_, "merkle_tree.matrix"); }

    std::vector<uint32_t> level(uint32_t k) const override {
        if (size_t(k) + 1 >= level_offsets_.size())
            throw std::out_of_range("merkle store: level " + std::to_string(k));
        return words(levels_.at_element<uint32_t>(level_offsets_[k]), level_offsets_[k + 1] - level_offsets_[k],
                     "merkle_tree.level");
    }

private:
    // Runs of `words` words from src, starting where `starts` says, packed into out.
    void gather(const Buffer& src, const Buffer& starts, size_t runs, uint32_t words, const Buffer& out) const {
        if (runs == 0 || words == 0) return;
        GatherWordsParams p{};
        p.lanes = uint64_t(runs) * words;
        p.words = words;
        device_.dispatch(Kernel::GatherWords, device_.lane_plan(Kernel::GatherWords, p.lanes), p.lanes * 8,
                         {src, starts, out}, p);
    }

    std::vector<uint32_t> words(const Buffer& src, size_t count, const char* what) const {
        std::vector<uint32_t> out(count);
        if (count == 0) return out;
        Call call(device_, what);
        device_.reserve_staging(staged_size(count * 4));
        const void* staged = device_.download(src, count * 4);
        call.finish(what);
        std::memcpy(out.data(), staged, count * 4);
        return out;
    }

    Device& device_;
    Buffer matrix_, levels_;
    size_t rows_;
    uint32_t width_;
    std::vector<size_t> level_offsets_;
};

}  // namespace

std::shared_ptr<const MerkleStore> merkle_store(Device& device, Buffer matrix, Buffer levels, size_t rows,
                                                uint32_t width, std::vector<size_t> level_offsets) {
    return std::make_shared<DeviceMerkleStore>(device, std::move(matrix), std::move(levels), rows, width,
                                               std::move(level_offsets));
}

MerkleTree keep_merkle_tree(Device& device, Buffer matrix, Buffer levels, size_t rows, uint32_t width,
                            uint32_t log_group, std::vector<size_t> level_offsets) {
    size_t log_rows = 0;
    while ((size_t(1) << log_rows) < rows) ++log_rows;
    const uint32_t* root = static_cast<const uint32_t*>(
        device.download(levels.at_element<uint32_t>(level_offsets[log_rows]), GS_DIGEST_WIDTH * sizeof(uint32_t)));
    device.finish("merkle root");
    MerkleTree tree;
    tree.rows = rows;
    tree.width = width;
    tree.log_group = log_group;
    tree.root_digest.assign(root, root + GS_DIGEST_WIDTH);
    tree.store = merkle_store(device, std::move(matrix), std::move(levels), rows, width, std::move(level_offsets));
    return tree;
}

}  // namespace gpu
}  // namespace gpustark
