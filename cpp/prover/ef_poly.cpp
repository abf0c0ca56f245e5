#include "ef_poly.h"

#include <algorithm>

#include "../core/parallel.h"

namespace gpustark {

Ef ef_from_canonical(uint32_t x) { return ef_from_base(fp_from_canonical(x)); }

namespace {

// The product table of few factors, one variable at a time.
void product_table_serial(const EfPair* factors, size_t count, Ef* out) {
    out[0] = ef_one();
    for (size_t k = 0; k < count; ++k) {
        const size_t half = size_t(1) << k;
        for (size_t i = 0; i < half; ++i) {
            out[i + half] = ef_mul(out[i], factors[k][1]);
            out[i] = ef_mul(out[i], factors[k][0]);
        }
    }
}

}  // namespace

void product_table_into(const std::vector<EfPair>& factors, Ef* out) {
    const size_t count = factors.size();
    if (count <= 12) return product_table_serial(factors.data(), count, out);
    // table = lo (x) hi: entry (hi, lo) is hi_table[hi] lo_table[lo], one product per entry and
    // each row written once (the field product does not depend on the grouping).
    const size_t lo_count = count - count / 2, lo_len = size_t(1) << lo_count;
    EfVec lo(lo_len), hi(size_t(1) << (count - lo_count));
    product_table_serial(factors.data(), lo_count, lo.data());
    product_table_serial(factors.data() + lo_count, count - lo_count, hi.data());
    parallel_for(hi.size(), 1, [&](size_t begin, size_t end) {
        for (size_t h = begin; h < end; ++h)
            for (size_t l = 0; l < lo_len; ++l) out[h * lo_len + l] = ef_mul(lo[l], hi[h]);
    });
}

EfVec product_table(const std::vector<EfPair>& factors) {
    EfVec table(size_t(1) << factors.size());
    product_table_into(factors, table.data());
    return table;
}

EfVec eq_table(const EfVec& point) {
    std::vector<EfPair> factors;
    for (const Ef& c : point) factors.push_back({ef_sub(ef_one(), c), c});
    return product_table(factors);
}

Ef eq_eval(const EfVec& x, const EfVec& y) {
    Ef acc = ef_one();
    for (size_t k = 0; k < x.size(); ++k) {
        Ef xy = ef_mul(x[k], y[k]);
        // x y + (1 - x)(1 - y) = 1 - x - y + 2 x y
        acc = ef_mul(acc, ef_add(ef_sub(ef_sub(ef_one(), x[k]), y[k]), ef_add(xy, xy)));
    }
    return acc;
}

Ef eq_uni(uint32_t log_order, Ef x, Ef y) {
    Ef acc = ef_one();
    for (uint32_t k = 0; k < log_order; ++k) {
        acc = ef_add(ef_mul(ef_add(x, y), acc), ef_mul(ef_sub(x, ef_one()), ef_sub(y, ef_one())));
        x = ef_square(x);
        y = ef_square(y);
    }
    Fp inv_n = fp_inv(fp_from_canonical(1u << log_order));
    return ef_mul_base(acc, inv_n);
}

Ef horner(const EfVec& coeffs, Ef x) {
    const size_t chunk = size_t(1) << 14;
    auto horner_range = [&](size_t begin, size_t end) {
        Ef acc = ef_zero();
        for (size_t j = end; j-- > begin;) acc = ef_add(ef_mul(acc, x), coeffs[j]);
        return acc;
    };
    if (coeffs.size() <= chunk) return horner_range(0, coeffs.size());
    // Long polynomials: sum over chunks of x^begin * (the chunk's own Horner value).
    const size_t chunks = (coeffs.size() + chunk - 1) / chunk;
    EfVec parts(chunks);
    parallel_for(chunks, 1, [&](size_t c0, size_t c1) {
        for (size_t c = c0; c < c1; ++c)
            parts[c] = ef_mul(ef_pow(x, c * chunk), horner_range(c * chunk, std::min(coeffs.size(), (c + 1) * chunk)));
    });
    Ef acc = ef_zero();
    for (const Ef& p : parts) acc = ef_add(acc, p);
    return acc;
}

Ef interpolate_on_integers(const EfVec& values, Ef x) {
    Ef total = ef_zero();
    long n = long(values.size());
    for (long i = 0; i < n; ++i) {
        Ef numerator = ef_one();
        Fp denominator = fp_one();
        for (long j = 0; j < n; ++j) {
            if (j == i) continue;
            numerator = ef_mul(numerator, ef_sub(x, ef_from_canonical(uint32_t(j))));
            long diff = i - j;
            Fp d = fp_from_canonical(uint32_t(diff < 0 ? long(GS_P) + diff : diff));
            denominator = fp_mul(denominator, d);
        }
        total = ef_add(total, ef_mul(values[i], ef_mul_base(numerator, fp_inv(denominator))));
    }
    return total;
}

EfVec poly_mul(const EfVec& a, const EfVec& b) {
    if (a.empty() || b.empty()) return {};
    EfVec out(a.size() + b.size() - 1, ef_zero());
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t j = 0; j < b.size(); ++j) out[i + j] = ef_add(out[i + j], ef_mul(a[i], b[j]));
    return out;
}

void fold_lowest(EfVec& v, Ef r) {
    for (size_t i = 0; i < v.size() / 2; ++i) v[i] = mle_pair_at(v, i, r);
    v.resize(v.size() / 2);
}

EfPair product_round_values(const EfVec& a, const EfVec& b, size_t begin, size_t end) {
    // At X = 1 the pair's high entries; at X = 2, 2 v[2i+1] - v[2i].
    Ef s1 = ef_zero(), s2 = ef_zero();
    for (size_t i = begin; i < end; ++i) {
        const Ef a0 = a[2 * i], a1 = a[2 * i + 1], b0 = b[2 * i], b1 = b[2 * i + 1];
        s1 = ef_add(s1, ef_mul(a1, b1));
        s2 = ef_add(s2, ef_mul(ef_sub(ef_add(a1, a1), a0), ef_sub(ef_add(b1, b1), b0)));
    }
    return {s1, s2};
}

}  // namespace gpustark
