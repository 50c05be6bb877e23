/* Patterns the model must produce, tested over replications with fixed seeds
 * and stated tolerances (the quick set; `make check-slow` runs more). March's
 * results are docked with a reference implementation in test_march.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "params.h"
#include "patterns.h"
#include "support.h"

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
        cmocka_unit_test(insular_organisations_fail_more_often),
        cmocka_unit_test(failing_organisations_are_blind_and_insular),
    };
    return cmocka_run_group_tests_name("patterns (quick set)", tests, NULL, NULL);
}
