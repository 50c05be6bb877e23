/* Calibration recovers known parameters (make check-patterns): targets made
 * by the model itself at known values are calibrated ten times from ten
 * seeds, and the truth must lie inside the 90% posterior interval in at least
 * eight, with every 90% posterior interval narrower than the prior's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abc.h"
#include "support.h"
#include "table.h"

#define RUNS 10

/* The teaching scenario's failing council under a takeover that ends at the
 * first good rating: commissioners' knowledge sets how fast it gets good, the
 * minimum stay how long it stays under intervention. */
static const char *const names[2] = { "intervention.knowledge", "intervention.min_months" };
static const double truth[2] = { 0.8, 18 }, lo[2] = { 0.6, 6 }, hi[2] = { 1.0, 30 };
static const char *const stats[3] = { "mean_months_to_good", "mean_months_under_intervention", "share_exit_within_24" };

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(support_write_file(path, text), 0);
}

static double num(const struct table *t, size_t r, const char *col)
{
    int c = table_col(t, col);
    assert_true(c >= 0);
    return table_num(t, r, c);
}

static void recovery(void **state)
{
    const char *tmp = *state;
    char text[4096], path[1300];
    snprintf(text, sizeof text,
             "base = \"%s/scenarios/teaching.cfg\";\n"
             "intervention = { schedule = \"takeover\"; exit = \"rating\"; };\n",
             support_src());
    write_file(tmp, "s.cfg", text);

    /* The targets: the model at the truth, 60 blocks of 20 replications; the
     * sd of a target is the spread of the statistic from block to block. */
    snprintf(text, sizeof text,
             "calibrate = { scenario = \"s.cfg\"; method = \"rejection\"; particles = 1; proposals = 1; reps = 20;\n"
             "  fit_blocks = 60; seed = 1000;\n"
             "  priors = ( { param = \"%s\"; min = %.17g; max = %.17g; }, { param = \"%s\"; min = %.17g; max = %.17g; } );\n"
             "  targets = ( { stat = \"%s\"; value = 1; sd = 1; }, { stat = \"%s\"; value = 1; sd = 1; },\n"
             "              { stat = \"%s\"; value = 1; sd = 1; } ); };\n",
             names[0], truth[0], truth[0] + 1e-9, names[1], truth[1], truth[1] + 1e-9, stats[0], stats[1], stats[2]);
    write_file(tmp, "truth.cfg", text);
    struct cmd_result r;
    support_run(&r, "'%s' calibrate '%s/truth.cfg' --out '%s/truth' --quiet --no-plot --jobs 2", support_bin(), tmp,
                tmp);
    if (r.status != 0)
        fail_msg("%s", r.err);
    support_result_free(&r);
    snprintf(path, sizeof path, "%s/truth/fit.csv", tmp);
    struct table fit;
    char err[300];
    if (table_read(&fit, path, err, sizeof err))
        fail_msg("%s", err);
    double value[3], sd[3];
    for (size_t s = 0; s < 3; s++) {
        value[s] = num(&fit, s, "model_mean");
        sd[s] = (num(&fit, s, "model_hi") - num(&fit, s, "model_lo")) / 3.92;
        printf("# target %s = %.4g, sd %.3g\n", stats[s], value[s], sd[s]);
        assert_true(sd[s] > 0);
    }
    table_free(&fit);

    int covered[2] = { 0, 0 };
    for (int run = 1; run <= RUNS; run++) {
        snprintf(text, sizeof text,
                 "calibrate = { scenario = \"s.cfg\"; particles = 60; generations = 4; reps = 20; fit_blocks = 2;\n"
                 "  seed = %d;\n"
                 "  priors = ( { param = \"%s\"; min = %g; max = %g; }, { param = \"%s\"; min = %g; max = %g; } );\n"
                 "  targets = ( { stat = \"%s\"; value = %.17g; sd = %.17g; }, { stat = \"%s\"; value = %.17g; sd = %.17g; },\n"
                 "              { stat = \"%s\"; value = %.17g; sd = %.17g; } ); };\n",
                 run, names[0], lo[0], hi[0], names[1], lo[1], hi[1], stats[0], value[0], sd[0], stats[1], value[1],
                 sd[1], stats[2], value[2], sd[2]);
        write_file(tmp, "c.cfg", text);
        char out[64];
        snprintf(out, sizeof out, "run%d", run);
        support_run(&r, "'%s' calibrate '%s/c.cfg' --out '%s/%s' --quiet --no-plot --jobs 2", support_bin(), tmp, tmp,
                    out);
        if (r.status != 0)
            fail_msg("calibration %d: %s", run, r.err);
        support_result_free(&r);
        snprintf(path, sizeof path, "%s/%s/posterior.csv", tmp, out);
        struct table post;
        if (table_read(&post, path, err, sizeof err))
            fail_msg("%s", err);
        size_t n = 0, last = 0;
        for (size_t i = 0; i + 1 < post.rows; i++)
            if (num(&post, i, "generation") > (double)last)
                last = (size_t)num(&post, i, "generation");
        double *x = malloc(post.rows * sizeof *x), *w = malloc(post.rows * sizeof *w);
        printf("# calibration %2d:", run);
        for (int j = 0; j < 2; j++) {
            n = 0;
            for (size_t i = 0; i + 1 < post.rows; i++)
                if ((size_t)num(&post, i, "generation") == last) {
                    x[n] = num(&post, i, names[j]);
                    w[n++] = num(&post, i, "weight");
                }
            double q05 = abc_quantile(x, w, n, 0.05), q50 = abc_quantile(x, w, n, 0.5),
                   q95 = abc_quantile(x, w, n, 0.95);
            int in = truth[j] >= q05 && truth[j] <= q95;
            covered[j] += in;
            printf(" %s %.3g [%.3g, %.3g]%s", names[j], q50, q05, q95, in ? "" : " (misses)");
            /* Narrower than the prior: its own 90% interval is 0.9 of its range. */
            printf(" (%.0f%% of the prior's)", 100.0 * (q95 - q05) / (0.9 * (hi[j] - lo[j])));
            if (!(q95 - q05 < 0.9 * (hi[j] - lo[j])))
                fail_msg("calibration %d: %s's 90%% interval [%g, %g] is not narrower than the prior's", run, names[j],
                         q05, q95);
        }
        printf("\n");
        free(x);
        free(w);
        table_free(&post);
    }
    printf("# the truth inside the 90%% interval: %s %d of %d, %s %d of %d\n", names[0], covered[0], RUNS, names[1],
           covered[1], RUNS);
    assert_true(covered[0] >= 8);
    assert_true(covered[1] >= 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recovery, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests_name("calibration recovers known parameters", tests, NULL, NULL);
}
