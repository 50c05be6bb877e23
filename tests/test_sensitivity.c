/* Sobol indices through the sweep's own design and estimator, on the Ishigami
 * function, whose indices are known: with a = 7, b = 0.1 and each factor
 * uniform on [-pi, pi], S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "sensitivity.h"
#include "support.h"

#define PI 3.14159265358979323846

static void ishigami_indices(void **state)
{
    (void)state;
    struct param_def def = { "x", PARAM_REAL, 0, 0.0, -PI, PI, NULL, "", "an Ishigami input", NULL };
    struct factor f[3];
    for (int i = 0; i < 3; i++)
        f[i] = (struct factor){ .def = &def, .min = -PI, .max = PI };
    size_t n = 8192, points;
    double *x = design_points(DESIGN_SOBOL, f, 3, n, 1, &points);
    assert_non_null(x);
    assert_int_equal(points, n * 5);
    double *y = malloc(points * sizeof *y);
    for (size_t p = 0; p < points; p++) {
        const double *v = &x[p * 3];
        y[p] = sin(v[0]) + 7.0 * sin(v[1]) * sin(v[1]) + 0.1 * pow(v[2], 4) * sin(v[0]);
    }
    struct sobol_index ix[3];
    assert_int_equal(sensitivity_sobol(y, n, 3, 300, 42, ix), 0);
    const double first[3] = { 0.3139, 0.4424, 0.0 }, total[3] = { 0.5576, 0.4424, 0.2437 };
    for (int i = 0; i < 3; i++) {
        print_message("x%d: S %.4f [%.4f, %.4f] (true %.4f); ST %.4f [%.4f, %.4f] (true %.4f)\n", i + 1, ix[i].first,
                      ix[i].first_lo, ix[i].first_hi, first[i], ix[i].total, ix[i].total_lo, ix[i].total_hi, total[i]);
        /* Tolerance 0.03: a few standard errors at n = 8192 base points. */
        assert_close(ix[i].first, first[i], 0.03);
        assert_close(ix[i].total, total[i], 0.03);
        assert_true(ix[i].first_lo <= ix[i].first && ix[i].first <= ix[i].first_hi);
        assert_true(ix[i].total_hi - ix[i].total_lo < 0.1);
    }
    free(x);
    free(y);
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
    assert_close(m[0].sigma, 0.0, 1e-9);
    assert_close(m[1].mu_star, 0.0, 1e-12);
    assert_true(m[2].mu_star > 0.3 && m[2].mu_star < 1.7);   /* |x + x'| for steps of 2/3: from 2/3 to 4/3 */
    assert_true(m[2].sigma > 0.0);
    free(x);
    free(y);
}

static void sobol_sweep_writes_sensitivity(void **state)
{
    (void)state;
    char *tmp = support_tmpdir();
    char path[1200], text[1200];
    snprintf(path, sizeof path, "%s/s.cfg", tmp);
    snprintf(text, sizeof text,
             "sweep = { scenario = \"%s/configs/default.cfg\"; design = \"sobol\"; samples = 16; reps = 1;\n"
             "  vary = ( { param = \"sector.turbulence\"; min = 0.0; max = 0.03; },\n"
             "           { param = \"peers.decay\"; min = 0.01; max = 0.1; } ); };\n",
             support_src());
    assert_int_equal(support_write_file(path, text), 0);
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s' --set sector.orgs=8 --set run.months=36 --quiet --out '%s/o' --jobs 2",
                support_bin(), path, tmp);
    if (r.status != 0)
        fail_msg("%s", r.err);
    support_result_free(&r);
    snprintf(path, sizeof path, "%s/o/sensitivity.csv", tmp);
    char *sens = support_read_file(path, NULL);
    assert_non_null(sens);
    assert_non_null(strstr(sens, "strategy,outcome,param,first,first_lo,first_hi,total,total_lo,total_hi\n"));
    assert_non_null(strstr(sens, "none,final_quality,sector.turbulence,"));
    assert_non_null(strstr(sens, "none,final_quality,peers.decay,"));
    free(sens);
    snprintf(path, sizeof path, "%s/o/design.csv", tmp);
    char *design = support_read_file(path, NULL);
    size_t lines = 0;
    for (const char *c = design; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 16 * 4);   /* header + n (k + 2) points */
    free(design);
    support_rmtree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ishigami_indices),
        cmocka_unit_test(sobol_sweep_writes_sensitivity),
        cmocka_unit_test(morris_effects),
    };
    return cmocka_run_group_tests_name("sensitivity", tests, NULL, NULL);
}
