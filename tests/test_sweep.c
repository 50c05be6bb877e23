/* Sweeps: the same runs.csv whatever the parallelism and after a kill and a
 * resume; designs as specified; bad sweep files; failing runs recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define SMALL "--set sector.orgs=8 --set run.months=36 --quiet --no-plot"

static const char grid[] = "sweep = {\n"
                           "  scenario = \"@SRC@/configs/default.cfg\";\n"
                           "  design = \"grid\";\n"
                           "  reps = 3;\n"
                           "  strategies = [\"none\", \"takeover\"];\n"
                           "  vary = (\n"
                           "    { param = \"sector.turbulence\"; values = [0.01, 0.03]; },\n"
                           "    { param = \"org.staff\"; from = 20; to = 60; step = 20; }\n"
                           "  );\n"
                           "};\n";

/* Write a sweep file, with @SRC@ standing for the source tree. */
static void write_sweep(const char *tmp, const char *name, const char *tmpl)
{
    char path[1200], text[4096];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    size_t n = 0;
    for (const char *c = tmpl; *c && n + 600 < sizeof text; c++) {
        if (strncmp(c, "@SRC@", 5) == 0) {
            n += (size_t)snprintf(text + n, sizeof text - n, "%s", support_src());
            c += 4;
        } else {
            text[n++] = *c;
        }
    }
    text[n] = '\0';
    assert_int_equal(support_write_file(path, text), 0);
}

static void sweep(struct cmd_result *r, const char *tmp, const char *name, const char *out, const char *extra)
{
    support_run(r, "'%s' sweep '%s/%s' " SMALL " --out '%s/%s' %s", support_bin(), tmp, name, tmp, out, extra);
}

static void same_runs(const char *tmp, const char *a, const char *b)
{
    char pa[1200], pb[1200];
    snprintf(pa, sizeof pa, "%s/%s/runs.csv", tmp, a);
    snprintf(pb, sizeof pb, "%s/%s/runs.csv", tmp, b);
    if (!support_files_equal(pa, pb))
        fail_msg("%s and %s differ", pa, pb);
}

static void jobs_do_not_change_the_results(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "one", "--jobs 1");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "two", "--jobs 2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "three", "--jobs 3");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    same_runs(tmp, "one", "two");
    same_runs(tmp, "one", "three");
    char path[1200];
    snprintf(path, sizeof path, "%s/one/runs.csv", tmp);
    char *runs = support_read_file(path, NULL);
    size_t lines = 0;
    for (const char *c = runs; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 2 * 3 * 3 * 2);   /* header + points x reps x strategies */
    assert_non_null(strstr(runs, "run,point,rep,strategy,seed,sector.turbulence,org.staff,"));
    /* The two strategies of a point and replication share a seed (common random numbers). */
    assert_non_null(strstr(runs, "\n0,0,0,none,"));
    char seed[40];
    assert_int_equal(sscanf(strstr(runs, "\n0,0,0,none,") + 12, "%39[0-9]", seed), 1);
    char want[80];
    snprintf(want, sizeof want, "\n1,0,0,takeover,%s,", seed);
    assert_non_null(strstr(runs, want));
    free(runs);
    snprintf(path, sizeof path, "%s/one/.incomplete", tmp);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);   /* finished */
}

/* A kill at an arbitrary moment, then --resume: the same bytes as a sweep that
 * was never interrupted, no run repeated or lost. */
static void killed_and_resumed(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "whole", "--jobs 2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    const char *kills[] = { "0.3", "0.7" };
    for (int k = 0; k < 2; k++) {
        support_run(&r, "'%s' sweep '%s/g.cfg' " SMALL " --out '%s/cut%d' --jobs 2 & p=$!; sleep %s; kill -9 $p; "
                        "wait $p; exit 0",
                    support_bin(), tmp, tmp, k, kills[k]);
        support_result_free(&r);
        char out[32];
        snprintf(out, sizeof out, "cut%d", k);
        sweep(&r, tmp, "g.cfg", out, "--resume --jobs 2");
        if (r.status != 0)
            fail_msg("resume: %s", r.err);
        support_result_free(&r);
        same_runs(tmp, "whole", out);
    }
}

