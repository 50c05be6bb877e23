/* What run and compare print: the outcome table, the sentences for pairs of
 * arms, pairs.csv, and intervals within each outcome's range. Checked on
 * results made up so the answer is known, and end to end from the command
 * line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "support.h"
#include "takeaway.h"

static void assert_has(const char *text, const char *want)
{
    if (!text || !strstr(text, want))
        fail_msg("expected '%s' in:\n%s", want, text ? text : "(nothing)");
}

/* Wilson's interval, against values computed independently from Wilson
 * (1927) in Python: 3 of 20 gives [0.052369, 0.360419], 0 of 20 gives
 * [0, 0.161125], 20 of 20 [0.838875, 1]; 0 of 100 [0, 0.036993], exactly
 * 0 (once printed as 3.47e-16), and 100 of 100 [0.963007, 1]. Never
 * outside [0, 1]. */
static void wilson_interval_for_shares(void **state)
{
    (void)state;
    static const struct { int x, n; double lo, hi; } cases[] = {
        { 3, 20, 0.052368745896216595, 0.36041886474075696 },
        { 0, 20, 0.0, 0.16112515805281938 },
        { 20, 20, 0.8388748419471806, 1.0 },
        { 0, 100, 0.0, 0.03699349820698568 },
        { 100, 100, 0.9630065017930143, 1.0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct running s = { 0 };
        for (int i = 0; i < cases[c].n; i++)
            stats_add(&s, i < cases[c].x ? 1.0 : 0.0);
        double lo, hi;
        assert_int_equal(stats_interval(&s, 0.0, 1.0, 1, &lo, &hi), 0);
        assert_close(lo, cases[c].lo, 1e-9);
        assert_close(hi, cases[c].hi, 1e-9);
        if (cases[c].x == 0)
            assert_true(lo == 0.0);
        if (cases[c].x == cases[c].n)
            assert_true(hi == 1.0);
    }
    /* The t interval of a few skewed months would reach below 0: clipped. */
    struct running m = { 0 };
    stats_add(&m, 0.0);
    stats_add(&m, 0.0);
    stats_add(&m, 40.0);
    double lo, hi;
    assert_int_equal(stats_interval(&m, 0.0, INFINITY, 0, &lo, &hi), 0);
    assert_close(lo, 0.0, 0.0);
    assert_true(hi > 40.0);
}

static void numbers_four_digits(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    static const double v[] = { 59.6, 46.208089, 0.7375491, 226.8, 12345.6, -0.0, 1.0 / 3.0 };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        stats_number(f, v[i]);
        fputc(' ', f);
    }
    fclose(f);
    assert_string_equal(text, "59.6 46.21 0.7375 226.8 12346 0 0.3333 ");
    free(text);
}

/* Two arms and a control on the same organisations: B reaches good 10
 * months after A, give or take a month; A relapses every time and B never;
 * A and B cost the same. */
