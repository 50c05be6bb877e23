/* What the files of the sweep layer share (lab/sweep*.c, runscsv.c,
 * resume.c); not for the command line, which uses sweep.h. */
#ifndef TURNAROUND_SWEEP_IMPL_H
#define TURNAROUND_SWEEP_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "sweep.h"

enum { R_FAILED, R_INTERVENED, R_MONTHS_TO_GOOD, R_MONTHS_TO_GOOD_CENSORED, R_SHARE_GOOD, R_RELAPSED, R_MONTHS_UNDER, R_COMMISSIONER, R_INTERIM, R_PEER_DAYS,
       R_FINAL_QUALITY, R_FINAL_CODE, R_FINAL_MARCH, OUTCOMES };
/* The outcomes' names, the columns of runs.csv in this order. months_to_good
 * is the mean over the organisations that got to good (empty when none did);
 * months_to_good_censored the mean over all those intervened in, one that
 * never got there counting the months it was watched (the run's last month
 * less its start); share_good the share of them that got there. */
extern const char *const sweep_outcome_names[OUTCOMES];

/* One run's outcomes, or why it failed. */
struct outcome {
    size_t run;
    int failed;
    double v[OUTCOMES];
    char error[256];
};

/* ---- the design (sweepone.c) */
size_t sweep_runs_total(const struct sweep *sw);
/* Run r is design point p, replication rep and strategy s, in that nesting. */
void sweep_decode(const struct sweep *sw, size_t r, size_t *p, size_t *rep, size_t *s);
uint64_t sweep_run_seed(const struct sweep *sw, size_t p, size_t rep);
/* Run r into out; with series not NULL, the sector month by month into it
 * (series_floats(sw) floats; lab/series.h). */
void sweep_run_one(const struct sweep *sw, size_t r, struct outcome *out, float *series);

/* A sweep's strategy text split into its schedule and its exit test ("" when
 * none), each at most len bytes (sweepfile.c). */
void sweep_split_strategy(const char *text, char *schedule, char *exit, size_t len);

/* ---- runs.csv (runscsv.c) */
#define PREFIX_MAX 4096
size_t sweep_local_total(const struct sweep *sw, const struct sweep_options *o);
size_t sweep_global_run(const struct sweep_options *o, size_t i);
void sweep_write_header(const struct sweep *sw, FILE *f);
void sweep_line_prefix(const struct sweep *sw, size_t r, char *buf);
int sweep_write_line(const struct sweep *sw, FILE *f, const struct outcome *o);
int sweep_close_checked(FILE *f);
int sweep_write_file(const char *dir, const char *name, const char *text, struct diag *d);

/* ---- design.csv (sweepanalysis.c) */
int sweep_write_design(const struct sweep *sw, const char *dir, struct diag *d);

/* ---- --resume (resume.c): whether dir's sweep-info.csv names this shard */
int sweep_resume_check_shard(const struct sweep *sw, const struct sweep_options *o, const char *dir, struct diag *d);

#endif
