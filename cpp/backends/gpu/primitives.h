// The primitives on the device, written once for every GPU over gpu::Device (device.h): the
// steps other phases reuse inside their own operation. The Backend methods built from them are
// gpu::GpuBackend's (gpu_backend.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../core/backend.h"
#include "../../core/device_ntt_plan.h"
#include "../../core/merkle_tree.h"
#include "../../kernels/ntt/ntt_registers.h"
#include "device.h"

namespace gpustark {
namespace gpu {

constexpr uint32_t kMaxLogN = 27;  // no NTT here is longer than 2^27

// Whether a chunk of 2^l_skip rows fits one thread's registers (kernels/ntt/ntt_registers.h), as
// round 0's gather and the stacked message keep it; longer chunks take the host's composition of
// the primitives (host_round0_sums, host_commit_stacked, host_stacked_matrix).
inline bool chunk_in_registers(uint32_t l_skip) { return l_skip <= GS_REGISTER_DFT_MAX_LOG; }

// Inside an operation: the NTT of `shape` (laid out as `layout` says) over `data` in place, in the
// pass order of core/device_ntt_plan.h, its rows left in the `output` order. twiddles:
// ntt_tables().twiddles(log_n, inverse); factors: its scale_factors (empty: nothing to scale).
void ntt(Device& device, const Buffer& data, NttShape shape, bool inverse, const Buffer& twiddles,
         const Buffer& factors, NttLayout layout = NttLayout::RowMajor, NttOutput output = NttOutput::Natural);

// Inside an operation: the leaf digests of the rows x width `matrix` (its rows in `order`) and every
// compress level into `levels` (level k at word offsets[k]: merkle_level_offsets).
void merkle_levels(Device& device, const Buffer& matrix, size_t rows, uint32_t width, uint32_t log_group,
                   const Buffer& levels, const std::vector<size_t>& offsets, RowOrder order);

// Inside an operation, before its staged copies: the codeword whose first message_rows rows
// `code` (2^log_rows x width words) holds, written by work already enqueued: the rows below are
// zeroed and the transform runs in place, leaving codeword row i at row rev(i)
// (RowOrder::BitReversed: no bit-reversal pass).
void encode_in_place(Device& device, const Buffer& code, size_t message_rows, uint32_t width, uint32_t log_rows);
// Inside an operation whose staging has room for the 32-byte root: the tree over `matrix` (rows x
// width words in `order`, written by work already enqueued), kept on the device with the matrix, or
// without it given `remake` (phases.h, keep_merkle_tree). Ends with the operation's one wait, for
// the root.
MerkleTree commit_rows(Device& device, Buffer matrix, size_t rows, uint32_t width, uint32_t log_group,
                       MatrixSource remake, RowOrder order);
// encode_in_place, then commit_rows over the codeword. `what` names the caller in errors.
MerkleTree commit_codeword(Device& device, Buffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                           uint32_t log_group, const char* what, MatrixSource remake);

// Throws std::invalid_argument("<what>: <name> = <value> exceeds the 32-bit counts the kernels
// take") when value does not fit a u32 (the kernels' Params count lanes in 32 bits).
void require_u32(uint64_t value, const char* name, const char* what);

// memcpy in pieces of 4 MiB over the worker pool (inline when small or inside a parallel_for):
// the host side of an upload or a read back.
void host_copy(void* dst, const void* src, size_t bytes);

}  // namespace gpu
}  // namespace gpustark
