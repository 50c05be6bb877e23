/* kill -9 at random moments (make check-slow): of run --force, sweep, sweep
 * --resume and calibrate, 50 trials each. After each kill the folder must be
 * in a state the program can go on from: for run --force, the earlier
 * results or the new ones, whole, never neither; for a sweep or calibration,
 * no folder or one --resume continues. Going on (run --force again, or
 * --resume) must then give the bytes of a run never interrupted, and leave
 * nothing beside the folder. The moments are spread over the command's own
 * running time, from a fixed seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "support.h"

#define TRIALS 50

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}


static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Start args --out dest, kill -9 it after delay seconds, wait for it. */
static void kill_after(const char *args, const char *dest, double delay)
{
    struct cmd_result r;
    support_run(&r, "'%s' %s --out '%s' & p=$!; sleep %.3f; kill -9 $p 2>/dev/null; wait $p; exit 0", support_bin(),
                args, dest, delay);
    support_result_free(&r);
}

static void same_as(const char *ref, const char *dest, const char *what)
{
    struct cmd_result r;
    support_run(&r, "diff -r '%s' '%s'", ref, dest);
    if (r.status != 0)
        fail_msg("%s: differs from the uninterrupted run: %s", what, r.out);
    support_result_free(&r);
}

static void nothing_beside(const char *tmp, const char *what)
{
    struct cmd_result r;
    support_run(&r, "cd '%s' && ls -A | grep '^\\.' ; true", tmp);
    if (r.out[0])
        fail_msg("%s: left beside the folder: %s", what, r.out);
    support_result_free(&r);
}

static void killed_run_force(void **state)
{
    const char *tmp = *state;
    const char *args = "run --reps 40 --no-plot --quiet --force";
    char ref[1200], old[1200], dest[1200];
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(old, sizeof old, "%s/old", tmp);
    snprintf(dest, sizeof dest, "%s/d", tmp);
    double t0 = seconds();
    support_sh("'%s' %s --out '%s'", support_bin(), args, ref);
    double took = seconds() - t0;
    support_sh("cp -a '%s' '%s' && echo changed >> '%s/config.cfg'", ref, old, old);
    for (int k = 0; k < TRIALS; k++) {
        support_sh("rm -rf '%s' && cp -a '%s' '%s'", dest, old, dest);
        double delay = 1.2 * took * uniform();
        kill_after(args, dest, delay);
        char what[100];
        snprintf(what, sizeof what, "run --force killed after %.3f s", delay);
        struct cmd_result r;
        support_run(&r, "diff -r -q '%s' '%s' >/dev/null || diff -r -q '%s' '%s' >/dev/null", old, dest, ref, dest);
        if (r.status != 0)
            fail_msg("%s: the folder is neither the earlier results nor the new ones", what);
        support_result_free(&r);
        support_sh("'%s' %s --out '%s'", support_bin(), args, dest);
        same_as(ref, dest, what);
        nothing_beside(tmp, what);
    }
}

/* A sweep or calibration killed (after a first kill when resume_first), then
 * resumed to the end. */
static void killed_and_resumed(const char *tmp, const char *args, int resume_first, const char *name)
{
    char ref[1200], dest[1200];
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(dest, sizeof dest, "%s/d", tmp);
    double t0 = seconds();
    support_sh("rm -rf '%s' && '%s' %s --out '%s'", ref, support_bin(), args, ref);
    double took = seconds() - t0;
    for (int k = 0; k < TRIALS; k++) {
        support_sh("rm -rf '%s'", dest);
        double first = took * uniform(), delay = 1.2 * took * uniform();
        char what[160], resume[4200];
        snprintf(resume, sizeof resume, "%s --resume", args);
        if (resume_first) {
            kill_after(args, dest, first);
            kill_after(resume, dest, delay);
            snprintf(what, sizeof what, "%s killed after %.3f s, its --resume after %.3f s", name, first, delay);
        } else {
            kill_after(args, dest, delay);
            snprintf(what, sizeof what, "%s killed after %.3f s", name, delay);
        }
        struct stat st;
        struct cmd_result r;
        /* No folder (killed before it was made) or one to resume. */
        support_run(&r, "'%s' %s --out '%s'", support_bin(), stat(dest, &st) == 0 ? resume : args, dest);
        if (r.status != 0)
            fail_msg("%s: going on failed: exit %d: %s", what, r.status, r.err);
        support_result_free(&r);
        same_as(ref, dest, what);
        nothing_beside(tmp, what);
    }
}

