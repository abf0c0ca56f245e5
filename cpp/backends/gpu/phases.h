// The device phases written once for every GPU, over gpu::Device (device.h). A backend's Backend
// method hands its device to the phase: CudaBackend::fraction_tree(p, q, n) is
// gpu::fraction_tree(cuda_device, p, q, n), and MetalBackend's is the same call on its device.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "../../core/ef_tables.h"
#include "../../core/fraction_tree.h"
#include "../../core/merkle_tree.h"
#include "../../core/round0_sums.h"
#include "../../core/stacked_matrix.h"
#include "../../core/trace_tables.h"
#include "device.h"

namespace gpustark {
namespace gpu {

// Sumcheck tables kept on the device (gpu_ef_tables.cpp): every table in one allocation at a
// fixed stride (the initial length), folded into a second one and back (ping-pong); the round
// sums are reduced per group on the device and added on the host, and only the sums, reads and
// whole tables asked for come back. values == nullptr: zero tables, nothing uploaded. Throws
// std::invalid_argument for a length that is not a power of two. They must not outlive the device.
std::unique_ptr<EfTables> ef_tables(Device& device, const Ef* values, size_t count, size_t length);
// Tables already in device memory (table c at c * length, written by work already enqueued),
// taken over: `values` must hold count x length values.
std::unique_ptr<EfTables> adopt_tables(Device& device, Buffer values, size_t count, size_t length);
// Table c of `tables` in device memory, for a kernel that writes it in place; an empty Buffer
// when they are not tables of this device.
Buffer table_buffer(Device& device, EfTables& tables, size_t c);

// Backend::dag_base_sums on the device (gpu_dag.cpp): the program and the points go up, only
// the sums come back.
void dag_base_sums(Device& device, const DagBinding& dag, const DagBasePoints& points, DagSums* out);

// The LogUp-GKR fraction tree built and kept on the device (gpu_fraction_tree.cpp): the leaves go
// up once and every layer is built there; a layer's sumcheck tables are split out on the device.
// The tree must not outlive the device.
std::unique_ptr<FractionTree> fraction_tree(Device& device, const Ef* p, const Ef* q, size_t leaves);
// The fraction tree over the LogUp input layer (core/logup_leaves.h): each trace's rows (held, or
// uploaded once) run its interaction group on the device, which writes the leaves in place; the
// unused leaves are filled there too. Nothing comes back until a node or layer is read.
std::unique_ptr<FractionTree> logup_fraction_tree(Device& device, const LogUpLeaves& in);

// One trace's tables at r_0 built on the device from the trace (gpu_trace_tables.cpp): the trace
// (unless the device holds it), its Lagrange weights and eq go up once; nothing comes back.
std::unique_ptr<EfTables> trace_tables(Device& device, const TraceTablesInput& in);

// The end of the operation that wrote a committed tree (gpu_merkle_store.cpp; its staging
// reserved room for the 32-byte root): `matrix` (rows x width words, a codeword, its rows in
// `order`; a remade matrix comes in the same order) and every digest level (level k at word
// level_offsets[k], the last entry the total), written by work already enqueued. Waits for the
// root, the operation's one wait. The store keeps the levels from log_group up (what openings
// read) and the matrix, or, given `remake`, not the matrix: each read makes it again. Openings
// gather only their rows and path digests. The tree must not outlive the device.
MerkleTree keep_merkle_tree(Device& device, Buffer matrix, MatrixSource remake, Buffer levels, size_t rows,
                            uint32_t width, uint32_t log_group, std::vector<size_t> level_offsets, RowOrder order);

// The stacked commitment on the device (gpu_stacked_matrix.cpp): each trace up once (unless held)
// and scattered, the message, the codeword and its tree computed there; only the matrix stays
// for the openings, which make the message and codeword from it again. Only for chunks of 2^l_skip
// rows that chunk_in_registers accepts (primitives.h; else the caller takes host_commit_stacked, and
// for a matrix from the host host_stacked_matrix). The stacked matrix must not outlive the device.
StackedCommit commit_stacked(Device& device, const StackedLayout& layout, const std::vector<TraceView>& traces,
                             uint32_t log_blowup, uint32_t k);
// A stacked matrix from the host, uploaded once (gpu_stacked_matrix.cpp); the message (checked
// for its shape) is made from it on the device where read. Only where chunk_in_registers(l_skip).
std::unique_ptr<StackedMatrix> stacked_matrix(Device& device, const HostVector<uint32_t>& matrix,
                                              const HostVector<uint32_t>& message, size_t height, uint32_t width,
                                              uint32_t l_skip);

// Round 0 of one trace on the device (gpu_round0.cpp): the trace up once (unless held), blocks of
// chunks of at most launch_caps().round0_block_elements values, their per-point sums weighted by
// eq and added per a on the device; one wait, for the N sums of each domain.
Round0Sums round0_sums(Device& device, const Round0Trace& trace);

}  // namespace gpu
}  // namespace gpustark
