/* Sweeps' monthly series (series = true): series.csv holds each run's sector
 * month by month, the same bytes for any number of workers, after kills and
 * --resume, and merged from shards; damage is refused, not resumed over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define QUIET "--quiet --no-plot"

/* A Latin hypercube that varies run.months too, so runs differ in length. */
static void write_sweep(const char *tmp, const char *name, const char *series, int reps)
{
    char path[1200], text[2048];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    snprintf(text, sizeof text,
             "sweep = {\n  scenario = \"%s/scenarios/teaching.cfg\";\n  design = \"lhs\";\n  samples = 4;\n"
             "  reps = %d;\n  series = %s;\n  strategies = [\"takeover\", \"retained_ownership\"];\n"
             "  vary = ( { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
             "           { param = \"run.months\"; min = 12; max = 40; } );\n};\n",
             support_src(), reps, series);
    assert_int_equal(support_write_file(path, text), 0);
}

static char *read_in(const char *tmp, const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s/%s", tmp, dir, name);
    char *text = support_read_file(path, NULL);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

static void same_file(const char *tmp, const char *a, const char *b, const char *name)
{
    char pa[1200], pb[1200];
    snprintf(pa, sizeof pa, "%s/%s/%s", tmp, a, name);
    snprintf(pb, sizeof pb, "%s/%s/%s", tmp, b, name);
    if (!support_files_equal(pa, pb))
        fail_msg("%s and %s differ", pa, pb);
}

/* Every run's months 0 .. its run.months (the design's value, which
 * runs.csv gives), in run order; the count of inadequate organisations a
 * whole number, the means within [0, 1]. */
static void series_has_every_month_of_every_run(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg", "true", 2);
    support_sh("'%s' sweep '%s/s.cfg' " QUIET " --jobs 1 --out '%s/one'", support_bin(), tmp, tmp);
    support_sh("'%s' sweep '%s/s.cfg' " QUIET " --jobs 2 --out '%s/two'", support_bin(), tmp, tmp);
    same_file(tmp, "one", "two", "series.csv");
    same_file(tmp, "one", "two", "runs.csv");

    char *runs = read_in(tmp, "one", "runs.csv"), *series = read_in(tmp, "one", "series.csv");
    assert_non_null(strstr(series, "run,month,quality,perceived_quality,insularity,voice,turnover,orgs_inadequate,"
                                   "code_knowledge,march_knowledge\n"));
    /* runs.csv: run,point,rep,strategy,seed,peers.decay,run.months,... */
    const char *line = strchr(series, '\n') + 1;
    int n_runs = 0;
    for (const char *r = strchr(runs, '\n') + 1; *r; r = strchr(r, '\n') + 1, n_runs++) {
        int run;
        double decay, months;
        char strategy[64];
        if (sscanf(r, "%d,%*d,%*d,%63[^,],%*u,%lf,%lf", &run, strategy, &decay, &months) != 4)
            fail_msg("runs.csv line: %.80s", r);
        assert_int_equal(run, n_runs);
        for (int m = 0; m <= (int)months; m++) {
            int got_run, got_month;
            double q, pq, ins, voice, turn, inad;
            if (sscanf(line, "%d,%d,%lf,%lf,%lf,%lf,%lf,%lf", &got_run, &got_month, &q, &pq, &ins, &voice, &turn, &inad)
                != 8)
                fail_msg("series.csv line: %.80s", line);
            assert_int_equal(got_run, run);
            assert_int_equal(got_month, m);
            assert_true(q >= 0 && q <= 1 && pq >= 0 && pq <= 1 && ins >= 0 && ins <= 1 && turn >= 0 && turn <= 1);
            assert_true(inad >= 0 && inad == (double)(int)inad);
            line = strchr(line, '\n') + 1;
        }
    }
    assert_int_equal(n_runs, 4 * 2 * 2);
    assert_string_equal(line, "");   /* nothing after the last run */
    free(runs);
    free(series);

    /* Without series = true, no series.csv. */
    write_sweep(tmp, "n.cfg", "false", 1);
    support_sh("'%s' sweep '%s/n.cfg' " QUIET " --out '%s/none'", support_bin(), tmp, tmp);
    char path[1200];
    snprintf(path, sizeof path, "%s/none/series.csv", tmp);
    assert_null(support_read_file(path, NULL));
}

/* kill -9 at three moments, then --resume: the same bytes as a sweep never
 * interrupted. */
static void killed_and_resumed(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg", "true", 60);
#define BIG QUIET " --set sector.orgs=200"   /* about two seconds on two cores */
    support_sh("'%s' sweep '%s/s.cfg' " BIG " --jobs 2 --out '%s/whole'", support_bin(), tmp, tmp);
    const char *kills[] = { "0.2", "0.6", "1.2" };
    int cut = 0;
    for (int k = 0; k < 3; k++) {
        struct cmd_result r;
        support_run(&r, "'%s' sweep '%s/s.cfg' " BIG " --jobs 2 --out '%s/cut%d' & p=$!; sleep %s; kill -9 $p; "
                        "wait $p; exit 0",
                    support_bin(), tmp, tmp, k, kills[k]);
        support_result_free(&r);
        char out[32], marker[1200];
        snprintf(out, sizeof out, "cut%d", k);
        snprintf(marker, sizeof marker, "%s/%s/.incomplete", tmp, out);
        char *was = support_read_file(marker, NULL);
        cut += was != NULL;
        free(was);
        support_sh("'%s' sweep '%s/s.cfg' " BIG " --jobs 2 --resume --out '%s/%s'", support_bin(), tmp, tmp, out);
        same_file(tmp, "whole", out, "series.csv");
        same_file(tmp, "whole", out, "runs.csv");
    }
    assert_true(cut >= 1);   /* at least one kill fell inside the sweep */
}

/* A series.csv changed or cut by hand is refused by --resume, naming the
 * line, and left as it was. */
static void resume_refuses_damaged_series(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg", "true", 2);
    static const char *const damage[] = {
        "sed -i '5s/^0,3,/0,4,/' \"$F\"",                        /* a month out of order */
        "sed -i '7s/,[0-9.e-]*$/,x/' \"$F\"",                    /* a field not a number */
        "sed -i '$d' \"$F\"; sed -i '$d' \"$F\"",                 /* fewer lines than runs.csv's runs */
    };
    for (size_t k = 0; k < sizeof damage / sizeof damage[0]; k++) {
        support_sh("rm -rf '%s/c' && '%s' sweep '%s/s.cfg' " QUIET " --out '%s/c'", tmp, support_bin(), tmp, tmp);
        /* as if interrupted: the marker back, so --resume checks the files */
        support_sh("echo x > '%s/c/.incomplete'", tmp);
        support_sh("F='%s/c/series.csv'; %s", tmp, damage[k]);
        char *before = read_in(tmp, "c", "series.csv");
        struct cmd_result r;
        support_run(&r, "'%s' sweep '%s/s.cfg' " QUIET " --resume --out '%s/c'", support_bin(), tmp, tmp);
        if (r.status != 1 || !strstr(r.err, "series.csv:"))
            fail_msg("damage %zu: status %d, %s", k, r.status, r.err);
        support_result_free(&r);
        char *after = read_in(tmp, "c", "series.csv");
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
}

static void shards_merge_to_the_whole(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg", "true", 2);
    support_sh("'%s' sweep '%s/s.cfg' " QUIET " --out '%s/whole'", support_bin(), tmp, tmp);
    for (int k = 1; k <= 3; k++)
        support_sh("'%s' sweep '%s/s.cfg' " QUIET " --shard %d/3 --out '%s/part%d'", support_bin(), tmp, k, tmp, k);
    support_sh("cd '%s' && '%s' merge part1 part2 part3 --quiet --out merged", tmp, support_bin());
    same_file(tmp, "whole", "merged", "series.csv");
    same_file(tmp, "whole", "merged", "runs.csv");
    /* a part's series cut short: refused */
    support_sh("sed -i '$d' '%s/part2/series.csv'", tmp);
    struct cmd_result r;
    support_run(&r, "cd '%s' && '%s' merge part1 part2 part3 --quiet --out m2", tmp, support_bin());
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "series"));
    support_result_free(&r);
}

static void series_must_be_true_or_false(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg", "\"yes\"", 1);
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s/s.cfg' " QUIET " --out '%s/x'", support_bin(), tmp, tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "s.cfg:6: series: expected true or false"));
    support_result_free(&r);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)
    const struct CMUnitTest tests[] = {
        T(series_has_every_month_of_every_run), T(killed_and_resumed), T(resume_refuses_damaged_series),
        T(shards_merge_to_the_whole), T(series_must_be_true_or_false),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
