#include "dual_ef_tables.h"

#include "dual_compare.h"

#include "../../core/transcript.h"

#include <stdexcept>

namespace gpustark {
namespace {

std::string str(uint64_t v) { return std::to_string(v); }

class DualEfTables final : public EfTables {
public:
    DualEfTables(std::unique_ptr<EfTables> a, std::unique_ptr<EfTables> b, std::string name_a, std::string name_b)
        : EfTables(a->count(), a->length()), a_(std::move(a)), b_(std::move(b)), name_a_(std::move(name_a)),
          name_b_(std::move(name_b)) {
        compare_all("ef_tables (upload)");
    }

    void fold(Ef r) override {
        require_foldable("fold");
        a_->fold(r);
        b_->fold(r);
        halve();
        compare_all("ef_tables fold");
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> va = a_->read(index), vb = b_->read(index);
        compare(va, vb, "ef_tables read", "index " + str(index) + ", table ");
        return va;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        std::vector<Ef> va = a_->table(c), vb = b_->table(c);
        compare(va, vb, "ef_tables table " + str(c), "index ");
        return va;
    }

    std::array<Ef, 2> pair_product_round() override {
        std::array<Ef, 2> va = a_->pair_product_round(), vb = b_->pair_product_round();
        compare({va.begin(), va.end()}, {vb.begin(), vb.end()}, "ef_tables pair_product_round", "s(1 + ");
        return va;
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        std::array<Ef, 3> va = a_->fraction_round(lambda), vb = b_->fraction_round(lambda);
        compare({va.begin(), va.end()}, {vb.begin(), vb.end()}, "ef_tables fraction_round", "s(1 + ");
        return va;
    }

    // Each side from the same transcript state; their sums, challenges and sponges must agree
    // (a device's sponge on the device against the host transcript, on cpu and a GPU).
    SumcheckRounds transcript_rounds(Transcript& transcript, SumcheckRoundKind kind, Ef lambda, size_t rounds,
                                     RoundGrind grind) override {
        require_rounds(kind, rounds, grind);
        Transcript other = transcript;
        SumcheckRounds ra = a_->transcript_rounds(transcript, kind, lambda, rounds, grind);
        const SumcheckRounds rb = b_->transcript_rounds(other, kind, lambda, rounds, grind);
        std::vector<Ef> sa, sb;
        for (const auto& s : ra.sums) sa.insert(sa.end(), s.begin(), s.end());
        for (const auto& s : rb.sums) sb.insert(sb.end(), s.begin(), s.end());
        compare(sa, sb, "ef_tables transcript_rounds sums", "round x 3 + sum ");
        compare(ra.challenges, rb.challenges, "ef_tables transcript_rounds challenges", "round ");
        if (ra.witnesses.size() != rb.witnesses.size())
            dual_fail(name_a_, name_b_, "ef_tables transcript_rounds", "the number of witnesses", ra.witnesses.size(),
                      rb.witnesses.size());
        for (size_t r = 0; r < ra.witnesses.size(); ++r)
            if (ra.witnesses[r] != rb.witnesses[r])
                dual_fail(name_a_, name_b_, "ef_tables transcript_rounds witnesses", "round " + str(r), ra.witnesses[r],
                          rb.witnesses[r]);
        const SpongeState za = transcript.sponge(), zb = other.sponge();
        for (size_t i = 0; i < 16; ++i)
            if (za.state[i] != zb.state[i])
                dual_fail(name_a_, name_b_, "ef_tables transcript_rounds sponge", "lane " + str(i), za.state[i],
                          zb.state[i]);
        if (za.absorb_idx != zb.absorb_idx || za.sample_idx != zb.sample_idx)
            dual_fail(name_a_, name_b_, "ef_tables transcript_rounds sponge", "absorb index x 16 + sample index",
                      za.absorb_idx * 16 + za.sample_idx, zb.absorb_idx * 16 + zb.sample_idx);
        for (size_t r = 0; r < rounds; ++r) halve();
        compare_all("ef_tables transcript_rounds");
        return ra;
    }

    void add_eq_powers(size_t c, const std::vector<Ef>& points, const std::vector<Ef>& weights) override {
        a_->add_eq_powers(c, points, weights);
        b_->add_eq_powers(c, points, weights);
        table(c);
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        std::vector<Ef> va = a_->dag_round(dag, combine, xs, max_pairs), vb = b_->dag_round(dag, combine, xs, max_pairs);
        compare(va, vb, "ef_tables dag_round", "point ");
        return va;
    }

    void write_table(size_t c, const Ef* values) override {
        a_->write_table(c, values);
        b_->write_table(c, values);
        compare(a_->table(c), b_->table(c), "ef_tables write_table " + str(c), "index ");
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");  // the new dual tables compare both copies in full
        return make_dual_ef_tables(a_->copy_table(c), b_->copy_table(c), name_a_, name_b_);
    }

    void subset_transform(size_t c, bool inverse) override {
        a_->subset_transform(c, inverse);
        b_->subset_transform(c, inverse);
        compare(a_->table(c), b_->table(c),
                std::string("ef_tables subset_transform (") + (inverse ? "Moebius" : "zeta") + ") of table " + str(c),
                "index ");
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        a_->set_product_table(c, factors);
        b_->set_product_table(c, factors);
        compare(a_->table(c), b_->table(c), "ef_tables set_product_table " + str(c), "index ");
    }

    Ef power_sum(size_t c, Ef z) override {
        const Ef va = a_->power_sum(c, z), vb = b_->power_sum(c, z);
        compare({va}, {vb}, "ef_tables power_sum of table " + str(c), "value ");
        return va;
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        MerkleTree ta = a_->commit_table(c, log_rows, log_group), tb = b_->commit_table(c, log_rows, log_group);
        dual_compare_trees(name_a_, name_b_,
                           "ef_tables commit_table " + str(c) + " (" + str(length()) + " rows to 2^" + str(log_rows) +
                               ", log_group " + str(log_group) + ")",
                           ta, tb);
        return ta;
    }

private:
    void compare_all(const std::string& what) {
        for (size_t c = 0; c < count(); ++c)
            compare(a_->table(c), b_->table(c), what + " (" + str(count()) + " x " + str(length()) + ")",
                    "table " + str(c) + ", index ");
    }

    // where + position names the first differing value; its limbs are compared in Montgomery form.
    void compare(const std::vector<Ef>& va, const std::vector<Ef>& vb, const std::string& what,
                 const std::string& where) const {
        if (va.size() != vb.size()) dual_fail(name_a_, name_b_, what, "the number of values", va.size(), vb.size());
        if (auto d = first_ef_difference(va.data(), vb.data(), va.size()))
            dual_fail(name_a_, name_b_, what,
                      where + str(d->index) + (where.rfind("s(1 + ", 0) == 0 ? ")" : "") + ", limb " + str(d->limb),
                      d->a, d->b);
    }

    std::unique_ptr<EfTables> a_, b_;
    std::string name_a_, name_b_;
};

}  // namespace

std::unique_ptr<EfTables> make_dual_ef_tables(std::unique_ptr<EfTables> a, std::unique_ptr<EfTables> b,
                                              const std::string& name_a, const std::string& name_b) {
    return std::make_unique<DualEfTables>(std::move(a), std::move(b), name_a, name_b);
}

}  // namespace gpustark
