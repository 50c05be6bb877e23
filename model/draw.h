/* draw: fast random draws on bit sets, shared by the processes that make many.
 *
 * The model's streams are GSL taus2 streams: an organisation holds their
 * states (struct frng, rng.h). The hot loops copy a state, draw from the
 * copy inline and store it back: the same numbers gsl_rng_get, gsl_rng_uniform,
 * gsl_rng_uniform_pos, gsl_rng_uniform_int and gsl_ran_geometric give on that
 * stream (tests/test_model.c checks them against GSL draw by draw), without a
 * call through the generator's type for each. */
#ifndef TURNAROUND_DRAW_H
#define TURNAROUND_DRAW_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rng.h"

static inline void frng_load(struct frng *g, const gsl_rng *r)
{
    rng_state_from_gsl(g, r);
}

static inline void frng_store(const struct frng *g, gsl_rng *r)
{
    rng_state_to_gsl(g, r);
}

/* gsl_rng_get on a taus2 stream: its step on 32-bit words, whose shifts
 * truncate as GSL's masks to 32 bits do. */
static inline unsigned long frng_get(struct frng *g)
{
    g->s1 = ((g->s1 & 4294967294u) << 12) ^ (((g->s1 << 13) ^ g->s1) >> 19);
    g->s2 = ((g->s2 & 4294967288u) << 4) ^ (((g->s2 << 2) ^ g->s2) >> 25);
    g->s3 = ((g->s3 & 4294967280u) << 17) ^ (((g->s3 << 3) ^ g->s3) >> 11);
    return (unsigned long)(g->s1 ^ g->s2 ^ g->s3);
}

/* gsl_rng_uniform: [0, 1). */
static inline double frng_uniform(struct frng *g)
{
    return (double)frng_get(g) / 4294967296.0;
}

/* gsl_rng_uniform_pos: (0, 1). */
static inline double frng_uniform_pos(struct frng *g)
{
    double x;
    do
        x = frng_uniform(g);
    while (x == 0.0);
    return x;
}

/* gsl_rng_uniform_int: 0 to n - 1, 0 < n <= 2^32 - 1. */
static inline unsigned long frng_uniform_int(struct frng *g, unsigned long n)
{
    unsigned long scale = 0xffffffffUL / n, k;
    do
        k = frng_get(g) / scale;
    while (k >= n);
    return k;
}

/* The gaps GSL's formula gives a chance p, as thresholds on the 32-bit draw
 * x (u = x / 2^32): the gap of x is at least k exactly when x <= last[k].
 * The formula's gap cannot rise with x: consecutive x are 1 / x >= 2^-32
 * apart in log(u), far more than log's error (under an ulp, below 1e-14),
 * so log, the division by log(1 - p) < 0, + 1 and the truncation each keep
 * the order. So the thresholds, found exactly by evaluating the formula
 * itself (geometric_table_init, draw.c), give its gap for every x. */
#define GEOMETRIC_TABLE_GAPS 256
struct geometric_table {
    double p;
    double log_q, sure, rough;                   /* geometric_tabled's, worked out once */
    uint32_t kmax;                               /* gaps below kmax are read off; the rest computed; 0: no table */
    uint32_t last[GEOMETRIC_TABLE_GAPS + 1];
};

/* Thresholds for chance p, 0 < p < 1. */
void geometric_table_init(struct geometric_table *t, double p);

/* log2(1 + j / 64), j = 0 to 64 (draw.c). */
extern const double draw_log2[65];

/* Gaps of a Bernoulli process with chance p, 0 < p <= 1: the failures before
 * the next success, gsl_ran_geometric(r, p) - 1, with log(1 - p) worked out
 * once. When u is safely above 1 - p the gap is 0 (log(u) / log(1 - p) < 1
 * with a margin of about 1e-9 that rounding cannot close), so a likely
 * success costs no logarithm. With a table for p, a gap below its kmax is
 * found from a rough logarithm and one or two of its thresholds. */
struct geometric {
    double p, log_q, sure;
    double rough;                        /* ln 2 / log(1 - p): gaps per halving of u */
    const struct geometric_table *t;     /* NULL: no table */
};

