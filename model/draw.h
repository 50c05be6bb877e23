/* draw: fast random draws on bit sets, shared by the processes that make many.
 *
 * The model's streams are GSL taus2 generators (rng_stream_alloc). The hot
 * loops copy a stream's state into a struct frng, draw from the copy inline
 * and store it back: the same numbers gsl_rng_get, gsl_rng_uniform,
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

/* A taus2 state (GSL's taus_state_t: three unsigned longs). */
struct frng {
    unsigned long s1, s2, s3;
};

static inline void frng_load(struct frng *g, const gsl_rng *r)
{
    memcpy(g, r->state, sizeof *g);
}

static inline void frng_store(const struct frng *g, gsl_rng *r)
{
    memcpy(r->state, g, sizeof *g);
}

#define FRNG_TAUS(s, a, b, c, d) (((((s) & (c)) << (d)) & 0xffffffffUL) ^ (((((s) << (a)) & 0xffffffffUL) ^ (s)) >> (b)))

/* gsl_rng_get on a taus2 stream. */
static inline unsigned long frng_get(struct frng *g)
{
    g->s1 = FRNG_TAUS(g->s1, 13, 19, 4294967294UL, 12);
    g->s2 = FRNG_TAUS(g->s2, 2, 25, 4294967288UL, 4);
    g->s3 = FRNG_TAUS(g->s3, 3, 11, 4294967280UL, 17);
    return g->s1 ^ g->s2 ^ g->s3;
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

/* Gaps of a Bernoulli process with chance p, 0 < p <= 1: the failures before
 * the next success, gsl_ran_geometric(r, p) - 1, with log(1 - p) worked out
 * once. When u is safely above 1 - p the gap is 0 (log(u) / log(1 - p) < 1
 * with a margin of about 1e-9 that rounding cannot close), so a likely
 * success costs no logarithm. */
struct geometric {
    double p, log_q, sure;
};

static inline struct geometric geometric_of(double p)
{
    struct geometric q = { p, log(1 - p), (1 - p) * (1 + 1e-9) };
    return q;
}

static inline uint64_t geometric_gap(const struct geometric *q, struct frng *g)
{
    double u = frng_uniform_pos(g);
    if (q->p == 1.0 || u >= q->sure)
        return 0;
    return (uint64_t)(log(u) / q->log_q + 1) - 1;
}

/* A Bernoulli process with chance p over a long sequence of trials (bits of
 * successive masks, lowest first). Drawing the number of failures before the
 * next success costs one draw per success instead of one per trial. */
struct trials {
    struct geometric q;
    uint64_t skip;   /* failures still to come before the next success */
    struct frng *g;
};

/* Start a process; p outside (0,1) is handled by trials_take without draws. */
static inline struct trials trials_start(double p, struct frng *g)
{
    struct trials t = { geometric_of(p > 0.0 && p < 1.0 ? p : 0.5), 0, g };
    t.q.p = p;
    if (p > 0.0 && p < 1.0)
        t.skip = geometric_gap(&t.q, g);
    return t;
}

/* The trials in mask that succeed. */
static inline uint64_t trials_take(struct trials *t, uint64_t mask)
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
        t->skip = geometric_gap(&t->q, t->g);
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

/* Bits of dims set to unset, +1 or -1 with equal chance (known/value pair):
 * twenty base-3 digits from each accepted 32-bit draw. */
static inline void draw_ternary(int dims, struct frng *g, uint64_t *known, uint64_t *value)
{
    const unsigned long limit = 3486784401UL; /* 3^20 */
    uint64_t k = 0, v = 0;
    int d = 0;
    while (d < dims) {
        unsigned long x = frng_get(g);
        if (x >= limit)
            continue;
        for (int j = 0; j < 20 && d < dims; j++, d++) {
            unsigned long digit = x % 3;
            x /= 3;
            if (digit > 0)
                k |= 1ULL << d;
            if (digit == 1)
                v |= 1ULL << d;
        }
    }
    *known = k;
    *value = v;
}

/* Bits of dims each set with chance p, one uniform draw per dimension in
 * order (the loop gsl_rng_uniform(r) < p, d = 0, 1, ...). */
static inline uint64_t draw_each(int dims, double p, struct frng *g)
{
    uint64_t bits = 0;
    for (int d = 0; d < dims; d++)
        bits |= (uint64_t)(frng_uniform(g) < p) << d;
    return bits;
}

#endif
