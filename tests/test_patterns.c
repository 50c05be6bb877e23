/* Patterns the model must produce, tested over replications with fixed seeds
 * and stated tolerances (the quick set; `make check-slow` runs more). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "params.h"
#include "patterns.h"
#include "support.h"

#define MONTHS 240
#define REPS 100

/* Mean code knowledge month by month in March's special case. */
static void march(double p1, double p3, double p4, double *k)
{
    struct params p;
    patterns_march(&p, p1, p3, p4);
    p.run_months = MONTHS;
    patterns_code_knowledge(&p, REPS, k);
}

static double mean_over(const double *k, int from, int to)
{
    double s = 0.0;
    for (int m = from; m <= to; m++)
        s += k[m];
    return s / (to - from + 1);
}

/* March (1991), fig. 1: slower socialisation gives a higher equilibrium. With
 * 100 replications the equilibria are near 0.83 (p1 = 0.1) and 0.67 (p1 = 0.9),
 * standard errors about 0.01: we ask for a gap of at least 0.08. */
static void march_slow_socialisation_learns_more(void **state)
{
    (void)state;
    double slow[MONTHS + 1], fast[MONTHS + 1];
    march(0.1, 0.0, 0.0, slow);
    march(0.9, 0.0, 0.0, fast);
    double a = mean_over(slow, 200, MONTHS), b = mean_over(fast, 200, MONTHS);
    printf("# equilibrium code knowledge: p1=0.1 %.3f, p1=0.9 %.3f\n", a, b);
    assert_true(a - b >= 0.08);
}

/* March (1991), fig. 3: with fast socialisation, modest turnover raises the
 * code's knowledge (observed about 0.67 without and 0.95 with 5% a month). */
static void march_modest_turnover_helps(void **state)
{
    (void)state;
    double none[MONTHS + 1], some[MONTHS + 1];
    march(0.9, 0.0, 0.0, none);
    march(0.9, 0.05, 0.0, some);
    double a = mean_over(none, 150, MONTHS), b = mean_over(some, 150, MONTHS);
    printf("# code knowledge at p1=0.9: no turnover %.3f, 5%% turnover %.3f\n", a, b);
    assert_true(b - a >= 0.1);
}

/* March (1991), fig. 4: under turbulence, knowledge without turnover decays
 * toward chance (0.5) after its early peak; with turnover it is sustained.
 * Means over 100 replications have standard errors near 0.01: "sustained"
 * means the late mean is within 0.04 of the mid-run mean. */
static void march_turnover_sustains_knowledge_under_turbulence(void **state)
{
    (void)state;
    double none[MONTHS + 1], some[MONTHS + 1];
    march(0.5, 0.0, 0.02, none);
    march(0.5, 0.05, 0.02, some);
    double peak_none = mean_over(none, 10, 30), late_none = mean_over(none, 180, MONTHS);
    double mid_some = mean_over(some, 60, 100), late_some = mean_over(some, 180, MONTHS);
    printf("# turbulence: no turnover %.3f -> %.3f; 5%% turnover %.3f -> %.3f\n", peak_none, late_none, mid_some,
           late_some);
    assert_true(peak_none - late_none >= 0.1);
    assert_true(late_some >= mid_some - 0.04);
    assert_true(late_some - late_none >= 0.1);
}

/* An insular organisation (leader with no outward orientation, weak ties)
 * drifts to an inadequate rating more often than a connected one. Observed
 * shares over 100 replications: about 0.29 against 0.04 (binomial standard
 * errors 0.04 and 0.02); we ask for a gap of at least 0.1. */
static void insular_organisations_fail_more_often(void **state)
{
    (void)state;
    struct params p;
    params_default(&p);
    snprintf(p.focal_name, sizeof p.focal_name, "focal");
    p.focal_outward = 0.0;
    p.focal_tie_strength = 0.1;
    double insular = patterns_focal_failure_share(&p, 100, 77);
    p.focal_outward = 0.9;
    p.focal_tie_strength = 0.9;
    double connected = patterns_focal_failure_share(&p, 100, 77);
    printf("# focal failure share: insular %.2f, connected %.2f\n", insular, connected);
    assert_true(insular - connected >= 0.1);
}

/* Insiders' perceived quality exceeds true quality in failing organisations,
 * and failing organisations were more insular than the sector a year before. */
static void failing_organisations_are_blind_and_insular(void **state)
{
    (void)state;
    struct params p;
    params_default(&p);
    struct failure_stats fs = patterns_failures(&p, 100, 99);
    printf("# %d failures: gap %.3f (%.0f%% positive); insularity a year before %.3f vs sector %.3f\n", fs.failures,
           fs.mean_gap, 100.0 * fs.share_positive, fs.insularity_before, fs.insularity_others);
    assert_true(fs.failures >= 20);
    assert_true(fs.mean_gap >= 0.05);
    assert_true(fs.share_positive >= 0.8);
    assert_true(fs.insularity_before - fs.insularity_others >= 0.05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(march_slow_socialisation_learns_more),
        cmocka_unit_test(march_modest_turnover_helps),
        cmocka_unit_test(march_turnover_sustains_knowledge_under_turbulence),
        cmocka_unit_test(insular_organisations_fail_more_often),
        cmocka_unit_test(failing_organisations_are_blind_and_insular),
    };
    return cmocka_run_group_tests_name("patterns (quick set)", tests, NULL, NULL);
}