static void interrupted_then_resumed(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; reps = 300;\n"
                "  vary = ( { param = \"sector.turbulence\"; values = [0.01, 0.03]; } ); };\n");
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "whole", "");
    support_result_free(&r);
    support_run(&r, "'%s' sweep '%s/g.cfg' " SMALL " --out '%s/cut' & p=$!; sleep 0.2; kill -INT $p; wait $p",
                support_bin(), tmp, tmp);
    if (r.status == 0)
        skip();   /* it finished before the signal: nothing to resume */
    assert_int_equal(r.status, 130);
    assert_non_null(strstr(r.err, "--resume"));
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "cut", "--resume");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    same_runs(tmp, "whole", "cut");
}

/* --resume keeps only what it can verify (issue 10, item 2). Each damage to
 * runs.csv below was once taken by its line count and resumed with exit 0
 * into wrong rows; now each is refused, naming the line, and the file is
 * left as it was. The one repair, a last line cut short by a kill, gives the
 * bytes of a sweep never interrupted. */
static void resume_verifies_what_it_keeps(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "full", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "other", "--set run.seed=2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    static const struct {
        const char *damage, *want;
    } cases[] = {
        { "head -6 full/runs.csv > c/runs.csv; sed -i '3s/.*/garbage/' c/runs.csv", "runs.csv:3: expected run 1 " },
        { "head -5 full/runs.csv > c/runs.csv; sed -n 5p full/runs.csv >> c/runs.csv", "runs.csv:6: expected run 4 " },
        { "head -6 full/runs.csv | sed 3d > c/runs.csv", "runs.csv:3: expected run 1 " },
        { "head -2 full/runs.csv > c/runs.csv; sed -n 3p other/runs.csv >> c/runs.csv", "runs.csv:3: expected run 1 " },
        { "head -6 full/runs.csv | sed 1d > c/runs.csv", "runs.csv:1: expected this sweep's header" },
        { "head -6 full/runs.csv | sed 's/$/\\r/' > c/runs.csv", "runs.csv:1: a CRLF line ending" },
        { "cp full/runs.csv c/runs.csv; tail -1 full/runs.csv >> c/runs.csv", "runs.csv:38: more lines than the sweep's 36" },
        { "head -6 full/runs.csv | sed '4s/,[^,]*$/,x,y/' > c/runs.csv", "runs.csv:4: expected run 2 " },
        { "rm c/sweep-info.csv; head -3 full/runs.csv > c/runs.csv", "sweep-info.csv' is missing" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        support_run(&r, "cd '%s' && rm -rf c && cp -r full c && touch c/.incomplete && %s && cp c/runs.csv kept.csv",
                    tmp, cases[k].damage);
        assert_int_equal(r.status, 0);
        support_result_free(&r);
        sweep(&r, tmp, "g.cfg", "c", "--resume");
        if (r.status != 1 || !strstr(r.err, cases[k].want))
            fail_msg("case %zu (%s): status %d, stderr: %s", k, cases[k].damage, r.status, r.err);
        support_result_free(&r);
        char a[1200], b[1200];
        snprintf(a, sizeof a, "%s/c/runs.csv", tmp);
        snprintf(b, sizeof b, "%s/kept.csv", tmp);
        if (!strstr(cases[k].damage, "rm c/") && !support_files_equal(a, b))
            fail_msg("case %zu: a refused resume changed runs.csv", k);
    }

    /* The repair: the last line cut short, and a header cut short. */
    const char *cuts[] = { "head -c -7 full/runs.csv > c/runs.csv", "head -c 20 full/runs.csv > c/runs.csv",
                           ": > c/runs.csv" };
    for (size_t k = 0; k < 3; k++) {
        support_run(&r, "cd '%s' && rm -rf c && cp -r full c && touch c/.incomplete && %s", tmp, cuts[k]);
        support_result_free(&r);
        sweep(&r, tmp, "g.cfg", "c", "--resume");
        if (r.status != 0)
            fail_msg("cut %zu: status %d, stderr: %s", k, r.status, r.err);
        support_result_free(&r);
        same_runs(tmp, "full", "c");
    }
}

