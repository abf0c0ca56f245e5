#include "shared_buffers.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "../../core/spans.h"

namespace gpustark {
namespace metal {

struct SharedBuffers::State {
    struct Entry {
        size_t bytes;
        std::weak_ptr<Buffer> buffer;
    };
    mutable std::mutex mutex;
    std::map<uintptr_t, Entry> by_start;
    uint64_t in_use = 0;
    uint64_t peak = 0;
};

SharedBuffers::SharedBuffers() : state_(std::make_shared<State>()) {}

BufferPtr SharedBuffers::adopt(std::unique_ptr<Buffer> buffer) {
    Buffer* raw = buffer.release();
    const uintptr_t start = reinterpret_cast<uintptr_t>(raw->contents());
    const size_t bytes = raw->bytes();
    std::shared_ptr<State> state = state_;
    // The deleter holds the state, so a buffer released after the backend still unlists itself.
    BufferPtr owned(raw, [state, start, bytes](Buffer* b) {
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            auto it = state->by_start.find(start);
            if (it != state->by_start.end() && it->second.buffer.expired()) state->by_start.erase(it);
            state->in_use -= bytes;
        }
        delete b;
    });
    uint64_t in_use = 0;
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->by_start[start] = {bytes, owned};
        in_use = state_->in_use += bytes;
        state_->peak = std::max(state_->peak, in_use);
    }
    spans::note_device_allocation(bytes, in_use);
    return owned;
}

std::pair<BufferPtr, size_t> SharedBuffers::find(const void* p, size_t bytes) const {
    if (!p || bytes == 0) return {nullptr, 0};
    const uintptr_t at = reinterpret_cast<uintptr_t>(p);
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto it = state_->by_start.upper_bound(at);
    if (it == state_->by_start.begin()) return {nullptr, 0};
    --it;
    const uintptr_t start = it->first;
    if (at - start > it->second.bytes || bytes > it->second.bytes - (at - start)) return {nullptr, 0};
    BufferPtr buffer = it->second.buffer.lock();
    if (!buffer) return {nullptr, 0};
    return {buffer, size_t(at - start)};
}

uint64_t SharedBuffers::in_use_bytes() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->in_use;
}

uint64_t SharedBuffers::peak_bytes() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->peak;
}

void SharedBuffers::reset_peak() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->peak = state_->in_use;
}

}  // namespace metal
}  // namespace gpustark
