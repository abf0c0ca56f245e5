// The CUDA backend's sumcheck tables (core/ef_tables.h): every table in one device allocation
// at a fixed stride (the initial length), folded into a second allocation and back (ping-pong),
// round sums reduced per block on the device and added on the host. Only the round sums, reads
// and whole tables asked for come back; WHIR's steps (whir.cu) run there too, and commit_table's
// codeword and tree stay on the device. Each operation is one CudaBackend::Call (its own stage,
// lock and counters; cuda_backend.h lists them).
#pragma once
#include <cstddef>
#include <memory>

#include "../../core/ef_tables.h"
#include "device_buffer.h"

namespace gpustark {

class CudaBackend;

// Uploads values[c * length + i] (table c, entry i; length a power of two) once; values ==
// nullptr: zero tables, nothing uploaded. The tables must not outlive the backend. Throws
// std::invalid_argument for a length that is not a power of two.
std::unique_ptr<EfTables> make_cuda_ef_tables(CudaBackend& backend, const Ef* values, size_t count, size_t length);
// Table c's values in device memory when `tables` are this backend's CUDA tables, else nullptr:
// for a kernel that fills a table in place (enqueued on the backend's stream, so ordered before
// every later operation on the tables).
Ef* cuda_ef_table(EfTables& tables, const CudaBackend& backend, size_t c);
// Tables already in device memory (table c at c * length), e.g. built by a kernel on the
// backend's stream; the object takes the buffer.
std::unique_ptr<EfTables> adopt_cuda_ef_tables(CudaBackend& backend, cuda::DeviceBuffer values, size_t count,
                                               size_t length);

}  // namespace gpustark
