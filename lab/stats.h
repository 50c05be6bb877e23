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

/* Write "mean,lo,hi" for s: a t-based 95% interval for the mean, clipped to
 * the measure's range [min, max]; lo and hi are empty when fewer than two
 * values were added, all three when none. */
void stats_write(FILE *f, const struct running *s, double min, double max);

/* A 95% interval for s's mean kept within the outcome's range [min, max]:
 * with share set (every value 0 or 1) the Wilson score interval, which never
 * leaves [0, 1]; otherwise the t interval of stats_write, clipped to the
 * range. Returns 0, or -1 (lo and hi NaN) when fewer than two values (one
 * for a share) were added. */
int stats_interval(const struct running *s, double min, double max, int share, double *lo, double *hi);

/* A number as the summary tables write it: four significant digits, whole
 * numbers from 10,000 up, no exponent; nothing for NaN. */
void stats_number(FILE *f, double v);

/* "mean,lo,hi" for s with stats_interval and stats_number. */
void stats_write_bounded(FILE *f, const struct running *s, double min, double max, int share);

#endif
