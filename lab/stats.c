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

void stats_write(FILE *f, const struct running *s)
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
    fprintf(f, "%.6f,%.6f,%.6f", s->mean, s->mean - half, s->mean + half);
}
