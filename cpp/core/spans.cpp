#include "spans.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace gpustark {
namespace spans {
namespace detail {
std::atomic<uint32_t> flags{0};
}  // namespace detail

namespace {

constexpr uint32_t kRecording = 1, kLogging = 2;

// Every record of the open recordings; cleared when the last one ends. The generation tells
// spans opened in an earlier recording (whose indices are gone) from current ones.
struct Recorder {
    std::mutex mutex;
    std::vector<SpanRecord> records;
    uint64_t generation = 0;
    uint32_t sessions = 0;
};

Recorder& recorder() {
    static Recorder r;
    return r;
}

struct OpenSpan {
    std::string path;
    uint64_t start_ns;
    uint64_t generation;
    int64_t index;  // into Recorder::records, -1 when only logged
};

thread_local std::vector<OpenSpan> t_stack;

uint32_t thread_id() {
    static std::atomic<uint32_t> next{0};
    thread_local uint32_t id = next.fetch_add(1);
    return id;
}

void set_flag(uint32_t bit, bool on) {
    if (on)
        detail::flags.fetch_or(bit);
    else
        detail::flags.fetch_and(~bit);
}

bool env_asks_for_debug() {
    const char* v = std::getenv("GPUSTARK_LOG");
    return v && (std::strcmp(v, "debug") == 0 || std::strcmp(v, "DEBUG") == 0 || std::strcmp(v, "trace") == 0);
}

// Read once when the library loads, so a span's check stays a single atomic load.
const bool g_env_logging = [] {
    if (env_asks_for_debug()) set_flag(kLogging, true);
    return true;
}();

}  // namespace

uint64_t now_ns() {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count());
}

bool detail::open(const char* name) {
    const uint32_t f = flags.load(std::memory_order_relaxed);
    if (!f) return false;
    OpenSpan s;
    s.path = t_stack.empty() ? std::string(name) : t_stack.back().path + "/" + name;
    s.index = -1;
    s.generation = 0;
    if (f & kRecording) {
        Recorder& r = recorder();
        std::lock_guard<std::mutex> lock(r.mutex);
        if (r.sessions > 0) {
            SpanRecord rec;
            rec.name = name;
            rec.path = s.path;
            rec.thread = thread_id();
            // The innermost open span is the parent only if it belongs to this recording.
            if (!t_stack.empty() && t_stack.back().index >= 0 && t_stack.back().generation == r.generation) {
                rec.parent = t_stack.back().index;
                rec.depth = r.records[size_t(rec.parent)].depth + 1;
            }
            s.generation = r.generation;
            s.index = int64_t(r.records.size());
            s.start_ns = rec.start_ns = now_ns();
            r.records.push_back(std::move(rec));
            t_stack.push_back(std::move(s));
            return true;
        }
    }
    s.start_ns = now_ns();
    t_stack.push_back(std::move(s));
    return true;
}

void detail::close() {
    const uint64_t end = now_ns();
    if (t_stack.empty()) return;  // unreachable with balanced scopes; never throw from a destructor
    OpenSpan s = std::move(t_stack.back());
    t_stack.pop_back();
    if (s.index >= 0) {
        Recorder& r = recorder();
        std::lock_guard<std::mutex> lock(r.mutex);
        if (s.generation == r.generation && size_t(s.index) < r.records.size()) r.records[size_t(s.index)].end_ns = end;
    }
    if (flags.load(std::memory_order_relaxed) & kLogging)
        std::fprintf(stderr, "gpustark debug: span %s %.3f ms\n", s.path.c_str(), double(end - s.start_ns) * 1e-6);
}

uint64_t begin_recording() {
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.sessions == 0) {
        r.records.clear();
        ++r.generation;
    }
    ++r.sessions;
    set_flag(kRecording, true);
    return r.records.size();
}

std::vector<SpanRecord> end_recording(uint64_t token) {
    const uint64_t end = now_ns();
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.sessions == 0 || token > r.records.size())
        throw std::invalid_argument("spans: end_recording(" + std::to_string(token) + ") without a matching begin_recording (" +
                                    std::to_string(r.sessions) + " open, " + std::to_string(r.records.size()) + " spans)");
    std::vector<SpanRecord> out(r.records.begin() + int64_t(token), r.records.end());
    for (SpanRecord& s : out) {
        if (s.end_ns == 0) s.end_ns = end;
        s.parent = s.parent >= int64_t(token) ? s.parent - int64_t(token) : -1;
        s.depth = s.parent < 0 ? 0 : out[size_t(s.parent)].depth + 1;  // parents come first
    }
    if (--r.sessions == 0) {
        r.records.clear();
        ++r.generation;
        set_flag(kRecording, false);
    }
    return out;
}

void set_logging(bool on) { set_flag(kLogging, on); }

bool logging() { return (detail::flags.load() & kLogging) != 0; }

void count(const char* key, int64_t delta) {
    if (!(detail::flags.load(std::memory_order_relaxed) & kRecording) || t_stack.empty()) return;
    const OpenSpan& s = t_stack.back();
    if (s.index < 0) return;
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (s.generation != r.generation || size_t(s.index) >= r.records.size()) return;
    auto& counters = r.records[size_t(s.index)].counters;
    for (auto& kv : counters)
        if (kv.first == key) {
            kv.second += delta;
            return;
        }
    counters.emplace_back(key, delta);
}

void note_device_allocation(uint64_t bytes, uint64_t in_use) {
    const uint32_t f = detail::flags.load(std::memory_order_relaxed);
    if (!f || t_stack.empty()) return;
    if (f & kLogging)
        std::fprintf(stderr, "gpustark debug: device allocation %.1f MiB, %.1f MiB held, in %s\n", double(bytes) / 1048576.0,
                     double(in_use) / 1048576.0, t_stack.back().path.c_str());
    if (!(f & kRecording)) return;
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    static const std::string key = "device_peak_bytes";
    for (const OpenSpan& s : t_stack) {
        if (s.index < 0 || s.generation != r.generation || size_t(s.index) >= r.records.size()) continue;
        auto& counters = r.records[size_t(s.index)].counters;
        auto it = std::find_if(counters.begin(), counters.end(), [](const auto& kv) { return kv.first == key; });
        if (it == counters.end())
            counters.emplace_back(key, int64_t(in_use));
        else
            it->second = std::max(it->second, int64_t(in_use));
    }
}

size_t open_depth() { return t_stack.size(); }

}  // namespace spans
}  // namespace gpustark
