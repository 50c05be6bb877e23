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

/* A culture-driven failure: one focal organisation that starts failing (a
 * wrong code, a closed and inward-looking leader, weak ties) in the default
 * sector, intervened in alone, over 180 months. */
void patterns_stuck(struct params *p);

/* The focal organisation's course under one arm, replication by replication. */
struct arm_run {
    int start, first_good, exit, relapse;   /* months, -1 where not reached */
    double commissioner_months;
    double quality[241];                    /* months 0..run.months (at most 240) */
    double voice[241];
};

/* Run reps replications of p with this schedule and exit test; out has reps entries. */
void patterns_arm(const struct params *p, const char *schedule, const char *exit, int reps, struct arm_run *out);
