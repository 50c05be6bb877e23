/* make validate: each real figure beside the model's, with its interval, from
 * the scenarios as shipped, failing when the model leaves the figure's band.
 * The lines starting with '|' are the table of docs/VALIDATION.md, section 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "table.h"

#define REPS 400

/* A statistic of the intervened organisations of one arm of summary.csv, as
 * calibrate defines it, with its 95% interval: Student's t for a mean, Wilson
 * for a share. */
struct figure {
    double value, lo, hi;
    size_t n;
};

static struct figure mean_of(const double *x, size_t n)
{
    struct figure f = { NAN, NAN, NAN, n };
    if (n < 2)
        return f;
    double s = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        sq += x[i] * x[i];
    }
    double m = s / (double)n, sd = sqrt((sq - (double)n * m * m) / (double)(n - 1));
    f.value = m;
    f.lo = m - 1.97 * sd / sqrt((double)n);
    f.hi = m + 1.97 * sd / sqrt((double)n);
    return f;
}

static struct figure share_of(size_t k, size_t n)
{
    struct figure f = { NAN, NAN, NAN, n };
    if (n == 0)
        return f;
    double p = (double)k / (double)n, z = 1.96, z2 = z * z, d = 1 + z2 / (double)n;
    double centre = (p + z2 / (2.0 * (double)n)) / d,
           half = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / d;
    f.value = p;
    f.lo = centre - half;
    f.hi = centre + half;
    return f;
}

struct stats {
    struct figure stay, within12, relapse;
};

/* Run scenario as shipped (its default intervention) and read its figures. */
static void figures_of(const char *tmp, const char *scenario, struct stats *st)
{
    struct cmd_result r;
    support_run(&r, "'%s' run scenarios/%s.cfg --reps %d --seed 20161 --no-plot --quiet --jobs 2 --out '%s/%s'",
                support_bin(), scenario, REPS, tmp, scenario);
    if (r.status != 0)
        fail_msg("%s: %s", scenario, r.err);
    support_result_free(&r);
    char path[1200], err[300];
    snprintf(path, sizeof path, "%s/%s/summary.csv", tmp, scenario);
    struct table t;
    if (table_read(&t, path, err, sizeof err))
        fail_msg("%s", err);
    snprintf(path, sizeof path, "%s/%s/config.cfg", tmp, scenario);
    char *cfg = support_read_file(path, NULL);
    const char *months_at = strstr(cfg, "\n  months = ");
    assert_non_null(months_at);
    int months = atoi(months_at + 12);
    free(cfg);
    int ci = table_col(&t, "intervened"), cs = table_col(&t, "start_month"), cu = table_col(&t, "months_under_intervention"),
        cr = table_col(&t, "relapsed");
    double *stays = calloc(t.rows, sizeof *stays);
    size_t n_stay = 0, watched = 0, within = 0, relapse_watched = 0, relapsed = 0;
    for (size_t i = 0; i + 1 < t.rows; i++) {
        if (table_num(&t, i, ci) != 1)
            continue;
        double under = table_num(&t, i, cu), start = table_num(&t, i, cs), rel = table_num(&t, i, cr);
        if (!isnan(under))
            stays[n_stay++] = under;
        if (start + 12 <= months) {
            watched++;
            within += !isnan(under) && under <= 12;
        }
        if (!isnan(rel)) {
            relapse_watched++;
            relapsed += rel == 1;
        }
    }
    st->stay = mean_of(stays, n_stay);
    st->within12 = share_of(within, watched);
    st->relapse = share_of(relapsed, relapse_watched);
    free(stays);
    table_free(&t);
}

static int row(const char *figure, const char *real, const char *band, const struct figure *f, int ok)
{
    printf("| %s | %s | %s | %.3g [%.3g, %.3g] (n = %zu) | %s |\n", figure, real, band, f->value, f->lo, f->hi, f->n,
           ok ? "within" : "OUTSIDE");
    return ok;
}

static void nhs_special_measures(void **state)
{
    const char *tmp = *state;
    struct stats st;
    figures_of(tmp, "mid-staffs", &st);
    printf("\n| real figure | real value | band | model (95%% interval) | |\n|---|---|---|---|---|\n");
    int ok = 1;
    ok &= row("NHS special measures: mean months in the regime of the trusts that left (mid-staffs.cfg)",
              "20.5 (HSJ; 20-24 in the brief)", "20 to 24", &st.stay, st.stay.value >= 20 && st.stay.value <= 24);
    ok &= row("the share that left within 12 months", "5 of 27 (0.19)", "0.10 to 0.30", &st.within12,
              st.within12.value >= 0.10 && st.within12.value <= 0.30);
    ok &= row("the share of exits re-rated inadequate within five years", "2 of the first 11 re-entered",
              "above 0", &st.relapse, st.relapse.lo > 0);
    fflush(stdout);
    assert_true(ok);
}

/* One council's stay, so the band is the real stay give or take one of the
 * six-monthly reviews on which commissioners' exits are decided. */
static void doncaster(void **state)
{
    const char *tmp = *state;
    struct stats st;
    figures_of(tmp, "doncaster", &st);
    int ok = row("Doncaster: months under commissioners, capability exit (doncaster.cfg)",
                 "about 48 (2010 to 2014, planned 60)", "42 to 54", &st.stay,
                 st.stay.value >= 42 && st.stay.value <= 54);
    fflush(stdout);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(nhs_special_measures, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(doncaster, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests_name("validation against real figures", tests, NULL, NULL);
}
