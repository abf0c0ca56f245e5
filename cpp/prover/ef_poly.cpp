#include "ef_poly.h"

namespace gpustark {

Ef ef_from_canonical(uint32_t x) { return ef_from_base(fp_from_canonical(x)); }

Ef ef_from_limbs(const ExtElement& l) {
    return ef_make(fp_from_canonical(l[0]), fp_from_canonical(l[1]), fp_from_canonical(l[2]), fp_from_canonical(l[3]));
}

ExtElement ef_to_limbs(Ef a) {
    return {fp_to_canonical(a.c0), fp_to_canonical(a.c1), fp_to_canonical(a.c2), fp_to_canonical(a.c3)};
}

void observe_ef(Transcript& t, Ef a) { t.observe_ext(ef_to_limbs(a)); }
Ef sample_ef(Transcript& t) { return ef_from_limbs(t.sample_ext()); }

EfVec eq_table(const EfVec& point) {
    EfVec table(size_t(1) << point.size());
    table[0] = ef_one();
    for (size_t k = 0; k < point.size(); ++k) {
        size_t half = size_t(1) << k;
        Ef c = point[k], not_c = ef_sub(ef_one(), c);
        for (size_t i = 0; i < half; ++i) {
            table[i + half] = ef_mul(table[i], c);
            table[i] = ef_mul(table[i], not_c);
        }
    }
    return table;
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
    Ef acc = ef_zero();
    for (size_t j = coeffs.size(); j-- > 0;) acc = ef_add(ef_mul(acc, x), coeffs[j]);
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
