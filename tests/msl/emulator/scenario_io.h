// What every scenario shares: its options, raw u32 input and output, numeric arguments, and the
// grid-stride dispatch of the round and table kernels. Included by emulator.cpp after the .metal
// files (it uses their field types), in plain C++ (the MSL keywords are undefined again).
#pragma once
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace gs_emu {

using Words = std::vector<uint32_t>;
using Args = std::vector<std::string>;

struct Options {
    uint32_t group = 32;   // lanes per threadgroup
    uint32_t groups = 0;   // grid-stride kernels: at most this many threadgroups (0: one lane per thread)
    bool col_major = false;
};

inline uint32_t arg(const Args& args, size_t i) {
    char* end = nullptr;
    unsigned long v = std::strtoul(args[i].c_str(), &end, 0);
    if (args[i].empty() || *end != '\0' || v > UINT32_MAX) die("bad number: " + args[i]);
    return uint32_t(v);
}

inline bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

inline Words read_input(size_t words) {
    Words out(words);
    size_t got = words ? std::fread(out.data(), 4, words, stdin) : 0;
    if (got != words || std::fgetc(stdin) != EOF)
        die("expected exactly " + std::to_string(words) + " input words on stdin");
    return out;
}

inline void write_output(const Words& words) {
    if (!words.empty() && std::fwrite(words.data(), 4, words.size(), stdout) != words.size())
        die("short write on stdout");
}

// A scenario's input in pieces, in the order it lists them: canonical words, Fp and Ef values
// (4 canonical limbs each), converted to the Montgomery form the kernels hold.
class Input {
public:
    explicit Input(size_t words) : words_(read_input(words)) {}
    Words words(size_t n) {
        const uint32_t* w = take(n);
        return Words(w, w + n);
    }
    std::vector<Fp> fps(size_t n) {
        const uint32_t* w = take(n);
        std::vector<Fp> out(n);
        for (size_t i = 0; i < n; ++i) out[i] = fp_from_canonical(w[i]);
        return out;
    }
    std::vector<Ef> efs(size_t n) {
        const uint32_t* w = take(4 * n);
        std::vector<Ef> out(n);
        for (size_t i = 0; i < n; ++i) out[i] = ef_load(w + 4 * i);
        return out;
    }
    Ef ef() { return efs(1)[0]; }

private:
    // Advances past n words and returns where they started.
    const uint32_t* take(size_t n) {
        if (next_ + n > words_.size()) die("input shorter than the scenario's pieces");
        next_ += n;
        return words_.data() + next_ - n;
    }
    Words words_;
    size_t next_ = 0;
};

// Ef values as canonical limbs, appended to out.
inline void append(Words& out, const std::vector<Ef>& values) {
    for (const Ef& v : values) {
        out.resize(out.size() + 4);
        ef_store(out.data() + out.size() - 4, v);
    }
}

// Ef values as the scenario's output, 4 canonical limbs each.
inline void write_output(const std::vector<Ef>& values) {
    Words out;
    append(out, values);
    write_output(out);
}

// Partial sums of the round kernels: `count` Ef values that read as poison (>= p) until written.
inline std::vector<Ef> poisoned_partials(size_t count) {
    Fp poison = fp_raw(kScratchPoison);
    return std::vector<Ef>(count, ef_make(poison, poison, poison, poison));
}

// A grid-stride dispatch: `group` lanes per threadgroup and enough groups to give each lane a
// thread, capped at Options::groups (then threads take several lanes); at least one group.
struct StridedGrid {
    uint32_t groups;
    uint32_t group;
    uint32_t threads() const { return groups * group; }
};

inline StridedGrid strided_grid(uint64_t lanes, const Options& o) {
    if (o.group == 0) die("group size must be positive");
    uint64_t groups = std::max<uint64_t>(1, (lanes + o.group - 1) / o.group);
    if (o.groups) groups = std::min<uint64_t>(groups, o.groups);
    if (groups * o.group > UINT32_MAX) die("grid too large");
    return {uint32_t(groups), o.group};
}

// fn(position_in_grid, threads_per_grid, position_in_group, threads_per_group, group, scratch):
// the attributes a grid-stride kernel reads, for every lane of the grid.
template <class Fn>
void run_strided(const StridedGrid& grid, size_t scratch_words, const Fn& fn) {
    run_groups(grid.groups, grid.group, scratch_words,
               [&](uint32_t lane, uint32_t group, uint32_t lanes, uint32_t* scratch) {
                   fn(group * lanes + lane, grid.threads(), lane, lanes, group, scratch);
               });
}

// A grid-stride dispatch of a kernel without threadgroup memory: fn(position_in_grid,
// threads_per_grid) for every lane of strided_grid(lanes, o).
template <class Fn>
void run_lanes(uint64_t lanes, const Options& o, const Fn& fn) {
    run_strided(strided_grid(lanes, o), 0,
                [&](uint32_t pos, uint32_t threads, uint32_t, uint32_t, uint32_t, uint32_t*) { fn(pos, threads); });
}

}  // namespace gs_emu
