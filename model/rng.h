/* rng: seed derivation and the model's independent random streams.
 *
 * Every random draw in the model goes through a GSL generator passed in
 * explicitly. Each process of each organisation has a stream of its own, seeded
 * from the replication's seed, the process and the organisation, so a change
 * in how many draws one process makes never shifts the draws of another. */
#ifndef TURNAROUND_RNG_H
#define TURNAROUND_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

enum rng_stream {
    RNG_INIT,       /* initial state of an organisation */
    RNG_NETWORK,    /* the peer network (sector-wide) */
    RNG_STANDARD,   /* drift of the sector's standard (sector-wide) */
    RNG_PEERS,      /* benchmarking through ties and own feedback */
    RNG_CULTURE,    /* socialisation, speaking up, code learning */
    RNG_WORKFORCE,  /* who leaves */
    RNG_HIRING,     /* whom the labour market supplies */
    RNG_LEADER,     /* leader changes */
    RNG_REGULATOR,  /* inspection noise and blame events */
    RNG_INTERVENTION, /* the strategies' own draws (whom to remove, interims, the commissioners' view) */
    RNG_STREAMS
};

/* SplitMix64's finaliser: a bijective 64-bit mixer. */
uint64_t rng_mix(uint64_t x);

/* The seed of replication rep of a run with master seed seed: below
 * 2^RNG_REP_SEED_BITS, so exact in any reader that holds it as a double
 * (R, spreadsheets: 15 significant digits). */
#define RNG_REP_SEED_BITS 49
uint64_t rng_rep_seed(uint64_t seed, uint64_t rep);

/* The 64-bit key of stream s of organisation index (0 for sector-wide
 * streams) in a replication: every stream's state is derived from it. */
uint64_t rng_stream_key(uint64_t rep_seed, enum rng_stream s, uint64_t index);

/* The replication seed of capability forecast k of organisation index at
 * month: a world of its own, sharing no stream with the main run. */
uint64_t rng_forecast_seed(uint64_t rep_seed, uint64_t index, uint64_t month, uint64_t k);

/* A taus2 stream's state: GSL's taus2 keeps it as three unsigned longs, each
 * holding a 32-bit word; an organisation holds its streams' states as the
 * words themselves, not generators. */
struct frng {
    uint32_t s1, s2, s3;
};

/* Set g to the state of the stream's taus2 generator (below). */
void rng_stream_init(struct frng *g, uint64_t rep_seed, enum rng_stream s, uint64_t index);

/* GSL's taus2 on a struct frng: the same numbers from the same state
 * (tests/test_model.c checks them against gsl_rng_taus2). */
extern const gsl_rng_type *const rng_taus2_words;

/* A generator for GSL's functions that draws from, and advances, g. */
static inline gsl_rng rng_over(struct frng *g)
{
    gsl_rng r = { rng_taus2_words, g };
    return r;
}

/* The state of a GSL taus2 generator as a struct frng, and back. */
void rng_state_from_gsl(struct frng *g, const gsl_rng *r);
void rng_state_to_gsl(const struct frng *g, gsl_rng *r);

/* A new taus2 generator whose state is set from the stream's key. Returns NULL
 * when memory runs out. Free with gsl_rng_free. */
gsl_rng *rng_stream_alloc(uint64_t rep_seed, enum rng_stream s, uint64_t index);

#endif
