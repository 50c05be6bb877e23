/* Shared set-ups for the statistical tests over replications. */
#ifndef TURNAROUND_TEST_PATTERNS_H
#define TURNAROUND_TEST_PATTERNS_H

#include "params.h"

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

/* Run reps replications of p with this schedule and exit test; out has reps
 * entries. The seeds are those of the pattern tests (4242), or seed_base's. */
void patterns_arm(const struct params *p, const char *schedule, const char *exit, int reps, struct arm_run *out);
void patterns_arm_seeded(const struct params *p, const char *schedule, const char *exit, int reps,
                         unsigned long seed_base, struct arm_run *out);