static void sentences_say_what_differs(void **state)
{
    (void)state;
    static struct arm arms[3];
    snprintf(arms[0].p.intervention_schedule, sizeof arms[0].p.intervention_schedule, "none");
    snprintf(arms[1].p.intervention_schedule, sizeof arms[1].p.intervention_schedule, "takeover");
    snprintf(arms[2].p.intervention_schedule, sizeof arms[2].p.intervention_schedule, "retained_ownership");
    struct result res[3 * 40];
    size_t n = 0;
    for (int rep = 0; rep < 20; rep++)
        for (size_t org = 0; org < 2; org++)
            for (int a = 0; a < 3; a++) {
                struct result *r = &res[n++];
                r->arm = a;
                r->rep = rep;
                r->org = org;
                for (int k = 0; k < OUTCOMES; k++)
                    r->v[k] = NAN;
                double wobble = (rep % 3) - 1.0;
                r->v[O_MONTHS_TO_GOOD] = a == 0 ? 60.0 + wobble : a == 1 ? 20.0 + wobble : 30.0 - wobble;
                r->v[O_COMMISSIONER] = a == 0 ? 0.0 : 50.0;
                if (a > 0)
                    r->v[O_RELAPSED] = a == 1 ? 1.0 : 0.0;
            }
    struct takeaway t = { arms, 3, 20, res, n };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(takeaway_write(f, &t), 0);
    fclose(f);
    assert_has(text, "over 20 replications");
    assert_has(text, "\n  none ");
    assert_has(text, "\n  takeover ");
    assert_has(text, "\n  retained_ownership ");
    assert_has(text, "100% [91.2, 100]");   /* 40 of 40 reach good: Wilson */
    /* takeover vs retained ownership: about 10 months sooner, 100 points more relapse, same cost (no clause) */
    assert_has(text, "takeover reaches good 10.1 months sooner [");   /* -10 + 2 x the mean wobble, -0.05 */
    assert_has(text, "than retained ownership, and relapses 100 points more often in every case.");
    assert_has(text, "takeover reaches good 40 months sooner than no intervention in every case, and costs 50 more "
                     "commissioner-months in every case.");
    assert_null(strstr(text, "commissioner-months [0"));
    free(text);

    text = NULL;
    f = open_memstream(&text, &len);
    assert_int_equal(takeaway_pairs(f, &t), 0);
    fclose(f);
    assert_has(text, "strategy,versus,outcome,pairs,diff,lo,hi\n");
    assert_has(text, "\ntakeover,retained_ownership,months_to_good,40,-10.1,");
    assert_has(text, "\ntakeover,retained_ownership,relapsed,40,1,1,1\n");
    assert_has(text, "\nnone,takeover,commissioner_months,40,-50,-50,-50\n");
    free(text);
}

/* Nothing differs: said so, with no sentence made up. */
static void no_clear_difference_said(void **state)
{
    (void)state;
    static struct arm arms[2];
    snprintf(arms[0].p.intervention_schedule, sizeof arms[0].p.intervention_schedule, "takeover");
    snprintf(arms[1].p.intervention_schedule, sizeof arms[1].p.intervention_schedule, "interim");
    struct result res[2 * 10];
    for (int i = 0; i < 20; i++) {
        res[i].arm = i % 2;
        res[i].rep = i / 2;
        res[i].org = 0;
        for (int k = 0; k < OUTCOMES; k++)
            res[i].v[k] = NAN;
        res[i].v[O_MONTHS_TO_GOOD] = 10.0 + (i / 2 % 2 ? 1.0 : -1.0) * (i % 2 ? 1.0 : -1.0);   /* mean difference 0 */
    }
    struct takeaway t = { arms, 2, 10, res, 20 };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(takeaway_write(f, &t), 0);
    fclose(f);
    assert_has(text, "No pair of arms differs clearly");
    assert_null(strstr(text, "sooner"));
    assert_null(strstr(text, "later"));
    free(text);
}

/* The fields of a CSV line (no quoting in these files' numbers). */
static int split(char *line, char **field, int max)
{
    int n = 0;
    field[n++] = line;
    for (char *c = line; *c && n < max; c++)
        if (*c == ',') {
            *c = '\0';
            field[n++] = c + 1;
        }
    return n;
}

/* From the command line: compare prints the table and the sentences, the
 * same text is in outcomes.txt; --quiet prints neither; comparison.csv and
 * pairs.csv keep every interval within its outcome's range. */
