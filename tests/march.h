/* March (1991) docking: the project's March special case, run through the
 * library as scenarios/march-1991.cfg ships it, against the independent
 * reference implementation's figures (tests/reference/march_reference.tsv,
 * written by tests/reference/grid.py). */
#ifndef TURNAROUND_TEST_MARCH_H
#define TURNAROUND_TEST_MARCH_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* One cell of the reference table: what was run, and March's knowledge of the
 * code at `period` over `reps` replications. */
struct march_cell {
    char experiment[16], variant[16];
    double p1, p2, p3, p4, slow_share, slow_p1;
    int period, reps;
    double mean, sd;
};

/* The reference table, loaded once; the test fails when it cannot be read. */
const struct march_cell *march_reference(size_t *n);

/* The reference cell of this experiment and variant with these parameters,
 * or NULL. */
const struct march_cell *march_find(const char *experiment, const char *variant, double p1, double p2, double p3,
                                    double p4, double slow_share, int period);

/* The March special case as scenarios/march-1991.cfg ships it, with the cell's
 * parameters (p1, p2, p3, p4 and the slow socialisers) and months = period. */
void march_params(struct params *p, const struct march_cell *c);

/* The project's figure for the reference cell ref: reps replications from
 * seed, mean and sd of march_knowledge at ref->period (in out, whose
 * parameters are ref's). */
void march_run(const struct march_cell *ref, int reps, uint64_t seed, struct march_cell *out);

/* Dock one cell: run it, print project, reference, difference and z as a
 * Markdown table row, and fail unless they agree within 0.02 with |z| < 4
 * (z: the difference over its standard error, both sides' noise counted). */
void march_dock(const struct march_cell *ref, int reps, uint64_t seed, struct march_cell *out);

/* Assert a - b > 0 with at least 4 standard errors (a claim about the
 * project's own figures); prints it. */
void march_claim_greater(const char *what, const struct march_cell *a, const struct march_cell *b);

#endif
