#include "sensitivity.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"

/* The two-sided 95% point of the standard normal, as SALib's
 * norm.ppf(0.5 + 0.95 / 2). */
#define Z95 1.959963984540054
#define PI 3.14159265358979323846

int sensitivity_constant(const double *y, size_t n)
{
    double mean = 0.0, m2 = 0.0;
    for (size_t p = 0; p < n; p++) {
        double d = y[p] - mean;
        mean += d / (double)(p + 1);
        m2 += d * (y[p] - mean);
    }
    double sd = n > 0 ? sqrt(m2 / (double)n) : 0.0;
    return !(sd > SENSITIVITY_CONSTANT_REL * fabs(mean));
}

/* The variance, divided by 2n, of the A and B outputs of c (centred) over the
 * base points idx[0..n), as numpy's var of the two together. */
static double var_ab(const double *c, size_t n, size_t k, const size_t *idx)
{
    double mean = 0.0, m2 = 0.0;
    size_t seen = 0;
    for (size_t j = 0; j < n; j++)
        for (int e = 0; e < 2; e++) {
            double v = c[idx[j] * (k + 2) + (e ? k + 1 : 0)];
            double d = v - mean;
            mean += d / (double)++seen;
            m2 += d * (v - mean);
        }
    return m2 / (double)(2 * n);
}

/* S_i and ST_i of factor i over the base points idx[0..n), c centred. */
static int estimate(const double *c, size_t n, size_t k, size_t i, const size_t *idx, double *first, double *total)
{
    double var = var_ab(c, n, k, idx), s1 = 0.0, st = 0.0;
    if (!(var > 0.0))
        return -1;
    for (size_t j = 0; j < n; j++) {
        const double *row = &c[idx[j] * (k + 2)];
        double a = row[0], ab = row[1 + i], b = row[k + 1];
        s1 += b * (ab - a);
        st += (a - ab) * (a - ab);
    }
    *first = s1 / (double)n / var;
    *total = st / (2.0 * (double)n) / var;
    return 0;
}

/* The standard deviation (over n - 1) of v[0..n). */
static double sd_of(const double *v, size_t n)
{
    double mean = 0.0, m2 = 0.0;
    for (size_t b = 0; b < n; b++) {
        double d = v[b] - mean;
        mean += d / (double)(b + 1);
        m2 += d * (v[b] - mean);
    }
    return n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
}

/* y centred on its mean over the whole design (SALib normalises Y so before
 * it splits it): allocated, NULL when memory runs out. */
static double *centred(const double *y, size_t points)
{
    double *c = malloc((points ? points : 1) * sizeof *c), mean = 0.0;
    if (!c)
        return NULL;
    for (size_t p = 0; p < points; p++)
        mean += (y[p] - mean) / (double)(p + 1);
    for (size_t p = 0; p < points; p++)
        c[p] = y[p] - mean;
    return c;
}

int sensitivity_sobol(const double *y, size_t n, size_t k, size_t boot, uint64_t seed, struct sobol_index *out)
{
    double *c = centred(y, n * (k + 2));
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    double *firsts = malloc((boot ? boot : 1) * sizeof *firsts), *totals = malloc((boot ? boot : 1) * sizeof *totals);
    gsl_rng *r = NULL;
    int rc = -2;
    if (!c || !idx || !firsts || !totals || n == 0)
        goto done;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < n; j++)
            idx[j] = j;
        if (estimate(c, n, k, i, idx, &out[i].first, &out[i].total)) {
            rc = -1;
            goto done;
        }
        /* The same resamples for every factor: the stream starts afresh. */
        gsl_rng_free(r);
        if (!(r = rng_stream_alloc(rng_mix(seed ^ 0x534f424f4cULL), RNG_INIT, 0)))
            goto done;
        size_t good = 0;
        for (size_t t = 0; t < boot; t++) {
            for (size_t j = 0; j < n; j++)
                idx[j] = (size_t)gsl_rng_uniform_int(r, n);
            if (estimate(c, n, k, i, idx, &firsts[good], &totals[good]) == 0)
                good++;
        }
        /* A resample whose A and B outputs are all equal has no index; the
         * interval is over the others (SALib's would be NaN). */
        out[i].first_conf = Z95 * sd_of(firsts, good);
        out[i].total_conf = Z95 * sd_of(totals, good);
        out[i].first_lo = out[i].first - out[i].first_conf;
        out[i].first_hi = out[i].first + out[i].first_conf;
        out[i].total_lo = out[i].total - out[i].total_conf;
        out[i].total_hi = out[i].total + out[i].total_conf;
    }
    rc = 0;
done:
    free(c);
    free(idx);
    free(firsts);
    free(totals);
    gsl_rng_free(r);
    return rc;
}

int sensitivity_sobol_noise(const double *y, size_t n, size_t k, double noise_var, struct sobol_noise *out)
{
    double *c = centred(y, n * (k + 2));
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    int rc = -1;
    if (c && idx && n > 0) {
        for (size_t j = 0; j < n; j++)
            idx[j] = j;
        double var = var_ab(c, n, k, idx);
        if (var > 0.0) {
            out->total = noise_var / var;
            out->first = Z95 * sqrt(2.0 * out->total / (double)n);
            rc = 0;
        }
    }
    free(c);
    free(idx);
    return rc;
}

double sensitivity_morris_noise(double noise_var)
{
    return 2.0 * sqrt(noise_var / PI) / (2.0 / 3.0);
}

int sensitivity_morris(const double *y, const double *x, size_t r, size_t k, const double *lo, const double *hi,
                       size_t boot, uint64_t seed, struct morris_index *out)
{
    double *ee = calloc(r * k, sizeof *ee), *mus = malloc((boot ? boot : 1) * sizeof *mus);
    gsl_rng *g = rng_stream_alloc(rng_mix(seed ^ 0x4d4f52ULL), RNG_INIT, 0);
    int rc = -2;
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
        out[i].mu = mean;
        out[i].sigma = r > 1 ? sqrt(m2 / (double)(r - 1)) : NAN;   /* one effect has no spread to measure */
        for (size_t b = 0; b < boot; b++) {
            double s = 0.0;
            for (size_t t = 0; t < r; t++)
                s += fabs(ee[(size_t)gsl_rng_uniform_int(g, r) * k + i]) / (double)r;
            mus[b] = s;
        }
        out[i].mu_star_conf = Z95 * sd_of(mus, boot);
        out[i].mu_star_lo = mu - out[i].mu_star_conf;
        out[i].mu_star_hi = mu + out[i].mu_star_conf;
    }
    rc = 0;
done:
    free(ee);
    free(mus);
    gsl_rng_free(g);
    return rc;
}
