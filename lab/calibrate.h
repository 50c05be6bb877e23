/* calibrate: fit a scenario's parameters to observed figures by approximate
 * Bayesian computation (lab/abc.c), each particle a point at which the
 * scenario runs a number of replications, through the same executor as sweeps
 * (--jobs, MPI), written as it goes and resumable after an interruption to the
 * same bytes.
 *
 * The statistics are computed from the same outcomes as summary.csv
 * (lab/outcome.c), pooled over a particle's replications. */
#ifndef TURNAROUND_CALIBRATE_H
#define TURNAROUND_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "abc.h"
#include "diag.h"
#include "settings.h"
#include "signal_flag.h"

/* The statistics a target can name. */
enum calib_stat {
    STAT_MONTHS_UNDER,      /* mean months under intervention of those that exit */
    STAT_EXIT_12,           /* share of those intervened in, watched 12 months, that exit within 12 */
    STAT_EXIT_24,
    STAT_EXIT_36,
    STAT_RELAPSE,           /* share of exits, their window watched, re-rated inadequate within it */
    STAT_MONTHS_TO_GOOD,    /* mean months from the start to the first good rating, of those that get there */
    STAT_FAILING,           /* share of organisations rated inadequate at least once */
    STATS
};

extern const char *const calib_stat_names[STATS];
extern const char *const calib_stat_docs[STATS];

struct calibration {
    char file[1024];
    char *text;                    /* the calibration file, kept with the results */
    struct settings base;          /* the scenario, with --set and the strategy applied */
    struct abc_problem pb;         /* method, priors, targets, sizes (callbacks set when run) */
    const struct param_def *prior[ABC_PARAMS_MAX];
    enum calib_stat target[ABC_STATS_MAX];
    size_t reps, fit_blocks;
};

struct calibrate_options {
    const char *out;
    int jobs, force, resume, quiet, no_plot;
    const char *const *sets;
    size_t n_sets;
};

/* Read a calibration file and the scenario it names. On error fills d,
 * naming the file, line and key. calibrate_free releases it. */
int calibrate_load(struct calibration *c, const char *path, const struct calibrate_options *o, struct diag *d);
void calibrate_free(struct calibration *c);

/* Run the calibration into o->out: runs.csv and fit-runs.csv (every
 * replication), posterior.csv, calibrated.cfg and fit.csv. Returns 0, or -1
 * with d filled (EXIT_INTERRUPTED when stopped: --resume continues). */
int calibrate_run(struct calibration *c, const struct calibrate_options *o, const signal_flag *stop,
                  struct diag *d);

#ifdef TURNAROUND_MPI
/* On an MPI rank other than 0: run the replications rank 0 hands out. */
void calibrate_serve(const struct calibration *c);
#endif

#endif
