/* The slow statistical checks (`make check-slow`): the quick set's patterns
 * over more replications and across parameter ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "params.h"
#include "patterns.h"
#include "support.h"

/* Insular against connected focal organisations, 400 replications each,
 * under three levels of turbulence: the insular one always fails more, and
 * clearly so (by 0.05 or more) once the standard moves at the default rate or
 * faster. When it barely moves (0.006) few organisations fail at all: the
 * pattern weakens with turbulence, a finding rather than a defect. */
static void insular_fails_more_across_turbulence(void **state)
{
    (void)state;
    const double turbulence[] = { 0.006, 0.01, 0.015 };
    for (size_t i = 0; i < sizeof turbulence / sizeof turbulence[0]; i++) {
        struct params p;
        params_default(&p);
        p.sector_turbulence = turbulence[i];
        snprintf(p.focal_name, sizeof p.focal_name, "focal");
        p.focal_outward = 0.0;
        p.focal_tie_strength = 0.1;
        double insular = patterns_focal_failure_share(&p, 400, 5);
        p.focal_outward = 0.9;
        p.focal_tie_strength = 0.9;
        double connected = patterns_focal_failure_share(&p, 400, 5);
        printf("# turbulence %.3f: insular %.3f, connected %.3f\n", turbulence[i], insular, connected);
        assert_true(insular > connected);
        if (turbulence[i] >= 0.01)
            assert_true(insular - connected >= 0.05);
    }
}

/* Insider blindness and insularity before failure over 200 replications. */
static void failures_blind_and_insular_many_reps(void **state)
{
    (void)state;
    struct params p;
    params_default(&p);
    struct failure_stats fs = patterns_failures(&p, 200, 3);
    printf("# %d failures: gap %.3f (%.0f%% positive); insularity a year before %.3f vs sector %.3f\n", fs.failures,
           fs.mean_gap, 100.0 * fs.share_positive, fs.insularity_before, fs.insularity_others);
    assert_true(fs.mean_gap >= 0.05);
    assert_true(fs.share_positive >= 0.8);
    assert_true(fs.insularity_before - fs.insularity_others >= 0.05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(insular_fails_more_across_turbulence),
        cmocka_unit_test(failures_blind_and_insular_many_reps),
    };
    return cmocka_run_group_tests_name("patterns (slow set)", tests, NULL, NULL);
}
