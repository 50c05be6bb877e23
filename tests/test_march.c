/* March (1991) docking, the quick set (`make test`): a few cells of the grid
 * and of March's other experiments, the project's March special case against
 * the independent reference implementation (tests/reference/), and the
 * march_knowledge output. `make check-patterns` docks every cell
 * (test_march_full.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "march.h"
#include "support.h"

#define REPS 2000

static void header(void)
{
    printf("| experiment | rules | p1 | p2 | p3 | p4 | slow share | period | project (se) | reference (se) | difference "
           "| z |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
}

/* Each cell: the project within 0.02 of the reference and |z| < 4, with 2000
 * replications against the reference's 10,000 (standard error of the
 * difference about 0.0025, so 0.02 is eight of them). */
static void grid_cells_dock(void **state)
{
    (void)state;
    static const double cells[][4] = { { 0.1, 0.1, 0, 0 }, { 0.9, 0.9, 0, 0 }, { 0.5, 0.5, 0.1, 0.02 } };
    header();
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        struct march_cell got;
        march_dock(march_find("grid", "christensen", cells[i][0], cells[i][1], cells[i][2], cells[i][3], 0, 100), REPS,
                   100 + i, &got);
    }
}

/* Slower socialisation gives higher equilibrium knowledge (March's figure 1). */
static void slower_socialisation_learns_more(void **state)
{
    (void)state;
    struct march_cell slow, fast;
    march_dock(march_find("grid", "christensen", 0.1, 0.5, 0, 0, 0, 100), REPS, 110, &slow);
    march_dock(march_find("grid", "christensen", 0.9, 0.5, 0, 0, 0, 100), REPS, 111, &fast);
    march_claim_greater("p2 = 0.5: p1 = 0.1 against p1 = 0.9", &slow, &fast);
}

/* Half slow (p1 = 0.1), half fast (0.9) beats everyone at the mean rate 0.5. */
static void a_mix_beats_the_mean_rate(void **state)
{
    (void)state;
    struct march_cell mix, uniform;
    march_dock(march_find("mix", "christensen", 0.9, 0.5, 0, 0, 0.5, 100), REPS, 120, &mix);
    march_dock(march_find("mix", "christensen", 0.5, 0.5, 0, 0, 0, 100), REPS, 121, &uniform);
    march_claim_greater("half at p1 = 0.1, half at 0.9, against all at 0.5", &mix, &uniform);
}

/* Under turbulence knowledge decays without turnover, and turnover sustains it. */
static void turnover_sustains_knowledge_under_turbulence(void **state)
{
    (void)state;
    struct march_cell early, late, kept;
    march_dock(march_find("turbulence", "christensen", 0.5, 0.5, 0, 0.02, 0, 10), REPS, 130, &early);
    march_dock(march_find("turbulence", "christensen", 0.5, 0.5, 0, 0.02, 0, 100), REPS, 131, &late);
    march_dock(march_find("turbulence", "christensen", 0.5, 0.5, 0.1, 0.02, 0, 100), REPS, 132, &kept);
    march_claim_greater("no turnover: month 10 against month 100", &early, &late);
    march_claim_greater("month 100: 10% turnover against none", &kept, &late);
}

/* sector.csv and trajectories.csv carry March's measure beside code_knowledge: 0 for the
 * blank code at month 0, and right - wrong against right, so never above
 * code_knowledge and never below it by more than 1 - code_knowledge. */
static void march_knowledge_is_an_output(void **state)
{
    char *dir = *state;
    struct cmd_result r;
    support_run(&r, "%s run scenarios/march-1991.cfg --reps 3 --set run.months=40 --no-plot --quiet --out %s/m",
                support_bin(), dir);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    /* sector.csv (the sector's means) and trajectories.csv (the focal
     * organisation, march) end in the same two columns. */
    static const char *const files[] = { "sector.csv", "trajectories.csv" };
    int changed = 0;
    for (int file = 0; file < 2; file++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/m/%s", dir, files[file]);
        char *text = support_read_file(path, NULL);
        assert_non_null(text);
        assert_non_null(strstr(text, ",code_knowledge,march_knowledge\n"));
        int rows = 0;
        for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
            char *last = strchr(line, '\n');
            assert_non_null(last);
            *last = '\0';
            char *comma = strrchr(line, ',');
            double march = atof(comma + 1);
            *comma = '\0';
            double code = atof(strrchr(line, ',') + 1);
            int month = atoi(strchr(strchr(line, ',') + 1, ',') + 1);
            if (month == 0)
                assert_close(march, 0.0, 1e-9);
            assert_true(march <= code + 1e-5);                  /* six decimals written */
            assert_true(code - march <= 1.0 - code + 1e-5);
            changed += march != code;
            rows++;
            *last = '\n';
            line = last;
            if (!line[1])
                break;
        }
        assert_true(rows == 3 * 41);   /* 3 replications, months 0..40 */
        free(text);
    }
    assert_true(changed > 0);           /* the two measures are not the same column */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grid_cells_dock),
        cmocka_unit_test(slower_socialisation_learns_more),
        cmocka_unit_test(a_mix_beats_the_mean_rate),
        cmocka_unit_test(turnover_sustains_knowledge_under_turbulence),
        cmocka_unit_test_setup_teardown(march_knowledge_is_an_output, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests_name("March (1991) docking (quick set)", tests, NULL, NULL);
}
