/* Sensitivity indices against SALib's estimators, written again in Python
 * (tests/reference/salib_estimators.py), and against known answers: the
 * Ishigami function's analytic indices (with a = 7, b = 0.1 and each factor
 * uniform on [-pi, pi], S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
 * 0.2437)) far from zero (plus 1000) and with a dummy factor; the noise floor;
 * constant and undefined outcomes; and a real model sweep's sensitivity.csv
 * against the reference reading its design.csv and runs.csv as SALib would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "sensitivity.h"
#include "support.h"
#include "table.h"

#define PI 3.14159265358979323846
#define PYTHON "/usr/bin/python3"

static const double ishigami_first[3] = { 0.3139, 0.4424, 0.0 }, ishigami_total[3] = { 0.5576, 0.4424, 0.2437 };

static double ishigami(const double *v)
{
    return sin(v[0]) + 7.0 * sin(v[1]) * sin(v[1]) + 0.1 * pow(v[2], 4) * sin(v[0]);
}

/* A Sobol design of n base points over x1..x3 in [-pi, pi] and x4, a dummy
 * no output depends on, in [0, 1]. */
static double *ishigami_design(size_t n, size_t *points)
{
    static struct param_def def = { "x", PARAM_REAL, 0, 0.0, -PI, PI, NULL, "", "an Ishigami input", NULL };
    struct factor f[4];
    for (int i = 0; i < 4; i++)
        f[i] = (struct factor){ .def = &def, .min = i < 3 ? -PI : 0.0, .max = i < 3 ? PI : 1.0 };
    double *x = design_points(DESIGN_SOBOL, f, 4, n, 1, points);
    assert_non_null(x);
    assert_int_equal(*points, n * 6);
    return x;
}

/* Within tol, relative to the larger, or both below floor. */
static int near(double a, double b, double tol, double floor)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b)) || (fabs(a) <= floor && fabs(b) <= floor);
}

/* The indices of Ishigami + 1000 (mean far above the spread: the case an
 * uncentred estimator got wrong) match the reference's to 1e-9 and its
 * intervals to within 20%, and the analytic indices within 0.03; the dummy's
 * S1 and ST are 0 and their intervals contain 0. */
