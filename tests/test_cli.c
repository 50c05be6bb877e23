/* test_cli: the command line end to end, as a new user would call it.
 *
 * Every case runs the real binary (TURNAROUND_BIN) from the source root with a
 * small sector, and writes only into its own temporary folder, which the
 * teardown removes. Error cases check the exit status, that stderr says where
 * (file, line, key), what was expected and what was found, and that no results
 * folder, nor the hidden partial folder beside it, was left behind. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "params.h"
#include "support.h"

/* Small enough that a run takes milliseconds, even under the sanitizers. */
#define SMALL "--reps 2 --set run.months=24 --set sector.orgs=8"

static const char *const csv_files[] = {
    "trajectories.csv", "sector.csv", "summary.csv", "means.csv", "replications.csv", "failures.csv", "outcomes.txt",
};
#define CSV_COUNT (sizeof csv_files / sizeof csv_files[0])

/* ---- helpers ---------------------------------------------------------- */

/* Run the binary under test with args (printf-style). */
static void turnaround(struct cmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void turnaround(struct cmd_result *r, const char *fmt, ...)
{
    char args[6000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    support_run(r, "'%s' %s", support_bin(), args);
    assert_non_null(r->out);
    assert_non_null(r->err);
}

/* Fail with the whole text shown, so a changed message is easy to diagnose. */
#define assert_has(text, needle)                                                                               \
    do {                                                                                                       \
        if (!strstr((text), (needle)))                                                                         \
            fail_msg("expected to find [%s] in:\n%s", (needle), (text));                                       \
    } while (0)

#define assert_status(r, want)                                                                                 \
    do {                                                                                                       \
        if ((r)->status != (want))                                                                             \
            fail_msg("exit status %d, expected %d; stderr:\n%s", (r)->status, (want), (r)->err);               \
    } while (0)

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int exists(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    struct stat st;
    int yes = stat(p, &st) == 0;
    free(p);
    return yes;
}

/* No hidden entry in dir: the partial results are written to .NAME.partial-PID
 * beside the destination (and a replaced folder is moved aside under a name
 * built from that). The inputs the tests write never start with a dot. */
static void assert_no_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".turnaround") != 0) {   /* the results folder's marker */
            char name[300];
            snprintf(name, sizeof name, "%s", e->d_name);
            closedir(d);
            fail_msg("hidden entry '%s' was left behind in %s", name, dir);
        }
    }
    closedir(d);
}

/* Neither the results folder `name` nor a partial one beside it. */
static void assert_no_results(const char *dir, const char *name)
{
    if (exists(dir, name))
        fail_msg("results folder '%s/%s' was left behind", dir, name);
    assert_no_hidden(dir);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char *p = path_in(dir, name);
    assert_int_equal(support_write_file(p, text), 0);
    free(p);
}

static char *read_in(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    char *text = support_read_file(p, NULL);
    if (!text)
        fail_msg("cannot read %s", p);
    free(p);
    return text;
}

static void assert_same_file(const char *a, const char *b, const char *name)
{
    char *pa = path_in(a, name), *pb = path_in(b, name);
    if (!support_files_equal(pa, pb))
        fail_msg("%s and %s differ", pa, pb);
    free(pa);
    free(pb);
}

/* An error case: a scenario with text, run into tmp/out; the status and
 * message checks are the caller's. */
static void run_scenario_text(struct cmd_result *r, const char *tmp, const char *text)
{
    write_in(tmp, "scenario.cfg", text);
    turnaround(r, "run '%s/scenario.cfg' " SMALL " --out '%s/out'", tmp, tmp);
}

/* ---- bad input ---------------------------------------------------------- */

