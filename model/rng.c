#include "rng.h"

uint64_t rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t rng_rep_seed(uint64_t seed, uint64_t rep)
{
    return rng_mix(rng_mix(seed) ^ rng_mix(rep + 0x5245504cULL));
}

unsigned long rng_stream_seed(uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    uint64_t h = rng_mix(rep_seed ^ rng_mix((uint64_t)s + 0x53545245ULL));
    h = rng_mix(h ^ rng_mix(index + 0x4f5247ULL));
    uint64_t v = (h >> 32) % 0xffffffffULL;
    return (unsigned long)(v + 1);
}

gsl_rng *rng_stream_alloc(uint64_t rep_seed, enum rng_stream s, uint64_t index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (r)
        gsl_rng_set(r, rng_stream_seed(rep_seed, s, index));
    return r;
}
