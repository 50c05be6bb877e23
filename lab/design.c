#include "design.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "checked.h"
#include "rng.h"

static size_t levels_of(const struct factor *f)
{
    return f->n_values ? f->n_values : (size_t)(f->levels > 1 ? f->levels : 1);
}

static double level(const struct factor *f, size_t k)
{
    if (f->n_values)
        return f->values[k];
    size_t n = levels_of(f);
    return n == 1 ? f->min : f->min + (f->max - f->min) * (double)k / (double)(n - 1);
}

/* Whole-number parameters take whole values. */
static double fit(const struct factor *f, double x)
{
    return f->def->type == PARAM_REAL ? x : round(x);
}

/* A factor's value at u in [0, 1): a list's value by its strata, or the range's point. */
static double at(const struct factor *f, double u)
{
    return fit(f, f->n_values ? f->values[(size_t)(u * (double)f->n_values)] : f->min + u * (f->max - f->min));
}

static double *saltelli(const struct factor *f, size_t k, size_t n, size_t *n_points)
{
    if (k == 0 || 2 * k > 40)
        return NULL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double *x = malloc(n * (k + 2) * k * sizeof *x);
    double u[40];
    if (!q || !x) {
        gsl_qrng_free(q);
        free(x);
        return NULL;
    }
    /* As SALib does, skip the sequence's first points (the origin, then
     * points such as (1/2, ..., 1/2) where A and B coincide): as many as the
     * power of 2 at or above n, and at least 16. */
    size_t skip = 16;
    while (skip < n && skip <= SIZE_MAX / 2)
        skip *= 2;
    for (size_t j = 0; j < skip; j++)
        gsl_qrng_get(q, u);
    /* SALib's order (SALib.sample.saltelli without second order): for each
     * base point j, A_j, then AB_j^1 .. AB_j^k (A_j with factor m from B_j),
     * then B_j; k + 2 rows a base point. */
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, u);
        double *row = &x[j * (k + 2) * k];
        for (size_t i = 0; i < k; i++) {
            row[i] = at(&f[i], u[i]);                        /* A */
            row[(k + 1) * k + i] = at(&f[i], u[k + i]);      /* B */
        }
        for (size_t m = 0; m < k; m++)                       /* AB_m: A, with factor m from B */
            for (size_t i = 0; i < k; i++)
                row[(1 + m) * k + i] = at(&f[i], i == m ? u[k + i] : u[i]);
    }
    gsl_qrng_free(q);
    *n_points = n * (k + 2);
    return x;
}

static double *morris(const struct factor *f, size_t k, size_t r, uint64_t seed, size_t *n_points)
{
    const double levels = 4.0, delta = levels / (2.0 * (levels - 1.0));   /* 2/3 of the range */
    gsl_rng *g = rng_stream_alloc(rng_mix(seed ^ 0x4d4f52524953ULL), RNG_INIT, 0);
    double *x = malloc(r * (k + 1) * k * sizeof *x), *u = malloc(k * sizeof *u);
    size_t *order = malloc(k * sizeof *order);
    if (!g || !x || !u || !order) {
        gsl_rng_free(g);
        free(x);
        free(u);
        free(order);
        return NULL;
    }
    for (size_t t = 0; t < r; t++) {
        /* A start from which every step of +-delta stays on the grid. */
        for (size_t i = 0; i < k; i++)
            u[i] = (double)gsl_rng_uniform_int(g, 2) / (levels - 1.0);
        for (size_t i = 0; i < k; i++)
            order[i] = i;
        gsl_ran_shuffle(g, order, k, sizeof *order);
        for (size_t step = 0; step <= k; step++) {
            if (step > 0) {
                size_t i = order[step - 1];
                u[i] = u[i] + delta <= 1.0 + 1e-12 ? u[i] + delta : u[i] - delta;
            }
            for (size_t i = 0; i < k; i++)
                x[(t * (k + 1) + step) * k + i] = fit(&f[i], f[i].min + u[i] * (f[i].max - f[i].min));
        }
    }
    gsl_rng_free(g);
    free(u);
    free(order);
    *n_points = r * (k + 1);
    return x;
}

int design_size(enum design_kind kind, const struct factor *f, size_t n_factors, size_t samples, size_t *n_points)
{
    size_t n = 1, bytes;
    switch (kind) {
    case DESIGN_SOBOL:
        if (checked_mul(samples, n_factors + 2, &n))
            return -1;
        break;
    case DESIGN_MORRIS:
        if (checked_mul(samples, n_factors + 1, &n))
            return -1;
        break;
    case DESIGN_GRID:
        for (size_t k = 0; k < n_factors; k++)
            if (checked_mul(n, levels_of(&f[k]), &n))
                return -1;
        break;
    case DESIGN_LHS:
        n = samples;
        break;
    }
    /* The points are held as doubles, [point * n_factors + factor]. */
    if (checked_mul3(n, n_factors ? n_factors : 1, sizeof(double), &bytes))
        return -1;
    *n_points = n;
    return 0;
}

double *design_points(enum design_kind kind, const struct factor *f, size_t n_factors, size_t samples,
                      uint64_t seed, size_t *n_points)
{
    size_t n;
    if (design_size(kind, f, n_factors, samples, &n))
        return NULL;
    if (kind == DESIGN_SOBOL)
        return saltelli(f, n_factors, samples, n_points);
    if (kind == DESIGN_MORRIS)
        return morris(f, n_factors, samples, seed, n_points);
    size_t cells = n * n_factors;   /* checked by design_size */
    double *x = malloc((cells > 0 ? cells : 1) * sizeof *x);
    if (!x)
        return NULL;
    *n_points = n;
    if (kind == DESIGN_GRID) {
        for (size_t p = 0; p < n; p++) {
            size_t rest = p;
            for (size_t k = n_factors; k-- > 0;) {
                size_t m = levels_of(&f[k]);
                x[p * n_factors + k] = fit(&f[k], level(&f[k], rest % m));
                rest /= m;
            }
        }
        return x;
    }
    gsl_rng *r = rng_stream_alloc(rng_mix(seed ^ 0x4445534947ULL), RNG_INIT, 0);
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    if (!r || !perm) {
        gsl_rng_free(r);
        free(perm);
        free(x);
        return NULL;
    }
    for (size_t k = 0; k < n_factors; k++) {
        for (size_t p = 0; p < n; p++)
            perm[p] = p;
        gsl_ran_shuffle(r, perm, n, sizeof *perm);
        for (size_t p = 0; p < n; p++) {
            double u = ((double)perm[p] + gsl_rng_uniform(r)) / (double)n;
            double v = f[k].n_values ? f[k].values[(size_t)(u * (double)f[k].n_values)]
                                     : f[k].min + u * (f[k].max - f[k].min);
            x[p * n_factors + k] = fit(&f[k], v);
        }
    }
    gsl_rng_free(r);
    free(perm);
    return x;
}
