/* sensitivity: variance-based (Sobol) indices from a Saltelli design and
 * Morris screening from trajectories, as SALib computes them, with bootstrap
 * intervals, the replication noise floor and degenerate outputs marked. */
#ifndef TURNAROUND_SENSITIVITY_H
#define TURNAROUND_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

/* An output counts as constant when its standard deviation over the design
 * is at most this share of the absolute value of its mean (runs.csv keeps six
 * significant digits, which resolve no finer than 1e-5 of a value), or is 0. */
#define SENSITIVITY_CONSTANT_REL 1e-5

/* 1 when the n values of y are constant in that sense, else 0. */
int sensitivity_constant(const double *y, size_t n);

struct sobol_index {
    /* S_i: conf is SALib's S1_conf, 1.96 times the standard deviation of the
     * bootstrap estimates; lo and hi are first -/+ conf. */
    double first, first_conf, first_lo, first_hi;
    double total, total_conf, total_lo, total_hi;   /* ST_i, likewise */
};

/* y holds one output per point of a Saltelli design of n base points and k
 * factors, in design_points' order, which is SALib's: for each base point j,
 * A_j, AB_j^1 .. AB_j^k, B_j (AB^i is A with factor i taken from B). Writes k
 * indices as SALib.analyze.sobol.analyze(calc_second_order=False) computes
 * them: with Y centred on its mean over the whole design and V the variance
 * (divided by 2n) of the A and B outputs together, first order by Saltelli
 * (2010), mean(B (AB^i - A)) / V, total by Jansen (1999),
 * mean((A - AB^i)^2) / (2 V). The intervals come from `boot` resamples of the
 * base points drawn from seed, the same resamples for every factor. Returns
 * 0; -1 when V is 0 (no index is defined); -2 when memory runs out. */
int sensitivity_sobol(const double *y, size_t n, size_t k, size_t boot, uint64_t seed, struct sobol_index *out);

/* The indices that replication noise alone gives a factor with no effect on
 * the output's expected value. noise_var is the variance of one point's output
 * from noise alone: for a mean over R replications, the mean over points of
 * the replications' variance, over R. Such a factor's AB^i outputs differ from
 * A's by noise only, so its total index has expectation total = noise_var / V
 * (V as above) and its first order index is 0 give or take first = 1.96
 * sqrt(2 total / n) (95%). An index near or below these is not told apart
 * from noise. Returns -1 when V is 0. */
struct sobol_noise {
    double first, total;
};
int sensitivity_sobol_noise(const double *y, size_t n, size_t k, double noise_var, struct sobol_noise *out);

struct morris_index {
    /* mean |elementary effect|, with a 95% interval: SALib's mu_star_conf is
     * 1.96 times the standard deviation of the bootstrap means, and lo and hi
     * are mu_star -/+ conf */
    double mu_star, mu_star_conf, mu_star_lo, mu_star_hi;
    double mu;      /* the mean elementary effect */
    double sigma;   /* their standard deviation (over r - 1; NaN with one trajectory) */
};

/* y holds one output per point of a Morris design of r trajectories of k + 1
 * points; x the points, in the design's units. The elementary effect of the
 * factor a step moves is the change in y over the step's share of the
 * factor's range (lo..hi per factor). Intervals come from resampling whole
 * trajectories. Returns 0, or -2 when memory runs out. */
int sensitivity_morris(const double *y, const double *x, size_t r, size_t k, const double *lo, const double *hi,
                       size_t boot, uint64_t seed, struct morris_index *out);

/* The mu* a factor with no effect gets from noise alone, for steps of 2/3 of
 * the range (the design's): each effect is the difference of two independent
 * noises of variance noise_var (as for sensitivity_sobol_noise) over 2/3, so
 * E|effect| = 2 sqrt(noise_var / pi) / (2/3). */
double sensitivity_morris_noise(double noise_var);

#endif
