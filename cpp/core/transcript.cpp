#include "transcript.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>

#include "backend.h"
#include "spans.h"
#include "poseidon2_host.h"

namespace gpustark {

namespace {
void require_canonical(uint32_t value) {
    if (value >= GS_P) throw std::invalid_argument("observe: value " + std::to_string(value) + " is not < p");
}
}  // namespace

void Transcript::permute() {
    p2_permute_single(state_.data());
    absorb_idx_ = 0;
    sample_idx_ = GS_P2_RATE;
}

Transcript::Transcript(const Transcript& other) { *this = other; }

Transcript& Transcript::operator=(const Transcript& other) {
    if (this == &other) return *this;
    settle();
    other.settle();
    state_ = other.state_;
    absorb_idx_ = other.absorb_idx_;
    sample_idx_ = other.sample_idx_;
    replay_ = other.replay_;
    return *this;
}

// The background work cannot throw (its values were checked before it started): wait() only.
Transcript::~Transcript() {
    if (background_.valid()) background_.wait();
}

void Transcript::settle() const {
    if (!background_.valid()) return;
    if (background_.wait_for(std::chrono::seconds(0)) == std::future_status::ready || !spans::active()) {
        background_.get();
        return;
    }
    // How long a phase waited for it: a counter on the innermost span, and a debug line.
    const auto start = std::chrono::steady_clock::now();
    background_.get();
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    spans::count("transcript_wait_us", int64_t(us));
    if (spans::logging())
        std::fprintf(stderr, "gpustark debug: transcript waited %.3f ms for its background absorption\n", us * 1e-3);
}

void Transcript::absorb(uint32_t value) {
    state_[absorb_idx_++] = value;
    if (absorb_idx_ == GS_P2_RATE) permute();
}

void Transcript::observe(uint32_t value) {
    settle();
    require_canonical(value);
    absorb(value);
}

void Transcript::observe_in_background(std::vector<uint32_t> values) {
    settle();
    for (uint32_t v : values) require_canonical(v);
    background_ = std::async(std::launch::async, [this, values = std::move(values)] {
        const auto start = std::chrono::steady_clock::now();
        for (uint32_t v : values) absorb(v);
        if (spans::logging())
            std::fprintf(stderr, "gpustark debug: transcript absorbed %zu values in the background in %.3f ms\n",
                         values.size(),
                         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    });
}

void Transcript::observe_many(const std::vector<uint32_t>& values) {
    for (uint32_t v : values) observe(v);
}

void Transcript::observe_ext(const ExtElement& value) {
    for (uint32_t limb : value) observe(limb);
}

uint32_t Transcript::sample() {
    settle();
    if (absorb_idx_ != 0 || sample_idx_ == 0) permute();
    return state_[--sample_idx_];
}

ExtElement Transcript::sample_ext() {
    ExtElement r;
    for (auto& limb : r) limb = sample();
    return r;
}

uint32_t Transcript::sample_bits(uint32_t bits) {
    if (bits >= 31) throw std::invalid_argument("sample_bits: bits must be < 31, got " + std::to_string(bits));
    return sample() & ((1u << bits) - 1u);
}

bool Transcript::check_witness(uint32_t bits, uint32_t witness) {
    if (bits == 0) return true;
    observe(witness);
    return sample_bits(bits) == 0;
}

void Transcript::replay_witnesses(const std::vector<uint32_t>& witnesses) {
    settle();
    replay_.assign(witnesses.rbegin(), witnesses.rend());
}

SpongeState Transcript::sponge() const {
    settle();
    SpongeState s{};
    for (size_t i = 0; i < 16; ++i) s.state[i] = state_[i];
    s.absorb_idx = absorb_idx_;
    s.sample_idx = sample_idx_;
    return s;
}

void Transcript::set_sponge(const SpongeState& sponge) {
    settle();
    for (uint32_t v : sponge.state)
        if (v >= GS_P) throw std::invalid_argument("set_sponge: lane value " + std::to_string(v) + " is not < p");
    if (sponge.absorb_idx >= GS_P2_RATE || sponge.sample_idx > GS_P2_RATE)
        throw std::invalid_argument("set_sponge: absorb index " + std::to_string(sponge.absorb_idx) +
                                    " or sample index " + std::to_string(sponge.sample_idx) + " out of range");
    for (size_t i = 0; i < 16; ++i) state_[i] = sponge.state[i];
    absorb_idx_ = sponge.absorb_idx;
    sample_idx_ = sponge.sample_idx;
}

Ef ef_from_limbs(const ExtElement& l) {
    return ef_make(fp_from_canonical(l[0]), fp_from_canonical(l[1]), fp_from_canonical(l[2]), fp_from_canonical(l[3]));
}

ExtElement ef_to_limbs(Ef a) {
    return {fp_to_canonical(a.c0), fp_to_canonical(a.c1), fp_to_canonical(a.c2), fp_to_canonical(a.c3)};
}

void observe_ef(Transcript& t, Ef a) { t.observe_ext(ef_to_limbs(a)); }
Ef sample_ef(Transcript& t) { return ef_from_limbs(t.sample_ext()); }

PowParams Transcript::pow_params(uint32_t bits) const {
    const SpongeState s = sponge();
    PowParams p{};
    std::copy(std::begin(s.state), std::end(s.state), p.state);
    p.absorb_idx = s.absorb_idx;
    p.bits = bits;
    return p;
}

uint32_t Transcript::grind(uint32_t bits, Backend& backend) {
    settle();
    if (bits >= 31) throw std::invalid_argument("grind: bits must be < 31, got " + std::to_string(bits));
    if (bits == 0) return 0;
    if (!replay_.empty()) {
        uint32_t witness = replay_.back();
        replay_.pop_back();
        if (!check_witness(bits, witness))
            throw std::invalid_argument("grind: replayed witness " + std::to_string(witness) + " does not pass " +
                                        std::to_string(bits) + " bits");
        return witness;
    }
    uint32_t witness = backend.grind(pow_params(bits));
    if (!check_witness(bits, witness)) throw std::logic_error("grind: backend returned a failing witness");
    return witness;
}

}  // namespace gpustark
