/* sweep: many runs over a design of parameter values and strategies,
 * written as they finish, in the same order whatever the parallelism, and
 * resumable after an interruption. */
#ifndef TURNAROUND_SWEEP_H
#define TURNAROUND_SWEEP_H


#include "design.h"
#include "diag.h"
#include "settings.h"
#include "signal_flag.h"

#define SWEEP_FACTORS_MAX 16
#define SWEEP_STRATEGIES_MAX 16

/* The most runs a sweep may have, and the largest reps or samples: 2^53, the
 * largest whole number a double (R's and pandas' number) holds exactly. */
#define SWEEP_RUNS_MAX 9007199254740992.0

struct sweep {
    char file[1024];
    char text[65536];            /* the sweep file, kept with the results */
    struct settings base;        /* the scenario's resolved parameters */
    enum design_kind design;
    size_t samples, reps;
    char strategies[SWEEP_STRATEGIES_MAX][PARAMS_STRING_MAX];
    size_t n_strategies;
    struct factor vary[SWEEP_FACTORS_MAX];
    size_t n_vary;
    double *points;              /* [point * n_vary + factor] */
    size_t n_points;
    int series;                  /* series = true: each run's sector, month by month, in series.csv */
};

struct sweep_options {
    const char *out;
    int jobs, force, resume, quiet, stop_on_error;
    int shard, shards;           /* this process runs the runs r with r % shards == shard - 1 */
    int no_plot;
    const char *const *sets;     /* --set assignments on the scenario */
    size_t n_sets;
    const char *scenario_file;   /* not NULL: load this resolved scenario instead of the sweep's own */
};

/* Read a sweep file (and the scenario it names, with --set applied). On error
 * fills d, naming file, line and key. sweep_free releases it. */
int sweep_load(struct sweep *sw, const char *path, const struct sweep_options *o, struct diag *d);
void sweep_free(struct sweep *sw);

/* The sweep a finished folder holds (its sweep.cfg, with its config.cfg as
 * the scenario), as sweep_load. */
int sweep_load_folder(struct sweep *sw, const char *dir, struct diag *d);

/* The runs of path (a runs.csv) that --resume may keep, every line checked
 * against the sweep: the count, or -1 with d filled naming the line. Cuts
 * off a last line cut short (the one repair). */
long sweep_verify_runs(const struct sweep *sw, const struct sweep_options *o, const char *path, struct diag *d);

/* sensitivity.csv for a Sobol or Morris sweep from dir's runs.csv (nothing
 * for a grid or Latin hypercube). sweep_run calls it for a whole sweep, and
 * merge for the shards joined. */
int sweep_write_analysis(const struct sweep *sw, const char *dir, struct diag *d);

/* Run the sweep into o->out. Returns 0, or -1 with d filled (EXIT_INTERRUPTED
 * when stopped: what finished is on disk, and --resume continues). */
int sweep_run(const struct sweep *sw, const struct sweep_options *o, const signal_flag *stop, struct diag *d);

#ifdef TURNAROUND_MPI
/* On an MPI rank other than 0: wait for rank 0's word, then run the runs it
 * hands out until it says there are no more. */
void sweep_serve(const struct sweep *sw);
#endif

#endif
