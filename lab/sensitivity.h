/* sensitivity: variance-based (Sobol) sensitivity indices from a Saltelli
 * design, with bootstrap intervals. */
#ifndef TURNAROUND_SENSITIVITY_H
#define TURNAROUND_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

struct sobol_index {
    double first, first_lo, first_hi;   /* S_i with a 95% bootstrap interval */
    double total, total_lo, total_hi;   /* ST_i */
};

/* y holds one output per point of a Saltelli design of n base points and k
 * factors, in design_points' order: A (n), B (n), then AB_1 .. AB_k (n each),
 * where AB_i is A with factor i taken from B. Writes k indices: first order
 * by Saltelli (2010), total by Jansen (1999), intervals from `boot`
 * resamples of the base points drawn from seed. Returns -1 when the output
 * does not vary or memory runs out. */
int sensitivity_sobol(const double *y, size_t n, size_t k, size_t boot, uint64_t seed, struct sobol_index *out);

struct morris_index {
    double mu_star, mu_star_lo, mu_star_hi;   /* mean |elementary effect|, with a 95% bootstrap interval */
    double sigma;                             /* their standard deviation */
};

/* y holds one output per point of a Morris design of r trajectories of k + 1
 * points; x the points, in the design's units. The elementary effect of the
 * factor a step moves is the change in y over the step's share of the
 * factor's range (lo..hi per factor). Intervals come from resampling whole
 * trajectories. Returns -1 when memory runs out. */
int sensitivity_morris(const double *y, const double *x, size_t r, size_t k, const double *lo, const double *hi,
                       size_t boot, uint64_t seed, struct morris_index *out);

#endif
