#include "sensitivity.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"

/* S_i and ST_i of factor i over the base points idx[0..n). */
static int estimate(const double *y, size_t n, size_t i, const size_t *idx, double *first, double *total)
{
    const double *a = y, *b = y + n, *ab = y + (2 + i) * n;
    double mean = 0.0, var = 0.0, s1 = 0.0, st = 0.0;
    for (size_t j = 0; j < n; j++)
        mean += (a[idx[j]] + b[idx[j]]) / (2.0 * (double)n);
    for (size_t j = 0; j < n; j++) {
        size_t r = idx[j];
        var += ((a[r] - mean) * (a[r] - mean) + (b[r] - mean) * (b[r] - mean)) / (2.0 * (double)n - 1.0);
        s1 += b[r] * (ab[r] - a[r]) / (double)n;
        st += (a[r] - ab[r]) * (a[r] - ab[r]) / (2.0 * (double)n);
    }
    if (!(var > 0.0))
        return -1;
    *first = s1 / var;
    *total = st / var;
    return 0;
}

int sensitivity_morris(const double *y, const double *x, size_t r, size_t k, const double *lo, const double *hi,
                       size_t boot, uint64_t seed, struct morris_index *out)
{
    double *ee = calloc(r * k, sizeof *ee), *mus = malloc((boot ? boot : 1) * sizeof *mus);
    gsl_rng *g = rng_stream_alloc(rng_mix(seed ^ 0x4d4f52ULL), RNG_INIT, 0);
    int rc = -1;
    if (!ee || !mus || !g)
        goto done;
    for (size_t t = 0; t < r; t++)
        for (size_t step = 1; step <= k; step++) {
            const double *a = &x[(t * (k + 1) + step - 1) * k], *b = &x[(t * (k + 1) + step) * k];
            for (size_t i = 0; i < k; i++)
                if (a[i] != b[i] && hi[i] > lo[i]) {
                    double moved = (b[i] - a[i]) / (hi[i] - lo[i]);
                    ee[t * k + i] = (y[t * (k + 1) + step] - y[t * (k + 1) + step - 1]) / moved;
                }
        }
    for (size_t i = 0; i < k; i++) {
        double mu = 0.0, mean = 0.0, m2 = 0.0;
        for (size_t t = 0; t < r; t++) {
            double e = ee[t * k + i];
            mu += fabs(e) / (double)r;
            double dlt = e - mean;
            mean += dlt / (double)(t + 1);
            m2 += dlt * (e - mean);
        }
        out[i].mu_star = mu;
        out[i].sigma = r > 1 ? sqrt(m2 / (double)(r - 1)) : 0.0;
        for (size_t b = 0; b < boot; b++) {
            double s = 0.0;
            for (size_t t = 0; t < r; t++)
                s += fabs(ee[(size_t)gsl_rng_uniform_int(g, r) * k + i]) / (double)r;
            mus[b] = s;
        }
        gsl_sort(mus, 1, boot);
        out[i].mu_star_lo = boot ? gsl_stats_quantile_from_sorted_data(mus, 1, boot, 0.025) : NAN;
        out[i].mu_star_hi = boot ? gsl_stats_quantile_from_sorted_data(mus, 1, boot, 0.975) : NAN;
    }
    rc = 0;
done:
    free(ee);
    free(mus);
    gsl_rng_free(g);
    return rc;
}

int sensitivity_sobol(const double *y, size_t n, size_t k, size_t boot, uint64_t seed, struct sobol_index *out)
{
    size_t *idx = malloc(n * sizeof *idx);
    double *firsts = malloc((boot ? boot : 1) * sizeof *firsts), *totals = malloc((boot ? boot : 1) * sizeof *totals);
    gsl_rng *r = rng_stream_alloc(rng_mix(seed ^ 0x534f424f4cULL), RNG_INIT, 0);
    int rc = -1;
    if (!idx || !firsts || !totals || !r)
        goto done;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < n; j++)
            idx[j] = j;
        if (estimate(y, n, i, idx, &out[i].first, &out[i].total))
            goto done;
        size_t good = 0;
        for (size_t t = 0; t < boot; t++) {
            for (size_t j = 0; j < n; j++)
                idx[j] = (size_t)gsl_rng_uniform_int(r, n);
            if (estimate(y, n, i, idx, &firsts[good], &totals[good]) == 0)
                good++;
        }
        gsl_sort(firsts, 1, good);
        gsl_sort(totals, 1, good);
        out[i].first_lo = good ? gsl_stats_quantile_from_sorted_data(firsts, 1, good, 0.025) : NAN;
        out[i].first_hi = good ? gsl_stats_quantile_from_sorted_data(firsts, 1, good, 0.975) : NAN;
        out[i].total_lo = good ? gsl_stats_quantile_from_sorted_data(totals, 1, good, 0.025) : NAN;
        out[i].total_hi = good ? gsl_stats_quantile_from_sorted_data(totals, 1, good, 0.975) : NAN;
    }
    rc = 0;
done:
    free(idx);
    free(firsts);
    free(totals);
    gsl_rng_free(r);
    return rc;
}
