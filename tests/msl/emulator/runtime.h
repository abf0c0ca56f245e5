// The lane emulator's launcher: runs a kernel over a grid the way a GPU would schedule it, as
// far as the kernels can observe. Lanes of one threadgroup are std::threads that share the
// group's scratch (dynamic threadgroup memory) and meet at its std::barrier; groups run one
// after another. Plain C++: include it, and every standard header, before the MSL keyword
// macros (`thread` alone would break <thread>).
#pragma once
#define GS_EMU_RUNTIME_H

#include <barrier>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace gs_emu {

[[noreturn]] inline void die(const std::string& message) {
    std::fprintf(stderr, "emulator: %s\n", message.c_str());
    std::exit(2);
}

// The barrier of the group this lane belongs to; null outside a launch.
inline thread_local std::barrier<>* tl_group_barrier = nullptr;
inline thread_local uint32_t tl_barriers_passed = 0;

// threadgroup_barrier(): wait for the other lanes of this group.
inline void group_barrier() {
    if (tl_group_barrier == nullptr) die("threadgroup_barrier() called outside a threadgroup");
    ++tl_barriers_passed;
    tl_group_barrier->arrive_and_wait();
}

// Uninitialised threadgroup memory: >= p, so a read before any write gives a wrong answer.
constexpr uint32_t kScratchPoison = 0xdeadbeefu;

using GroupFn = std::function<void(uint32_t lane, uint32_t group, uint32_t lanes, uint32_t* scratch)>;

// Runs fn for every lane of `groups` groups of `lanes` lanes, with `scratch_words` of shared
// scratch per group. A lane that leaves its body drops out of the group barrier, so a body whose
// lanes pass different numbers of barriers (a lane returning early) cannot deadlock; it is
// reported instead, since on a GPU it would hang or race.
inline void run_groups(uint32_t groups, uint32_t lanes, size_t scratch_words, const GroupFn& fn) {
    if (groups == 0) return;
    if (lanes == 0) die("a threadgroup needs at least one lane");
    std::vector<uint32_t> scratch(scratch_words, kScratchPoison);
    std::vector<uint32_t> passed(lanes, 0);
    auto body_barrier = std::make_unique<std::barrier<>>(lanes);
    uint32_t group = 0;
    std::string error;
    // Runs once per group, after every lane is done with it and before any lane starts the next.
    auto next_group = [&]() noexcept {
        for (uint32_t l = 1; l < lanes; ++l)
            if (passed[l] != passed[0] && error.empty())
                error = "group " + std::to_string(group) + ": lane 0 passed " + std::to_string(passed[0]) +
                        " barriers but lane " + std::to_string(l) + " passed " + std::to_string(passed[l]);
        ++group;
        body_barrier = std::make_unique<std::barrier<>>(lanes);
        std::fill(scratch.begin(), scratch.end(), kScratchPoison);
    };
    std::barrier group_done(lanes, next_group);
    std::vector<std::thread> workers;
    workers.reserve(lanes);
    for (uint32_t lane = 0; lane < lanes; ++lane) {
        workers.emplace_back([&, lane] {
            while (group < groups && error.empty()) {
                tl_group_barrier = body_barrier.get();
                tl_barriers_passed = 0;
                fn(lane, group, lanes, scratch.data());
                tl_group_barrier->arrive_and_drop();
                tl_group_barrier = nullptr;
                passed[lane] = tl_barriers_passed;
                group_done.arrive_and_wait();
            }
        });
    }
    for (auto& w : workers) w.join();
    if (!error.empty()) die("divergent barriers: " + error);
}

// A 1-D dispatch of `count` lanes in groups of `group_size`, rounded up to whole groups as the
// host does: fn(position_in_grid) also runs for positions >= count, which kernels must ignore.
inline void run_grid(uint64_t count, uint32_t group_size, const std::function<void(uint32_t)>& fn) {
    if (group_size == 0) die("group size must be positive");
    uint64_t groups = (count + group_size - 1) / group_size;
    if (groups * group_size > UINT32_MAX) die("grid too large");
    run_groups(uint32_t(groups), group_size, 0,
               [&](uint32_t lane, uint32_t group, uint32_t lanes, uint32_t*) { fn(group * lanes + lane); });
}

}  // namespace gs_emu
