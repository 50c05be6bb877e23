/* abc: approximate Bayesian computation, by rejection or by sequential Monte
 * Carlo (population Monte Carlo, Beaumont, Cornuet, Marin and Robert 2009),
 * with each generation's tolerance the quantile of the previous generation's
 * distances (as in Del Moral, Doucet and Jasra 2012), on a uniform prior over
 * a box. The simulator is a callback, so the algorithm runs the same on a toy
 * model with a known posterior (tests/test_abc.c) as on turnaround.
 *
 * Every random draw of proposal k of generation g comes from a stream of its
 * own, seeded from (seed, g, k), and proposals are simulated in batches of a
 * fixed size and accepted in proposal order, so the result does not depend on
 * how a batch is spread over workers, and a calibration interrupted and
 * resumed makes the same proposals. */
#ifndef TURNAROUND_ABC_H
#define TURNAROUND_ABC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define ABC_PARAMS_MAX 16
#define ABC_STATS_MAX 16

enum abc_method { ABC_REJECTION, ABC_SMC };

/* One generation's accepted particles. theta is [particle * k + parameter]. */
struct abc_population {
    size_t n, k, n_stats;
    double *theta, *weight, *distance, *stats;
    double tolerance;          /* the largest distance accepted (infinity: none set) */
    size_t proposals;          /* proposals simulated to fill it */
};

struct abc_problem {
    enum abc_method method;
    size_t k;                  /* parameters */
    double lo[ABC_PARAMS_MAX], hi[ABC_PARAMS_MAX];   /* the prior box */
    size_t n_stats;
    double observed[ABC_STATS_MAX], sd[ABC_STATS_MAX];
    size_t particles;
    size_t generations;        /* SMC: the rejection generation, then the rest */
    double quantile;           /* of the last distances, the next tolerance (SMC), in (0, 1) */
    size_t proposals;          /* rejection: proposals from the prior */
    size_t max_proposals;      /* SMC: most proposals in one generation before it stops */
    uint64_t seed;
    /* Simulate proposals first .. first + n - 1 of generation gen (from 1),
     * their parameters theta[i * k + j] for i < n, into stats[i * n_stats + s]
     * (NaN where a statistic has no value). Returns 0, or -1 with d filled. */
    int (*simulate)(void *ctx, size_t gen, size_t first, size_t n, const double *theta, double *stats,
                    struct diag *d);
    /* After each generation: its population. Returns 0, or -1 to stop with d filled. */
    int (*generation_done)(void *ctx, size_t gen, const struct abc_population *pop, struct diag *d);
    /* After each batch, for a progress line. May be NULL. */
    void (*progress)(void *ctx, size_t gen, size_t accepted, size_t proposals, double tolerance);
    void *ctx;
};

/* The distance of stats from the observed figures: the root mean square of
 * (stat - observed) / sd; infinity when a statistic has no value. */
double abc_distance(const struct abc_problem *pb, const double *stats);

/* The q-quantile (0 <= q <= 1) of x weighted by w (linear between weighted
 * order statistics; w NULL: equal weights). */
double abc_quantile(const double *x, const double *w, size_t n, double q);

/* The effective sample size of normalised weights: 1 / sum w^2. */
double abc_ess(const double *w, size_t n);

/* Run the calibration. On success out holds the last generation (free it
 * with abc_population_free), and *generations_run says how many ran: fewer
 * than asked when a generation could not be filled within max_proposals,
 * which *stopped_early explains (empty otherwise). Returns 0, or -1 with d
 * filled, having freed what it built. */
int abc_run(const struct abc_problem *pb, struct abc_population *out, size_t *generations_run, char *stopped_early,
            size_t len, struct diag *d);

void abc_population_free(struct abc_population *pop);

#endif