/* A shard's folder resumed as another shard would mix two shards' runs. */
static void resume_refuses_another_shard(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "s1", "--shard 1/2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    support_run(&r, "cd '%s' && touch s1/.incomplete && head -4 s1/runs.csv > s1/cut && mv s1/cut s1/runs.csv", tmp);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "s1", "--resume --shard 2/2");
    if (r.status != 1 || !strstr(r.err, "holds shard 1/2") || !strstr(r.err, "--shard 1/2"))
        fail_msg("status %d, stderr: %s", r.status, r.err);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "s1", "--resume --shard 1/2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "whole1", "--shard 1/2");
    support_result_free(&r);
    same_runs(tmp, "whole1", "s1");
}

/* sweep --force keeps the old results until the new sweep is complete
 * (issue 10, item 8): interrupted, the old folder is back as it was; complete,
 * it is replaced. Before, --force deleted it before the first new run. */
static void force_keeps_the_old_sweep_until_the_new_one_is_done(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    write_sweep(tmp, "long.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; reps = 400;\n"
                "  vary = ( { param = \"sector.turbulence\"; values = [0.01, 0.03]; } ); };\n");
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "o", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    support_run(&r, "cp '%s/o/runs.csv' '%s/before.csv'", tmp, tmp);
    support_result_free(&r);
    support_run(&r, "'%s' sweep '%s/long.cfg' " SMALL " --force --out '%s/o' & p=$!; sleep 0.5; kill -INT $p; wait $p",
                support_bin(), tmp, tmp);
    if (r.status == 0)
        skip();   /* finished before the signal */
    if (r.status != 130 || !strstr(r.err, "the earlier results in"))
        fail_msg("status %d, stderr: %s", r.status, r.err);
    support_result_free(&r);
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%s/o/runs.csv", tmp);
    snprintf(b, sizeof b, "%s/before.csv", tmp);
    if (!support_files_equal(a, b))
        fail_msg("the interrupted --force sweep did not leave the old results as they were");
    sweep(&r, tmp, "g.cfg", "o", "--resume");   /* the old sweep, complete: nothing to do */
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    write_sweep(tmp, "g2.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; reps = 2;\n"
                "  vary = ( { param = \"sector.turbulence\"; values = [0.01, 0.03]; } ); };\n");
    sweep(&r, tmp, "g2.cfg", "o", "--force");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    sweep(&r, tmp, "g2.cfg", "o2", "");
    support_result_free(&r);
    same_runs(tmp, "o", "o2");
    support_run(&r, "ls -a '%s' | grep -c replaced", tmp);
    assert_string_equal(r.out, "0\n");   /* nothing left aside */
    support_result_free(&r);
}

static void latin_hypercube_uses_each_stratum_once(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "l.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"lhs\"; samples = 10; reps = 1;\n"
                "  vary = ( { param = \"peers.decay\"; min = 0.0; max = 0.1; },\n"
                "           { param = \"sector.turbulence\"; min = 0.0; max = 0.02; } ); };\n");
    struct cmd_result r;
    sweep(&r, tmp, "l.cfg", "l", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/l/design.csv", tmp);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "point,peers.decay,sector.turbulence\n");
    int used[2][10] = { { 0 } }, points = 0;
    double a, b;
    int p;
    while (fscanf(f, "%d,%lf,%lf\n", &p, &a, &b) == 3) {
        assert_true(a >= 0.0 && a <= 0.1 && b >= 0.0 && b <= 0.02);
        used[0][(int)floor(a / 0.01)]++;
        used[1][(int)floor(b / 0.002)]++;
        points++;
    }
    fclose(f);
    assert_int_equal(points, 10);
    for (int k = 0; k < 10; k++) {
        assert_int_equal(used[0][k], 1);
        assert_int_equal(used[1][k], 1);
    }
}

