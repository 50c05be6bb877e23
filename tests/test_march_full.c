/* March (1991) docking, the full set (`make check-patterns`): every cell of
 * the reference table (tests/reference/march_reference.tsv) against the
 * project's March special case, and March's published results as claims on
 * the project's own figures. The lines starting with '|' are the tables of
 * docs/VALIDATION.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "march.h"
#include "support.h"

#define REPS 2000

static void header(const char *title)
{
    printf("\n%s\n\n| experiment | rules | p1 | p2 | p3 | p4 | slow share | period | project (se) | reference (se) "
           "| difference | z |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
           title);
}

/* The project's figure for each reference cell of an experiment, docked. */
static size_t dock_all(const char *experiment, struct march_cell *got, size_t cap)
{
    size_t n, k = 0;
    const struct march_cell *ref = march_reference(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ref[i].experiment, experiment) != 0)
            continue;
        assert_true(k < cap);
        march_dock(&ref[i], REPS, 1000 + i, &got[k++]);
    }
    assert_true(k > 0);
    return k;
}

static const struct march_cell *pick(const struct march_cell *got, size_t n, double p1, double p2, double p3,
                                     double p4, double share, int period)
{
    for (size_t i = 0; i < n; i++)
        if (got[i].p1 == p1 && got[i].p2 == p2 && got[i].p3 == p3 && got[i].p4 == p4 && got[i].slow_share == share
            && got[i].period == period)
            return &got[i];
    fail_msg("no cell p1=%g p2=%g p3=%g p4=%g share %g period %d", p1, p2, p3, p4, share, period);
    return NULL;
}

/* The grid: p1 x p2 x p3 x p4, every cell docked; then March's figure 1 on
 * the project's figures: slower socialisation gives higher knowledge at every
 * p2, and p2 works the other way at the two ends of p1 (with slow
 * socialisation faster code learning helps, with fast it hurts). */
static void the_grid(void **state)
{
    (void)state;
    static struct march_cell got[128];
    header("Table 1 and 2: the grid (period 100; standard errors in brackets)");
    size_t n = dock_all("grid", got, 128);
    static const double p2s[] = { 0.1, 0.5, 0.9 };
    for (size_t i = 0; i < 3; i++) {
        char what[64];
        snprintf(what, sizeof what, "p2 = %g: p1 = 0.1 against p1 = 0.9", p2s[i]);
        march_claim_greater(what, pick(got, n, 0.1, p2s[i], 0, 0, 0, 100), pick(got, n, 0.9, p2s[i], 0, 0, 0, 100));
    }
    march_claim_greater("p1 = 0.1: p2 = 0.9 against 0.1", pick(got, n, 0.1, 0.9, 0, 0, 0, 100),
                        pick(got, n, 0.1, 0.1, 0, 0, 0, 100));
    march_claim_greater("p1 = 0.9: p2 = 0.1 against 0.9", pick(got, n, 0.9, 0.1, 0, 0, 0, 100),
                        pick(got, n, 0.9, 0.9, 0, 0, 0, 100));
}

/* The other readings of March's rules, each set through the three rule
 * parameters, docked with the reference's same reading at p3 = p4 = 0. */
static void the_readings(void **state)
{
    (void)state;
    static struct march_cell got[64];
    header("Table 3: the other readings of the rules (p3 = p4 = 0, period 100)");
    dock_all("variants", got, 64);
}

/* March's mixed socialisation: a share of slow socialisers (p1 = 0.1) among
 * fast ones (0.9) against a uniform population at the same mean rate. */
static void the_mix(void **state)
{
    (void)state;
    static struct march_cell got[32];
    header("Table 4: slow and fast socialisers (p2 = 0.5, period 100)");
    size_t n = dock_all("mix", got, 32);
    for (int k = 2; k <= 8; k += 2) {
        double share = k / 10.0, mean = 0.9 - 0.8 * share;
        char what[128];
        snprintf(what, sizeof what, "%.0f%% slow against all at p1 = %.2f", 100 * share, mean);
        for (size_t i = 0; i < n; i++)
            if (got[i].slow_share == 0 && got[i].p1 > mean - 1e-9 && got[i].p1 < mean + 1e-9)
                march_claim_greater(what, pick(got, n, 0.9, 0.5, 0, 0, share, 100), &got[i]);
    }
}

/* March's turnover: modest turnover raises knowledge where socialisation is
 * fast, and too much lowers it where socialisation is slow. */
static void the_turnover(void **state)
{
    (void)state;
    static struct march_cell got[32];
    header("Table 5: turnover (p2 = 0.5, period 100)");
    size_t n = dock_all("turnover", got, 32);
    march_claim_greater("p1 = 0.9: 10% turnover against none", pick(got, n, 0.9, 0.5, 0.1, 0, 0, 100),
                        pick(got, n, 0.9, 0.5, 0, 0, 0, 100));
    march_claim_greater("p1 = 0.5: 10% turnover against none", pick(got, n, 0.5, 0.5, 0.1, 0, 0, 100),
                        pick(got, n, 0.5, 0.5, 0, 0, 0, 100));
    march_claim_greater("p1 = 0.1: 2% turnover against 50%", pick(got, n, 0.1, 0.5, 0.02, 0, 0, 100),
                        pick(got, n, 0.1, 0.5, 0.5, 0, 0, 100));
}

/* March's turbulence: without turnover the code's knowledge decays toward
 * chance (0); with turnover it is sustained. */
static void the_turbulence(void **state)
{
    (void)state;
    static struct march_cell got[32];
    header("Table 6: turbulence p4 = 0.02 (p1 = p2 = 0.5) over time");
    size_t n = dock_all("turbulence", got, 32);
    march_claim_greater("no turnover: month 10 against month 200", pick(got, n, 0.5, 0.5, 0, 0.02, 0, 10),
                        pick(got, n, 0.5, 0.5, 0, 0.02, 0, 200));
    const struct march_cell *late = pick(got, n, 0.5, 0.5, 0, 0.02, 0, 200);
    printf("# no turnover, month 200: %.3f, chance is 0\n", late->mean);
    assert_true(late->mean < 0.05 && late->mean > -0.05);
    march_claim_greater("month 200: 10% turnover against none", pick(got, n, 0.5, 0.5, 0.1, 0.02, 0, 200), late);
    const struct march_cell *mid = pick(got, n, 0.5, 0.5, 0.1, 0.02, 0, 50),
                            *end = pick(got, n, 0.5, 0.5, 0.1, 0.02, 0, 200);
    printf("# 10%% turnover: month 50 %.3f, month 200 %.3f\n", mid->mean, end->mean);
    assert_true(end->mean >= mid->mean - 0.03);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_grid),
        cmocka_unit_test(the_readings),
        cmocka_unit_test(the_mix),
        cmocka_unit_test(the_turnover),
        cmocka_unit_test(the_turbulence),
    };
    return cmocka_run_group_tests_name("March (1991) docking (full set)", tests, NULL, NULL);
}
