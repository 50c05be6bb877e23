#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void stats_add(struct running *s, double x)
{
    s->n += 1.0;
    double delta = x - s->mean;
    s->mean += delta / s->n;
    s->m2 += delta * (x - s->mean);
}

void stats_write(FILE *f, const struct running *s, double min, double max)
{
    if (s->n < 1.0) {
        fputs(",,", f);
        return;
    }
    if (s->n < 2.0) {
        fprintf(f, "%.6f,,", s->mean);
        return;
    }
    double half = gsl_cdf_tdist_Pinv(0.975, s->n - 1.0) * sqrt(s->m2 / (s->n - 1.0) / s->n);
    double lo = s->mean - half < min ? min : s->mean - half, hi = s->mean + half > max ? max : s->mean + half;
    fprintf(f, "%.6f,%.6f,%.6f", s->mean, lo, hi);
}

int stats_interval(const struct running *s, double min, double max, int share, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (s->n < (share ? 1.0 : 2.0))
        return -1;
    if (share) {   /* Wilson (1927), z for 95% */
        const double z = 1.959963984540054, n = s->n, p = s->mean;
        double centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        double half = z / (1.0 + z * z / n) * sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n));
        /* None or all: the bound at 0 or 1 is exact, not the rounding
         * error of centre - half (3.5e-16 for 0 of 100). */
        *lo = p == 0.0 ? 0.0 : centre - half;
        *hi = p == 1.0 ? 1.0 : centre + half;
    } else {
        double half = gsl_cdf_tdist_Pinv(0.975, s->n - 1.0) * sqrt(s->m2 / (s->n - 1.0) / s->n);
        *lo = s->mean - half;
        *hi = s->mean + half;
    }
    *lo = *lo < min ? min : *lo > max ? max : *lo;
    *hi = *hi > max ? max : *hi < min ? min : *hi;
    return 0;
}

void stats_number(FILE *f, double v)
{
    if (isnan(v))
        return;
    if (v == 0.0)
        v = 0.0;   /* no "-0" */
    if (fabs(v) >= 1e4)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.4g", v);
}

void stats_write_bounded(FILE *f, const struct running *s, double min, double max, int share)
{
    double lo, hi;
    if (s->n >= 1.0)
        stats_number(f, s->mean);
    stats_interval(s, min, max, share, &lo, &hi);
    fputc(',', f);
    stats_number(f, lo);
    fputc(',', f);
    stats_number(f, hi);
}