static void failing_runs_are_recorded(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "f.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; reps = 1;\n"
                "  vary = ( { param = \"peers.degree\"; values = [2, 3, 4]; } ); };\n");
    struct cmd_result r;
    sweep(&r, tmp, "f.cfg", "f", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/f/runs.csv", tmp);
    char *runs = support_read_file(path, NULL);
    assert_non_null(strstr(runs, "\n1,1,0,none,"));
    assert_non_null(strstr(runs, "peers.degree must be even"));
    assert_non_null(strstr(runs, "\n2,2,0,none,"));   /* the sweep went on */
    free(runs);
    sweep(&r, tmp, "f.cfg", "g", "--stop-on-error");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "peers.degree must be even"));
    support_result_free(&r);
}

static void bad_sweep_files(void **state)
{
    const char *tmp = *state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\"; desing = \"grid\"; };\n", "unknown key 'desing'" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\";\n vary = ( { param = \"peers.dcay\"; values = [0.1]; } ); };\n",
          "did you mean 'peers.decay'" },
        { "sweep = { scenario = \"@SRC@/nowhere.cfg\"; };\n", "cannot find" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"factorial\"; };\n", "expected grid, lhs, sobol or morris" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"sobol\"; };\n", "needs samples" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\";\n vary = ( { param = \"peers.decay\"; min = 0.0; max = 0.1; levels = 1; } ); };\n",
          "levels: expected a whole number from 2" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\";\n vary = ( { param = \"peers.decay\"; values = [0.5, 2.0]; } ); };\n",
          "found 2" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\"; strategies = [\"takover\"]; };\n", "unknown strategy" },
        { "sweep = { scenario = ; };\n", "syntax error" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\"; strategies = [\"takeover / fixed\"]; };\n",
          "needs its number of months" },
        { "sweep = { scenario = \"@SRC@/configs/default.cfg\";\n vary = ( { param = \"culture.superior\"; values = [0, 1]; } ); };\n",
          "culture.superior is a choice of rules" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_sweep(tmp, "bad.cfg", cases[k].text);
        struct cmd_result r;
        sweep(&r, tmp, "bad.cfg", "bad", "");
        if (r.status != 1 || !strstr(r.err, cases[k].want) || !strstr(r.err, "bad.cfg"))
            fail_msg("case %zu: status %d, stderr: %s", k, r.status, r.err);
        support_result_free(&r);
        char path[1200];
        snprintf(path, sizeof path, "%s/bad", tmp);
        struct stat st;
        assert_int_not_equal(stat(path, &st), 0);   /* nothing written */
    }
}

/* Sizes that wrap or that no machine holds (issue 10, items 1 and 6): each
 * refused at once, with the file named, exit 1 and nothing written. Before
 * the sizes were checked these wrapped into small allocations written past
 * (exit 139) or into sweeps of no runs that exited 0. */
static void huge_and_empty_sweeps_are_refused(void **state)
{
    const char *tmp = *state;
#define TWO_RANGES " vary = ( { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n" \
                   "  { param = \"culture.socialisation\"; min = 0.01; max = 0.1; } ); };\n"
#define LEVELS(p) "{ param = \"" p "\"; min = 0.0; max = 0.5; levels = 512; }"
    static const struct {
        const char *text, *extra, *want;
    } cases[] = {
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 2305843009213693952L;\n"
          TWO_RANGES, "", "samples: expected a whole number from 1 to 2^53" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"lhs\"; samples = 2305843009213693952L;\n"
          TWO_RANGES, "", "samples: expected a whole number from 1 to 2^53" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"morris\"; samples = 1152921504606846976L;\n"
          TWO_RANGES, "", "samples: expected a whole number from 1 to 2^53" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"lhs\"; samples = 10;\n"
          " reps = 4611686018427387904L;\n" TWO_RANGES, "", "reps: expected a whole number from 1 to 2^53" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 1e300;\n" TWO_RANGES, "",
          "samples: expected a whole number" },
        /* Within 2^53 each, but more runs than 2^53 together. */
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 4503599627370496L;\n"
          TWO_RANGES, "", "more than 2^53 runs" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"lhs\"; samples = 4503599627370496L;\n"
          " reps = 4;\n" TWO_RANGES, "", "more than 2^53 runs" },
        /* A grid of eight factors of 512 levels: 2^72 points. */
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\";\n vary = ( " LEVELS("peers.decay") ", "
          LEVELS("peers.renewal") ", " LEVELS("peers.rewire") ", " LEVELS("culture.socialisation") ", "
          LEVELS("culture.code_learning") ", " LEVELS("org.feedback") ", " LEVELS("org.defensiveness") ", "
          LEVELS("regulator.concealment") " ); };\n", "", "too large to count" },
        /* Ten million Sobol samples held against a limit of 64 MB. */
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 10000000;\n" TWO_RANGES,
          "--max-memory 64M", "is the limit set by --max-memory" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; strategies = [];\n" TWO_RANGES, "",
          "strategies: the list is empty" },
        { "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; strategies = \"takeover\";\n" TWO_RANGES, "",
          "strategies: expected a list" },
    };
