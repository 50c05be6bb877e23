/* I/O fault injection, as SQLite tests it: the N-th write, fsync or rename
 * of a command fails (ENOSPC or EIO), swept over every N, for run, compare,
 * sweep, merge and calibrate, into a fresh folder and with --force over an
 * earlier one. Each trial must either finish with the results of a run that
 * met no fault, byte for byte, or exit 1 with the earlier results intact, no
 * partial folder and no lock left behind; a sweep or calibration that stops
 * leaves its folder marked incomplete, and --resume must then finish it to
 * the same bytes.
 *
 * The faults are injected by strace (-e inject=SYSCALL:error=E:when=N) at
 * the system call, below stdio, so every layer's handling is tested. Where
 * strace is missing or ptrace is not allowed, the test is skipped. */
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

#define SMALL "--set sector.orgs=6 --set run.months=18 --no-plot --quiet"

static const char *const ops[][2] = {
    { "write", "write,pwrite64,writev" },
    { "fsync", "fsync,fdatasync" },
    { "rename", "rename,renameat,renameat2" },
};

struct command {
    const char *name;
    const char *args;   /* after the binary; @: the test folder; --out D is added */
    int resumable;      /* sweep and calibrate: a stopped one is resumed */
};

static const struct command commands[] = {
    { "run", "run --reps 2 " SMALL, 0 },
    { "compare", "compare --reps 2 --strategies 'none; takeover' " SMALL, 0 },
    { "sweep", "sweep '@/s.cfg' " SMALL, 1 },
    { "merge", "merge '@/p1' '@/p2' --quiet", 0 },
    { "calibrate", "calibrate '@/c.cfg' --no-plot --quiet", 1 },
};

static int have_strace(void)
{
    struct cmd_result r;
    support_run(&r, "strace -f -qq -o /dev/null true");
    int ok = r.status == 0;
    support_result_free(&r);
    return ok;
}


/* The command's arguments with the test folder filled in. */
static void args_of(const struct command *c, const char *tmp, char *buf, size_t len)
{
    size_t n = 0;
    for (const char *a = c->args; *a && n + strlen(tmp) + 2 < len; a++)
        if (*a == '@')
            n += (size_t)snprintf(buf + n, len - n, "%s", tmp);
        else
            buf[n++] = *a;
    buf[n] = '\0';
}

static void setup_inputs(const char *tmp)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/s.cfg", tmp);
    char text[2000];
    snprintf(text, sizeof text,
             "sweep = { scenario = \"%s/configs/default.cfg\"; reps = 2; series = true; strategies = [\"none\", \"takeover\"];\n"
             "  vary = ( { param = \"peers.decay\"; values = [0.02, 0.06]; } ); };\n",
             support_src());
    assert_int_equal(support_write_file(path, text), 0);
    snprintf(path, sizeof path, "%s/s2.cfg", tmp);
    snprintf(text, sizeof text,
             "base = \"%s/scenarios/teaching.cfg\";\nintervention = { schedule = \"takeover\"; exit = \"rating\"; };\n",
             support_src());
    assert_int_equal(support_write_file(path, text), 0);
    snprintf(path, sizeof path, "%s/c.cfg", tmp);
    snprintf(text, sizeof text,
             "calibrate = { scenario = \"s2.cfg\"; particles = 4; generations = 2; reps = 2; fit_blocks = 2; seed = 3;\n"
             "  priors = ( { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } );\n"
             "  targets = ( { stat = \"mean_months_to_good\"; value = 15.0; sd = 6.0; } ); };\n");
    assert_int_equal(support_write_file(path, text), 0);
    /* The shards merge joins. */
    support_sh("'%s' sweep '%s/s.cfg' " SMALL " --shard 1/2 --out '%s/p1'", support_bin(), tmp, tmp);
    support_sh("'%s' sweep '%s/s.cfg' " SMALL " --shard 2/2 --out '%s/p2'", support_bin(), tmp, tmp);
}

