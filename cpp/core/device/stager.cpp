#include "stager.h"

#include <stdexcept>
#include <utility>

#include "../spans.h"

namespace gpustark {
namespace device {

void RecordingSink::encode(const Dispatch& d, const EncodeFn& fn) {
    if (fn) fn();
    entries_.push_back({Op::Encode, d.kernel});
}

std::string RecordingSink::trace() const {
    std::string out;
    for (const Entry& e : entries_) {
        if (!out.empty()) out += ' ';
        switch (e.op) {
            case Op::Begin: out += "begin"; break;
            case Op::Encode: out += "encode:" + e.kernel; break;
            case Op::Commit: out += "commit"; break;
            case Op::Wait: out += "wait"; break;
        }
    }
    return out;
}

Stager::Stager(CommandSink& sink, StagerOptions options) : sink_(sink), options_(std::move(options)) {}

void Stager::count(Counter c) {
    auto bump = [c](StageCounters& s) {
        if (c == kBuffer) ++s.command_buffer_count;
        if (c == kKernel) ++s.kernel_count;
        if (c == kSync) ++s.sync_count;
    };
    bump(totals_);
    for (const OpenStage& s : stack_) bump(stages_[s.path]);
}

// Spans own the process-wide debug switch (GPUSTARK_LOG=debug, read once at load), so Python's
// set_logging turns stage lines on and off together with span lines.
bool Stager::logging() const { return options_.log && (options_.log_always || spans::logging()); }

void Stager::dispatch(const Dispatch& d, const EncodeFn& fn) {
    if (!open_) {
        sink_.begin();
        open_ = true;
        open_dispatches_ = 0;
        open_bytes_ = 0;
        count(kBuffer);
    }
    sink_.encode(d, fn);
    ++open_dispatches_;
    open_bytes_ += d.bytes;
    count(kKernel);
    bool full = options_.max_dispatches != 0 && open_dispatches_ >= options_.max_dispatches;
    bool heavy = options_.max_bytes != 0 && open_bytes_ >= options_.max_bytes;
    if (full || heavy) commit();
}

void Stager::commit() {
    // An open buffer whose first encode threw stays open for the next dispatch: Metal would
    // accept an empty commit, but it would be a wasted round trip and a misleading count.
    if (!open_ || open_dispatches_ == 0) return;
    sink_.commit();
    open_ = false;
    open_dispatches_ = 0;
    open_bytes_ = 0;
    in_flight_ = true;
}

void Stager::sync(const char* reason) {
    commit();
    if (!in_flight_) return;
    sink_.wait();
    in_flight_ = false;
    count(kSync);
    if (logging())
        options_.log(std::string("dispatch_sync reason=") + (reason ? reason : "") +
                     " stage=" + (stack_.empty() ? std::string("-") : stack_.back().path));
}

void Stager::begin_stage(const std::string& name) {
    if (name.empty()) throw std::invalid_argument("stager: stage names must not be empty");
    std::string path = stack_.empty() ? name : stack_.back().path + "/" + name;
    StageCounters now = stages_[path];  // creates the entry, so an idle stage still reports zeros
    stack_.push_back({std::move(path), now, std::chrono::steady_clock::now()});
}

void Stager::end_stage() {
    if (stack_.empty()) throw std::logic_error("stager: end_stage with no open stage");
    OpenStage s = std::move(stack_.back());
    stack_.pop_back();
    if (!logging()) return;
    const StageCounters& now = stages_[s.path];
    // Host wall time from begin to end: a stage that ends with a sync covers its device work.
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - s.started;
    options_.log("dispatch_stage name=" + s.path +
                 " command_buffer_count=" + std::to_string(now.command_buffer_count - s.at_begin.command_buffer_count) +
                 " kernel_count=" + std::to_string(now.kernel_count - s.at_begin.kernel_count) +
                 " sync_count=" + std::to_string(now.sync_count - s.at_begin.sync_count) +
                 " wall_ms=" + std::to_string(ms.count()));
}

}  // namespace device
}  // namespace gpustark
