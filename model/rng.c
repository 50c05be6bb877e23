#include "rng.h"

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

/* GSL's taus2 is seeded through a 32-bit integer, so among the ~10^5 streams
 * of a large sector some pairs would share a seed (the birthday bound). Its
 * state is three 32-bit words; fill them from 96 bits of the key instead,
 * respecting the generator's lower bounds, then warm up as gsl_rng_set does.
 * (Until 0.5.0 gsl_rng_set ran first; every word of its state was then
 * overwritten, so leaving it out changes no draw.) */
void rng_stream_init(struct frng *g, uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    uint64_t key = rng_stream_key(rep_seed, s, index), more = rng_mix(key);
    g->s1 = (unsigned long)(key & 0xffffffffULL);
    g->s2 = (unsigned long)(key >> 32);
    g->s3 = (unsigned long)(more & 0xffffffffULL);
    if (g->s1 < 2)
        g->s1 += 2;
    if (g->s2 < 8)
        g->s2 += 8;
    if (g->s3 < 16)
        g->s3 += 16;
    gsl_rng r = rng_over(g);
    for (int k = 0; k < 6; k++)
        gsl_rng_get(&r);
}

gsl_rng *rng_stream_alloc(uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        return NULL;
    if (gsl_rng_size(r) != sizeof(struct frng)) {   /* not the taus2 these streams are made for */
        gsl_rng_free(r);
        return NULL;
    }
    rng_stream_init(gsl_rng_state(r), rep_seed, s, index);
    return r;
}
