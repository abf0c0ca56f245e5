// Command staging: many kernel dispatches per command buffer (Metal) or stream batch (CUDA), a
// commit when a budget of dispatches or bytes is reached (as MLX's CommandEncoder does), and a
// host wait only where the host must read a result. Counts command buffers, kernels and syncs per
// named stage (OpenVM's dispatch-stage counters).
//
//     RecordingSink sink;                         // or a Metal / CUDA sink
//     Stager stager(sink);
//     { StageGuard stage(stager, "round0");
//       stager.dispatch({"ntt_block", plan, bytes}, [&] { /* set pipeline, buffers; launch */ });
//       stager.sync("sample challenge"); }       // commits pending work, then waits once
//     stager.stages().at("round0").kernel_count;
//
// Not thread-safe: one owner (the device, under its own lock) drives a stager.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "launch_plan.h"

namespace gpustark {
namespace device {

// One kernel dispatch as the stager sees it: what to count and log, not how to launch it.
struct Dispatch {
    std::string kernel;  // pipeline / kernel name
    LaunchPlan plan;     // geometry, for logs and recording sinks
    uint64_t bytes = 0;  // bytes the dispatch reads plus writes, for the byte budget
};

// Backend-specific encoding of one dispatch: sets the pipeline, buffers and arguments on the
// sink's open command buffer / stream and launches. May be empty (a sink that only records).
using EncodeFn = std::function<void()>;

// The device side of staging. The stager calls begin / encode* / commit in that order for each
// command buffer, never commits an empty one, and calls wait only after at least one commit.
class CommandSink {
public:
    virtual ~CommandSink() = default;
    virtual void begin() = 0;                                        // open a command buffer / batch
    virtual void encode(const Dispatch& d, const EncodeFn& fn) = 0;  // into the open one
    virtual void commit() = 0;  // submit the open one; must not wait for it
    virtual void wait() = 0;    // block until everything committed so far has completed
};

// Records the operations in order and runs each encode function at once (so the CPU backend can
// use it as a synchronous sink, and tests can read the sequence).
class RecordingSink : public CommandSink {
public:
    enum class Op { Begin, Encode, Commit, Wait };
    struct Entry {
        Op op;
        std::string kernel;  // Encode only
    };

    void begin() override { entries_.push_back({Op::Begin, {}}); }
    void encode(const Dispatch& d, const EncodeFn& fn) override;
    void commit() override { entries_.push_back({Op::Commit, {}}); }
    void wait() override { entries_.push_back({Op::Wait, {}}); }

    const std::vector<Entry>& entries() const { return entries_; }
    // "begin encode:a encode:b commit wait": the sequence as one line, for tests and logs.
    std::string trace() const;
    void clear() { entries_.clear(); }

private:
    std::vector<Entry> entries_;
};

struct StageCounters {
    uint64_t command_buffer_count = 0;  // command buffers opened
    uint64_t kernel_count = 0;          // dispatches encoded
    uint64_t sync_count = 0;            // host waits
    bool operator==(const StageCounters& o) const {
        return command_buffer_count == o.command_buffer_count && kernel_count == o.kernel_count &&
               sync_count == o.sync_count;
    }
};

struct StagerOptions {
    // Commit after a command buffer holds this many dispatches, or after the dispatch that brings
    // its byte total to max_bytes or more; 0 disables that budget. Defaults are tunables: large
    // enough to amortise a commit, small enough that the GPU starts before the host finishes.
    uint64_t max_dispatches = 32;
    uint64_t max_bytes = uint64_t(64) << 20;
    // Where end_stage writes "dispatch_stage name=... command_buffer_count=... kernel_count=...
    // sync_count=..." lines. Written when `log` is set and either log_always is true or debug
    // logging is on (GPUSTARK_LOG=debug, or spans::set_logging(true)).
    std::function<void(const std::string&)> log;
    bool log_always = false;
};

class Stager {
public:
    explicit Stager(CommandSink& sink, StagerOptions options = {});

    // Encodes one dispatch into the open command buffer (opening one if none is), then commits
    // if a budget is reached. Counts the kernel (and a newly opened buffer) in the open stages.
    // If the sink throws, nothing is counted for the dispatch and the buffer stays open.
    void dispatch(const Dispatch& d, const EncodeFn& fn = {});

    // Commits the open command buffer, if it holds any dispatch; never waits.
    void commit();

    // The host is about to read device results: commits the open buffer, then waits if anything
    // was committed since the last wait. Counts one sync per actual wait; a sync with nothing in
    // flight does nothing and counts nothing. `reason` names the read in the debug log.
    void sync(const char* reason);

    // Stages nest: begin_stage("prove") then begin_stage("round0") counts into "prove/round0"
    // and, inclusively, into "prove" (a parent's counters include its children's). Opening a
    // stage path again accumulates into the same entry. Events outside every stage count only in
    // totals(). end_stage closes the innermost stage (std::logic_error if none is open) and logs
    // the counters of that occurrence alone.
    void begin_stage(const std::string& name);
    void end_stage();

    // Cumulative counters per stage path, and over everything since construction.
    const std::map<std::string, StageCounters>& stages() const { return stages_; }
    const StageCounters& totals() const { return totals_; }
    // Dispatches in the open, uncommitted command buffer.
    uint64_t pending_dispatches() const { return open_dispatches_; }

private:
    enum Counter { kBuffer, kKernel, kSync };
    void count(Counter c);
    bool logging() const;

    struct OpenStage {
        std::string path;
        StageCounters at_begin;  // the entry's counters when this occurrence began
        std::chrono::steady_clock::time_point started;  // for the log line's wall time
    };

    CommandSink& sink_;
    StagerOptions options_;
    bool open_ = false;            // a command buffer is open
    uint64_t open_dispatches_ = 0;
    uint64_t open_bytes_ = 0;
    bool in_flight_ = false;       // committed since the last wait
    std::vector<OpenStage> stack_;
    std::map<std::string, StageCounters> stages_;
    StageCounters totals_;
};

// Opens a stage for its scope.
class StageGuard {
public:
    StageGuard(Stager& stager, const std::string& name) : stager_(stager) { stager_.begin_stage(name); }
    ~StageGuard() { stager_.end_stage(); }
    StageGuard(const StageGuard&) = delete;
    StageGuard& operator=(const StageGuard&) = delete;

private:
    Stager& stager_;
};

}  // namespace device
}  // namespace gpustark