#undef TWO_RANGES
#undef LEVELS
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_sweep(tmp, "huge.cfg", cases[k].text);
        struct cmd_result r;
        sweep(&r, tmp, "huge.cfg", "huge", cases[k].extra);
        if (r.status != 1 || !strstr(r.err, cases[k].want) || !strstr(r.err, "huge.cfg"))
            fail_msg("case %zu: status %d, stderr: %s", k, r.status, r.err);
        support_result_free(&r);
        char path[1200];
        snprintf(path, sizeof path, "%s/huge", tmp);
        struct stat st;
        assert_int_not_equal(stat(path, &st), 0);   /* nothing written */
    }
}

/* A strategy longer than a parameter holds is refused, not cut short into
 * another strategy. */
static void overlong_strategy_is_refused(void **state)
{
    const char *tmp = *state;
    char text[2000], *at = text;
    at += sprintf(at, "sweep = { scenario = \"%s/scenarios/teaching.cfg\"; strategies = [\"takeover", support_src());
    for (int i = 0; i < 60; i++)
        at += sprintf(at, "+takeover");
    sprintf(at, "\"]; };\n");
    write_sweep(tmp, "long.cfg", text);
    struct cmd_result r;
    sweep(&r, tmp, "long.cfg", "long", "");
    if (r.status != 1 || !strstr(r.err, "characters long; at most 255 are accepted"))
        fail_msg("status %d, stderr: %s", r.status, r.err);
    support_result_free(&r);
}

static void existing_folder_needs_resume_or_force(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "x", "");
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "x", "");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "--resume"));
    support_result_free(&r);
    sweep(&r, tmp, "g.cfg", "x", "--resume");   /* complete already: nothing to do */
    assert_int_equal(r.status, 0);
    support_result_free(&r);
}

/* A strategy may carry its own exit test after " / ". */
static void strategies_with_their_own_exit(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "e.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; reps = 2;\n"
                "  strategies = [\"takeover / fixed:6\", \"takeover / fixed:12\"]; };\n");
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s/e.cfg' --set sector.orgs=8 --set run.months=48 --set sector.turbulence=0.05 "
                    "--quiet --out '%s/e'",
                support_bin(), tmp, tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/e/runs.csv", tmp);
    char *runs = support_read_file(path, NULL);
    assert_non_null(strstr(runs, ",takeover / fixed:6,"));
    assert_non_null(strstr(runs, ",takeover / fixed:12,"));
    free(runs);
}

static void shards_merge_to_the_whole(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "g.cfg", grid);
    struct cmd_result r;
    sweep(&r, tmp, "g.cfg", "whole", "");
    support_result_free(&r);
    const char *shards[] = { "--shard 1/3", "--shard 2/3 --jobs 2", "--shard 3/3" };
    for (int k = 0; k < 3; k++) {
        char out[32];
        snprintf(out, sizeof out, "part%d", k + 1);
        sweep(&r, tmp, "g.cfg", out, shards[k]);
        assert_int_equal(r.status, 0);
        support_result_free(&r);
    }
    support_run(&r, "cd '%s' && '%s' merge part1 part2 part3 --out merged", tmp, support_bin());
    if (r.status != 0)
        fail_msg("merge: %s", r.err);
    support_result_free(&r);
    same_runs(tmp, "whole", "merged");
    /* a missing shard, and a part of another sweep, are refused */
    support_run(&r, "cd '%s' && '%s' merge part1 part3 --out m2", tmp, support_bin());
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "3 shards, but 2 parts"));
    support_result_free(&r);
    support_run(&r, "cd '%s' && '%s' merge part1 part2 whole --out m3", tmp, support_bin());
    assert_int_equal(r.status, 1);
    support_result_free(&r);
}

