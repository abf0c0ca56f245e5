// Merkle trees and codeword commitments on the device (primitives.h), and GpuBackend's
// merkle_tree and encode_and_commit: leaves, then one compress level at a time into one levels
// buffer; the tree keeps the matrix (or how to make it again) and its upper levels on the device
// (gpu_merkle_store.cpp).
#include <stdexcept>
#include <string>

#include "../../kernels/merkle/merkle.h"
#include "gpu_backend.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {

namespace {

uint32_t log2_exact(size_t x) {
    uint32_t log = 0;
    while ((size_t(1) << log) < x) ++log;
    return log;
}

// The codeword's shape: 2^log_rows rows the kernels can count, grouped as the tree groups them.
void check_codeword(size_t message_rows, uint32_t width, uint32_t log_rows, uint32_t log_group, const char* what) {
    if (log_rows > kMaxLogN)
        throw std::invalid_argument(std::string(what) + ": log_rows must be <= " + std::to_string(kMaxLogN));
    const size_t rows = size_t(1) << log_rows;
    if (message_rows > rows)
        throw std::invalid_argument(std::string(what) + ": the message has more rows than the codeword");
    check_device_tree_shape(rows, log_group, what);
    require_u32(uint64_t(rows) * width, "rows * width", what);
}

}  // namespace

void merkle_levels(Device& device, const Buffer& matrix, size_t rows, uint32_t width, uint32_t log_group,
                   const Buffer& levels, const std::vector<size_t>& offsets, RowOrder order) {
    const uint32_t log_rows = log2_exact(rows);
    MerkleParams p{};
    p.width = width;
    p.count = static_cast<uint32_t>(rows);
    p.row_bits = order == RowOrder::BitReversed ? log_rows : 0u;
    // merkle_leaf(matrix, digests, params)
    device.dispatch(Kernel::MerkleLeaves, device.lane_plan(Kernel::MerkleLeaves, rows),
                    rows * size_t(width) * 4 + rows * 32, {matrix, levels}, p);
    const size_t query_stride = rows >> log_group;
    for (uint32_t k = 0; k < log_rows; ++k) {
        p.child_stride = static_cast<uint32_t>(k < log_group ? query_stride : 1);
        p.row_bits = 0;
        const uint64_t nodes = rows >> (k + 1);
        p.count = static_cast<uint32_t>(nodes);
        // merkle_compress(children, parents, params)
        device.dispatch(Kernel::MerkleCompress, device.lane_plan(Kernel::MerkleCompress, nodes), nodes * 96,
                        {levels.at_element<uint32_t>(offsets[k]), levels.at_element<uint32_t>(offsets[k + 1])}, p);
    }
}

void encode_in_place(Device& device, const Buffer& code, size_t message_rows, uint32_t width, uint32_t log_rows) {
    const size_t words = (size_t(1) << log_rows) * size_t(width), in_words = message_rows * size_t(width);
    const Buffer twiddles = device.ntt_tables().twiddles(device, log_rows, false);
    // Rows beyond the message are zero: the codeword of a degree < message_rows polynomial.
    if (in_words < words) device.fill_zero(code.at_element<uint32_t>(in_words), (words - in_words) * sizeof(uint32_t));
    // Left in bit-reversed order: no bit-reversal pass over the codeword; its readers (the leaves,
    // the openings) find row i at rev(i).
    ntt(device, code, {log_rows, width}, false, twiddles, {}, NttLayout::RowMajor, NttOutput::BitReversed);
}

MerkleTree commit_rows(Device& device, Buffer matrix, size_t rows, uint32_t width, uint32_t log_group,
                       MatrixSource remake, RowOrder order) {
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log2_exact(rows));
    const Buffer levels = device.allocate(offsets.back() * sizeof(uint32_t));
    merkle_levels(device, matrix, rows, width, log_group, levels, offsets, order);
    return keep_merkle_tree(device, std::move(matrix), std::move(remake), levels, rows, width, log_group, offsets,
                            order);
}

MerkleTree commit_codeword(Device& device, Buffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                           uint32_t log_group, const char* what, MatrixSource remake) {
    check_codeword(message_rows, width, log_rows, log_group, what);
    encode_in_place(device, code, message_rows, width, log_rows);
    return commit_rows(device, std::move(code), size_t(1) << log_rows, width, log_group, std::move(remake),
                       RowOrder::BitReversed);
}

MerkleTree GpuBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    check_device_tree_shape(rows, log_group, what("merkle_tree").c_str());
    const size_t in_bytes = rows * size_t(width) * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "merkle_tree");
    // The tree keeps a copy of the matrix of its own: the caller may change theirs.
    const Buffer m = device.allocate(in_bytes);
    device.reserve_staging(std::max(staged_size(in_bytes), staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t))));
    device.upload(m, matrix, in_bytes);
    return commit_rows(device, m, rows, width, log_group, {}, RowOrder::Natural);
}

MerkleTree GpuBackend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width,
                                         uint32_t log_rows, uint32_t log_group) {
    const std::string op = what("encode_and_commit");
    check_codeword(message_rows, width, log_rows, log_group, op.c_str());
    const size_t in_bytes = message_rows * size_t(width) * sizeof(uint32_t);
    Device& device = gpu_device();
    Call call(device, "encode_and_commit");
    device.ntt_tables().twiddles(device, log_rows, false);  // before the staged copies
    const Buffer code = device.allocate((size_t(1) << log_rows) * width * sizeof(uint32_t));
    device.reserve_staging(std::max(staged_size(in_bytes), staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t))));
    device.upload(code, message, in_bytes);
    return commit_codeword(device, code, message_rows, width, log_rows, log_group, op.c_str(), {});
}

}  // namespace gpu
}  // namespace gpustark