static void missing_scenario_file(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run '%s/nosuch.cfg' " SMALL " --out '%s/out'", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "nosuch.cfg");
    assert_has(r.err, "cannot read configuration");
    assert_has(r.err, "No such file");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void scenario_is_a_folder(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run configs " SMALL " --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "'configs'");
    assert_has(r.err, "expected a .cfg file, found a folder");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void syntax_error_reports_line(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "run = {\n  months = 12;\n  reps = ;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:3:");
    assert_has(r.err, "syntax error");
    assert_has(r.err, "expected");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void unknown_key_suggests_nearest(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "# a typo\nsector = {\n  turbulance = 0.02;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:3:");
    assert_has(r.err, "unknown parameter 'sector.turbulance'");
    assert_has(r.err, "did you mean 'sector.turbulence'?");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void group_given_a_value(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "sector = 30;\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:1:");
    assert_has(r.err, "'sector' is a group");
    assert_has(r.err, "sector.orgs");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void string_where_number_expected(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "sector = {\n  orgs = \"many\";\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "sector.orgs");
    assert_has(r.err, "expected a whole number from 1 to 1000000");
    assert_has(r.err, "found text \"many\"");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void fraction_where_integer_expected(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    /* libconfig would silently truncate 1.5 to 1 if asked for an integer. */
    run_scenario_text(&r, tmp, "run = {\n  months = 1.5;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "run.months");
    assert_has(r.err, "expected a whole number");
    assert_has(r.err, "found 1.5");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void integer_out_of_range(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    write_in(tmp, "scenario.cfg", "sector = {\n  orgs = 0;\n};\n");
    /* No --set sector.orgs here, or it would hide the file's value. */
    turnaround(&r, "run '%s/scenario.cfg' --reps 2 --set run.months=24 --out '%s/out'", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "sector.orgs");
    assert_has(r.err, "expected a whole number from 1 to 1000000");
    assert_has(r.err, "found 0");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void real_out_of_range(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "culture = {\n  dimensions = 20;\n  socialisation = 1.5;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:3:");
    assert_has(r.err, "culture.socialisation");
    assert_has(r.err, "expected a number from 0 to 1");
    assert_has(r.err, "found 1.5");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void missing_base_file(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "# derived\nbase = \"missing-base.cfg\";\nrun = { months = 12; };\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "base");
    assert_has(r.err, "missing-base.cfg");
    /* Resolved against the scenario's folder, not the working directory. */
    char *want = path_in(tmp, "missing-base.cfg");
    assert_has(r.err, want);
    free(want);
    assert_has(r.err, "No such file");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

/* A rule choice (culture.superior, culture.socialise, culture.code_update)
 * takes one of its names in double quotes; anything else is refused with the
 * names, and a near miss gets the name it was probably meant to be. */
static void choice_not_one_of_its_names(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "culture = {\n  superior = \"best\";\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "culture.superior");
    assert_has(r.err, "expected one of correct, score or action, in double quotes");
    assert_has(r.err, "found \"best\"");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void choice_given_a_number(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "culture = {\n  socialise = 1;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "culture.socialise");
    assert_has(r.err, "expected one of adopt or step, in double quotes");
    assert_has(r.err, "found 1 (a whole number)");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void set_choice_suggests_nearest(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set culture.code_update=stpe --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set culture.code_update=stpe");
    assert_has(r.err, "expected one of adopt or step");
    assert_has(r.err, "did you mean \"step\"?");
    assert_no_results(tmp, "out");
    support_result_free(&r);
    turnaround(&r, "run " SMALL " --set culture.superior=action --set culture.socialise=step --out '%s/ok' --no-plot",
               tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *dir = path_in(tmp, "ok");
    char *cfg = read_in(dir, "config.cfg");
    assert_has(cfg, "superior = \"action\";");
    assert_has(cfg, "socialise = \"step\";");
    free(cfg);
    free(dir);
}

static void slow_share_out_of_range(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set culture.slow_share=1.5 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "culture.slow_share");
    assert_has(r.err, "expected a number from 0 to 1");
    assert_has(r.err, "found '1.5'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void set_unknown_key(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set sector.turbulance=0.1 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set sector.turbulance=0.1");
    assert_has(r.err, "unknown parameter 'sector.turbulance'");
    assert_has(r.err, "did you mean 'sector.turbulence'?");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void set_not_a_number(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set peers.decay=fast --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set peers.decay=fast");
    assert_has(r.err, "peers.decay");
    assert_has(r.err, "expected a number from 0 to 1");
    assert_has(r.err, "found 'fast'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void set_fraction_for_integer(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set run.months=1.5 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "run.months");
    assert_has(r.err, "expected a whole number");
    assert_has(r.err, "found '1.5'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void set_without_equals(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set sector.orgs --out '%s/out'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "--set expects path=value");
    assert_has(r.err, "found 'sector.orgs'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void seed_above_range(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    /* Rounds to the bound as a double, so only an integer comparison catches it. */
    turnaround(&r, "run " SMALL " --seed 4611686018427387905 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "run.seed");
    assert_has(r.err, "expected a whole number from 0 to 4611686018427387904");
    assert_has(r.err, "found '4611686018427387905'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void option_missing_value(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run --set run.months=24 --set sector.orgs=8 --reps --out '%s/out'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "option --reps needs a value");
    assert_has(r.err, "found option '--out'");
    assert_no_results(tmp, "out");
    support_result_free(&r);

    turnaround(&r, "run " SMALL " --out");
    assert_status(&r, 2);
    assert_has(r.err, "option --out needs a value");
    support_result_free(&r);
}

static void unknown_option(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --bogus --out '%s/out'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "unknown option '--bogus'");
    assert_has(r.err, "turnaround run --help");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void two_scenarios(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run configs/default.cfg other.cfg " SMALL " --out '%s/out'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "more than one scenario");
    assert_has(r.err, "other.cfg");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void unknown_command(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "frobnicate");
    assert_status(&r, 2);
    assert_has(r.err, "unknown command 'frobnicate'");
    assert_has(r.err, "turnaround --help");
    assert_string_equal(r.out, "");
    support_result_free(&r);
}

static void no_command(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "%s", "");
    assert_status(&r, 2);
    assert_has(r.err, "usage: turnaround");
    support_result_free(&r);
}

static void existing_output_without_force(void **state)
{
    const char *tmp = *state;
    char *out = path_in(tmp, "out");
    assert_int_equal(mkdir(out, 0777), 0);
    write_in(out, "mine.txt", "keep me\n");

    struct cmd_result r;
    turnaround(&r, "run " SMALL " --out '%s'", out);
    assert_status(&r, 1);
    assert_has(r.err, out);
    assert_has(r.err, "already exists");
    assert_has(r.err, "--force");
    support_result_free(&r);

    char *kept = read_in(out, "mine.txt");
    assert_string_equal(kept, "keep me\n");
    free(kept);
    assert_false(exists(out, "trajectories.csv"));
    assert_false(exists(out, "config.cfg"));
    assert_no_hidden(tmp);
    assert_no_hidden(out);
    free(out);
}

static void cross_parameter_on_command_line(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set peers.degree=3 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set");
    assert_has(r.err, "peers.degree must be even");
    assert_has(r.err, "found 3");
    assert_no_results(tmp, "out");
    support_result_free(&r);
    turnaround(&r, "run " SMALL " --set interim.wrong=0.1 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set interim.wrong=0.1");
    assert_has(r.err, "interim.knowledge + interim.wrong must be at most 1, found 0.95 + 0.1");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void cross_parameter_in_file(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "peers = {\n  rewire = 0.2;\n  degree = 5;\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:3:");
    assert_has(r.err, "peers.degree must be even");
    assert_has(r.err, "found 5");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

/* ---- results ------------------------------------------------------------ */

/* A small run into tmp/name that must succeed. */
static void run_ok(const char *tmp, const char *name, const char *extra)
{
    struct cmd_result r;
    turnaround(&r, "run " SMALL " %s --quiet --out '%s/%s'", extra, tmp, name);
    assert_status(&r, 0);
    assert_true(exists(tmp, name));
    support_result_free(&r);
}

static void same_seed_same_bytes(void **state)
{
    const char *tmp = *state;
    run_ok(tmp, "a", "--seed 7");
    run_ok(tmp, "b", "--seed 7");
    char *a = path_in(tmp, "a"), *b = path_in(tmp, "b");
    for (size_t i = 0; i < CSV_COUNT; i++)
        assert_same_file(a, b, csv_files[i]);
    assert_same_file(a, b, "config.cfg");
    free(a);
    free(b);
}

static void different_seed_different_trajectories(void **state)
{
    const char *tmp = *state;
    run_ok(tmp, "a", "--seed 7");
    run_ok(tmp, "b", "--seed 8");
    char *a = path_in(tmp, "a/sector.csv"), *b = path_in(tmp, "b/sector.csv");
    assert_false(support_files_equal(a, b));
    free(a);
    free(b);
}

static void config_cfg_reproduces(void **state)
{
    const char *tmp = *state;
    /* A seed above 2^31 is written with libconfig's L suffix; it must read back. */
    run_ok(tmp, "a", "--seed 12345678901 --set peers.decay=0.07 --set title='Reproduced, \"quoted\"'");
    struct cmd_result r;
    turnaround(&r, "run '%s/a/config.cfg' --quiet --out '%s/b'", tmp, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *a = path_in(tmp, "a"), *b = path_in(tmp, "b");
    for (size_t i = 0; i < CSV_COUNT; i++)
        assert_same_file(a, b, csv_files[i]);
    assert_same_file(a, b, "config.cfg");
    char *cfg = read_in(a, "config.cfg");
    assert_has(cfg, "seed = 12345678901L;");
    assert_has(cfg, "decay = 0.07;");
    assert_has(cfg, "months = 24;");
    free(cfg);
    free(a);
    free(b);
}

static void force_replaces_existing(void **state)
{
    const char *tmp = *state;
    char *out = path_in(tmp, "out");
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --quiet --out '%s'", out);
    assert_status(&r, 0);
    support_result_free(&r);
    assert_true(exists(out, ".turnaround"));
    write_in(out, "stale.txt", "old\n");

    turnaround(&r, "run " SMALL " --force --quiet --out '%s'", out);
    assert_status(&r, 0);
    support_result_free(&r);

    assert_false(exists(out, "stale.txt"));
    for (size_t i = 0; i < CSV_COUNT; i++)
        assert_true(exists(out, csv_files[i]));
    assert_true(exists(out, "config.cfg"));
    /* Neither the partial folder, the moved-aside old one nor the lock remains. */
    assert_no_hidden(tmp);
    assert_no_hidden(out);
    free(out);
}

/* --force replaces only a folder turnaround made (issue 10, item 8): a
 * folder of anything else, or a file, given as --out by mistake, is left
 * whole, for run, compare, sweep and calibrate alike. */
static void force_leaves_a_folder_it_did_not_make(void **state)
{
    const char *tmp = *state;
    char *mine = path_in(tmp, "thesis");
    assert_int_equal(mkdir(mine, 0777), 0);
    write_in(mine, "chapter1.tex", "years of work\n");
    write_in(tmp, "notes.txt", "a file\n");
    write_in(tmp, "s.cfg", "sweep = { scenario = \"configs/default.cfg\"; reps = 1;\n"
                           " vary = ( { param = \"peers.decay\"; values = [0.02, 0.04]; } ); };\n");
    write_in(tmp, "c.cfg", "calibrate = { scenario = \"configs/default.cfg\"; particles = 4; generations = 1;\n"
                           " priors = ( { param = \"peers.decay\"; min = 0.01; max = 0.05; } );\n"
                           " targets = ( { stat = \"share_failing\"; value = 0.1; sd = 0.1; } ); };\n");
    static const char *const cmds[] = { "run " SMALL, "compare " SMALL, "sweep '@/s.cfg' --set run.months=12",
                                        "calibrate '@/c.cfg' --set run.months=12" };
    for (size_t k = 0; k < 4; k++)
        for (int file = 0; file < 2; file++) {
            char cmd[600];
            snprintf(cmd, sizeof cmd, "%s", cmds[k]);
            char *at = strchr(cmd, '@');
            if (at) {
                char rest[600];
                snprintf(rest, sizeof rest, "%s", at + 1);
                snprintf(at, sizeof cmd - (size_t)(at - cmd), "%s%s", tmp, rest);
            }
            struct cmd_result r;
            turnaround(&r, "%s --force --quiet --no-plot --out '%s/%s'", cmd, tmp, file ? "notes.txt" : "thesis");
            if (r.status != 1 || (!strstr(r.err, "leaves it alone") && !strstr(r.err, "left alone")))
                fail_msg("%s over %s: status %d, stderr: %s", cmds[k], file ? "a file" : "a folder", r.status, r.err);
            support_result_free(&r);
        }
    char *text = read_in(mine, "chapter1.tex");
    assert_string_equal(text, "years of work\n");
    free(text);
    text = read_in(tmp, "notes.txt");
    assert_string_equal(text, "a file\n");
    free(text);
    assert_no_hidden(tmp);
    free(mine);
}

static void csv_headers_and_rows(void **state)
{
    const char *tmp = *state;
    run_ok(tmp, "a", "");
    char *dir = path_in(tmp, "a");

    char *traj = read_in(dir, "trajectories.csv");
    const char *want_traj = "strategy,rep,month,org,quality,perceived_quality,insularity,voice,turnover,rating";
    if (strncmp(traj, want_traj, strlen(want_traj)) != 0)
        fail_msg("trajectories.csv header:\n%.200s", traj);
    /* Organisations only: the sector's rows are in sector.csv, where
     * inadequate is a count, not a 0 or 1. */
    assert_null(strstr(traj, ",sector,"));
    free(traj);
    char *sector = read_in(dir, "sector.csv");
    const char *want_sector = "strategy,rep,month,quality,perceived_quality,insularity,voice,turnover,orgs_inadequate,"
                              "code_knowledge,march_knowledge\n";
    if (strncmp(sector, want_sector, strlen(want_sector)) != 0)
        fail_msg("sector.csv header:\n%.200s", sector);
    int sector_rows = -1;   /* one row per replication and month, months 0..24, after the header */
    for (const char *c = sector; (c = strchr(c, '\n')) != NULL; c++)
        sector_rows++;
    assert_int_equal(sector_rows, 2 * 25);
    free(sector);

    char *sum = read_in(dir, "summary.csv");
    const char *want_sum = "strategy,rep,org,month_failed,months_inadequate,min_quality,perception_gap_at_failure";
    if (strncmp(sum, want_sum, strlen(want_sum)) != 0)
        fail_msg("summary.csv header:\n%.200s", sum);
    free(sum);

    char *reps = read_in(dir, "replications.csv");
    assert_has(reps, "\nnone,0,");
    assert_has(reps, "\nnone,1,");
    free(reps);
    free(dir);
}

static void scenario_with_relative_base(void **state)
{
    const char *tmp = *state;
    /* tmp/configs/default.cfg (a copy, with one value changed so we can tell it
     * was read) and tmp/scenarios/mine.cfg naming it as ../configs/default.cfg.
     * The run starts in the source root, where ../configs does not exist, so
     * this also shows base is resolved against the scenario's folder. */
    char *src = path_in(support_src(), "configs/default.cfg");
    char *def = support_read_file(src, NULL);
    assert_non_null(def);
    free(src);
    char *at = strstr(def, "decay = 0.04;");
    assert_non_null(at);
    memcpy(at, "decay = 0.06;", strlen("decay = 0.06;"));
    char *configs = path_in(tmp, "configs"), *scenarios = path_in(tmp, "scenarios");
    assert_int_equal(mkdir(configs, 0777), 0);
    assert_int_equal(mkdir(scenarios, 0777), 0);
    write_in(configs, "default.cfg", def);
    free(def);
    write_in(scenarios, "mine.cfg",
             "base = \"../configs/default.cfg\";\n"
             "title = \"A small sector\";\n"
             "run = { months = 18; reps = 2; };\n"
             "sector = { orgs = 9; };\n");

    struct cmd_result r;
    turnaround(&r, "run '%s/mine.cfg' --out '%s/out'", scenarios, tmp);
    assert_status(&r, 0);
    assert_has(r.out, "A small sector: 1 strategy x 2 replications of 18 months, 9 organisations");
    support_result_free(&r);

    char *out = path_in(tmp, "out");
    char *cfg = read_in(out, "config.cfg");
    assert_has(cfg, "title = \"A small sector\";");
    assert_has(cfg, "months = 18;");
    assert_has(cfg, "orgs = 9;");
    assert_has(cfg, "decay = 0.06;");        /* from the base */
    assert_has(cfg, "socialisation = 0.05;"); /* untouched default, through the base */
    free(cfg);
    free(out);
    free(configs);
    free(scenarios);
}

/* Every scenario that ships loads and compares its own arms: a scenario
 * broken by a renamed parameter or a bad schedule fails here, not in front
 * of a class. One replication of 24 months each, so the whole set is quick. */
static void every_shipped_scenario_compares(void **state)
{
    const char *tmp = *state;
    char *dir = path_in(support_src(), "scenarios");
    DIR *d = opendir(dir);
    assert_non_null(d);
    const struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
            continue;
        struct cmd_result r;
        turnaround(&r, "compare '%s/%s' --reps 1 --set run.months=24 --no-plot --quiet --out '%s/s%d'", dir,
                   e->d_name, tmp, seen);
        if (r.status != 0)
            fail_msg("compare %s: exit %d: %s", e->d_name, r.status, r.err);
        support_result_free(&r);
        char name[64];
        snprintf(name, sizeof name, "s%d/comparison.csv", seen);
        if (!exists(tmp, name))
            fail_msg("compare %s wrote no comparison.csv", e->d_name);
        seen++;
    }
    closedir(d);
    free(dir);
    assert_true(seen >= 12);
}

/* Paths and lists longer than the program keeps are refused, not cut short
 * into another path or another set of arms (issue 10, item 4). */
static void overlong_out_and_strategies_are_refused(void **state)
{
    const char *tmp = *state;
    char out[1200], arms[400];
    int n = snprintf(out, sizeof out, "%s/", tmp);
    while (n < 1100)
        out[n++] = 'x';
    out[n] = '\0';
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --quiet --out '%s'", out);
    assert_status(&r, 2);
    assert_has(r.err, "--out is 1100 characters long; at most 1000 are accepted");
    support_result_free(&r);
    n = snprintf(arms, sizeof arms, "none");
    while (n < 300)
        n += snprintf(arms + n, sizeof arms - (size_t)n, "; takeover");
    turnaround(&r, "compare " SMALL " --quiet --strategies '%s' --out '%s/c'", arms, tmp);
    assert_status(&r, 2);
    assert_has(r.err, "--strategies is");
    assert_has(r.err, "at most 255 are accepted");
    support_result_free(&r);
    assert_no_results(tmp, "c");
    char seed[300];
    memset(seed, '7', 200);
    seed[200] = '\0';
    turnaround(&r, "run " SMALL " --quiet --seed %s --out '%s/c'", seed, tmp);
    assert_status(&r, 2);
    assert_has(r.err, "--seed is 200 characters long; at most 100 are accepted");
    support_result_free(&r);
    assert_no_results(tmp, "c");
}

/* A run too large for the memory it may use is refused before anything is
 * allocated or written, naming the estimate and the limit (issue 10, item
 * 7); --max-memory sets the limit, and a size it cannot read is a usage error. */
static void run_too_large_for_memory_is_refused(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run --quiet --set sector.orgs=100 --set org.staff=10000 --max-memory 16M --out '%s/big'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "100 organisations and 1000000 staff");
    assert_has(r.err, "would need about");
    assert_has(r.err, "16 MB is the limit set by --max-memory");
    support_result_free(&r);
    assert_no_results(tmp, "big");
    turnaround(&r, "run " SMALL " --quiet --max-memory 16M --out '%s/small'", tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    turnaround(&r, "run " SMALL " --quiet --max-memory lots --out '%s/x'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "--max-memory expects a size such as 512M");
    support_result_free(&r);
    assert_no_results(tmp, "x");
}

/* A full standard output is an error, not a silent exit 0 (issue 10, item 3):
 * params --cfg > default.cfg on a full disk must not pass for a written file. */
static void full_standard_output_is_an_error(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    static const char *const cmds[] = { "params --cfg", "params", "params --tsv", "--version", "--help" };
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        struct cmd_result r;
        turnaround(&r, "%s > /dev/full", cmds[k]);
        if (r.status != 1 || !strstr(r.err, "cannot write standard output"))
            fail_msg("%s > /dev/full: status %d, stderr: %s", cmds[k], r.status, r.err);
        support_result_free(&r);
    }
}

/* scripts/deps waits for a package manager that another process holds
 * (a fresh machine often runs its own updates at first) instead of failing at
 * once (issue 10, item 11). Stand-ins for dpkg-query, apt-get, id and sleep
 * on PATH: every package is missing, and apt-get update finds the lists'
 * lock held twice before it is free. */
static void deps_waits_for_the_package_lock(void **state)
{
    const char *tmp = *state;
    char *bin = path_in(tmp, "bin");
    assert_int_equal(mkdir(bin, 0777), 0);
    write_in(bin, "dpkg-query", "#!/bin/sh\nexit 1\n");
    write_in(bin, "id", "#!/bin/sh\necho 0\n");
    write_in(bin, "sleep", "#!/bin/sh\nexit 0\n");
    char script[1200];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "case \"$*\" in *update*)\n"
             "  n=$(cat '%s/tries' 2>/dev/null || echo 0); echo $((n + 1)) > '%s/tries'\n"
             "  if [ \"$n\" -lt 2 ]; then\n"
             "    echo 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 42 (apt-get)' >&2; exit 100\n"
             "  fi; exit 0;;\n"
             "*install*) echo \"$*\" > '%s/installed'; exit 0;;\n"
             "esac\nexit 1\n",
             tmp, tmp, tmp);
    write_in(bin, "apt-get", script);
    const char *tools[] = { "dpkg-query", "id", "sleep", "apt-get" };
    for (size_t k = 0; k < 4; k++) {
        char *f = path_in(bin, tools[k]);
        assert_int_equal(chmod(f, 0755), 0);
        free(f);
    }
    struct cmd_result r;
    support_run(&r, "PATH='%s':\"$PATH\" sh scripts/deps", bin);
    assert_status(&r, 0);
    assert_has(r.out, "waiting for it");
    support_result_free(&r);
    char *installed = read_in(tmp, "installed");
    assert_has(installed, "DPkg::Lock::Timeout=600");   /* install waits for dpkg's lock itself */
    assert_has(installed, "libgsl-dev");
    free(installed);
    char *tries = read_in(tmp, "tries");
    assert_has(tries, "3");
    free(tries);

    /* Held for longer than the wait allows: a clear failure, not a hang. */
    char *f = path_in(tmp, "tries");
    assert_int_equal(remove(f), 0);
    free(f);
    support_run(&r, "PATH='%s':\"$PATH\" TURNAROUND_APT_WAIT=0 sh scripts/deps", bin);
    assert_status(&r, 1);
    assert_has(r.err, "has held the package manager's lock for 0 s");
    support_result_free(&r);
    free(bin);
}

/* One writer a folder (issue 10, item 5): while one run, sweep or --resume
 * writes a folder, a second is refused at once, naming the first's process,
 * and the first finishes as if alone. Before, two --resume duplicated rows
 * and two runs with one --out both exited 0, one deleting the other's
 * results. The first writer is stopped by SIGINT once the second is done. */
static void second_writer_is_refused(void **state)
{
    const char *tmp = *state;
    write_in(tmp, "s.cfg", "sweep = { scenario = \"configs/default.cfg\"; reps = 400;\n"
                           " vary = ( { param = \"peers.decay\"; values = [0.02, 0.04]; } ); };\n");
    for (int k = 0; k < 2; k++) {
        char a[600], b[600];
        if (k == 0) {
            snprintf(a, sizeof a, "run --reps 3000 --no-plot --quiet --out '%s/o'", tmp);
            snprintf(b, sizeof b, "run --reps 2 --no-plot --quiet --force --out '%s/o'", tmp);
        } else {
            snprintf(a, sizeof a, "sweep '%s/s.cfg' --quiet --no-plot --out '%s/o'", tmp, tmp);
            snprintf(b, sizeof b, "sweep '%s/s.cfg' --quiet --no-plot --resume --out '%s/o'", tmp, tmp);
        }
        struct cmd_result r;
        /* The first takes the lock, the second tries while it holds it. */
        support_run(&r,
                    "'%s' %s & p=$!; i=0; while [ ! -e '%s/.o.lock' ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; "
                    "'%s' %s; s=$?; kill -INT $p; wait $p; exit $s",
                    support_bin(), a, tmp, support_bin(), b);
        if (r.status != 1 || !strstr(r.err, "is being written by another turnaround (process"))
            fail_msg("%s while %s: status %d, stderr: %s", b, a, r.status, r.err);
        support_result_free(&r);
        support_run(&r, "rm -rf '%s/o'", tmp);
        support_result_free(&r);
    }
    assert_no_hidden(tmp);
}

/* A stand-in gnuplot, first on PATH, with this body. */
static char *fake_gnuplot(const char *tmp, const char *body)
{
    char *bin = path_in(tmp, "fakebin");
    mkdir(bin, 0777);
    write_in(bin, "gnuplot", body);
    char *f = path_in(bin, "gnuplot");
    assert_int_equal(chmod(f, 0755), 0);
    free(f);
    return bin;
}

/* A gnuplot that hangs is stopped after plot.timeout and the results land
 * with a warning; SIGTERM while it hangs stops turnaround at once, with
 * nothing written (issue 10, item 9). Before, turnaround waited forever,
 * through SIGTERM, and never moved the results into place. */
static void hanging_gnuplot_is_stopped(void **state)
{
    const char *tmp = *state;
    char *bin = fake_gnuplot(tmp, "#!/bin/sh\nexec sleep 30\n");
    struct cmd_result r;
    support_run(&r, "PATH='%s':\"$PATH\" '%s' run " SMALL " --quiet --set plot.timeout=1 --out '%s/o'", bin,
                support_bin(), tmp);
    assert_status(&r, 0);
    assert_has(r.err, "did not finish within 1 s (plot.timeout) and was stopped");
    support_result_free(&r);
    char *out = path_in(tmp, "o");
    assert_true(exists(out, "summary.csv"));
    assert_false(exists(out, "plots/trajectories.png"));
    free(out);
    support_run(&r, "PATH='%s':\"$PATH\" '%s' run " SMALL " --set plot.timeout=100 --out '%s/t' & p=$!; "
                    "sleep 1; kill -TERM $p; wait $p",
                bin, support_bin(), tmp);
    assert_status(&r, 130);
    assert_has(r.err, "interrupted while drawing the charts");
    support_result_free(&r);
    assert_no_results(tmp, "t");
    free(bin);
}

/* A chart cut short (a full disk, a gnuplot that died after writing half)
 * is removed with a warning, never kept as if whole (issue 10, item 3). */
static void damaged_chart_is_not_kept(void **state)
{
    const char *tmp = *state;
    char *bin = fake_gnuplot(tmp, "#!/bin/sh\n"
                                  "out=$(sed -n \"s/^set output '\\(.*\\)'$/\\1/p\" | head -1)\n"
                                  "printf '\\211PNG\\r\\n\\032\\nhalf a chart' > \"$out\"\n");
    struct cmd_result r;
    support_run(&r, "PATH='%s':\"$PATH\" '%s' run " SMALL " --quiet --out '%s/o'", bin, support_bin(), tmp);
    assert_status(&r, 0);
    assert_has(r.err, "gnuplot wrote a damaged or empty trajectories.png");
    support_result_free(&r);
    char *out = path_in(tmp, "o");
    assert_true(exists(out, "summary.csv"));
    assert_false(exists(out, "plots/trajectories.png"));
    assert_true(exists(out, "plots/trajectories.gp"));   /* the script stays, to redraw with */
    free(out);
    free(bin);
}

/* @include as a user means it (issue 10, item 10): relative to the including
 * file, or absolute; a folder, a FIFO or a loop refused at once with the
 * file and line named (before: "input in flex scanner failed" and exit 2,
 * an absolute path that never worked, a FIFO that blocked for ever). A file
 * of megabytes is refused by its size at once (before: 60 s), and control
 * characters in a title are refused, never printed raw to the terminal. */
static void includes_and_hostile_files(void **state)
{
    const char *tmp = *state;
    char *sub = path_in(tmp, "sub");
    assert_int_equal(mkdir(sub, 0777), 0);
    write_in(sub, "shared.cfg", "run = { reps = 2; months = 18; };\nsector = { orgs = 7; };\n");
    char text[1400];
    snprintf(text, sizeof text, "@include \"%s/shared.cfg\"\ntitle = \"Absolute\";\n", sub);
    write_in(tmp, "abs.cfg", text);
    write_in(tmp, "rel.cfg", "@include \"sub/shared.cfg\"   # a comment may follow\ntitle = \"Relative\";\n");
    write_in(sub, "nested.cfg", "@include \"shared.cfg\"\n");   /* relative to sub/, its own folder */
    write_in(tmp, "nest.cfg", "title = \"Nested\";\n@include \"sub/nested.cfg\"\norg = { stuff = 3; };\n");
    struct cmd_result r;
    for (int k = 0; k < 2; k++) {
        turnaround(&r, "run '%s/%s.cfg' --no-plot --out '%s/o%d'", tmp, k ? "rel" : "abs", tmp, k);
        assert_status(&r, 0);
        assert_has(r.out, k ? "Relative: 1 strategy x 2 replications of 18 months, 7 organisations"
                            : "Absolute: 1 strategy x 2 replications of 18 months, 7 organisations");
        support_result_free(&r);
    }
    /* An error in the including file after an include is reported at its own line. */
    turnaround(&r, "run '%s/nest.cfg' --no-plot --out '%s/o2'", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "nest.cfg:3: unknown parameter 'org.stuff'");
    support_result_free(&r);

    char fifo[1200];
    snprintf(fifo, sizeof fifo, "%s/fifo", tmp);
    assert_int_equal(mkfifo(fifo, 0666), 0);
    write_in(tmp, "dir.cfg", "title = \"x\";\n@include \"sub\"\n");
    write_in(tmp, "fifo.cfg", "@include \"fifo\"\n");
    write_in(tmp, "loop.cfg", "@include \"loop.cfg\"\n");
    write_in(tmp, "badinc.cfg", "@include sub/shared.cfg\n");
    static const struct {
        const char *file, *want;
    } bad[] = {
        { "dir.cfg", "dir.cfg:2: @include: cannot read" },
        { "dir.cfg", "expected a .cfg file, found a folder" },
        { "fifo.cfg", "fifo.cfg:1: @include: cannot read" },
        { "fifo.cfg", "found a pipe (FIFO)" },
        { "loop.cfg", "loop.cfg:1: @include: " },
        { "badinc.cfg", "badinc.cfg:1: @include: expected @include \"file.cfg\"" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        turnaround(&r, "run '%s/%s' --no-plot --out '%s/bad'", tmp, bad[k].file, tmp);
        if (r.status != 1 || !strstr(r.err, bad[k].want))
            fail_msg("%s: status %d, stderr: %s", bad[k].file, r.status, r.err);
        support_result_free(&r);
    }
    /* A configuration of 2 MB: refused by its size. */
    char *big = malloc(2100000);
    assert_non_null(big);
    memcpy(big, "title = \"", 9);
    memset(big + 9, 'a', 2000000);
    memcpy(big + 2000009, "\";\n", 4);
    write_in(tmp, "big.cfg", big);
    free(big);
    turnaround(&r, "run '%s/big.cfg' --no-plot --out '%s/bad'", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "a configuration file may be at most 1 MB");
    support_result_free(&r);
    /* An escape sequence in a title: refused, and not echoed raw. */
    write_in(tmp, "esc.cfg", "title = \"A \\x1b[2J title\";\n");
    turnaround(&r, "run '%s/esc.cfg' --no-plot --out '%s/bad'", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "esc.cfg:1: title: expected text without control characters, found one (code 27)");
    assert_null(strchr(r.err, '\x1b'));
    support_result_free(&r);
    turnaround(&r, "run --set 'title=a'\"$(printf '\\033')\"'[2J' --no-plot --out '%s/bad'", tmp);
    assert_status(&r, 1);
    assert_null(strchr(r.err, '\x1b'));
    assert_has(r.err, "\\x1b");
    support_result_free(&r);
    assert_no_results(tmp, "bad");
    free(sub);
}

/* A run of hours says so before it starts, and Ctrl-C stops it with
 * nothing written (issue 10, item 7). */
static void large_run_says_its_size(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' run --reps 1000000 --set run.months=100000 --no-plot --out '%s/huge' & p=$!; sleep 0.5; "
                    "kill -INT $p; wait $p",
                support_bin(), tmp);
    assert_status(&r, 130);
    assert_has(r.err, "a large run: 1.8e+14 agent-steps (1 arm x 1000000 replications x 100000 months)");
    support_result_free(&r);
    assert_no_results(tmp, "huge");
}

static void quiet_prints_nothing(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --quiet --out '%s/out'", tmp);
    assert_status(&r, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    assert_true(exists(tmp, "out/trajectories.csv"));
    support_result_free(&r);
}

static void run_says_where_results_are(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --out '%s/out'", tmp);
    assert_status(&r, 0);
    assert_has(r.out, "2 replications of 24 months, 8 organisations");
    char *out = path_in(tmp, "out/");
    assert_has(r.out, out);
    free(out);
    support_result_free(&r);
}

static void params_lists_every_path(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "params");
    assert_status(&r, 0);
    assert_has(r.out, "run.months");
    assert_has(r.out, "culture.socialisation");
    assert_has(r.out, "peers.decay");
    /* Every path of the table starts a line of its own. */
    for (size_t i = 0; i < params_count; i++) {
        char line[300];
        snprintf(line, sizeof line, "\n%s ", params_table[i].path);
        assert_has(r.out, line);
    }
    support_result_free(&r);

    turnaround(&r, "params extra");
    assert_status(&r, 2);
    assert_has(r.err, "'extra'");
    support_result_free(&r);
}

static void help_exits_zero(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "--help");
    assert_status(&r, 0);
    assert_has(r.out, "usage: turnaround");
    assert_has(r.out, "turnaround COMMAND --help");
    assert_string_equal(r.err, "");
    support_result_free(&r);
}

static void version_prints_version(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "--version");
    assert_status(&r, 0);
    assert_string_equal(r.out, "turnaround " TURNAROUND_VERSION "\n");
    support_result_free(&r);
}

static void empty_unknown_group(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "title = \"x\";\nfoo = { };\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "unknown parameter 'foo'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void misspelt_group_suggests_member(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "sectr = { orgs = 3; };\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:1:");
    assert_has(r.err, "did you mean 'sector.orgs'?");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void bare_name_suggests_its_group(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set orgs=3 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set orgs=3");
    assert_has(r.err, "did you mean 'sector.orgs'?");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void bad_seed_names_the_option(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --seed -1 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--seed -1: run.seed: expected a whole number from 0");
    assert_has(r.err, "found '-1'");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void params_tsv_has_six_columns(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "params --tsv");
    assert_status(&r, 0);
    size_t lines = 0;
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        int tabs = 0;
        for (const char *c = line; *c; c++)
            tabs += *c == '\t';
        if (tabs != 5)
            fail_msg("expected 6 tab-separated columns in: %s", line);
    }
    assert_int_equal(lines, params_count + 1);
    support_result_free(&r);
}

static void too_many_teams(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set org.team_size=1 --set org.staff=70000 --out '%s/out'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "--set org.team_size=1");
    assert_has(r.err, "at most 65535 teams");
    assert_has(r.err, "found 70000 / 1");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void run_help_shows_usage(void **state)
{
    (void)state;
    struct cmd_result r;
    turnaround(&r, "run --help");
    assert_status(&r, 0);
    assert_has(r.out, "--reps N");
    support_result_free(&r);
}

/* Ctrl-C in the middle of a long run: exit 130, no results, no partial folder. */
static void interrupted_run_leaves_nothing(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' run --reps 100000 --quiet --out '%s/out' & pid=$!; sleep 0.5; kill -INT $pid; wait $pid",
                support_bin(), tmp);
    assert_status(&r, 130);
    assert_has(r.err, "interrupted");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

/* ---- compare ------------------------------------------------------------ */

/* A failing focal organisation, intervened in alone. */
#define FOCAL "--set focal.name=focal --set focal.code_correct=0.45 --set focal.code_wrong=0.35 " \
              "--set focal.openness=0.15 --set focal.outward=0.05 --set intervention.applies_to=focal"

static void compare_writes_paired_comparison(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "compare " SMALL " " FOCAL " --set run.months=60 --strategies all --quiet --out '%s/c'", tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *dir = path_in(tmp, "c");
    char *cmp = read_in(dir, "comparison.csv");
    assert_has(cmp, "strategy,outcome,n,mean,lo,hi,pairs,diff_vs_none,diff_lo,diff_hi\n");
    const char *arms[] = { "none", "blame", "restructure", "takeover", "retained_ownership", "peer_challenge",
                           "interim" };
    for (size_t i = 0; i < sizeof arms / sizeof arms[0]; i++) {
        char row[80];
        snprintf(row, sizeof row, "\n%s,months_to_good,", arms[i]);
        assert_has(cmp, row);
    }
    assert_has(cmp, "\ntakeover,commissioner_months,2,");
    free(cmp);
    char *sum = read_in(dir, "summary.csv");
    assert_has(sum, "strategy,rep,org,month_failed");
    assert_has(sum, ",months_to_good,relapsed,months_to_relapse,");
    assert_has(sum, "\ntakeover,0,focal,0,");
    free(sum);
    free(dir);
}

/* Every arm's sector and focal rows are identical, field for field after the
 * strategy, until the focal organisation's intervention starts. */
static void compare_arms_identical_before_intervention(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "compare " SMALL " " FOCAL " --set run.months=40 --set intervention.delay=12 "
                   "--strategies 'none; takeover; blame:6, interim' --quiet --out '%s/c'",
               tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *dir = path_in(tmp, "c");
    /* rows[arm][rep][month][sector or focal], pointing into the files after the
     * strategy field: sector.csv's rows and trajectories.csv's focal rows */
    static char *rows[3][2][41][2];
    memset(rows, 0, sizeof rows);
    int compared = 0;
    char *texts[2] = { read_in(dir, "sector.csv"), read_in(dir, "trajectories.csv") };
    for (int which = 0; which < 2; which++)
        for (char *line = strtok(strchr(texts[which], '\n') + 1, "\n"); line; line = strtok(NULL, "\n")) {
            int arm = strncmp(line, "none,", 5) == 0 ? 0 : strncmp(line, "takeover,", 9) == 0 ? 1 : 2;   /* the third is quoted: "blame:6, interim" */
            char *rest = strchr(line + (line[0] == '"' ? strchr(line + 1, '"') - line : 0), ',') + 1;
            int rep, month;
            char org[32] = "";
            if (sscanf(rest, "%d,%d,%31[^,]", &rep, &month, org) < 2 || month > 40 || rep > 1)
                fail_msg("unexpected row: %s", line);
            if (which == 0 || strcmp(org, "focal") == 0)
                rows[arm][rep][month][which] = rest;
        }
    for (int rep = 0; rep < 2; rep++)
        for (int month = 0; month < 12; month++)   /* the start: month 0's rating + 12 months' delay */
            for (int which = 0; which < 2; which++)
                for (int arm = 1; arm < 3; arm++) {
                    assert_non_null(rows[arm][rep][month][which]);
                    assert_string_equal(rows[0][rep][month][which], rows[arm][rep][month][which]);
                    compared++;
                }
    assert_int_equal(compared, 2 * 12 * 2 * 2);
    /* and they part once it has started */
    assert_true(strcmp(rows[0][0][30][1], rows[1][0][30][1]) != 0);
    free(texts[0]);
    free(texts[1]);
    free(dir);
}

static void compare_unknown_strategy_lists_known(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "compare " SMALL " --strategies 'none; takover' --out '%s/c'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "unknown strategy 'takover'");
    assert_has(r.err, "none, blame, restructure, takeover, retained_ownership, peer_challenge, interim");
    assert_no_results(tmp, "c");
    support_result_free(&r);
}

static void overlapping_phases_rejected(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set 'intervention.schedule=takeover@0..18, interim@12..30' --out '%s/o'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "intervention.schedule");
    assert_has(r.err, "phases overlap");
    assert_no_results(tmp, "o");
    support_result_free(&r);
}

static void negative_phase_rejected(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    run_scenario_text(&r, tmp, "intervention = {\n  schedule = \"takeover:-6, retained_ownership\";\n};\n");
    assert_status(&r, 1);
    assert_has(r.err, "scenario.cfg:2:");
    assert_has(r.err, "intervention.schedule");
    assert_has(r.err, "must not be negative, found -6");
    assert_no_results(tmp, "out");
    support_result_free(&r);
}

static void exit_test_missing_its_parameter(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "run " SMALL " --set intervention.exit=fixed --out '%s/o'", tmp);
    assert_status(&r, 1);
    assert_has(r.err, "intervention.exit");
    assert_has(r.err, "needs its number of months, e.g. fixed:36");
    assert_no_results(tmp, "o");
    support_result_free(&r);
}

/* --jobs simulates replications in threads; every output file is the same. */
static void jobs_give_the_same_results(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    turnaround(&r, "compare " SMALL " " FOCAL " --reps 5 --strategies all --no-plot --quiet --out '%s/j1' --jobs 1", tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    turnaround(&r, "compare " SMALL " " FOCAL " --reps 5 --strategies all --no-plot --quiet --out '%s/j3' --jobs 3", tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    static const char *const files[] = { "trajectories.csv", "summary.csv", "means.csv", "failures.csv",
                                          "comparison.csv", "replications.csv", "network_orgs.csv", "network_ties.csv" };
    char *a = path_in(tmp, "j1"), *b = path_in(tmp, "j3");
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        assert_same_file(a, b, files[k]);
    free(a);
    free(b);
    turnaround(&r, "run " SMALL " --jobs 0 --out '%s/j0'", tmp);
    assert_status(&r, 2);
    support_result_free(&r);
}

/* --threads steps each replication's organisations in threads: every output
 * file is the same bytes for 1, 2 and 4, in a sector where staff move
 * between organisations and a capability exit runs forecasts. */
static void threads_give_the_same_results(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    static const int threads[] = { 1, 2, 4 };
    for (size_t k = 0; k < 3; k++) {
        turnaround(&r, "compare --reps 3 --set run.months=60 --set sector.orgs=11 --set staff.turnover=0.04 "
                   "--set staff.hire_from_sector=0.6 --set intervention.exit=capability "
                   "--set intervention.forecasts=6 --strategies 'none; takeover; interim+blame' "
                   "--no-plot --quiet --out '%s/t%d' --threads %d", tmp, threads[k], threads[k]);
        assert_status(&r, 0);
        support_result_free(&r);
    }
    static const char *const files[] = { "trajectories.csv", "sector.csv", "summary.csv", "means.csv",
                                          "failures.csv", "comparison.csv", "replications.csv", "pairs.csv",
                                          "outcomes.txt", "network_orgs.csv", "network_ties.csv", "config.cfg" };
    char *a = path_in(tmp, "t1"), *b = path_in(tmp, "t2"), *c = path_in(tmp, "t4");
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        assert_same_file(a, b, files[k]);
        assert_same_file(a, c, files[k]);
    }
    free(a);
    free(b);
    free(c);
    turnaround(&r, "run " SMALL " --threads 0 --out '%s/t0'", tmp);
    assert_status(&r, 2);
    assert_has(r.err, "--threads expects a whole number from 1 to 64, found '0'");
    support_result_free(&r);
}

static void params_cfg_is_a_full_config(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' params --cfg > '%s/all.cfg' && '%s' run '%s/all.cfg' " SMALL " --quiet --out '%s/o'",
                support_bin(), tmp, support_bin(), tmp, tmp);
    assert_status(&r, 0);
    assert_true(exists(tmp, "o"));
    support_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(missing_scenario_file),
        T(scenario_is_a_folder),
        T(syntax_error_reports_line),
        T(unknown_key_suggests_nearest),
        T(group_given_a_value),
        T(string_where_number_expected),
        T(fraction_where_integer_expected),
        T(integer_out_of_range),
        T(real_out_of_range),
        T(missing_base_file),
        T(choice_not_one_of_its_names),
        T(choice_given_a_number),
        T(set_choice_suggests_nearest),
        T(slow_share_out_of_range),
        T(set_unknown_key),
        T(set_not_a_number),
        T(set_fraction_for_integer),
        T(set_without_equals),
        T(seed_above_range),
        T(option_missing_value),
        T(unknown_option),
        T(two_scenarios),
        T(every_shipped_scenario_compares),
        T(overlong_out_and_strategies_are_refused),
        T(run_too_large_for_memory_is_refused),
        T(full_standard_output_is_an_error),
        T(deps_waits_for_the_package_lock),
        T(force_leaves_a_folder_it_did_not_make),
        T(second_writer_is_refused),
        T(hanging_gnuplot_is_stopped),
        T(damaged_chart_is_not_kept),
        T(includes_and_hostile_files),
        T(large_run_says_its_size),
        T(unknown_command),
        T(no_command),
        T(existing_output_without_force),
        T(cross_parameter_on_command_line),
        T(cross_parameter_in_file),
        T(same_seed_same_bytes),
        T(different_seed_different_trajectories),
        T(config_cfg_reproduces),
        T(force_replaces_existing),
        T(csv_headers_and_rows),
        T(scenario_with_relative_base),
        T(quiet_prints_nothing),
        T(run_says_where_results_are),
        T(params_lists_every_path),
        T(help_exits_zero),
        T(version_prints_version),
        T(empty_unknown_group),
        T(misspelt_group_suggests_member),
        T(bare_name_suggests_its_group),
        T(bad_seed_names_the_option),
        T(params_tsv_has_six_columns),
        T(too_many_teams),
        T(run_help_shows_usage),
        T(compare_writes_paired_comparison),
        T(compare_arms_identical_before_intervention),
        T(compare_unknown_strategy_lists_known),
        T(overlapping_phases_rejected),
        T(negative_phase_rejected),
        T(exit_test_missing_its_parameter),
        T(params_cfg_is_a_full_config),
        T(jobs_give_the_same_results),
        T(threads_give_the_same_results),
        T(interrupted_run_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
