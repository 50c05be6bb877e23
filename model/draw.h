/* draw: fast random draws on bit sets, shared by the processes that make many. */
#ifndef TURNAROUND_DRAW_H
#define TURNAROUND_DRAW_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A Bernoulli process with chance p over a long sequence of trials (bits of
 * successive masks, lowest first). Drawing the number of failures before the
 * next success costs one draw per success instead of one per trial. */
struct trials {
    double p;
    uint64_t skip;   /* failures still to come before the next success */
    gsl_rng *r;
};

static inline uint64_t trials_gap(const struct trials *t)
{
    return (uint64_t)gsl_ran_geometric(t->r, t->p) - 1;
}

/* Start a process; p outside (0,1) is handled by trials_take without draws. */
static inline struct trials trials_start(double p, gsl_rng *r)
{
    struct trials t = { p, 0, r };
    if (p > 0.0 && p < 1.0)
        t.skip = trials_gap(&t);
    return t;
}

/* The trials in mask that succeed. */
static inline uint64_t trials_take(struct trials *t, uint64_t mask)
{
    if (t->p <= 0.0)
        return 0;
    if (t->p >= 1.0)
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
        t->skip = trials_gap(t);
    }
    t->skip -= (uint64_t)__builtin_popcountll(mask);
    return out;
}

/* Random bits, fair and independent, at least at every bit of mask: 32 from
 * each draw (the model's taus2 streams give 32-bit outputs), a second draw only
 * when mask reaches above bit 31. */
static inline uint64_t draw_bits(gsl_rng *r, uint64_t mask)
{
    uint64_t bits = (uint64_t)gsl_rng_get(r);
    if (mask >> 32)
        bits |= (uint64_t)gsl_rng_get(r) << 32;
    return bits;
}

/* Bits of dims set to unset, +1 or -1 with equal chance (known/value pair):
 * twenty base-3 digits from each accepted 32-bit draw. */
static inline void draw_ternary(int dims, gsl_rng *r, uint64_t *known, uint64_t *value)
{
    const unsigned long limit = 3486784401UL; /* 3^20 */
    uint64_t k = 0, v = 0;
    int d = 0;
    while (d < dims) {
        unsigned long x = gsl_rng_get(r);
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

#endif