/* A sharded Sobol or Morris sweep, merged, has the same sensitivity.csv as
 * the sweep run whole (issue 10, item 10: it had none). */
static void merged_shards_have_the_sensitivity(void **state)
{
    const char *tmp = *state;
    static const char *const designs[] = {
        "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"sobol\"; samples = 8; reps = 2;\n"
        "  vary = ( { param = \"peers.decay\"; min = 0.0; max = 0.1; },\n"
        "           { param = \"sector.turbulence\"; min = 0.0; max = 0.03; } ); };\n",
        "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"morris\"; samples = 4; reps = 2;\n"
        "  vary = ( { param = \"peers.decay\"; min = 0.0; max = 0.1; },\n"
        "           { param = \"sector.turbulence\"; min = 0.0; max = 0.03; } ); };\n",
    };
    for (int k = 0; k < 2; k++) {
        write_sweep(tmp, "s.cfg", designs[k]);
        struct cmd_result r;
        support_run(&r, "cd '%s' && rm -rf whole p1 p2 merged", tmp);
        support_result_free(&r);
        sweep(&r, tmp, "s.cfg", "whole", "--set run.seed=7");
        assert_int_equal(r.status, 0);
        support_result_free(&r);
        sweep(&r, tmp, "s.cfg", "p1", "--set run.seed=7 --shard 1/2");
        support_result_free(&r);
        sweep(&r, tmp, "s.cfg", "p2", "--set run.seed=7 --shard 2/2");
        support_result_free(&r);
        support_run(&r, "cd '%s' && '%s' merge p1 p2 --out merged", tmp, support_bin());
        if (r.status != 0)
            fail_msg("merge: %s", r.err);
        support_result_free(&r);
        char a[1200], b[1200];
        snprintf(a, sizeof a, "%s/whole/sensitivity.csv", tmp);
        snprintf(b, sizeof b, "%s/merged/sensitivity.csv", tmp);
        if (!support_files_equal(a, b))
            fail_msg("%s: the merged sensitivity.csv differs from the whole sweep's", k ? "morris" : "sobol");
    }
}

/* turnaround-mpi over three ranks (a manager and two workers) writes the
 * same runs.csv as one process. Runs where make test built turnaround-mpi. */
static void mpi_matches_one_process(void **state)
{
    const char *tmp = *state;
    const char *mpi = getenv("TURNAROUND_MPI_BIN");
    struct stat st;
    struct cmd_result r;
    support_run(&r, "command -v mpirun");
    int have = r.status == 0 && mpi && stat(mpi, &st) == 0;
    support_result_free(&r);
    if (!have)
        skip();
    write_sweep(tmp, "g.cfg", grid);
    sweep(&r, tmp, "g.cfg", "one", "");
    support_result_free(&r);
    support_run(&r, "mpirun --allow-run-as-root --oversubscribe -np 3 '%s' sweep '%s/g.cfg' " SMALL " --out '%s/mpi'",
                mpi, tmp, tmp);
    if (r.status != 0)
        fail_msg("mpirun: %s", r.err);
    support_result_free(&r);
    same_runs(tmp, "one", "mpi");
}

/* A sweep draws its charts (effects, heatmap and, for sobol and morris,
 * sensitivity) unless --no-plot, and each script redraws its chart. */
