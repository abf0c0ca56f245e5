// The Metal backend's sumcheck tables (core/ef_tables.h): every table in one shared buffer at a
// fixed stride (the initial length), folded into a second buffer and back (ping-pong), the round
// sums reduced per threadgroup on the GPU and added on the host. With unified memory, read() and
// table() read the buffer itself once the GPU is done with it. Each operation is one
// MetalBackend::Call; fold and add_eq_powers commit without waiting (the next read or round waits).
#pragma once
#include <cstddef>
#include <memory>

#include "../../core/ef_tables.h"
#include "metal_device.h"

namespace gpustark {

class MetalBackend;

// Copies values[c * length + i] (table c, entry i; length a power of two) into a new buffer
// (values == nullptr: zero tables). The
// tables keep their buffers (and need the backend while they live). Throws std::invalid_argument
// for a length that is not a power of two.
std::unique_ptr<EfTables> make_metal_ef_tables(MetalBackend& backend, const Ef* values, size_t count, size_t length);
// Tables already in a buffer (table c at c * length), e.g. written by a kernel already committed.
std::unique_ptr<EfTables> adopt_metal_ef_tables(MetalBackend& backend, metal::BufferPtr values, size_t count,
                                                size_t length);

}  // namespace gpustark
