// The Fiat-Shamir transcript: OpenVM's duplex sponge in overwrite mode (PROTOCOL 2.5), equal to
// Plonky3's DuplexChallenger<BabyBear, Poseidon2-16, 16, 8>. All values are canonical.
#pragma once
#include <array>
#include <cstdint>
#include <future>
#include <vector>

#include "../kernels/pow/pow.h"
#include "../kernels/transcript/sponge.h"

namespace gpustark {

class Backend;

using ExtElement = std::array<uint32_t, 4>;  // a0..a3 of EF = F[X]/(X^4 - 11)

class Transcript {
public:
    Transcript() = default;
    // A copy, or the transcript's end, first waits for its background observations.
    Transcript(const Transcript& other);
    Transcript& operator=(const Transcript& other);
    ~Transcript();

    void observe(uint32_t value);
    // observe() of every value (each < p, checked here), on a worker thread: returns at once, and
    // every other use of the transcript first waits for it. For a long run of observations (the
    // column openings: thousands of permutations) while the device does work that needs no
    // challenge from them.
    void observe_in_background(std::vector<uint32_t> values);
    void observe_many(const std::vector<uint32_t>& values);
    void observe_ext(const ExtElement& value);
    uint32_t sample();
    ExtElement sample_ext();
    // One sample, low `bits` bits of its canonical value; bits must be < 31.
    uint32_t sample_bits(uint32_t bits);
    // bits == 0 touches nothing and accepts; else observe(witness) then sample_bits(bits) == 0.
    bool check_witness(uint32_t bits, uint32_t witness);
    // Finds the smallest passing witness with `backend`, applies check_witness with it and
    // returns it. With replay witnesses queued, takes the next one instead of searching (and
    // throws std::invalid_argument if it does not pass); grinding 0 bits consumes none.
    uint32_t grind(uint32_t bits, Backend& backend);
    // Witnesses for the next grinds, in order: replays a recorded transcript (OpenVM's grinding
    // returns any passing witness, gpustark's the smallest).
    void replay_witnesses(const std::vector<uint32_t>& witnesses);
    // Whether replayed witnesses are still queued (the next grind takes one instead of searching).
    bool replaying() const {
        settle();
        return !replay_.empty();
    }
    // The proof-of-work search problem for the current state.
    PowParams pow_params(uint32_t bits) const;
    // The sponge as words, for a device that runs rounds of the transcript beside its tables
    // (EfTables::transcript_rounds), and the state it hands back (checked: canonical lanes, indices
    // in range). Queued replay witnesses stay queued.
    SpongeState sponge() const;
    void set_sponge(const SpongeState& sponge);

    const std::array<uint32_t, 16>& state() const {
        settle();
        return state_;
    }
    uint32_t absorb_index() const {
        settle();
        return absorb_idx_;
    }
    uint32_t sample_index() const {
        settle();
        return sample_idx_;
    }

private:
    void permute();
    void absorb(uint32_t value);  // observe() without the range check or the wait
    void settle() const;          // waits for observe_in_background's work
    mutable std::future<void> background_;
    std::array<uint32_t, 16> state_{};
    uint32_t absorb_idx_ = 0;  // next rate lane to overwrite, in [0, 8)
    uint32_t sample_idx_ = 0;  // samples left to read, lanes sample_idx_-1 down to 0
    std::vector<uint32_t> replay_;  // witnesses still to replay, next one last
};

// Extension-field values in the transcript: 4 canonical limbs each, c0 first (PROTOCOL 2.5).
Ef ef_from_limbs(const ExtElement& limbs);
ExtElement ef_to_limbs(Ef a);
void observe_ef(Transcript& t, Ef a);
Ef sample_ef(Transcript& t);

}  // namespace gpustark
