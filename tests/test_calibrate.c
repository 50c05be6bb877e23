/* turnaround calibrate from the command line: its files, the same bytes for
 * any parallelism and after a kill and --resume, resumed rows checked before
 * they are trusted, and every bad calibration file refused with its place.
 * The recovery of known parameters is in test_calibrate_full.c
 * (make check-patterns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

/* The teaching scenario under a takeover ended at the first good rating:
 * small and fast, with outcomes every replication. */
static const char scenario[] =
    "base = \"@SRC@/scenarios/teaching.cfg\";\n"
    "intervention = { schedule = \"takeover\"; exit = \"rating\"; };\n";

static const char tiny[] =
    "calibrate = {\n"
    "  scenario = \"s.cfg\"; particles = 12; generations = 3; reps = 3; fit_blocks = 4; seed = 5;\n"
    "  priors = ( { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; },\n"
    "             { param = \"intervention.min_months\"; min = 6; max = 30; } );\n"
    "  targets = ( { stat = \"mean_months_to_good\"; value = 15.0; sd = 6.0; },\n"
    "              { stat = \"mean_months_under_intervention\"; value = 24.0; sd = 4.0; } );\n"
    "};\n";

/* Write text to dir/name with @SRC@ replaced by the source tree. */
static void write_in(const char *dir, const char *name, const char *text)
{
    char path[1200], *out = malloc(strlen(text) + 8192), *o = out;
    const char *src = support_src();
    for (const char *c = text; *c;) {
        if (strncmp(c, "@SRC@", 5) == 0) {
            o += sprintf(o, "%s", src);
            c += 5;
        } else {
            *o++ = *c++;
        }
    }
    *o = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(support_write_file(path, out), 0);
    free(out);
}

static void calibrate(struct cmd_result *r, const char *dir, const char *file, const char *out, const char *extra)
{
    support_run(r, "'%s' calibrate '%s/%s' --out '%s/%s' --no-plot --quiet %s", support_bin(), dir, file, dir, out,
                extra);
}

static const char *const files[] = { "runs.csv", "fit-runs.csv", "posterior.csv", "calibrated.cfg", "fit.csv",
                                     "priors.csv", "calibrate.cfg", "config.cfg" };

static void same_files(const char *dir, const char *a, const char *b)
{
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char pa[1200], pb[1200];
        snprintf(pa, sizeof pa, "%s/%s/%s", dir, a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s/%s", dir, b, files[i]);
        if (!support_files_equal(pa, pb))
            fail_msg("%s and %s differ", pa, pb);
    }
}

static int exists(const char *dir, const char *name)
{
    char p[2500];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

/* The fit chart keeps each observed target's 2 sd within its statistic's
 * range: a share within [0, 1], months from 0 (0.85 +- 0.4 and 15 +- 20
 * would reach 1.25 and -5); what --set changed is recorded and named on the
 * charts, and --resume with the same --set finds the same calibration. */
static void fit_chart_keeps_targets_in_range(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg",
             "calibrate = {\n"
             "  scenario = \"s.cfg\"; particles = 12; generations = 2; reps = 3; fit_blocks = 4; seed = 5;\n"
             "  priors = ( { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } );\n"
             "  targets = ( { stat = \"mean_months_to_good\"; value = 15.0; sd = 10.0; },\n"
             "              { stat = \"share_exit_within_24\"; value = 0.85; sd = 0.2; } );\n"
             "};\n");
    support_sh("'%s' calibrate '%s/c.cfg' --quiet --set regulator.noise=0.07 --out '%s/f' && "
               "'%s' calibrate '%s/c.cfg' --quiet --set regulator.noise=0.07 --resume --out '%s/f' && "
               "'%s' plot '%s/f' --format svg",
               support_bin(), tmp, tmp, support_bin(), tmp, tmp, support_bin(), tmp);
    char path[1200];
    /* what --set changed: in config.cfg, and named on both charts */
    static const char *const named[] = { "config.cfg", "plots/fit.svg", "plots/posterior.svg" };
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/f/%s", tmp, named[k]);
        char *text = support_read_file(path, NULL);
        if (!text || !strstr(text, k == 0 ? "\n# set: regulator.noise = 0.07\n" : "changed: regulator.noise = 0.07</title>"))
            fail_msg("%s does not name the change", path);
        free(text);
    }
    snprintf(path, sizeof path, "%s/f/plots/fit.dat", tmp);
    char *dat = support_read_file(path, NULL);
    assert_non_null(dat);
    double x, o, lo, hi;
    const char *line = dat;
    assert_int_equal(sscanf(line, "%lf %lf %lf %lf", &x, &o, &lo, &hi), 4);   /* months: observed */
    assert_close(lo, 0.0, 0.0);
    assert_close(hi, 35.0, 1e-9);
    line = strstr(line, "\n0 ");   /* the share's observed row */
    assert_non_null(line);
    assert_int_equal(sscanf(line + 1, "%lf %lf %lf %lf", &x, &o, &lo, &hi), 4);
    assert_close(lo, 0.45, 1e-9);
    assert_close(hi, 1.0, 0.0);
    free(dat);
}