static inline struct geometric geometric_of(double p)
{
    struct geometric q = { p, log(1 - p), (1 - p) * (1 + 1e-9), 0.0, NULL };
    return q;
}

/* geometric_of(t->p), reading gaps off t (its logarithm worked out when t was). */
static inline struct geometric geometric_tabled(const struct geometric_table *t)
{
    struct geometric q = { t->p, t->log_q, t->sure, t->rough, t };
    return q;
}

/* gsl_rng_uniform_pos's draw, as the 32-bit x: never 0. */
static inline unsigned long geometric_draw(struct frng *g)
{
    unsigned long x;
    do
        x = frng_get(g);
    while (x == 0);
    return x;
}

/* The gap for the draw x (u = x / 2^32). */
static inline uint64_t geometric_gap_of(const struct geometric *q, unsigned long x)
{
    double u = (double)x / 4294967296.0;   /* gsl_rng_uniform_pos */
    if (q->p == 1.0 || u >= q->sure)
        return 0;
    const struct geometric_table *t = q->t;
    if (t) {
        /* log2(u) within 4e-5 from x's leading bit and a table of log2
         * over the next six bits, interpolated; the gap so found is then
         * rarely one off, and the thresholds settle it. */
        int e = (int)(8 * sizeof x) - 1 - __builtin_clzl(x);            /* x = 2^e (1 + m) */
        uint32_t y = (uint32_t)(x << (31 - e));                         /* 1 + m in [2^31, 2^32) */
        uint32_t j = (y >> 25) & 63;
        double f = (double)(y & 0x1ffffffu) * 0x1p-25;
        double lg = (double)(e - 32) + draw_log2[j] + (draw_log2[j + 1] - draw_log2[j]) * f;
        double rough = lg * q->rough;
        uint32_t k = rough <= 0.0 ? 0 : rough >= (double)t->kmax ? t->kmax : (uint32_t)rough;
        while (k > 0 && x > t->last[k])
            k--;
        while (k < t->kmax && x <= t->last[k + 1])
            k++;
        if (k < t->kmax)
            return k;
    }
    return (uint64_t)(log(u) / q->log_q + 1) - 1;
}

static inline uint64_t geometric_gap(const struct geometric *q, struct frng *g)
{
    return geometric_gap_of(q, geometric_draw(g));
}

/* The gap, or cap where the gap is at least cap: for a caller to whom any
 * gap from cap on is the same (the next success falls past the end). The
 * same draw as geometric_gap; with a table holding cap, a long gap is one
 * comparison. */
static inline uint64_t geometric_below_of(const struct geometric *q, unsigned long x, uint64_t cap)
{
    if (q->t && cap <= q->t->kmax && x <= q->t->last[cap])
        return cap;
    return geometric_gap_of(q, x);
}

static inline uint64_t geometric_gap_below(const struct geometric *q, struct frng *g, uint64_t cap)
{
    return geometric_below_of(q, geometric_draw(g), cap);
}

/* Whether the gap for the draw x, with chance p, is certainly at least n,
 * found without a logarithm: the gap is at least n when u <= (1 - p)^n, and
 * below that with a margin of 1e-9 (a gap more than 1e-9 / -log(1 - p) past
 * n, far beyond rounding) it is certain. False when unsure. */
static inline int geometric_surely_past(double p, uint32_t n, unsigned long x)
{
    if (!(p > 0.0 && p < 1.0))
        return 0;
    double all = 1.0, q = 1.0 - p;   /* (1 - p)^n, by squaring */
    for (uint32_t k = n; k; k >>= 1, q *= q)
        if (k & 1)
            all *= q;
    return (double)x / 4294967296.0 < all * (1.0 - 1e-9);
}

/* A Bernoulli process with chance p over a long sequence of trials (bits of
 * successive masks, lowest first). Drawing the number of failures before the
 * next success costs one draw per success instead of one per trial. */
struct trials {
    struct geometric q;
    uint64_t skip;   /* failures still to come before the next success */
};

