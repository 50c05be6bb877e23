/* world: a sector of organisations, its staff and its regulator, stepped a
 * month at a time. The public face of the model core: no I/O, no globals; the
 * same parameters and seed give the same bits. */
#ifndef TURNAROUND_WORLD_H
#define TURNAROUND_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "signal_flag.h"

typedef struct world world;

enum rating { RATING_OUTSTANDING = 1, RATING_GOOD, RATING_RI, RATING_INADEQUATE };

/* What an organisation looks like at the end of a month. */
struct org_obs {
    double quality;        /* true quality: practice judged against the sector's standard */
    double perceived;      /* practice judged against the organisation's own code */
    double insularity;     /* 1 - mean strength of its peer ties */
    double voice;          /* mean chance that a member speaks up */
    double turnover;       /* share of staff who left this month */
    double code_knowledge; /* share of the code that matches the standard */
    double march_knowledge; /* March's measure: dimensions the code has right minus wrong, over m */
    double measured;       /* the inspector's measure; NaN when not inspected this month */
    int rating;            /* enum rating, current */
};

/* Aggregates over an organisation's whole history so far. */
struct org_history {
    int month_failed;      /* first month rated inadequate; -1 if never */
    int months_inadequate; /* months spent with an inadequate rating */
    double min_quality;
    double gap_at_failure; /* perceived - true quality in month_failed */
};

/* An organisation's intervention so far. In the control arm (schedule
 * "none") the course is the same with no strategies: it "starts" when an
 * intervention would have, and never exits. Months are -1 where not reached. */
struct org_intervention {
    int started;               /* 1 once it has started */
    int trigger_month;         /* the inadequate rating that triggered it */
    int start_month;
    int exit_month;
    int first_good_month;      /* first good or outstanding rating from the start on */
    int relapse_month;         /* first inadequate rating after exit */
    double commissioner_months, interim_months, peer_review_days;
};

/* Allocate a world for one replication and set up its month-0 state (the
 * network, the organisations, a baseline inspection). p must have passed
 * validation. Returns NULL when memory runs out, having freed what it built. */
world *world_alloc(const struct params *p, uint64_t rep_seed);

/* world_alloc that gives up, returning NULL, once *stop is set (checked
 * between organisations while they are set up); stop may be NULL. */
world *world_alloc_until(const struct params *p, uint64_t rep_seed, const signal_flag *stop);

/* world_alloc_until whose organisations are set up and stepped by threads
 * threads (1 to WORLD_MAX_THREADS); the results are the same bits for any
 * number. */
#define WORLD_MAX_THREADS 64
world *world_alloc_threads(const struct params *p, uint64_t rep_seed, const signal_flag *stop, int threads);

/* Step w's organisations with threads threads from now on. Returns 0, or -1
 * (w unchanged) when threads is out of range or a thread or memory is not
 * to be had. */
int world_set_threads(world *w, int threads);
int world_threads(const world *w);

/* Free w and all it owns; world_free(NULL) does nothing. */
void world_free(world *w);

/* Advance w by one month. */
void world_step(world *w);

int world_month(const world *w);
size_t world_orgs(const world *w);
size_t world_staff(const world *w);
const struct org_obs *world_obs(const world *w, size_t org);
const struct org_history *world_history(const world *w, size_t org);

void world_intervention(const world *w, size_t org, struct org_intervention *out);

/* An organisation's peer ties: how many, and through *peers and *strength
 * its peers' indices and its own investment in each (read-only, valid until
 * the next step). */
size_t world_ties(const world *w, size_t org, const uint32_t **peers, const double **strength);

/* Bytes the world allocated, in total and per staff member. */
size_t world_bytes(const world *w);

/* Bytes world_alloc(p) would allocate, to within the allocator's own
 * overhead, worked out before anything is allocated; SIZE_MAX when the count
 * overflows. */
size_t world_estimate_bytes(const struct params *p);

const char *rating_name(int rating);

#endif
