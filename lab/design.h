/* design: the points of a sweep's experimental design. */
#ifndef TURNAROUND_DESIGN_H
#define TURNAROUND_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

#define FACTOR_VALUES_MAX 256

/* A varied parameter: a list of values, or a continuous range [min, max]. */
struct factor {
    const struct param_def *def;
    size_t n_values;              /* 0: continuous */
    double values[FACTOR_VALUES_MAX];
    double min, max;
    int levels;                   /* for a continuous factor in a grid */
};

enum design_kind { DESIGN_GRID, DESIGN_LHS, DESIGN_SOBOL, DESIGN_MORRIS };

/* The design's points, [point * n_factors + factor], allocated; *n_points is
 * set. A grid crosses every factor's values (the first factor slowest); a
 * Latin hypercube takes samples points, each factor's range cut into samples
 * strata used once each, in an order drawn from seed. A Sobol design is
 * Saltelli's: samples base points from a Sobol sequence in 2k dimensions (its
 * first points skipped as SALib skips them: the power of 2 at or above
 * samples, at least 16) give
 * matrices A and B, then each AB_i (A with factor i from B): samples x (k + 2)
 * points in SALib's order (SALib.sample.saltelli with calc_second_order =
 * False): for each base point j, A_j, AB_j^1 .. AB_j^k, B_j (see
 * sensitivity.h). At most 20 factors. A Morris design is samples trajectories of k + 1 points on a
 * 4-level grid of each range, each step moving one factor (in random order) by
 * 2/3 of its range: samples x (k + 1) points, trajectory after trajectory;
 * its factors must be ranges (min, max). Returns NULL when memory runs out
 * or the design's size overflows. */
/* The number of points a design would have, in *n_points; -1 when that
 * number, or the memory to hold the points as doubles, overflows a size_t.
 * design_points calls it first, so its products cannot wrap. */
int design_size(enum design_kind kind, const struct factor *f, size_t n_factors, size_t samples, size_t *n_points);

double *design_points(enum design_kind kind, const struct factor *f, size_t n_factors, size_t samples,
                      uint64_t seed, size_t *n_points);

#endif