static void compare_prints_table_and_takeaways(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' compare scenarios/doncaster.cfg --reps 12 --no-plot --strategies 'none; takeover; retained_ownership' "
                    "--out '%s/c'",
                support_bin(), tmp);
    if (r.status != 0)
        fail_msg("compare failed: %s", r.err);
    assert_has(r.out, "Outcomes per intervened organisation, mean [95% interval], over 12 replications:");
    assert_has(r.out, "  arm ");
    assert_has(r.out, "months to good");
    assert_has(r.out, "commissioner-months");
    assert_has(r.out, "\n  none ");
    assert_has(r.out, "\n  takeover ");
    assert_has(r.out, "\n  retained_ownership ");
    assert_has(r.out, "takeover reaches good ");
    assert_has(r.out, " than no intervention");
    /* A sentence for each pair: each arm costs clearly more than none, so
     * those two always appear, whatever else 12 replications make clear. */
    assert_has(r.out, "\n  retained ownership ");
    assert_has(r.out, " than retained ownership");
    char path[1200];
    snprintf(path, sizeof path, "%s/c/outcomes.txt", tmp);
    char *kept = support_read_file(path, NULL);
    assert_non_null(kept);
    assert_non_null(strstr(r.out, kept));   /* printed as kept */
    free(kept);
    support_result_free(&r);

    static const char *const files[] = { "comparison.csv", "pairs.csv" };
    for (int file = 0; file < 2; file++) {
        snprintf(path, sizeof path, "%s/c/%s", tmp, files[file]);
        char *text = support_read_file(path, NULL);
        assert_non_null(text);
        int rows = 0;
        for (char *line = strtok(strchr(text, '\n') + 1, "\n"); line; line = strtok(NULL, "\n")) {
            char *f[16];
            int n = split(line, f, 16);
            const char *outcome = file == 0 ? f[1] : f[2];
            int share = strcmp(outcome, "relapsed") == 0, quality = strstr(outcome, "quality") != NULL;
            /* comparison.csv: mean,lo,hi at 3..5, the difference at 7..9; pairs.csv: the difference at 4..6 */
            for (int at = file == 0 ? 3 : 4; at + 2 < n && at <= (file == 0 ? 7 : 4); at += 4) {
                int diff = file == 1 || at == 7;
                double lo_bound = diff ? (share || quality ? -1.0 : -INFINITY) : 0.0;
                double hi_bound = share || quality ? 1.0 : INFINITY;
                for (int i = at; i < at + 3; i++) {
                    if (!*f[i])
                        continue;
                    double v = atof(f[i]);
                    if (v < lo_bound || v > hi_bound)
                        fail_msg("%s: %s field %d = %g is outside [%g, %g]", files[file], outcome, i, v, lo_bound, hi_bound);
                    const char *dot = strchr(f[i], '.');
                    if (dot && strlen(dot + 1) > 4 + (fabs(v) < 1 ? 3 : 0))
                        fail_msg("%s: %s has more than four significant digits", files[file], f[i]);
                }
                if (*f[at + 1] && *f[at + 2])
                    assert_true(atof(f[at + 1]) <= atof(f[at]) + 1e-9 && atof(f[at]) <= atof(f[at + 2]) + 1e-9);
            }
            rows++;
        }
        assert_true(rows >= (file == 0 ? 3 * 9 : 3 * 9));
        free(text);
    }

    support_run(&r, "'%s' compare scenarios/doncaster.cfg --reps 2 --no-plot --quiet --out '%s/q'", support_bin(), tmp);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    support_result_free(&r);
}

/* run, one arm: the table, and no sentences. */
static void run_prints_table(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' run scenarios/teaching.cfg --reps 4 --no-plot --out '%s/r'", support_bin(), tmp);
    if (r.status != 0)
        fail_msg("run failed: %s", r.err);
    assert_has(r.out, "over 4 replications:");
    assert_has(r.out, "\n  retained_ownership ");
    assert_null(strstr(r.out, "Paired differences"));
    support_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wilson_interval_for_shares),
        cmocka_unit_test(numbers_four_digits),
        cmocka_unit_test(sentences_say_what_differs),
        cmocka_unit_test(no_clear_difference_said),
        cmocka_unit_test_setup_teardown(compare_prints_table_and_takeaways, support_tmpdir_setup,
                                        support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(run_prints_table, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
