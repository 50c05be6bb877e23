/* run: replications of one or more arms (strategies), and the results files
 * they make. Every arm runs on the same replications with the same seeds
 * (common random numbers), so arms are identical until the first
 * intervention and their differences are paired. */
#ifndef TURNAROUND_RUN_H
#define TURNAROUND_RUN_H


#include "diag.h"
#include "params.h"
#include "results.h"
#include "signal_flag.h"

/* Someone watching the first replication of each arm month by month (the
 * live view): the focal organisation's quality, or the sector mean's. */
struct run_watch {
    void (*month)(void *ctx, size_t arm, int month, double quality, double perceived);
    void *ctx;
};

struct arm {
    struct params p;   /* the run's parameters with this arm's intervention.schedule */
};

/* Run p.run_reps replications of each arm and write config.cfg,
 * trajectories.csv, summary.csv, replications.csv, means.csv, failures.csv
 * and, with more than one arm, comparison.csv into r, simulating jobs
 * replications at a time in threads (the output is the same for any jobs;
 * a watcher needs jobs 1), each replication's organisations stepped in
 * threads threads (world_alloc_threads: the same output for any number). Stops early, reporting
 * EXIT_INTERRUPTED, when *stop becomes non-zero. Progress goes to stderr
 * unless quiet. On error fills d and returns -1; the caller aborts r. */
int run_arms(const struct arm *arms, int n_arms, struct results *r, int quiet, int jobs, int threads,
             const signal_flag *stop, const struct run_watch *watch, struct diag *d);

/* Split "a; b; c" into arms built on base (at most max). Returns the number,
 * or -1 with d filled. "all" gives none and every single strategy. */
int run_parse_arms(const struct params *base, const char *list, struct arm *arms, int max, struct diag *d);

#endif
