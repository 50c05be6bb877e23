/* Shared set-ups for the statistical tests over replications. */
#ifndef TURNAROUND_TEST_PATTERNS_H
#define TURNAROUND_TEST_PATTERNS_H

#include "params.h"

/* The single-organisation special case that reduces the model to March (1991):
 * one organisation of 50, 30 dimensions, no peers, the benchmark is the true
 * standard, everyone always speaks, a blank code and random members. */
void patterns_march(struct params *p, double p1, double p3, double p4);

/* Mean code knowledge across reps replications, month by month (months + 1
 * values written to out, month 0 first). */
void patterns_code_knowledge(const struct params *p, int reps, double *out);

/* Share of reps replications in which the focal organisation is rated inadequate. */
double patterns_focal_failure_share(const struct params *p, int reps, unsigned long seed_base);

struct failure_stats {
    int failures;
    double mean_gap;          /* perceived - true quality at failure */
    double share_positive;    /* of failures with perceived > true */
    double insularity_before; /* failing organisations, 12 months before failure */
    double insularity_others; /* all organisations in those same months */
};

/* Statistics of every failure in reps replications of p. */
struct failure_stats patterns_failures(const struct params *p, int reps, unsigned long seed_base);

#endif
