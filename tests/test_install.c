/* test_install: make install and make uninstall, as a packager calls them.
 *
 * Installs the binary under test (PROGRAM=) with DESTDIR into a temporary
 * folder, checks that every file of the library, the documents and the
 * manual page is there and the same bytes, runs the installed program by
 * scenario name from a folder that is not the source tree, and uninstalls,
 * checking that exactly what was installed is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "support.h"

#define SMALL "--reps 2 --set run.months=24 --set sector.orgs=8 --quiet --no-plot"
#define PREFIX "/usr/local"

#define assert_has(text, needle)                                                                               \
    do {                                                                                                       \
        if (!strstr((text), (needle)))                                                                         \
            fail_msg("expected to find [%s] in:\n%s", (needle), (text));                                       \
    } while (0)

/* make in the source tree, as a user would type it, whatever make runs this test. */
#define MAKE "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s"

/* The files install must put under DESTDIR, from the source tree's own list:
 * each of them, with its path, relative to the source root. */
#define LIBRARY_FILES "configs/*.cfg scenarios/*.cfg scenarios/sweeps/*.cfg scenarios/calibrations/*.cfg"
#define DOC_FILES "README.md docs/*.md docs/gallery/*.png docs/validation/*.png"

static void install_run_by_name_uninstall(void **state)
{
    const char *tmp = *state;
    char dest[1200];
    snprintf(dest, sizeof dest, "%s/dest", tmp);
    support_sh(MAKE " install DESTDIR='%s' PREFIX=" PREFIX " PROGRAM='%s'", dest, support_bin());

    /* The program, the library in the source tree's layout, the documents
     * with docs/ beside README, and the manual page. */
    support_sh("cmp '%s' '%s" PREFIX "/bin/turnaround' && test -x '%s" PREFIX "/bin/turnaround'", support_bin(),
               dest, dest);
    support_sh("n=0; for f in " LIBRARY_FILES "; do cmp \"$f\" '%s" PREFIX "/share/turnaround/'\"$f\" || exit 1; "
               "n=$((n+1)); done; test $n -ge 20",
               dest);
    support_sh("for f in " DOC_FILES "; do cmp \"$f\" '%s" PREFIX "/share/doc/turnaround/'\"$f\" || exit 1; done",
               dest);
    char man[1400];
    snprintf(man, sizeof man, "%s" PREFIX "/share/man/man1/turnaround.1", dest);
    char *page = support_read_file(man, NULL);
    assert_non_null(page);
    assert_has(page, ".TH TURNAROUND 1");
    assert_has(page, PREFIX "/share/turnaround");
    free(page);
    /* The installed page formats cleanly: with man, else groff as plain text (-P-cbou: no
     * overstriking; scripts/deps installs groff-base). */
    struct cmd_result r;
    support_run(&r, "command -v man >/dev/null && echo man || { command -v groff >/dev/null && echo groff; }");
    int with_man = strncmp(r.out, "man", 3) == 0, with_groff = strncmp(r.out, "groff", 5) == 0;
    support_result_free(&r);
    if (!with_man && !with_groff)
        fail_msg("neither man nor groff is installed to format the man page (scripts/deps installs groff-base)");
    if (with_man)
        support_run(&r, "MANWIDTH=80 man -l '%s' | cat", man);
    else
        support_run(&r, "groff -man -Tutf8 -P-cbou -ww '%s'", man);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "TURNAROUND");
    assert_has(r.out, "EXIT STATUS");
    assert_string_equal(r.err, "");
    support_result_free(&r);

    /* Run by name from a fresh folder, the library found beside the program
     * (not the DATADIR compiled in, which DESTDIR leaves empty): the same
     * bytes as the source tree's scenario. */
    support_sh("mkdir '%s/work' && cd '%s/work' && env -u TURNAROUND_DATA '%s" PREFIX "/bin/turnaround' run teaching "
               SMALL " --out x",
               tmp, tmp, dest);
    support_sh("'%s' run scenarios/teaching.cfg " SMALL " --out '%s/ref'", support_bin(), tmp);
    static const char *const files[] = { "summary.csv", "config.cfg", "trajectories.csv" };
    for (size_t i = 0; i < 3; i++) {
        char a[1400], b[1400];
        snprintf(a, sizeof a, "%s/work/x/%s", tmp, files[i]);
        snprintf(b, sizeof b, "%s/ref/%s", tmp, files[i]);
        if (!support_files_equal(a, b))
            fail_msg("%s differs from %s", a, b);
    }
    /* An installed sweep file's scenario (../doncaster.cfg) and a
     * calibration's resolve in the library: each loads and stops at the
     * --set given to stop it. */
    static const char *const named[] = { "sweep ownership-vs-takeover", "sweep peer-density", "calibrate doncaster" };
    for (size_t i = 0; i < 3; i++) {
        support_run(&r, "cd '%s/work' && env -u TURNAROUND_DATA '%s" PREFIX "/bin/turnaround' %s --set no.such=1 "
                    "--out y",
                    tmp, dest, named[i]);
        assert_int_equal(r.status, 1);
        assert_has(r.err, "--set no.such=1: unknown parameter 'no.such'");
        support_result_free(&r);
    }
    /* A name the library lacks: where it looked, and the nearest. */
    support_run(&r, "cd '%s/work' && env -u TURNAROUND_DATA '%s" PREFIX "/bin/turnaround' run doncastr", tmp, dest);
    assert_int_equal(r.status, 1);
    assert_has(r.err, PREFIX "/share/turnaround/scenarios/");
    assert_has(r.err, "did you mean 'doncaster'?");
    support_result_free(&r);

    /* Uninstall removes what install put, and its own folders, but keeps a
     * file someone added to the library (and the folders on its path). */
    char mine[1400];
    snprintf(mine, sizeof mine, "%s" PREFIX "/share/turnaround/scenarios/mine.cfg", dest);
    assert_int_equal(support_write_file(mine, "run = { reps = 1; };\n"), 0);
    support_sh(MAKE " uninstall DESTDIR='%s' PREFIX=" PREFIX, dest);
    support_run(&r, "cd '%s' && find . -type f | sort", dest);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "./usr/local/share/turnaround/scenarios/mine.cfg\n");
    support_result_free(&r);
    struct stat st;
    char gone[1400];
    static const char *const dirs[] = { "/share/turnaround/configs", "/share/turnaround/scenarios/sweeps",
                                        "/share/doc/turnaround" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(gone, sizeof gone, "%s" PREFIX "%s", dest, dirs[i]);
        if (stat(gone, &st) == 0)
            fail_msg("%s is still there after make uninstall", gone);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(install_run_by_name_uninstall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
