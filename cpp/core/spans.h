// Named, nested timing spans (OpenVM's span names) recorded by one process-wide recorder.
//
//     { ScopedSpan span("merkle_tree"); ... }        // times the scope when spans are on
//     spans::count("kernel_count", 3);               // adds to the innermost open span
//
// Each thread keeps its own stack of open spans, so a span's parent is the innermost span open on
// the same thread when it opened (spans opened from Python and from C++ share the stack). All
// times come from one steady clock (now_ns). When nothing records or logs, a span costs one
// relaxed atomic load; GPUSTARK_LOG=debug (read at load, or set_logging) prints each span to
// stderr as it closes.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gpustark {

struct SpanRecord {
    std::string name;
    std::string path;  // the names of every open ancestor on the thread and this one, joined by '/'
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;  // a span still open when its recording ends closes at that time
    uint32_t depth = 0;   // 0 for a span whose parent is outside the recording
    int64_t parent = -1;  // index into the same recording; -1 for none
    uint32_t thread = 0;  // small per-thread id, in the order threads first opened a span
    std::vector<std::pair<std::string, int64_t>> counters;  // in the order first counted
};

namespace spans {
namespace detail {
extern std::atomic<uint32_t> flags;  // bit 0: a recording is open; bit 1: logging
bool open(const char* name);         // pushes the span on this thread's stack; false if inactive
void close();                        // pops and finishes the innermost span on this thread
}  // namespace detail

// Nanoseconds on the steady clock shared by every span (the epoch is arbitrary).
uint64_t now_ns();

// True while a recording is open or logging is on: the only check a closed-off span makes.
inline bool active() { return detail::flags.load(std::memory_order_relaxed) != 0; }

// Start recording; recordings may nest (each sees the spans opened after it began). Returns the
// token end_recording needs.
uint64_t begin_recording();
// The spans opened since begin_recording(token), in opening order (parents before children);
// parents outside that window become -1. Throws std::invalid_argument for an unknown token.
std::vector<SpanRecord> end_recording(uint64_t token);

void set_logging(bool on);
bool logging();

// Adds delta to `key` on the innermost recorded span open on this thread; no-op if there is none.
void count(const char* key, int64_t delta);

// A device allocation of `bytes`, after which the device holds `in_use` bytes: raises the counter
// "device_peak_bytes" to in_use on every recorded span open on this thread (so a span's value is
// the most device memory held at an allocation while it was open) and, when logging, prints the
// allocation with the innermost span's path. Both GPU devices call it from their allocator.
void note_device_allocation(uint64_t bytes, uint64_t in_use);

// Depth of this thread's stack of open spans (for pairing opens and closes across the bindings).
size_t open_depth();

}  // namespace spans

// Times its scope as span `name`; the name is copied when the span is active, so any C string does.
class ScopedSpan {
public:
    explicit ScopedSpan(const char* name) : open_(spans::active() && spans::detail::open(name)) {}
    ~ScopedSpan() { close(); }
    // Ends the span before the scope does (then the destructor does nothing).
    void close() {
        if (open_) spans::detail::close();
        open_ = false;
    }
    ScopedSpan(const ScopedSpan&) = delete;
    ScopedSpan& operator=(const ScopedSpan&) = delete;

private:
    bool open_;
};

}  // namespace gpustark