/* The folder holds what the README says, and calibrated.cfg runs as a scenario
 * with the posterior medians in it. */
static void a_calibration_writes_its_files(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg", tiny);
    struct cmd_result r;
    support_run(&r, "'%s' calibrate '%s/c.cfg' --out '%s/a'", support_bin(), tmp, tmp);
    if (r.status != 0)
        fail_msg("status %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "mean_months_to_good"));
    assert_non_null(strstr(r.err, "generation 3 of 3"));
    support_result_free(&r);
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/a", tmp);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (!exists(dir, files[i]))
            fail_msg("no %s", files[i]);
    assert_true(exists(dir, "plots/posterior.png") && exists(dir, "plots/fit.png"));
    assert_false(exists(dir, ".incomplete"));
    char path[2500];
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    char *post = support_read_file(path, NULL);
    assert_non_null(strstr(post, "generation,particle,weight,intervention.knowledge,intervention.min_months,distance,"
                                 "mean_months_to_good,mean_months_under_intervention\n"));
    int rows = 0;
    for (const char *c = post; (c = strchr(c, '\n')) != NULL; c++)
        rows++;
    assert_int_equal(rows, 1 + 3 * 12);
    free(post);
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    char *fit = support_read_file(path, NULL);
    assert_non_null(strstr(fit, "stat,observed,sd,model_mean,model_lo,model_hi,blocks,blocks_with_value\n"));
    assert_non_null(strstr(fit, "\nmean_months_to_good,15,6,"));
    free(fit);
    support_run(&r, "'%s' run '%s/calibrated.cfg' --reps 2 --no-plot --quiet --out '%s/again'", support_bin(), dir,
                tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    snprintf(path, sizeof path, "%s/calibrated.cfg", dir);
    char *cfg = support_read_file(path, NULL);
    assert_non_null(strstr(cfg, "# intervention.knowledge: prior 0.6 to 1, calibrated"));
    assert_non_null(strstr(cfg, "schedule = \"takeover\";"));
    free(cfg);
}

static void jobs_do_not_change_the_bytes(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg", tiny);
    struct cmd_result r;
    calibrate(&r, tmp, "c.cfg", "one", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    calibrate(&r, tmp, "c.cfg", "two", "--jobs 2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    calibrate(&r, tmp, "c.cfg", "three", "--jobs 3");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    same_files(tmp, "one", "two");
    same_files(tmp, "one", "three");
}

static void mpi_matches_one_process(void **state)
{
    const char *tmp = *state;
    const char *mpi = getenv("TURNAROUND_MPI_BIN");
    struct stat st;
    if (!mpi || stat(mpi, &st) != 0)
        skip();
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg", tiny);
    struct cmd_result r;
    calibrate(&r, tmp, "c.cfg", "one", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    support_run(&r, "mpirun --allow-run-as-root --oversubscribe -np 3 '%s' calibrate '%s/c.cfg' --out '%s/mpi' "
                    "--no-plot --quiet", mpi, tmp, tmp);
    if (r.status != 0)
        fail_msg("mpirun: %s", r.err);
    support_result_free(&r);
    same_files(tmp, "one", "mpi");
}

/* Killed at any moment, --resume finishes it to the same bytes. */
static void killed_and_resumed(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg", tiny);
    struct cmd_result r;
    calibrate(&r, tmp, "c.cfg", "whole", "--jobs 2");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    const char *kills[] = { "0.2", "0.5", "0.9" };
    for (int k = 0; k < 3; k++) {
        support_run(&r, "'%s' calibrate '%s/c.cfg' --out '%s/cut%d' --no-plot --quiet --jobs 2 & p=$!; sleep %s; "
                        "kill -9 $p; wait $p; exit 0",
                    support_bin(), tmp, tmp, k, kills[k]);
        support_result_free(&r);
        char out[32];
        snprintf(out, sizeof out, "cut%d", k);
        calibrate(&r, tmp, "c.cfg", out, "--resume");
        if (r.status != 0)
            fail_msg("resume: %s", r.err);
        support_result_free(&r);
        same_files(tmp, "whole", out);
    }
    support_run(&r, "'%s' calibrate '%s/c.cfg' --out '%s/int' --no-plot --quiet & p=$!; sleep 0.3; kill -INT $p; "
                    "wait $p",
                support_bin(), tmp, tmp);
    int status = r.status;
    support_result_free(&r);
    if (status == 0)
        return;   /* finished before the signal */
    assert_int_equal(status, 130);
    calibrate(&r, tmp, "c.cfg", "int", "--resume");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    same_files(tmp, "whole", "int");
}

/* Replace the first occurrence of from in dir/name by to. */
static void edit(const char *dir, const char *name, const char *from, const char *to)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = support_read_file(path, NULL);
    assert_non_null(text);
    char *at = strstr(text, from);
    assert_non_null(at);
    char *out = malloc(strlen(text) + strlen(to) + 1);
    sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    assert_int_equal(support_write_file(path, out), 0);
    free(out);
    free(text);
}

/* --resume reads every row back and checks it against the replication the
 * calibration asks for; anything else is refused, naming the line. */
static void resume_checks_every_row(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    write_in(tmp, "c.cfg", tiny);
    struct cmd_result r;
    calibrate(&r, tmp, "c.cfg", "good", "");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    static const struct {
        const char *from, *to, *want;
    } cases[] = {
        { "\n1,0,1,", "\n1,0,7,", "runs.csv:3: expected the row of generation 1, proposal 0, replication 1" },
        { "\n1,0,0,", "\n1,0,0,1,0,0,", "runs.csv:2:" },                              /* a garbage row */
        { "generation,proposal", "gen,proposal", "runs.csv:1: expected the header" },
        { ",error\n", ",error\r\n", "runs.csv:1: expected the header" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        support_run(&r, "rm -rf '%s/bad' && cp -r '%s/good' '%s/bad' && touch '%s/bad/.incomplete'", tmp, tmp, tmp,
                    tmp);
        support_result_free(&r);
        char dir[1200];
        snprintf(dir, sizeof dir, "%s/bad", tmp);
        edit(dir, "runs.csv", cases[k].from, cases[k].to);
        calibrate(&r, tmp, "c.cfg", "bad", "--resume");
        if (r.status != 1 || !strstr(r.err, cases[k].want))
            fail_msg("case %zu: status %d, stderr: %s", k, r.status, r.err);
        support_result_free(&r);
    }
    /* A count changed: the row's key still matches, so the counts are used:
     * the stored posterior is then rebuilt from what the file says. Rows beyond
     * the calibration's end are refused. */
    support_run(&r, "rm -rf '%s/bad' && cp -r '%s/good' '%s/bad' && tail -n 1 '%s/good/runs.csv' >> '%s/bad/runs.csv'",
                tmp, tmp, tmp, tmp, tmp);
    support_result_free(&r);
    calibrate(&r, tmp, "c.cfg", "bad", "--resume");
    if (r.status != 1 || !strstr(r.err, "a row the calibration does not make"))
        fail_msg("extra row: status %d, stderr: %s", r.status, r.err);
    support_result_free(&r);
    /* Another calibration's folder. */
    write_in(tmp, "d.cfg", tiny);
    edit(tmp, "d.cfg", "seed = 5", "seed = 6");
    calibrate(&r, tmp, "d.cfg", "good", "--resume");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "holds a different calibration"));
    support_result_free(&r);
    calibrate(&r, tmp, "c.cfg", "good", "");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "--resume continues its calibration, --force replaces it"));
    support_result_free(&r);
}

static void bad_calibration_files(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", scenario);
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "calibrate = { scenario = \"s.cfg\"; priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"mean_months_under\"; value = 22; sd = 2; } ); };\n",
          "c.cfg:2: targets: unknown statistic 'mean_months_under'; did you mean 'mean_months_under_intervention'?" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"peers.decay\"; min = 0; max = 2; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "c.cfg:2: priors: peers.decay: the prior 0 to 2 reaches outside the parameter's range, 0 to 1" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } ); };\n",
          "targets: expected at least one, found none" },
        { "calibrate = { scenario = \"s.cfg\"; priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0; } ); };\n",
          "c.cfg:2: targets: share_failing: sd: expected a number above 0, found 0" },
        { "calibrate = { scenario = \"s.cfg\"; particles = 0;\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "particles: expected a whole number from 1 to 1000000, found 0" },
        { "calibrate = { scenario = \"s.cfg\";\n  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "priors: expected at least one, found none" },
        { "calibrate = { scenario = \"s.cfg\"; method = \"mcmc\";\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "c.cfg:1: method: expected abc-smc or rejection, found 'mcmc'" },
        { "calibrate = { scenario = \"s.cfg\"; particls = 5;\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "c.cfg:1: calibrate: unknown key 'particls'" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"peers.dcay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "c.cfg:2: priors: unknown parameter 'peers.dcay'; did you mean 'peers.decay'?" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"title\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "priors: title is not a number that can be calibrated" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"peers.decay\"; min = 0.1; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "priors: peers.decay: expected min < max, found 0.1 and 0.1" },
        { "calibrate = { scenario = \"s.cfg\";\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; },\n"
          "             { param = \"peers.decay\"; min = 0; max = 0.2; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "priors: peers.decay has two priors" },
        { "calibrate = { scenario = \"nowhere.cfg\"; };\n", "scenario: cannot find 'nowhere.cfg'" },
        { "calibrate = { scenario = \"s.cfg\"; quantile = 1.0;\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "quantile: expected a number between 0 and 1 (both excluded), found 1" },
        { "calibrate = { scenario = \"s.cfg\"; reps = 1000000;\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "reps: expected a whole number from 1 to 100000" },
        { "calibrate = { scenario = \"s.cfg\"; strategy = \"takover\";\n  priors = ( { param = \"peers.decay\"; min = 0; max = 0.1; } );\n"
          "  targets = ( { stat = \"share_failing\"; value = 0.2; sd = 0.05; } ); };\n",
          "c.cfg:1: strategy: unknown strategy" },
        { "calibrate = { scenario = ; };\n", "c.cfg:1: syntax error" },
        { "sweep = { };\n", "expected a group calibrate = { ... };" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_in(tmp, "c.cfg", cases[k].text);
        struct cmd_result r;
        calibrate(&r, tmp, "c.cfg", "bad", "");
        if (r.status != 1 || !strstr(r.err, cases[k].want))
            fail_msg("case %zu: status %d, stderr: %s", k, r.status, r.err);
        support_result_free(&r);
        char path[1200];
        snprintf(path, sizeof path, "%s/bad", tmp);
        struct stat st;
        assert_int_not_equal(stat(path, &st), 0);   /* nothing written */
    }
    struct cmd_result r;
    support_run(&r, "'%s' calibrate", support_bin());
    assert_int_equal(r.status, 2);
    support_result_free(&r);
    support_run(&r, "'%s' calibrate '%s/c.cfg' --resume --force", support_bin(), tmp);
    assert_int_equal(r.status, 2);
    support_result_free(&r);
    support_run(&r, "'%s' calibrate '%s'", support_bin(), tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "expected a .cfg file, found a folder"));
    support_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_calibration_writes_its_files), T(fit_chart_keeps_targets_in_range), T(jobs_do_not_change_the_bytes), T(mpi_matches_one_process),
        T(killed_and_resumed), T(resume_checks_every_row), T(bad_calibration_files),
    };
    return cmocka_run_group_tests_name("calibrate", tests, NULL, NULL);
}