static const char sweep_file[] =
    "sweep = { scenario = \"%s/configs/default.cfg\"; reps = 40; strategies = [\"none\", \"takeover\"];\n"
    "  vary = ( { param = \"peers.decay\"; values = [0.02, 0.06]; } ); };\n";

static void sweep_killed(const char *tmp, int resume_first)
{
    char path[1200], text[1000], args[1400];
    snprintf(path, sizeof path, "%s/s.cfg", tmp);
    snprintf(text, sizeof text, sweep_file, support_src());
    assert_int_equal(support_write_file(path, text), 0);
    snprintf(args, sizeof args, "sweep '%s' --jobs 2 --no-plot --quiet", path);
    killed_and_resumed(tmp, args, resume_first, "sweep");
}

static void killed_sweep(void **state)
{
    sweep_killed(*state, 0);
}

static void killed_sweep_resume(void **state)
{
    sweep_killed(*state, 1);
}

static void killed_calibration(void **state)
{
    const char *tmp = *state;
    char path[1200], text[1200], args[1400];
    snprintf(path, sizeof path, "%s/s2.cfg", tmp);
    snprintf(text, sizeof text,
             "base = \"%s/scenarios/teaching.cfg\";\nintervention = { schedule = \"takeover\"; exit = \"rating\"; };\n",
             support_src());
    assert_int_equal(support_write_file(path, text), 0);
    snprintf(path, sizeof path, "%s/c.cfg", tmp);
    assert_int_equal(support_write_file(path, "calibrate = { scenario = \"s2.cfg\"; particles = 16; generations = 3; "
                                              "reps = 3; fit_blocks = 4; seed = 3;\n"
                                              "  priors = ( { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } );\n"
                                              "  targets = ( { stat = \"mean_months_to_good\"; value = 15.0; sd = 6.0; } ); };\n"),
                     0);
    snprintf(args, sizeof args, "calibrate '%s' --jobs 2 --no-plot --quiet", path);
    killed_and_resumed(tmp, args, 0, "calibrate");
}

/* SIGTERM while a large sector is being set up (issue 10, item 7): honoured
 * at once, not after the minutes set-up can take. The sector (20 million
 * staff, about 3 s to set up here since 0.5.1's faster set-up; 10 million
 * took under 2 s and the test skipped) is timed first; the signal comes 0.5 s
 * in, and the run must be gone well before set-up could have ended. */
static void sigterm_during_setup(void **state)
{
    const char *tmp = *state;
    const char *args = "run --reps 1 --set run.months=1 --set sector.orgs=2000 --set org.staff=10000 "
                       "--set org.team_size=100 --no-plot --quiet";
    double t0 = seconds();
    support_sh("'%s' %s --out '%s/whole'", support_bin(), args, tmp);
    double whole = seconds() - t0;
    if (whole < 2.0)
        skip();   /* a machine so fast that set-up is over before the signal could tell */
    t0 = seconds();
    struct cmd_result r;
    support_run(&r, "'%s' %s --out '%s/cut' & p=$!; sleep 0.5; kill -TERM $p; wait $p", support_bin(), args, tmp);
    double cut = seconds() - t0;
    if (r.status != 130)
        fail_msg("status %d, stderr: %s", r.status, r.err);
    support_result_free(&r);
    if (cut > 0.5 + 0.4 * whole)
        fail_msg("SIGTERM at 0.5 s: gone after %.1f s, where set-up takes %.1f s", cut, whole);
    struct stat st;
    char path[1200];
    snprintf(path, sizeof path, "%s/cut", tmp);
    assert_int_not_equal(stat(path, &st), 0);
    nothing_beside(tmp, "SIGTERM during set-up");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(killed_run_force, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(killed_sweep, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(killed_sweep_resume, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(killed_calibration, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(sigterm_during_setup, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
