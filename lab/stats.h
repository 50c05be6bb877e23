/* stats: running means with 95% confidence intervals, in constant memory. */
#ifndef TURNAROUND_STATS_H
#define TURNAROUND_STATS_H

#include <stddef.h>
#include <stdio.h>

struct running {
    double n, mean, m2;
};

/* Add x to a running mean and variance (Welford). */
void stats_add(struct running *s, double x);

/* Write "mean,lo,hi" for s: a t-based 95% interval for the mean; lo and hi
 * are empty when fewer than two values were added, all three when none. */
void stats_write(FILE *f, const struct running *s);

#endif