static void sweep_charts(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "m.cfg",
                "sweep = { scenario = \"@SRC@/configs/default.cfg\"; design = \"morris\"; samples = 6; reps = 1;\n"
                "  vary = ( { param = \"sector.turbulence\"; min = 0.0; max = 0.03; },\n"
                "           { param = \"peers.decay\"; min = 0.01; max = 0.1; } ); };\n");
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s/m.cfg' --set sector.orgs=8 --set run.months=36 --quiet --out '%s/m'", support_bin(),
                tmp, tmp);
    if (r.status != 0 || r.err[0])
        fail_msg("status %d: %s", r.status, r.err);
    support_result_free(&r);
    static const char *const charts[] = { "effects", "heatmap", "sensitivity" };
    for (int k = 0; k < 3; k++) {
        char path[1200];
        size_t n;
        snprintf(path, sizeof path, "%s/m/plots/%s.png", tmp, charts[k]);
        char *png = support_read_file(path, &n);
        if (!png)
            fail_msg("no %s", path);
        assert_true(n > 10000);
        assert_memory_equal(png, "\x89PNG", 4);
        free(png);
        support_run(&r, "cd '%s/m/plots' && gnuplot %s.gp", tmp, charts[k]);
        assert_int_equal(r.status, 0);
        support_result_free(&r);
    }
}

/* A grid over two parameters draws the interaction chart: the chosen outcome
 * against the first, one line (a data block) per value of the second, as in
 * March's figure 1; --outcome names any outcome column, and refuses others. */
/* The sensitivity chart draws the replication noise floor beside the
 * indices, and says plainly when final quality has none (constant, failed or
 * undefined) instead of handing gnuplot nothing to draw. */
static void sensitivity_chart_noise_floor_and_no_indices(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg",
                "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 8; reps = 2;\n"
                "  strategies = [\"takeover\", \"retained_ownership\"];\n"
                "  vary = ( { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
                "           { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } ); };\n");
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s/s.cfg' --quiet --no-plot --out '%s/s' && '%s' plot '%s/s' --only sensitivity "
                    "--format svg",
                support_bin(), tmp, tmp, support_bin(), tmp);
    if (r.status != 0)
        fail_msg("status %d: %s", r.status, r.err);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/s/plots/sensitivity.svg", tmp);
    char *svg = support_read_file(path, NULL);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "noise floor: replications alone"));
    free(svg);
    /* final_quality's rows marked as a constant outcome's would be */
    support_sh("cd '%s/s' && awk -F, 'BEGIN { OFS = \",\" } $2 == \"final_quality\" { $4 = \"constant\"; "
               "for (i = 5; i <= NF; i++) $i = \"\" } { print }' sensitivity.csv > x && mv x sensitivity.csv",
               tmp);
    support_run(&r, "'%s' plot '%s/s' --only sensitivity", support_bin(), tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "final_quality has no indices in sensitivity.csv (status: constant)"));
    support_result_free(&r);
}

/* A sweep's --set is recorded in config.cfg and named on its charts, and
 * --resume with the same --set finds the same sweep; the effects chart joins
 * values in order and keeps intervals within range (none below 0). */
static void sweep_charts_name_the_change(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "s.cfg",
                "sweep = { scenario = \"@SRC@/scenarios/teaching.cfg\"; design = \"sobol\"; samples = 8; reps = 2;\n"
                "  strategies = [\"takeover\", \"retained_ownership\"];\n"
                "  vary = ( { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
                "           { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } ); };\n");
    support_sh("'%s' sweep '%s/s.cfg' --quiet --set regulator.noise=0.07 --out '%s/s' && "
               "'%s' sweep '%s/s.cfg' --quiet --set regulator.noise=0.07 --resume --out '%s/s' && "
               "'%s' plot '%s/s' --format svg",
               support_bin(), tmp, tmp, support_bin(), tmp, tmp, support_bin(), tmp);
    char path[1200];
    snprintf(path, sizeof path, "%s/s/config.cfg", tmp);
    char *config = support_read_file(path, NULL);
    assert_non_null(config);
    assert_non_null(strstr(config, "\n# set: regulator.noise = 0.07\n"));
    free(config);
    static const char *const charts[] = { "effects", "heatmap", "sensitivity" };
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/s/plots/%s.svg", tmp, charts[k]);
        char *svg = support_read_file(path, NULL);
        if (!svg || !strstr(svg, "changed: regulator.noise = 0.07</title>"))
            fail_msg("%s does not name the change", path);
        free(svg);
    }
    snprintf(path, sizeof path, "%s/s/plots/effects.dat", tmp);
    char *dat = support_read_file(path, NULL);
    assert_non_null(dat);
    double last = -INFINITY;
    int rows = 0;
    for (char *line = dat; *line; line = strchr(line, '\n') + 1) {
        if (*line == '\n') {
            last = -INFINITY;   /* the next block */
        } else {
            double x, mean, lo, hi;
            assert_int_equal(sscanf(line, "%lf %lf %lf %lf", &x, &mean, &lo, &hi), 4);
            assert_true(x > last);   /* in order along the axis */
            last = x;
            assert_true(lo >= 0.0 && lo <= mean + 1e-12 && mean <= hi + 1e-12);
            rows++;
        }
        if (!strchr(line, '\n'))
            break;
    }
    assert_true(rows > 20);
    free(dat);
}