/* Start a process with gaps q (0 < q.p < 1) drawing on g. */
static inline struct trials trials_start_with(struct geometric q, struct frng *g)
{
    struct trials t = { q, 0 };
    t.skip = geometric_gap(&t.q, g);
    return t;
}

/* Start a process drawing on g; p outside (0,1) is handled by trials_take
 * without draws. */
static inline struct trials trials_start(double p, struct frng *g)
{
    struct trials t = { { p, 0.0, 0.0, 0.0, NULL }, 0 };
    if (p > 0.0 && p < 1.0) {
        t.q = geometric_of(p);
        t.skip = geometric_gap(&t.q, g);
    }
    return t;
}

/* The trials in mask that succeed, drawing on g (the process's stream). */
static inline uint64_t trials_take(struct trials *t, struct frng *g, uint64_t mask)
{
    if (t->q.p <= 0.0)
        return 0;
    if (t->q.p >= 1.0)
        return mask;
    uint64_t n = (uint64_t)__builtin_popcountll(mask);
    if (t->skip >= n) {
        t->skip -= n;
        return 0;
    }
    uint64_t out = 0;
    while (t->skip < (uint64_t)__builtin_popcountll(mask)) {
        for (uint64_t k = 0; k < t->skip; k++)
            mask &= mask - 1;
        uint64_t bit = mask & (~mask + 1);
        out |= bit;
        mask ^= bit;
        t->skip = geometric_gap(&t->q, g);
    }
    t->skip -= (uint64_t)__builtin_popcountll(mask);
    return out;
}

/* Random bits, fair and independent, at least at every bit of mask: 32 from
 * each draw (the model's taus2 streams give 32-bit outputs), a second draw only
 * when mask reaches above bit 31. */
static inline uint64_t draw_bits(struct frng *g, uint64_t mask)
{
    uint64_t bits = (uint64_t)frng_get(g);
    if (mask >> 32)
        bits |= (uint64_t)frng_get(g) << 32;
    return bits;
}

/* Five base-3 digits c = d0 + 3 d1 + ... + 81 d4 as bit sets: bit j of the
 * low five bits set when dj > 0, of the next five when dj = 1. */
static const uint16_t ternary5[243] = {
    0x000, 0x021, 0x001, 0x042, 0x063, 0x043, 0x002, 0x023, 0x003, 0x084, 0x0a5, 0x085, 0x0c6, 0x0e7, 0x0c7, 0x086,
    0x0a7, 0x087, 0x004, 0x025, 0x005, 0x046, 0x067, 0x047, 0x006, 0x027, 0x007, 0x108, 0x129, 0x109, 0x14a, 0x16b,
    0x14b, 0x10a, 0x12b, 0x10b, 0x18c, 0x1ad, 0x18d, 0x1ce, 0x1ef, 0x1cf, 0x18e, 0x1af, 0x18f, 0x10c, 0x12d, 0x10d,
    0x14e, 0x16f, 0x14f, 0x10e, 0x12f, 0x10f, 0x008, 0x029, 0x009, 0x04a, 0x06b, 0x04b, 0x00a, 0x02b, 0x00b, 0x08c,
    0x0ad, 0x08d, 0x0ce, 0x0ef, 0x0cf, 0x08e, 0x0af, 0x08f, 0x00c, 0x02d, 0x00d, 0x04e, 0x06f, 0x04f, 0x00e, 0x02f,
    0x00f, 0x210, 0x231, 0x211, 0x252, 0x273, 0x253, 0x212, 0x233, 0x213, 0x294, 0x2b5, 0x295, 0x2d6, 0x2f7, 0x2d7,
    0x296, 0x2b7, 0x297, 0x214, 0x235, 0x215, 0x256, 0x277, 0x257, 0x216, 0x237, 0x217, 0x318, 0x339, 0x319, 0x35a,
    0x37b, 0x35b, 0x31a, 0x33b, 0x31b, 0x39c, 0x3bd, 0x39d, 0x3de, 0x3ff, 0x3df, 0x39e, 0x3bf, 0x39f, 0x31c, 0x33d,
    0x31d, 0x35e, 0x37f, 0x35f, 0x31e, 0x33f, 0x31f, 0x218, 0x239, 0x219, 0x25a, 0x27b, 0x25b, 0x21a, 0x23b, 0x21b,
    0x29c, 0x2bd, 0x29d, 0x2de, 0x2ff, 0x2df, 0x29e, 0x2bf, 0x29f, 0x21c, 0x23d, 0x21d, 0x25e, 0x27f, 0x25f, 0x21e,
    0x23f, 0x21f, 0x010, 0x031, 0x011, 0x052, 0x073, 0x053, 0x012, 0x033, 0x013, 0x094, 0x0b5, 0x095, 0x0d6, 0x0f7,
    0x0d7, 0x096, 0x0b7, 0x097, 0x014, 0x035, 0x015, 0x056, 0x077, 0x057, 0x016, 0x037, 0x017, 0x118, 0x139, 0x119,
    0x15a, 0x17b, 0x15b, 0x11a, 0x13b, 0x11b, 0x19c, 0x1bd, 0x19d, 0x1de, 0x1ff, 0x1df, 0x19e, 0x1bf, 0x19f, 0x11c,
    0x13d, 0x11d, 0x15e, 0x17f, 0x15f, 0x11e, 0x13f, 0x11f, 0x018, 0x039, 0x019, 0x05a, 0x07b, 0x05b, 0x01a, 0x03b,
    0x01b, 0x09c, 0x0bd, 0x09d, 0x0de, 0x0ff, 0x0df, 0x09e, 0x0bf, 0x09f, 0x01c, 0x03d, 0x01d, 0x05e, 0x07f, 0x05f,
    0x01e, 0x03f, 0x01f,
};

