#include "draw.h"

/* Written out to 17 digits: each the double nearest log2(1 + j / 64). */
const double draw_log2[65] = {
    0, 0.02236781302845451, 0.044394119358453436, 0.066089190457772437,
    0.087462841250339401, 0.10852445677816905, 0.12928301694496647, 0.14974711950468206,
    0.16992500144231237, 0.18982455888001723, 0.20945336562894978, 0.22881869049588088,
    0.24792751344358549, 0.26678654069490138, 0.28540221886224837, 0.30378074817710293,
    0.32192809488736235, 0.33985000288462475, 0.35755200461808367, 0.37503943134692475,
    0.39231742277876031, 0.40939093613770178, 0.42626475470209796, 0.44294349584872827,
    0.45943161863729726, 0.47573343096639775, 0.49185309632967472, 0.50779464019869625,
    0.52356195605701283, 0.53915881110803143, 0.55458885167763738, 0.56985560833094784,
    0.58496250072115619, 0.5999128421871277, 0.61470984411520824, 0.62935662007960957,
    0.6438561897747247, 0.65821148275179475, 0.67242534197149562, 0.68650052718321841,
    0.70043971814109218, 0.71424551766612265, 0.7279204545631992, 0.74146698640114694,
    0.75488750216346856, 0.76818432477692633, 0.7813597135246596, 0.79441586635010597,
    0.80735492205760406, 0.82017896241518773, 0.83289001416474162, 0.84549005094437524,
    0.85798099512757209, 0.87036471958340456, 0.88264304936184124, 0.89481776330794349,
    0.90689059560851848, 0.91886323727459451, 0.93073733756288624, 0.94251450533923986,
    0.95419631038687525, 0.96578428466208699, 0.97727992349991644, 0.98868468677216581,
    1,
};


/* GSL's gap for the draw x: gsl_ran_geometric's formula on u = x / 2^32. */
static uint64_t formula_gap(double log_q, unsigned long x)
{
    return (uint64_t)(log((double)x / 4294967296.0) / log_q + 1) - 1;
}

void geometric_table_init(struct geometric_table *t, double p)
{
    const struct geometric q = geometric_of(p);
    const double log_q = q.log_q;
    const unsigned long top = 0xffffffffUL;
    t->p = p;
    t->log_q = q.log_q;
    t->sure = q.sure;
    t->rough = 0.69314718055994530942 / q.log_q;
    uint64_t most = formula_gap(log_q, 1);   /* the largest gap, at the smallest x */
    t->kmax = most < GEOMETRIC_TABLE_GAPS ? (uint32_t)most : GEOMETRIC_TABLE_GAPS;
    t->last[0] = (uint32_t)top;
    for (uint32_t k = 1; k <= t->kmax; k++) {
        /* Start near 2^32 (1 - p)^k and walk to the exact boundary: the
         * largest x whose gap is at least k. */
        double guess = ldexp(exp((double)k * log_q), 32);
        unsigned long x = guess < 1.0 ? 1UL : guess >= (double)top ? top : (unsigned long)guess;
        while (x > 1 && formula_gap(log_q, x) < k)
            x--;
        while (x < top && formula_gap(log_q, x + 1) >= k)
            x++;
        t->last[k] = (uint32_t)x;
    }
}

typedef uint32_t draw_vu __attribute__((vector_size(4 * DRAW_GROUP)));
typedef int32_t draw_vi __attribute__((vector_size(4 * DRAW_GROUP)));

/* Sanitizer builds keep the baseline's version alone: make test SANITIZE=1
 * then checks it, where the release build's tests check the AVX2 one. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) \
    && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
void draw_each_group(int dims, const double *p, struct frng *const *g, int n, uint64_t *out)
{
    draw_vu s1, s2, s3, top;   /* top: the largest x that succeeds, in lanes that can */
    int none[DRAW_GROUP];
    for (int j = 0; j < DRAW_GROUP; j++) {
        const struct frng *r = g[j < n ? j : 0];
        s1[j] = r->s1;
        s2[j] = r->s2;
        s3[j] = r->s3;
        double t = ceil(p[j < n ? j : 0] * 4294967296.0);   /* x succeeds when x < t, as in draw_each */
        none[j] = t <= 0.0;
        top[j] = t <= 0.0 ? 0 : t >= 4294967296.0 ? UINT32_MAX : (uint32_t)(t - 1.0);
    }
    const draw_vu zero = { 0 };
    const draw_vu c1 = zero + 4294967294u, c2 = zero + 4294967288u, c3 = zero + 4294967280u;
    /* x <= top unsigned is x ^ 2^31 <= top ^ 2^31 signed: SSE2 and AVX2 compare signed. */
    const draw_vu sign = zero + 0x80000000u;
    const draw_vi stop = (draw_vi)(top ^ sign);
    draw_vu word[2] = { zero, zero };   /* dimensions 0 to 31, 32 to 63 */
    for (int d = 0, w = 0; w < 2 && d < dims; w++) {
        draw_vu bit = zero + 1u, bits = zero;
        for (const int last = dims < 32 * (w + 1) ? dims : 32 * (w + 1); d < last; d++) {
            s1 = ((s1 & c1) << 12) ^ (((s1 << 13) ^ s1) >> 19);
            s2 = ((s2 & c2) << 4) ^ (((s2 << 2) ^ s2) >> 25);
            s3 = ((s3 & c3) << 17) ^ (((s3 << 3) ^ s3) >> 11);
            bits |= (draw_vu)((draw_vi)(s1 ^ s2 ^ s3 ^ sign) <= stop) & bit;
            bit += bit;
        }
        word[w] = bits;
    }
    for (int j = 0; j < n; j++) {
        g[j]->s1 = s1[j];
        g[j]->s2 = s2[j];
        g[j]->s3 = s3[j];
        out[j] = none[j] ? 0 : (uint64_t)word[0][j] | (uint64_t)word[1][j] << 32;
    }
}
