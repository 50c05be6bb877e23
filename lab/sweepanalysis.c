/* sweepanalysis: design.csv and sensitivity.csv of a finished sweep. */
#include "sweep_impl.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "sensitivity.h"
#include "table.h"

int sweep_write_design(const struct sweep *sw, const char *dir, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/design.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", path);
    fputs("point", f);
    for (size_t k = 0; k < sw->n_vary; k++)
        fprintf(f, ",%s", sw->vary[k].def->path);
    fputc('\n', f);
    for (size_t p = 0; p < sw->n_points; p++) {
        fprintf(f, "%zu", p);
        for (size_t k = 0; k < sw->n_vary; k++)
            fprintf(f, ",%.10g", sw->points[p * sw->n_vary + k]);
        fputc('\n', f);
    }
    return sweep_close_checked(f) == 0 ? 0 : diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
}

/* One strategy's outcome over the design: each point's mean over its
 * replications, and what stands in the way of indices. */
struct outcome_means {
    double *y;        /* [point]: the mean over the point's replications */
    double *m2;       /* [point]: the replications' sum of squared deviations */
    size_t *count;    /* [point]: replications with a value */
    size_t *seen;     /* [point]: replications in runs.csv */
    int failed, undefined;
};

/* Reads one strategy's outcome (column col) from t. -1, with d filled, when
 * runs.csv does not hold each point's replications once. */
static int gather(const struct sweep *sw, const struct table *t, const char *strategy, int col, struct outcome_means *o,
                  const char *path, struct diag *d)
{
    int cp = table_col(t, "point"), cs = table_col(t, "strategy"), ce = table_col(t, "error");
    for (size_t p = 0; p < sw->n_points; p++) {
        o->y[p] = o->m2[p] = 0.0;
        o->count[p] = o->seen[p] = 0;
    }
    o->failed = o->undefined = 0;
    if (cp < 0 || cs < 0 || ce < 0 || col < 0)
        return diag_fail(d, EXIT_INPUT, "%s: expected the columns point, strategy, error and every outcome of this "
                         "turnaround's sweeps; the file is another's", path);
    for (size_t r = 0; r + 1 < t->rows; r++) {
        if (strcmp(table_text(t, r, cs), strategy) != 0)
            continue;
        double pn = table_num(t, r, cp), v = table_num(t, r, col);
        if (!(pn >= 0 && pn < (double)sw->n_points) || pn != floor(pn))
            return diag_fail(d, EXIT_INPUT, "%s:%zu: expected a point from 0 to %zu, found '%s'", path, r + 2,
                             sw->n_points - 1, table_text(t, r, cp));
        size_t p = (size_t)pn;
        o->seen[p]++;
        if (isnan(v)) {
            if (table_text(t, r, ce)[0])
                o->failed = 1;
            else
                o->undefined = 1;
            continue;
        }
        double dlt = v - o->y[p];
        o->y[p] += dlt / (double)++o->count[p];
        o->m2[p] += dlt * (v - o->y[p]);
    }
    for (size_t p = 0; p < sw->n_points; p++)
        if (o->seen[p] != sw->reps)
            return diag_fail(d, EXIT_INPUT, "%s: expected %zu replications of point %zu under strategy '%s', found %zu; "
                             "the sweep is not complete", path, sw->reps, p, strategy, o->seen[p]);
    return 0;
}

/* The noise variance of a point's mean: the replications' variance, averaged
 * over the points, over the replications; NaN with one replication. */
static double noise_var(const struct sweep *sw, const struct outcome_means *o)
{
    if (sw->reps < 2)
        return NAN;
    double v = 0.0;
    for (size_t p = 0; p < sw->n_points; p++)
        v += o->m2[p] / (double)(sw->reps - 1) / (double)sw->n_points;
    return v / (double)sw->reps;
}

static void number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.6g", v);
    else
        fputc(',', f);
}

/* sensitivity.csv for a Sobol or Morris design: per strategy, outcome and
 * varied parameter, a status and the indices of the outcome's mean over
 * replications as SALib computes them, with 95% bootstrap intervals and the
 * replication noise floor (see README.md). An outcome that is constant, or
 * not defined at every point, has its status and empty indices. */