/* Bits of dims set to unset, +1 or -1 with equal chance (known/value pair):
 * twenty base-3 digits from each accepted 32-bit draw (digit j of x, lowest
 * first, for dimension d + j), five at a time. */
static inline void draw_ternary(int dims, struct frng *g, uint64_t *known, uint64_t *value)
{
    const unsigned long limit = 3486784401UL; /* 3^20 */
    uint64_t k = 0, v = 0;
    int d = 0;
    while (d < dims) {
        unsigned long x = frng_get(g);
        if (x >= limit)
            continue;
        for (int c = 0; c < 4 && d < dims; c++, d += 5) {
            unsigned t = ternary5[x % 243];
            x /= 243;
            k |= (uint64_t)(t & 31u) << d;
            v |= (uint64_t)(t >> 5) << d;
        }
    }
    if (dims < 64) {
        k &= (1ULL << dims) - 1;
        v &= (1ULL << dims) - 1;
    }
    *known = k;
    *value = v;
}

/* Bits of dims each set with chance p, one uniform draw per dimension in
 * order (the loop gsl_rng_uniform(r) < p, d = 0, 1, ...). */
static inline uint64_t draw_each(int dims, double p, struct frng *g)
{
    /* u = x / 2^32 < p exactly when x < ceil(p 2^32): x is an integer and
     * p 2^32 is p scaled by a power of two, exact. */
    double t = ceil(p * 4294967296.0);
    uint64_t below = t <= 0.0 ? 0 : t >= 4294967296.0 ? UINT64_C(1) << 32 : (uint64_t)t;
    struct frng local = *g;   /* in registers for the loop */
    uint64_t bits = 0;
    for (int d = 0; d < dims; d++)
        bits |= (uint64_t)((uint64_t)frng_get(&local) < below) << d;
    *g = local;
    return bits;
}

/* draw_each for up to DRAW_GROUP streams at once, each with its own chance
 * p[j]: the same bits, and the same states after, as draw_each on each
 * stream in turn. The streams are independent, so their steps run side by
 * side in vector lanes (GCC's vector extensions; on x86-64 the function is
 * built twice, for AVX2 and for the baseline's SSE2, and the processor picks
 * when the program starts). Lanes past n step a copy of stream 0 and are
 * thrown away. In draw.c. */
#define DRAW_GROUP 8
void draw_each_group(int dims, const double *p, struct frng *const *g, int n, uint64_t *out);

#endif
