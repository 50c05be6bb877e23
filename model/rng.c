#include "rng.h"

#include "draw.h"

uint64_t rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A replication's seed is written to runs.csv and replications.csv, and
 * readers that hold numbers as doubles must keep it exact: R reads a whole
 * number above 2^53 as the nearest double, and spreadsheets keep 15
 * significant digits. So it keeps the top RNG_REP_SEED_BITS bits of the mix:
 * below 2^49 = 562,949,953,421,312, fifteen digits. */
uint64_t rng_rep_seed(uint64_t seed, uint64_t rep)
{
    return rng_mix(rng_mix(seed) ^ rng_mix(rep + 0x5245504cULL)) >> (64 - RNG_REP_SEED_BITS);
}

uint64_t rng_stream_key(uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    uint64_t h = rng_mix(rep_seed ^ rng_mix((uint64_t)s + 0x53545245ULL));
    return rng_mix(h ^ rng_mix(index + 0x4f5247ULL));
}

uint64_t rng_forecast_seed(uint64_t rep_seed, uint64_t index, uint64_t month, uint64_t k)
{
    uint64_t h = rng_mix(rep_seed ^ rng_mix(0x464f5245ULL + index));
    h = rng_mix(h ^ rng_mix(month + 0x4d4f4eULL));
    return rng_mix(h ^ rng_mix(k + 0x4b4bULL));
}

/* taus2's step on its three 32-bit words (frng_get). */
static unsigned long taus2_words_get(void *state)
{
    return frng_get(state);
}

static double taus2_words_get_double(void *state)
{
    return (double)taus2_words_get(state) / 4294967296.0;
}

/* gsl_rng_set for taus2: the words from a linear congruential sequence, at
 * least the generator's lower bounds, then six steps. */
static void taus2_words_set(void *state, unsigned long seed)
{
    struct frng *g = state;
    uint32_t x = seed ? (uint32_t)seed : 1u;
    g->s1 = 69069u * x;
    if (g->s1 < 2)
        g->s1 += 2;
    g->s2 = 69069u * g->s1;
    if (g->s2 < 8)
        g->s2 += 8;
    g->s3 = 69069u * g->s2;
    if (g->s3 < 16)
        g->s3 += 16;
    for (int k = 0; k < 6; k++)
        taus2_words_get(g);
}

static const gsl_rng_type taus2_words = {
    "taus2 (turnaround, 32-bit words)", 0xffffffffUL, 0, sizeof(struct frng),
    taus2_words_set, taus2_words_get, taus2_words_get_double,
};
const gsl_rng_type *const rng_taus2_words = &taus2_words;

/* GSL's taus2 state: three unsigned longs. */
struct gsl_taus2_state {
    unsigned long s1, s2, s3;
};

void rng_state_from_gsl(struct frng *g, const gsl_rng *r)
{
    const struct gsl_taus2_state *st = r->state;
    g->s1 = (uint32_t)st->s1;
    g->s2 = (uint32_t)st->s2;
    g->s3 = (uint32_t)st->s3;
}

void rng_state_to_gsl(const struct frng *g, gsl_rng *r)
{
    struct gsl_taus2_state *st = r->state;
    st->s1 = g->s1;
    st->s2 = g->s2;
    st->s3 = g->s3;
}

/* GSL's taus2 is seeded through a 32-bit integer, so among the ~10^5 streams
 * of a large sector some pairs would share a seed (the birthday bound). Its
 * state is three 32-bit words; fill them from 96 bits of the key instead,
 * respecting the generator's lower bounds, then warm up as gsl_rng_set does.
 * (Until 0.5.0 gsl_rng_set ran first; every word of its state was then
 * overwritten, so leaving it out changes no draw.) */
void rng_stream_init(struct frng *g, uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    uint64_t key = rng_stream_key(rep_seed, s, index), more = rng_mix(key);
    g->s1 = (uint32_t)(key & 0xffffffffULL);
    g->s2 = (uint32_t)(key >> 32);
    g->s3 = (uint32_t)(more & 0xffffffffULL);
    if (g->s1 < 2)
        g->s1 += 2;
    if (g->s2 < 8)
        g->s2 += 8;
    if (g->s3 < 16)
        g->s3 += 16;
    for (int k = 0; k < 6; k++)
        taus2_words_get(g);
}

gsl_rng *rng_stream_alloc(uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        return NULL;
    if (gsl_rng_size(r) != sizeof(struct gsl_taus2_state)) {   /* not the taus2 these streams are made for */
        gsl_rng_free(r);
        return NULL;
    }
    struct frng g;
    rng_stream_init(&g, rep_seed, s, index);
    rng_state_to_gsl(&g, r);
    return r;
}
