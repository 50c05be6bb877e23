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

/* sensitivity.csv for a Sobol design: per strategy, outcome and varied
 * parameter, the first-order and total indices of the outcome's mean over
 * replications, with 95% bootstrap intervals. An outcome not defined at
 * every point (say, months to good where some never got there) is left out. */
int sweep_write_analysis(const struct sweep *sw, const char *dir, struct diag *d)
{
    if (sw->design != DESIGN_SOBOL && sw->design != DESIGN_MORRIS)
        return 0;
    char path[1200], err[300];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    struct table t;
    if (table_read(&t, path, err, sizeof err))
        return diag_fail(d, EXIT_INPUT, "%s", err);
    size_t n = sw->samples, k = sw->n_vary;
    double *y = calloc(sw->n_points, sizeof *y);
    struct sobol_index *ix = calloc(k, sizeof *ix);
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    FILE *f = y && ix ? fopen(path, "w") : NULL;
    if (!f) {
        free(y);
        free(ix);
        table_free(&t);
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", path);
    }
    int morris = sw->design == DESIGN_MORRIS;
    double lo[SWEEP_FACTORS_MAX], hi[SWEEP_FACTORS_MAX];
    for (size_t i = 0; i < k; i++) {
        lo[i] = sw->vary[i].min;
        hi[i] = sw->vary[i].max;
    }
    struct morris_index mx[SWEEP_FACTORS_MAX];
    fputs(morris ? "strategy,outcome,param,mu_star,mu_star_lo,mu_star_hi,sigma\n"
                 : "strategy,outcome,param,first,first_lo,first_hi,total,total_lo,total_hi\n",
          f);
    int cp = table_col(&t, "point"), cs = table_col(&t, "strategy");
    for (size_t s = 0; s < sw->n_strategies; s++)
        for (int m = 0; m < OUTCOMES; m++) {
            int col = table_col(&t, sweep_outcome_names[m]), defined = 1;
            for (size_t p = 0; p < sw->n_points; p++)
                y[p] = 0.0;
            for (size_t r = 0; r + 1 < t.rows; r++) {
                if (strcmp(table_text(&t, r, cs), sw->strategies[s]) != 0)
                    continue;
                double v = table_num(&t, r, col);
                size_t p = (size_t)table_num(&t, r, cp);
                if (isnan(v))
                    defined = 0;
                else if (p < sw->n_points)
                    y[p] += v / (double)sw->reps;
            }
            uint64_t seed = (uint64_t)sw->base.p.run_seed;
            if (!defined || (morris ? sensitivity_morris(y, sw->points, n, k, lo, hi, 200, seed, mx)
                                    : sensitivity_sobol(y, n, k, 200, seed, ix)))
                continue;   /* undefined somewhere, or no variation: no indices */
            for (size_t i = 0; i < k; i++) {
                csv_text(f, sw->strategies[s]);
                if (morris)
                    fprintf(f, ",%s,%s,%.6g,%.6g,%.6g,%.6g\n", sweep_outcome_names[m], sw->vary[i].def->path, mx[i].mu_star,
                            mx[i].mu_star_lo, mx[i].mu_star_hi, mx[i].sigma);
                else
                    fprintf(f, ",%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", sweep_outcome_names[m], sw->vary[i].def->path,
                            ix[i].first, ix[i].first_lo, ix[i].first_hi, ix[i].total, ix[i].total_lo, ix[i].total_hi);
            }
        }
    free(y);
    free(ix);
    table_free(&t);
    return sweep_close_checked(f) == 0 ? 0 : diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
}