static void interaction_chart(void **state)
{
    const char *tmp = *state;
    write_sweep(tmp, "i.cfg",
                "sweep = { scenario = \"@SRC@/scenarios/march-1991.cfg\"; reps = 3;\n"
                "  vary = ( { param = \"culture.socialisation\"; values = [0.1, 0.5, 0.9]; },\n"
                "           { param = \"culture.code_learning\"; values = [0.1, 0.9]; } ); };\n");
    struct cmd_result r;
    support_run(&r, "'%s' sweep '%s/i.cfg' --set run.months=30 --quiet --out '%s/i'", support_bin(), tmp, tmp);
    if (r.status != 0 || r.err[0])
        fail_msg("status %d: %s", r.status, r.err);
    support_result_free(&r);
    support_run(&r, "'%s' plot '%s/i' --only interaction --outcome final_march_knowledge --format svg", support_bin(),
                tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/i/plots/interaction.dat", tmp);
    char *dat = support_read_file(path, NULL);
    assert_non_null(dat);
    int blocks = 0, points = 0;
    for (const char *c = dat; (c = strstr(c, "\n\n\n")) != NULL; c += 3)
        blocks++;
    for (const char *c = dat; *c; c++)
        points += *c == '\n' && c[1] != '\n' && c[1] != '\0';
    assert_int_equal(blocks, 2);        /* one line per code_learning value */
    assert_int_equal(points + 1, 6);    /* three socialisation values on each */
    free(dat);
    snprintf(path, sizeof path, "%s/i/plots/interaction.gp", tmp);
    char *gp = support_read_file(path, NULL);
    assert_non_null(strstr(gp, "final_march_knowledge against culture.socialisation"));
    assert_non_null(strstr(gp, "'culture.code_learning = 0.9'"));
    free(gp);
    support_run(&r, "cd '%s/i/plots' && gnuplot interaction.gp", tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    support_run(&r, "'%s' plot '%s/i' --outcome final_knowledge", support_bin(), tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "'final_knowledge' is not an outcome of this sweep"));
    assert_non_null(strstr(r.err, "final_march_knowledge"));
    support_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(jobs_do_not_change_the_results),   T(killed_and_resumed), T(interrupted_then_resumed),
        T(resume_verifies_what_it_keeps), T(resume_refuses_another_shard),
        T(force_keeps_the_old_sweep_until_the_new_one_is_done),
        T(latin_hypercube_uses_each_stratum_once), T(failing_runs_are_recorded), T(bad_sweep_files),
        T(huge_and_empty_sweeps_are_refused), T(overlong_strategy_is_refused),
        T(existing_folder_needs_resume_or_force), T(shards_merge_to_the_whole), T(merged_shards_have_the_sensitivity), T(strategies_with_their_own_exit),
        T(mpi_matches_one_process), T(sweep_charts), T(interaction_chart), T(sensitivity_chart_noise_floor_and_no_indices),
        T(sweep_charts_name_the_change),
    };
    return cmocka_run_group_tests_name("sweeps", tests, NULL, NULL);
}
