/* run: replications of one parameter set, and the results files they make. */
#ifndef TURNAROUND_RUN_H
#define TURNAROUND_RUN_H

#include <signal.h>

#include "diag.h"
#include "params.h"
#include "results.h"

/* Run p.run_reps replications and write config.cfg, trajectories.csv,
 * summary.csv, replications.csv, means.csv and failures.csv into r. Stops
 * early, reporting EXIT_INTERRUPTED, when *stop becomes non-zero. Progress goes
 * to stderr unless quiet. On error fills d and returns -1; the caller aborts r. */
int run_replications(const struct params *p, struct results *r, int quiet, const volatile sig_atomic_t *stop,
                     struct diag *d);

#endif