int sweep_write_analysis(const struct sweep *sw, const char *dir, struct diag *d)
{
    if (sw->design != DESIGN_SOBOL && sw->design != DESIGN_MORRIS)
        return 0;
    char path[1200], runs[1200], err[300];
    snprintf(runs, sizeof runs, "%s/runs.csv", dir);
    struct table t;
    if (table_read(&t, runs, err, sizeof err))
        return diag_fail(d, EXIT_INPUT, "%s", err);
    size_t n = sw->samples, k = sw->n_vary, np = sw->n_points;
    struct outcome_means o = { calloc(np, sizeof(double)), calloc(np, sizeof(double)), calloc(np, sizeof(size_t)),
                               calloc(np, sizeof(size_t)), 0, 0 };
    struct sobol_index *ix = calloc(k, sizeof *ix);
    struct morris_index *mx = calloc(k, sizeof *mx);
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    int rc = 0;
    if (!o.y || !o.m2 || !o.count || !o.seen || !ix || !mx) {
        rc = diag_fail(d, EXIT_INPUT, "out of memory for '%s'", path);
        goto done;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        rc = diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
        goto done;
    }
    int morris = sw->design == DESIGN_MORRIS;
    double lo[SWEEP_FACTORS_MAX], hi[SWEEP_FACTORS_MAX];
    for (size_t i = 0; i < k; i++) {
        lo[i] = sw->vary[i].min;
        hi[i] = sw->vary[i].max;
    }
    fputs(morris ? "strategy,outcome,param,status,mu_star,mu_star_conf,mu_star_lo,mu_star_hi,mu,sigma,noise_mu_star\n"
                 : "strategy,outcome,param,status,first,first_conf,first_lo,first_hi,total,total_conf,total_lo,total_hi,"
                   "noise_first,noise_total\n",
          f);
    uint64_t seed = (uint64_t)sw->base.p.run_seed;
    for (size_t s = 0; s < sw->n_strategies && !rc; s++)
        for (int m = 0; m < OUTCOMES && !rc; m++) {
            if (gather(sw, &t, sw->strategies[s], table_col(&t, sweep_outcome_names[m]), &o, runs, d)) {
                rc = -1;
                break;
            }
            const char *status = "ok";
            struct sobol_noise nf = { NAN, NAN };
            double nv = noise_var(sw, &o), nmu = NAN;
            if (o.failed)
                status = "failed";
            else if (o.undefined)
                status = "undefined";
            else if (sensitivity_constant(o.y, np))
                status = "constant";
            else {
                int e = morris ? sensitivity_morris(o.y, sw->points, n, k, lo, hi, 1000, seed, mx)
                               : sensitivity_sobol(o.y, n, k, 1000, seed, ix);
                if (e == -2) {
                    rc = diag_fail(d, EXIT_INPUT, "out of memory for the indices of '%s'", path);
                    break;
                }
                if (e == -1)
                    status = "constant";   /* no variance over the A and B points, which the indices divide by */
            }
            if (strcmp(status, "ok") == 0 && !isnan(nv)) {
                if (morris)
                    nmu = sensitivity_morris_noise(nv);
                else if (sensitivity_sobol_noise(o.y, n, k, nv, &nf))
                    nf.first = nf.total = NAN;
            }
            int ok = strcmp(status, "ok") == 0;
            for (size_t i = 0; i < k; i++) {
                csv_text(f, sw->strategies[s]);
                fprintf(f, ",%s,%s,%s", sweep_outcome_names[m], sw->vary[i].def->path, status);
                if (morris) {
                    const struct morris_index *e = &mx[i];
                    double v[] = { e->mu_star, e->mu_star_conf, e->mu_star_lo, e->mu_star_hi, e->mu, e->sigma, nmu };
                    for (size_t c = 0; c < sizeof v / sizeof v[0]; c++)
                        number(f, ok ? v[c] : NAN);
                } else {
                    const struct sobol_index *e = &ix[i];
                    double v[] = { e->first, e->first_conf, e->first_lo, e->first_hi, e->total,  e->total_conf,
                                   e->total_lo, e->total_hi, nf.first, nf.total };
                    for (size_t c = 0; c < sizeof v / sizeof v[0]; c++)
                        number(f, ok ? v[c] : NAN);
                }
                fputc('\n', f);
            }
        }
    if (sweep_close_checked(f) != 0 && !rc)
        rc = diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    if (rc)
        remove(path);   /* no half-written file to be read as the analysis */
done:
    free(o.y);
    free(o.m2);
    free(o.count);
    free(o.seen);
    free(ix);
    free(mx);
    table_free(&t);
    return rc;
}