static void ishigami_offset_matches_reference(void **state)
{
    const char *tmp = *state;
    size_t n = 4096, points;
    double *x = ishigami_design(n, &points);
    double *y = malloc(points * sizeof *y);
    char path[1200];
    snprintf(path, sizeof path, "%s/design.csv", tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("point,x1,x2,x3,x4\n", f);
    for (size_t p = 0; p < points; p++) {
        y[p] = ishigami(&x[p * 4]) + 1000.0;
        fprintf(f, "%zu,%.17g,%.17g,%.17g,%.17g\n", p, x[p * 4], x[p * 4 + 1], x[p * 4 + 2], x[p * 4 + 3]);
    }
    assert_int_equal(fclose(f), 0);
    struct sobol_index ix[4];
    assert_int_equal(sensitivity_sobol(y, n, 4, 1000, 42, ix), 0);
    support_sh("cd '%s' && " PYTHON " '%s/tests/reference/salib_estimators.py' ishigami design.csv --offset 1000 "
               "> ref.csv", tmp, support_src());
    snprintf(path, sizeof path, "%s/ref.csv", tmp);
    struct table t;
    char err[300];
    if (table_read(&t, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(t.rows, 5);
    int c1 = table_col(&t, "first"), c1c = table_col(&t, "first_conf"), ct = table_col(&t, "total"),
        ctc = table_col(&t, "total_conf");
    for (int i = 0; i < 4; i++) {
        double rf = table_num(&t, (size_t)i, c1), rt = table_num(&t, (size_t)i, ct);
        print_message("x%d: S1 %.5f +- %.5f (reference %.5f +- %.5f), ST %.5f +- %.5f (reference %.5f +- %.5f)\n",
                      i + 1, ix[i].first, ix[i].first_conf, rf, table_num(&t, (size_t)i, c1c), ix[i].total,
                      ix[i].total_conf, rt, table_num(&t, (size_t)i, ctc));
        assert_close(ix[i].first, rf, 1e-9);
        assert_close(ix[i].total, rt, 1e-9);
        /* Bootstrap half-widths from different random resamples (1000 here,
         * 2000 there): each within about 3% of its limit, so 20% is wide. */
        if (!near(ix[i].first_conf, table_num(&t, (size_t)i, c1c), 0.2, 1e-12)
            || !near(ix[i].total_conf, table_num(&t, (size_t)i, ctc), 0.2, 1e-12))
            fail_msg("x%d: the intervals differ from the reference's by more than 20%%", i + 1);
        assert_close(ix[i].first_lo, ix[i].first - ix[i].first_conf, 1e-12);
        assert_close(ix[i].total_hi, ix[i].total + ix[i].total_conf, 1e-12);
        if (i < 3) {
            /* 0.03: about three standard errors at 4096 base points. */
            assert_close(ix[i].first, ishigami_first[i], 0.03);
            assert_close(ix[i].total, ishigami_total[i], 0.03);
            assert_true(ix[i].first_conf > 0.0 && ix[i].first_conf < 0.1);
        }
    }
    /* The dummy: AB^4 = A, so both estimates are exactly 0. */
    assert_true(ix[3].first_lo <= 0.0 && ix[3].first_hi >= 0.0 && fabs(ix[3].first) < 1e-12);
    assert_true(ix[3].total_lo <= 0.0 && ix[3].total_hi >= 0.0 && fabs(ix[3].total) < 1e-12);
    table_free(&t);
    free(x);
    free(y);
}

/* The indices do not move when the output is shifted: the same to 1e-9 for
 * Ishigami and Ishigami + 1e6 (the uncentred first-order estimator moved by
 * the offset times the mean of AB - A). */
static void indices_do_not_depend_on_the_offset(void **state)
{
    (void)state;
    size_t n = 1024, points;
    double *x = ishigami_design(n, &points), *y = malloc(points * sizeof *y), *z = malloc(points * sizeof *z);
    for (size_t p = 0; p < points; p++) {
        y[p] = ishigami(&x[p * 4]);
        z[p] = y[p] + 1e6;
    }
    struct sobol_index a[4], b[4];
    assert_int_equal(sensitivity_sobol(y, n, 4, 100, 5, a), 0);
    assert_int_equal(sensitivity_sobol(z, n, 4, 100, 5, b), 0);
    for (int i = 0; i < 4; i++) {
        assert_close(a[i].first, b[i].first, 1e-8);
        assert_close(a[i].total, b[i].total, 1e-8);
        assert_close(a[i].first_conf, b[i].first_conf, 1e-8);
    }
    free(x);
    free(y);
    free(z);
}

/* Replication noise: Ishigami + 1000 plus normal noise (sd 1.5) in each of 4
 * replications a point, the indices of the points' means. The dummy x4 has no
 * effect, so its total index is noise alone: the noise floor (noise variance
 * 1.5^2 / 4 over V = 13.845 + 1.5^2 / 4, about 0.039) predicts it, and its
 * first-order index lies within the floor's bound around 0. */
static void noise_floor_predicts_a_dummy(void **state)
{
    (void)state;
    size_t n = 4096, points, reps = 4;
    const double sd = 1.5;
    double *x = ishigami_design(n, &points), *y = malloc(points * sizeof *y), within = 0.0;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2024);
    for (size_t p = 0; p < points; p++) {
        double f = ishigami(&x[p * 4]) + 1000.0, mean = 0.0, m2 = 0.0;
        for (size_t r = 0; r < reps; r++) {
            double v = f + gsl_ran_gaussian(g, sd), dlt = v - mean;
            mean += dlt / (double)(r + 1);
            m2 += dlt * (v - mean);
        }
        y[p] = mean;
        within += m2 / (double)(reps - 1) / (double)points;
    }
    gsl_rng_free(g);
    struct sobol_index ix[4];
    struct sobol_noise nf;
    assert_int_equal(sensitivity_sobol(y, n, 4, 1000, 8, ix), 0);
    assert_int_equal(sensitivity_sobol_noise(y, n, 4, within / (double)reps, &nf), 0);
    double expect = sd * sd / (double)reps / (13.845 + sd * sd / (double)reps);
    print_message("noise floor: total %.4f (expected %.4f), first +- %.4f; dummy S1 %.4f +- %.4f, ST %.4f +- %.4f\n",
                  nf.total, expect, nf.first, ix[3].first, ix[3].first_conf, ix[3].total, ix[3].total_conf);
    /* The estimated within-point variance: within 5% (sd of its estimate 1.3%). */
    assert_true(fabs(nf.total - expect) < 0.05 * expect);
    /* The dummy's ST estimates the floor (its sd is sqrt(2 / n) of it, 2.2%). */
    assert_true(fabs(ix[3].total - nf.total) < 0.1 * nf.total);
    assert_true(ix[3].total_lo <= nf.total && nf.total <= ix[3].total_hi);
    assert_true(fabs(ix[3].first) < nf.first);
    assert_true(ix[3].first_lo <= 0.0 && 0.0 <= ix[3].first_hi);
    /* The bound is the dummy's own spread: the bootstrap half-width agrees within 30%. */
    assert_true(near(nf.first, ix[3].first_conf, 0.3, 0.0));
    /* The real factors stand out: x2's ST is far above the floor. */
    assert_true(ix[1].total_lo > 5.0 * nf.total);
    free(x);
    free(y);
}

/* Constant outputs are told apart from varying ones at the documented
 * threshold: a standard deviation of at most 1e-5 of the mean. */
static void constant_outputs(void **state)
{
    (void)state;
    double y[64];
    for (int p = 0; p < 64; p++)
        y[p] = 8.0;
    assert_int_equal(sensitivity_constant(y, 64), 1);
    for (int p = 0; p < 64; p++)
        y[p] = 1000.0 + 1e-4 * (p % 2 ? 1 : -1);   /* sd 1e-4: 1e-7 of the mean */
    assert_int_equal(sensitivity_constant(y, 64), 1);
    for (int p = 0; p < 64; p++)
        y[p] = 1000.0 + 0.1 * (p % 2 ? 1 : -1);    /* sd 0.1: 1e-4 of the mean */
    assert_int_equal(sensitivity_constant(y, 64), 0);
    for (int p = 0; p < 64; p++)
        y[p] = p == 5 ? 1e-9 : 0.0;                 /* about 0, but not constant */
    assert_int_equal(sensitivity_constant(y, 64), 0);
    /* A design whose A and B outputs are all equal has no index. */
    size_t n = 8, points;
    double *x = ishigami_design(n, &points), *z = calloc(points, sizeof *z);
    for (size_t p = 0; p < points; p++)
        z[p] = p % 6 == 1 ? 1.0 : 2.0;   /* only AB^1 differs */
    struct sobol_index ix[4];
    assert_int_equal(sensitivity_sobol(z, n, 4, 10, 1, ix), -1);
    free(x);
    free(z);
}

/* Morris on y = 2 x1 + x3^2 over the unit cube: x1's effects are all 2, x2
 * has none, x3's vary with where the step is taken. */
static void morris_effects(void **state)
{
    (void)state;
    struct param_def def = { "x", PARAM_REAL, 0, 0.0, 0.0, 1.0, NULL, "", "a test input", NULL };
    struct factor f[3];
    for (int i = 0; i < 3; i++)
        f[i] = (struct factor){ .def = &def, .min = 0.0, .max = 1.0 };
    size_t r = 60, points;
    double *x = design_points(DESIGN_MORRIS, f, 3, r, 9, &points);
    assert_non_null(x);
    assert_int_equal(points, r * 4);
    double *y = malloc(points * sizeof *y);
    for (size_t p = 0; p < points; p++)
        y[p] = 2.0 * x[p * 3] + x[p * 3 + 2] * x[p * 3 + 2];
    const double lo[3] = { 0, 0, 0 }, hi[3] = { 1, 1, 1 };
    struct morris_index m[3];
    assert_int_equal(sensitivity_morris(y, x, r, 3, lo, hi, 100, 3, m), 0);
    assert_close(m[0].mu_star, 2.0, 1e-9);
    assert_close(m[0].mu, 2.0, 1e-9);
    assert_close(m[0].sigma, 0.0, 1e-9);
    assert_close(m[0].mu_star_conf, 0.0, 1e-9);
    assert_close(m[1].mu_star, 0.0, 1e-12);
    assert_true(m[2].mu_star > 0.3 && m[2].mu_star < 1.7);   /* |x + x'| for steps of 2/3: from 2/3 to 4/3 */
    assert_true(m[2].sigma > 0.0);
    assert_true(m[2].mu_star_lo < m[2].mu_star && m[2].mu_star < m[2].mu_star_hi);
    free(x);
    free(y);
}

/* Every row of dir's sensitivity.csv against the reference's reading of dir:
 * the same rows and statuses, indices and noise floors to print precision,
 * bootstrap half-widths within 50% (different resamples, 1000 here and 2000
 * there, of few base points: an outcome with a few large values, such as
 * commissioner_months, has a long-tailed bootstrap, seen 30% apart; most
 * agree within 5%), and fields empty exactly where the reference has none. Returns the
 * rows whose status is ok. */
static size_t compare_with_reference(const char *dir, int morris)
{
    char path[1200], err[300];
    support_sh(PYTHON " '%s/tests/reference/salib_estimators.py' sweep '%s' > '%s/reference.csv'", support_src(), dir,
               dir);
    struct table ours, ref;
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    if (table_read(&ours, path, err, sizeof err))
        fail_msg("%s", err);
    snprintf(path, sizeof path, "%s/reference.csv", dir);
    if (table_read(&ref, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(ours.rows, ref.rows);
    static const char *const sobol_exact[] = { "first", "total", "noise_first", "noise_total" },
                             *const sobol_conf[] = { "first_conf", "total_conf" },
                             *const morris_exact[] = { "mu_star", "mu", "sigma", "noise_mu_star" },
                             *const morris_conf[] = { "mu_star_conf" };
    const char *const *exact = morris ? morris_exact : sobol_exact, *const *conf = morris ? morris_conf : sobol_conf;
    size_t n_conf = morris ? 1 : 2, ok = 0;
    for (size_t r = 0; r + 1 < ours.rows; r++) {
        static const char *const keys[] = { "strategy", "outcome", "param", "status" };
        for (int c = 0; c < 4; c++)
            if (strcmp(table_text(&ours, r, table_col(&ours, keys[c])), table_text(&ref, r, table_col(&ref, keys[c]))))
                fail_msg("%s, row %zu: %s '%s', the reference's '%s'", path, r + 2, keys[c],
                         table_text(&ours, r, table_col(&ours, keys[c])), table_text(&ref, r, table_col(&ref, keys[c])));
        ok += strcmp(table_text(&ours, r, table_col(&ours, "status")), "ok") == 0;
        for (int c = 0; c < 4; c++) {
            double a = table_num(&ours, r, table_col(&ours, exact[c])), b = table_num(&ref, r, table_col(&ref, exact[c]));
            if (isnan(a) != isnan(b) || (!isnan(a) && !(fabs(a - b) <= 1e-5 * fmax(1.0, fabs(b)))))
                fail_msg("row %zu (%s %s %s): %s %.9g, the reference's %.9g", r + 2, table_text(&ours, r, 0),
                         table_text(&ours, r, 1), table_text(&ours, r, 2), exact[c], a, b);
        }
        for (size_t c = 0; c < n_conf; c++) {
            double a = table_num(&ours, r, table_col(&ours, conf[c])), b = table_num(&ref, r, table_col(&ref, conf[c]));
            if (isnan(a) != isnan(b) || (!isnan(a) && !near(a, b, 0.5, 1e-9)))
                fail_msg("row %zu (%s %s %s): %s %.6g, the reference's %.6g", r + 2, table_text(&ours, r, 0),
                         table_text(&ours, r, 1), table_text(&ours, r, 2), conf[c], a, b);
        }
    }
    table_free(&ours);
    table_free(&ref);
    return ok;
}

static void run_sweep(const char *tmp, const char *name, const char *body)
{
    char path[1200], text[2048];
    snprintf(path, sizeof path, "%s/%s.cfg", tmp, name);
    snprintf(text, sizeof text, "sweep = { scenario = \"%s/scenarios/failing-start.cfg\"; %s };\n", support_src(), body);
    assert_int_equal(support_write_file(path, text), 0);
    support_sh("'%s' sweep '%s' --set sector.orgs=10 --set run.months=48 --quiet --no-plot --out '%s/%s' --jobs 2",
               support_bin(), path, tmp, name);
}

/* A real sweep (the failing council, three parameters, two strategies, two
 * replications): sensitivity.csv matches the reference reading design.csv and
 * runs.csv as SALib would, which also checks that design.csv's rows are in
 * SALib's order (the reference refuses them otherwise). Outcomes that cannot
 * vary under no intervention are marked constant, with empty indices. */
static void sobol_sweep_matches_reference(void **state)
{
    const char *tmp = *state;
    run_sweep(tmp, "sobol",
              "design = \"sobol\"; samples = 32; reps = 2; strategies = [\"none\", \"takeover\"];\n"
              "  vary = ( { param = \"sector.turbulence\"; min = 0.0; max = 0.03; },\n"
              "           { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
              "           { param = \"culture.socialisation\"; min = 0.1; max = 0.9; } );");
    char dir[1200], path[1300];
    snprintf(dir, sizeof dir, "%s/sobol", tmp);
    size_t ok = compare_with_reference(dir, 0);
    assert_true(ok >= 3 * 8);   /* most outcomes of both strategies have indices */
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    char *sens = support_read_file(path, NULL);
    assert_non_null(sens);
    assert_non_null(strstr(sens, "strategy,outcome,param,status,first,first_conf,first_lo,first_hi,total,total_conf,"
                                 "total_lo,total_hi,noise_first,noise_total\n"));
    /* No intervention: no commissioner months anywhere. */
    assert_non_null(strstr(sens, "\nnone,commissioner_months,peers.decay,constant,,,,,,,,,,\n"));
    assert_non_null(strstr(sens, "\ntakeover,final_quality,peers.decay,ok,"));
    free(sens);
    snprintf(path, sizeof path, "%s/design.csv", dir);
    char *design = support_read_file(path, NULL);
    size_t lines = 0;
    for (const char *c = design; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 32 * 5);   /* header + n (k + 2) points */
    free(design);
}

static void morris_sweep_matches_reference(void **state)
{
    const char *tmp = *state;
    run_sweep(tmp, "morris",
              "design = \"morris\"; samples = 20; reps = 2;\n"
              "  vary = ( { param = \"sector.turbulence\"; min = 0.0; max = 0.03; },\n"
              "           { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
              "           { param = \"culture.socialisation\"; min = 0.1; max = 0.9; } );");
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/morris", tmp);
    assert_true(compare_with_reference(dir, 1) >= 3 * 4);
}

/* months_to_good_censored and share_good, per run: defined wherever an
 * organisation was intervened in; where every one got to good, the censored
 * mean is months_to_good; where some never did, it is more than the share
 * that did times their mean (more, unless those that never did were watched
 * no month), and at most the run's 48 months. Outcomes
 * empty at some point are marked undefined in sensitivity.csv, the censored
 * variant not where every run intervened somewhere. */
static void censored_months_to_good(void **state)
{
    const char *tmp = *state;
    char path[1200], err[300];
    snprintf(path, sizeof path, "%s/sobol/runs.csv", tmp);
    struct table t;
    if (table_read(&t, path, err, sizeof err)) {
        run_sweep(tmp, "sobol",
                  "design = \"sobol\"; samples = 32; reps = 2; strategies = [\"none\", \"takeover\"];\n"
                  "  vary = ( { param = \"sector.turbulence\"; min = 0.0; max = 0.03; },\n"
                  "           { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
                  "           { param = \"culture.socialisation\"; min = 0.1; max = 0.9; } );");
        if (table_read(&t, path, err, sizeof err))
            fail_msg("%s", err);
    }
    int ci = table_col(&t, "intervened"), cg = table_col(&t, "months_to_good"),
        cc = table_col(&t, "months_to_good_censored"), cs = table_col(&t, "share_good");
    assert_true(ci >= 0 && cg >= 0 && cc >= 0 && cs >= 0);
    size_t recovered = 0, some_never = 0, none_good = 0, no_one = 0;
    for (size_t r = 0; r + 1 < t.rows; r++) {
        double iv = table_num(&t, r, ci), g = table_num(&t, r, cg), c = table_num(&t, r, cc), s = table_num(&t, r, cs);
        if (iv == 0) {
            assert_true(isnan(c) && isnan(s) && isnan(g));
            no_one++;
            continue;
        }
        assert_false(isnan(c) || isnan(s));
        assert_true(s >= 0.0 && s <= 1.0 && c >= 0.0 && c <= 48.0);
        if (s == 1.0) {
            assert_close(c, g, 1e-4 * fmax(1.0, g));
            recovered++;
        } else if (s == 0.0) {
            assert_true(isnan(g));
            none_good++;
        } else {
            assert_true(c >= s * g - 1e-4 * fmax(1.0, g));   /* equal when those never good started last month */
            some_never++;
        }
    }
    print_message("runs: %zu all recovered, %zu some never, %zu none did, %zu with no intervention\n", recovered,
                  some_never, none_good, no_one);
    assert_true(none_good > 0 && recovered + some_never > 0);   /* months_to_good is empty, the censored mean not */
    table_free(&t);
    snprintf(path, sizeof path, "%s/sobol/sensitivity.csv", tmp);
    char *sens = support_read_file(path, NULL);
    assert_non_null(sens);
    assert_non_null(strstr(sens, "\nnone,months_to_good,peers.decay,undefined,,,,,,,,,,\n"));
    assert_non_null(strstr(sens, no_one ? "\nnone,months_to_good_censored,peers.decay,undefined,"
                                        : "\nnone,months_to_good_censored,peers.decay,ok,"));
    free(sens);
}

/* Runs that fail (peers.degree odd, or at or above the 8 organisations) leave every
 * outcome "failed", with empty indices; with one replication, the noise
 * floor cannot be told and its fields are empty while the indices are given. */
static void failed_runs_and_one_replication(void **state)
{
    const char *tmp = *state;
    for (int k = 0; k < 2; k++) {
        char path[1200], text[1200];
        snprintf(path, sizeof path, "%s/f%d.cfg", tmp, k);
        snprintf(text, sizeof text,
                 "sweep = { scenario = \"%s/configs/default.cfg\"; design = \"sobol\"; samples = 8; reps = 1;\n"
                 "  vary = ( { param = \"%s\"; min = %s; },\n"
                 "           { param = \"peers.decay\"; min = 0.01; max = 0.1; } ); };\n",
                 support_src(), k ? "sector.turbulence" : "peers.degree", k ? "0.0; max = 0.03" : "2; max = 12");
        assert_int_equal(support_write_file(path, text), 0);
        support_sh("'%s' sweep '%s' --set sector.orgs=8 --set run.months=24 --quiet --no-plot --out '%s/f%d'",
                   support_bin(), path, tmp, k);
        snprintf(path, sizeof path, "%s/f%d/sensitivity.csv", tmp, k);
        char *sens = support_read_file(path, NULL);
        assert_non_null(sens);
        if (k == 0) {
            assert_non_null(strstr(sens, "\nnone,final_quality,peers.degree,failed,,,,,,,,,,\n"));
            assert_null(strstr(sens, ",ok,"));
        } else {
            const char *row = strstr(sens, "\nnone,final_quality,sector.turbulence,ok,");
            assert_non_null(row);
            const char *end = strchr(row + 1, '\n');
            assert_true(end - row > 40 && strncmp(end - 2, ",,", 2) == 0);   /* indices, then two empty noise fields */
        }
        free(sens);
    }
}

/* The example sweeps of scenarios/sweeps/ load and run (shortened to 12
 * months of 6 organisations), and their sensitivity.csv matches the
 * reference's reading: every parameter of each has its rows. */
static void example_sweeps_run(void **state)
{
    const char *tmp = *state;
    static const char *const names[] = { "sobol-takeover", "morris-screening" };
    for (int k = 0; k < 2; k++) {
        char dir[1200], path[1300];
        snprintf(dir, sizeof dir, "%s/%s", tmp, names[k]);
        support_sh("'%s' sweep '%s/scenarios/sweeps/%s.cfg' --set run.months=12 --set sector.orgs=6 --quiet --no-plot "
                   "--jobs 2 --out '%s'", support_bin(), support_src(), names[k], dir);
        assert_true(compare_with_reference(dir, k) > 0);
        snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
        char *sens = support_read_file(path, NULL);
        assert_non_null(sens);
        assert_non_null(strstr(sens, k ? "\ntakeover,final_quality,ownership.coaching,"
                                       : "\nnone,final_quality,takeover.internalisation,"));
        free(sens);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ishigami_offset_matches_reference, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test(indices_do_not_depend_on_the_offset),
        cmocka_unit_test(noise_floor_predicts_a_dummy),
        cmocka_unit_test(constant_outputs),
        cmocka_unit_test(morris_effects),
    };
    const struct CMUnitTest sweeps[] = {
        cmocka_unit_test(sobol_sweep_matches_reference),
        cmocka_unit_test(censored_months_to_good),
        cmocka_unit_test(morris_sweep_matches_reference),
        cmocka_unit_test(failed_runs_and_one_replication),
        cmocka_unit_test(example_sweeps_run),
    };
    int failed = cmocka_run_group_tests_name("sensitivity", tests, NULL, NULL);
    return failed + cmocka_run_group_tests_name("sensitivity sweeps", sweeps, support_tmpdir_setup,
                                                support_tmpdir_teardown);
}
