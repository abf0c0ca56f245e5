// The Metal backend's buffers by address. With unified memory a numpy array can live in a Metal
// buffer (gpustark.metal.zeros): when a primitive is handed a pointer into one of these buffers,
// the backend binds that buffer in place instead of copying the data into its own. Also counts
// the bytes held and their peak (Backend::device_memory).
//
// Thread-safe: buffers may be released from any thread (Python's garbage collector).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "metal_device.h"

namespace gpustark {
namespace metal {

class SharedBuffers {
public:
    SharedBuffers();

    // Takes a buffer from the device; it is listed until its last owner lets it go (the list
    // outlives the backend if a caller still holds a buffer).
    BufferPtr adopt(std::unique_ptr<Buffer> buffer);
    // The live buffer that holds all of [p, p + bytes), and p's byte offset in it; {nullptr, 0}
    // when none does (or bytes is 0).
    std::pair<BufferPtr, size_t> find(const void* p, size_t bytes) const;

    uint64_t in_use_bytes() const;
    uint64_t peak_bytes() const;
    void reset_peak();

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace metal
}  // namespace gpustark