/* How many calls of the syscalls in set the command makes when nothing fails. */
static long calls_of(const char *set, const char *args, const char *out)
{
    struct cmd_result r;
    support_run(&r, "rm -rf '%s'; strace -f -qq -c -U calls -e trace=%s -o '%s.count' '%s' %s --out '%s' && "
                    "awk '$NF == \"total\" { print $1 }' '%s.count'; rm -rf '%s' '%s.count'",
                out, set, out, support_bin(), args, out, out, out, out);
    long n = r.status == 0 ? strtol(r.out, NULL, 10) : -1;
    support_result_free(&r);
    return n;
}

static void one_command(const char *tmp, const struct command *c)
{
    char args[4000], ref[1200], dest[1200], old[1200];
    args_of(c, tmp, args, sizeof args);
    snprintf(ref, sizeof ref, "%s/ref-%s", tmp, c->name);
    snprintf(dest, sizeof dest, "%s/d", tmp);
    snprintf(old, sizeof old, "%s/old-%s", tmp, c->name);
    support_sh("'%s' %s --out '%s'", support_bin(), args, ref);
    /* An earlier folder for --force to replace: the same command's results
     * with one file changed, so replacing it shows. */
    support_sh("cp -a '%s' '%s' && echo changed >> '%s/config.cfg'", ref, old, old);
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        for (int force = 0; force < 2; force++) {
            char fargs[4100];
            snprintf(fargs, sizeof fargs, "%s%s", args, force ? " --force" : "");
            if (force)
                support_sh("rm -rf '%s' && cp -a '%s' '%s'", dest, old, dest);
            long n = calls_of(ops[k][1], fargs, dest);
            if (n < 0)
                fail_msg("%s: cannot count its %s calls", c->name, ops[k][0]);
            for (long at = 1; at <= n; at++) {
                const char *err = at % 2 ? "ENOSPC" : "EIO";
                support_sh("rm -rf '%s'%s", dest, force ? "" : "");
                if (force)
                    support_sh("cp -a '%s' '%s'", old, dest);
                struct cmd_result r;
                support_run(&r, "strace -f -qq -o /dev/null -e trace=%s -e inject=%s:error=%s:when=%ld '%s' %s --out '%s'",
                            ops[k][1], ops[k][1], err, at, support_bin(), fargs, dest);
                char what[200];
                snprintf(what, sizeof what, "%s%s, %s %ld of %ld failing with %s", c->name, force ? " --force" : "",
                         ops[k][0], at, n, err);
                if (r.status != 0 && r.status != 1)
                    fail_msg("%s: exit %d (a crash?): %s", what, r.status, r.err);
                int failed = r.status == 1;
                support_result_free(&r);
                if (failed && c->resumable) {
                    struct stat st;
                    char mark[1300];
                    snprintf(mark, sizeof mark, "%s/.incomplete", dest);
                    if (stat(mark, &st) == 0) {   /* stopped mid-way: it must resume to the same bytes */
                        support_run(&r, "'%s' %s --resume --out '%s'", support_bin(), args, dest);
                        if (r.status != 0)
                            fail_msg("%s: --resume after it: exit %d: %s", what, r.status, r.err);
                        support_result_free(&r);
                        failed = 0;
                    }
                }
                /* Finished: the reference's bytes. Failed: the earlier folder
                 * as it was, or none. Either way no lock or partial folder. */
                support_run(&r, "cd '%s' && ls -A | grep -v -e '^\\.turnaround$' | grep '^\\.' ; true", tmp);
                if (r.out[0])
                    fail_msg("%s: left behind: %s", what, r.out);
                support_result_free(&r);
                if (!failed)
                    support_run(&r, "diff -r '%s' '%s'", ref, dest);
                else if (force)
                    support_run(&r, "diff -r '%s' '%s'", old, dest);
                else
                    support_run(&r, "test ! -e '%s'", dest);
                if (r.status != 0)
                    fail_msg("%s: %s: %s", what, failed ? "the earlier state was not kept" : "the results differ",
                             r.out);
                support_result_free(&r);
            }
        }
    }
}

static void faults_in_every_command(void **state)
{
    const char *tmp = *state;
    if (!have_strace())
        skip();
    setup_inputs(tmp);
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        one_command(tmp, &commands[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(faults_in_every_command, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
