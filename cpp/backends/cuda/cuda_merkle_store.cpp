#include "cuda_merkle_store.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "launch.h"

namespace gpustark {

CudaMerkleStore::CudaMerkleStore(CudaBackend& backend, cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels,
                                 size_t rows, uint32_t width, std::vector<size_t> level_offsets)
    : backend_(backend), matrix_(std::move(matrix)), levels_(std::move(levels)), rows_(rows), width_(width),
      level_offsets_(std::move(level_offsets)) {}

void CudaMerkleStore::read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes,
                           uint32_t* row_words, uint32_t* node_words) const {
    // Where each run starts: a row in the matrix, a digest in the levels.
    std::vector<uint64_t> starts;
    starts.reserve(rows.size() + nodes.size());
    for (size_t r : rows) {
        if (r >= rows_) throw std::out_of_range("cuda merkle store: row " + std::to_string(r) + " out of range");
        starts.push_back(uint64_t(r) * width_);
    }
    for (const MerkleNode& n : nodes) {
        if (n.level + 1 >= level_offsets_.size() || n.index >= (rows_ >> n.level))
            throw std::out_of_range("cuda merkle store: node (" + std::to_string(n.level) + ", " +
                                    std::to_string(n.index) + ") out of range");
        starts.push_back(level_offsets_[n.level] + uint64_t(n.index) * GS_DIGEST_WIDTH);
    }
    const size_t row_count = rows.size() * width_, node_count = nodes.size() * GS_DIGEST_WIDTH;
    const size_t out_bytes = (row_count + node_count) * 4, start_bytes = starts.size() * sizeof(uint64_t);
    if (out_bytes == 0) return;

    CudaBackend::Call call(backend_, "merkle_tree.read");
    cuda::DeviceBuffer d_starts(start_bytes), d_out(out_bytes);
    call.reserve_staging(std::max(CudaBackend::staged_size(start_bytes), CudaBackend::staged_size(out_bytes)));
    call.upload(d_starts.data(), starts.data(), start_bytes);
    auto gather = [&](const uint32_t* src, const uint64_t* run_starts, size_t runs, uint32_t words, uint32_t* out) {
        if (runs == 0 || words == 0) return;
        const device::LaunchPlan plan = backend_.lane_plan(CudaKernel::GatherWords, uint64_t(runs) * words);
        call.dispatch(CudaKernel::GatherWords, plan, uint64_t(runs) * words * 8, [&] {
            return int(cuda::launch_gather_words(src, run_starts, runs, words, out, plan, call.stream()));
        });
    };
    gather(matrix_.as<uint32_t>(), d_starts.as<uint64_t>(), rows.size(), width_, d_out.as<uint32_t>());
    gather(levels_.as<uint32_t>(), d_starts.as<uint64_t>() + rows.size(), nodes.size(), GS_DIGEST_WIDTH,
           d_out.as<uint32_t>() + row_count);
    const uint32_t* staged = static_cast<const uint32_t*>(call.download(d_out.data(), out_bytes));
    call.finish("merkle openings");
    std::memcpy(row_words, staged, row_count * 4);
    std::memcpy(node_words, staged + row_count, node_count * 4);
}

std::vector<uint32_t> CudaMerkleStore::download_words(const uint32_t* device_words, size_t count,
                                                      const char* what) const {
    std::vector<uint32_t> out(count);
    if (count == 0) return out;
    CudaBackend::Call call(backend_, what);
    call.reserve_staging(CudaBackend::staged_size(count * 4));
    const void* staged = call.download(device_words, count * 4);
    call.finish(what);
    std::memcpy(out.data(), staged, count * 4);
    return out;
}

std::vector<uint32_t> CudaMerkleStore::matrix() const {
    return download_words(matrix_.as<uint32_t>(), rows_ * width_, "merkle_tree.matrix");
}

std::vector<uint32_t> CudaMerkleStore::level(uint32_t k) const {
    if (k + 1 >= level_offsets_.size()) throw std::out_of_range("cuda merkle store: level " + std::to_string(k));
    return download_words(levels_.as<uint32_t>() + level_offsets_[k], level_offsets_[k + 1] - level_offsets_[k],
                          "merkle_tree.level");
}

}  // namespace gpustark
