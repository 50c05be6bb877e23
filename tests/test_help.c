/* test_help: what the command line tells a user. Every command's --help,
 * true to its parser in both directions; the manual page beside them; the
 * suggestions for a misspelt command, option, scenario name or file; and
 * scenarios, sweep files and calibrations found by name.
 *
 * The options are read from each command's own help, never listed here, so
 * an option added to a parser but not to its help (or the reverse) fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

#define SMALL "--reps 2 --set run.months=24 --set sector.orgs=8 --quiet --no-plot"

/* The commands a user has, as the top-level help must list them. */
static const char *const commands[] = { "run", "compare", "sweep", "calibrate", "merge", "plot", "params", "report", "serve" };
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

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

#define assert_has(text, needle)                                                                               \
    do {                                                                                                       \
        if (!strstr((text), (needle)))                                                                         \
            fail_msg("expected to find [%s] in:\n%s", (needle), (text));                                       \
    } while (0)

#define assert_lacks(text, needle)                                                                             \
    do {                                                                                                       \
        if (strstr((text), (needle)))                                                                          \
            fail_msg("did not expect [%s] in:\n%s", (needle), (text));                                         \
    } while (0)

#define assert_status(r, want)                                                                                 \
    do {                                                                                                       \
        if ((r)->status != (want))                                                                             \
            fail_msg("exit status %d, expected %d; stdout:\n%s\nstderr:\n%s", (r)->status, (want), (r)->out,  \
                     (r)->err);                                                                                \
    } while (0)

/* ---- the options a help lists ----------------------------------------- */

#define OPTIONS_MAX 40

struct option_line {
    char name[40];   /* "--reps" */
    char arg[40];    /* "N", or "" for a flag */
};

/* The options of a command's help: each line of its "options:" block that
 * starts "  --NAME" (with its value's name after a space, if any). */
static size_t help_options(const char *help, struct option_line *o, size_t max)
{
    const char *block = strstr(help, "\noptions:\n");
    assert_non_null(block);
    size_t n = 0;
    for (const char *line = block + strlen("\noptions:\n"); *line && *line != '\n';) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        if (strncmp(line, "  --", 4) == 0) {
            assert_true(n < max);
            const char *name = line + 2;
            size_t len = strcspn(name, " ,\n");
            snprintf(o[n].name, sizeof o[n].name, "%.*s", (int)len, name);
            o[n].arg[0] = '\0';
            if (name[len] == ' ' && name[len + 1] != ' ')
                snprintf(o[n].arg, sizeof o[n].arg, "%.*s", (int)strcspn(name + len + 1, " \n"), name + len + 1);
            n++;
        }
        line = *end ? end + 1 : end;
    }
    return n;
}

static char *command_help(const char *cmd)
{
    struct cmd_result r;
    turnaround(&r, "%s --help", cmd);
    assert_status(&r, 0);
    free(r.err);
    return r.out;
}

/* A value the option accepts, chosen by the name its help gives the value.
 * A new kind of value fails here until the test knows one. */
static const char *sample_value(const struct option_line *o, const char *tmp, char *buf, size_t len)
{
    static const struct { const char *arg, *value; } samples[] = {
        { "N", "2" }, { "S", "7" }, { "PATH=VALUE", "run.reps=2" }, { "LIST", "none; takeover" },
        { "SIZE", "1G" }, { "K/N", "1/2" }, { "M", "0" }, { "png|svg|pdf", "svg" }, { "html|md", "md" },
        { "ADDR", "127.0.0.1" },
    };
    if (strcmp(o->arg, "DIR") == 0 || strcmp(o->arg, "FILE.gif") == 0 || strcmp(o->arg, "PATH") == 0
        || strcmp(o->arg, "FILE") == 0) {
        snprintf(buf, len, "%s/value-of%s", tmp, o->name);
        return buf;
    }
    if (strcmp(o->arg, "NAME") == 0)
        return strcmp(o->name, "--only") == 0 ? "survival" : "months_to_good";
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        if (strcmp(o->arg, samples[i].arg) == 0)
            return samples[i].value;
    fail_msg("option %s: no sample value for %s", o->name, o->arg);
    return NULL;
}

/* The words that make cmd fail, after its options are parsed, at a known
 * place: the file or folder it is given does not exist. */
static void failing_operand(const char *cmd, const char *tmp, char *buf, size_t len, const char **expect)
{
    if (strcmp(cmd, "merge") == 0) {
        snprintf(buf, len, "'%s/no-part' --out '%s/merged'", tmp, tmp);
        *expect = "no-part";
    } else if (strcmp(cmd, "plot") == 0 || strcmp(cmd, "report") == 0) {
        snprintf(buf, len, "'%s/no-results'", tmp);
        *expect = "no-results";
    } else if (strcmp(cmd, "params") == 0) {
        buf[0] = '\0';
        *expect = NULL;
    } else {
        snprintf(buf, len, "'%s/no-such.cfg'", tmp);
        *expect = "no-such.cfg";
    }
}

/* ---- tests ------------------------------------------------------------ */

/* The top level lists every command on a line of its own, the four sweep
 * designs, and how to reach a command's help. */
static void top_help_lists_every_command(void **state)
{
    (void)state;
    const char *forms[] = { "--help", "-h", "help" };
    for (size_t f = 0; f < 3; f++) {
        struct cmd_result r;
        turnaround(&r, "%s", forms[f]);
        assert_status(&r, 0);
        assert_string_equal(r.err, "");
        assert_has(r.out, "usage: turnaround COMMAND");
        for (size_t i = 0; i < COMMAND_COUNT; i++) {
            char line[64];
            snprintf(line, sizeof line, "\n  %-10s ", commands[i]);
            assert_has(r.out, line);
        }
        static const char *const designs[] = { "grid", "lhs", "sobol", "morris" };
        for (size_t i = 0; i < 4; i++)
            assert_has(r.out, designs[i]);
        assert_has(r.out, "turnaround COMMAND --help");
        assert_has(r.out, "TURNAROUND_DATA");
        support_result_free(&r);
    }
    /* With no command at all, the same text goes to stderr, exit 2. */
    struct cmd_result r;
    turnaround(&r, "%s", "");
    assert_status(&r, 2);
    assert_has(r.err, "usage: turnaround COMMAND");
    assert_string_equal(r.out, "");
    support_result_free(&r);
}

/* COMMAND --help, COMMAND -h and help COMMAND: the same text on stdout,
 * exit 0, naming the command, with an example that calls it; an option's
 * --help wins wherever it is. */
static void every_command_has_help(void **state)
{
    (void)state;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        const char *cmd = commands[i];
        char *help = command_help(cmd);
        char want[80];
        snprintf(want, sizeof want, "usage: turnaround %s", cmd);
        assert_has(help, want);
        snprintf(want, sizeof want, "example:\n  turnaround %s", cmd);
        assert_has(help, want);
        assert_has(help, "  --help, -h");
        assert_has(help, "Exit status:");
        struct option_line o[OPTIONS_MAX];
        assert_true(help_options(help, o, OPTIONS_MAX) >= 2);
        static const struct { const char *before, *after; } forms[] = {
            { "", " -h" }, { "help ", "" }, { "", " --bogus-first --help" }, { "", " x y z -h" },
        };
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            struct cmd_result r;
            turnaround(&r, "%s%s%s", forms[f].before, cmd, forms[f].after);
            assert_status(&r, 0);
            assert_string_equal(r.out, help);
            assert_string_equal(r.err, "");
            support_result_free(&r);
        }
        free(help);
    }
}

/* Every option a help lists is one its parser takes, with its value as
 * the next word or after '=': the command gets past its options and fails
 * only where it was meant to, on a file that does not exist. */
static void every_listed_option_is_accepted(void **state)
{
    const char *tmp = *state;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        const char *cmd = commands[i];
        char *help = command_help(cmd);
        struct option_line o[OPTIONS_MAX];
        size_t n = help_options(help, o, OPTIONS_MAX);
        char operand[1200];
        const char *expect;
        failing_operand(cmd, tmp, operand, sizeof operand, &expect);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(o[k].name, "--help") == 0)
                continue;
            char value[600];
            const char *v = o[k].arg[0] ? sample_value(&o[k], tmp, value, sizeof value) : NULL;
            for (int eq = 0; eq < (v ? 2 : 1); eq++) {
                struct cmd_result r;
                if (!v)
                    turnaround(&r, "%s %s %s", cmd, o[k].name, operand);
                else
                    turnaround(&r, "%s %s%s'%s' %s", cmd, o[k].name, eq ? "=" : " ", v, operand);
                if (strstr(r.err, "unknown option") || strstr(r.err, "takes no value"))
                    fail_msg("%s %s is in the help but refused:\n%s", cmd, o[k].name, r.err);
                if (expect) {
                    assert_status(&r, 1);
                    assert_has(r.err, expect);
                } else {
                    assert_status(&r, 0);
                    assert_true(strlen(r.out) > 1000);
                }
                support_result_free(&r);
            }
        }
        free(help);
    }
}

/* The reverse: an option that is not in a command's help is refused by its
 * parser (exit 2), even one another command takes; and every option named
 * in cli/main.c is in some help. */
static void unlisted_options_are_refused(void **state)
{
    const char *tmp = *state;
    struct option_line all[COMMAND_COUNT][OPTIONS_MAX];
    size_t count[COMMAND_COUNT];
    char *helps = NULL;
    size_t helps_len = 0;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        char *help = command_help(commands[i]);
        count[i] = help_options(help, all[i], OPTIONS_MAX);
        helps = realloc(helps, helps_len + strlen(help) + 1);
        assert_non_null(helps);
        memcpy(helps + helps_len, help, strlen(help) + 1);
        helps_len += strlen(help);
        free(help);
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        for (size_t j = 0; j < COMMAND_COUNT; j++)
            for (size_t k = 0; k < count[j]; k++) {
                int listed = 0;
                for (size_t m = 0; m < count[i]; m++)
                    listed |= strcmp(all[i][m].name, all[j][k].name) == 0;
                if (listed)
                    continue;
                char operand[1200];
                const char *expect;
                failing_operand(commands[i], tmp, operand, sizeof operand, &expect);
                struct cmd_result r;
                turnaround(&r, "%s %s%s %s", commands[i], all[j][k].name, all[j][k].arg[0] ? "=2" : "", operand);
                assert_status(&r, 2);
                char want[120];
                snprintf(want, sizeof want, "%s: unknown option '%s", commands[i], all[j][k].name);
                assert_has(r.err, want);
                support_result_free(&r);
            }
    /* Each "--name" string in the command line's source is an option some
     * help lists (or the top level's --help and --version). */
    char path[1200];
    snprintf(path, sizeof path, "%s/cli/main.c", support_src());
    char *src = support_read_file(path, NULL);
    assert_non_null(src);
    size_t checked = 0;
    for (const char *p = strstr(src, "\"--"); p; p = strstr(p + 1, "\"--")) {
        size_t len = 2 + strspn(p + 3, "abcdefghijklmnopqrstuvwxyz-");
        if (len == 2 || (p[1 + len] != '"' && p[1 + len] != '='))
            continue;
        char name[64];
        snprintf(name, sizeof name, "  %.*s", (int)len, p + 1);
        if (strcmp(name + 2, "--version") == 0)
            continue;
        assert_has(helps, name);
        checked++;
    }
    assert_true(checked >= 20);
    free(src);
    free(helps);
}

/* The manual page: a section for every command, holding every option of
 * that command's help; the version of the program; and it formats cleanly
 * (man -l, else groff, which scripts/deps installs). */
static void man_page_matches_the_help(void **state)
{
    (void)state;
    char path[1200];
    snprintf(path, sizeof path, "%s/docs/turnaround.1", support_src());
    char *page = support_read_file(path, NULL);
    assert_non_null(page);
    assert_has(page, ".TH TURNAROUND 1 ");
    assert_has(page, "\"turnaround " TURNAROUND_VERSION "\"");
    static const char *const sections[] = { ".SH SYNOPSIS", ".SH COMMANDS", ".SH FILES", ".SH ENVIRONMENT",
                                            ".SH EXIT STATUS", ".SH EXAMPLES", "TURNAROUND_DATA" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        assert_has(page, sections[i]);
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        char heading[64];
        snprintf(heading, sizeof heading, "\n.SS %s\n", commands[i]);
        const char *found = strstr(page, heading);
        if (!found)
            fail_msg("docs/turnaround.1 has no section %s", heading + 1);
        size_t at = (size_t)(found - page) + 1;
        size_t len = strlen(page + at);
        const char *end = strstr(page + at, "\n.S");
        char *section = strndup(page + at, end ? (size_t)(end - (page + at)) : len);
        char *help = command_help(commands[i]);
        struct option_line o[OPTIONS_MAX];
        size_t n = help_options(help, o, OPTIONS_MAX);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(o[k].name, "--help") == 0)
                continue;
            char roff[100];   /* "--max-memory" is written \-\-max\-memory */
            size_t w = 0;
            for (const char *c = o[k].name; *c && w + 3 < sizeof roff; c++) {
                if (*c == '-')
                    roff[w++] = '\\';
                roff[w++] = *c;
            }
            roff[w] = '\0';
            if (!strstr(section, roff))
                fail_msg("docs/turnaround.1, section %s: %s is missing", commands[i], o[k].name);
        }
        free(help);
        free(section);
    }
    free(page);
    struct cmd_result r;
    support_run(&r, "command -v man >/dev/null && echo man || { command -v groff >/dev/null && echo groff; }");
    if (strncmp(r.out, "man", 3) == 0) {
        support_result_free(&r);
        support_run(&r, "MANWIDTH=80 man -l docs/turnaround.1 | cat");
    } else if (strncmp(r.out, "groff", 5) == 0) {
        support_result_free(&r);
        support_run(&r, "groff -man -Tutf8 -P-cbou -ww docs/turnaround.1");
    } else {
        support_result_free(&r);
        fail_msg("neither man nor groff is installed to format docs/turnaround.1 (scripts/deps installs groff-base)");
    }
    assert_status(&r, 0);
    assert_has(r.out, "EXIT STATUS");
    assert_has(r.out, "TURNAROUND_DATA");
    assert_string_equal(r.err, "");
    support_result_free(&r);
}

/* A misspelt command or option: exit 2, the nearest named; a swap of two
 * letters counts as one edit; nothing far off is suggested. */
static void misspellings_suggest_the_nearest(void **state)
{
    const char *tmp = *state;
    static const struct { const char *args, *want; } cases[] = {
        { "rnu", "unknown command 'rnu'; did you mean 'run'?" },
        { "swep x.cfg", "unknown command 'swep'; did you mean 'sweep'?" },
        { "calibarte x.cfg", "did you mean 'calibrate'?" },
        { "--verison", "did you mean '--version'?" },
        { "run --seeed 3", "run: unknown option '--seeed'; did you mean '--seed'?" },
        { "run --qiuet", "run: unknown option '--qiuet'; did you mean '--quiet'?" },
        { "compare --strategie none", "compare: unknown option '--strategie'; did you mean '--strategies'?" },
        { "sweep x.cfg --jbos 2", "sweep: unknown option '--jbos'; did you mean '--jobs'?" },
        { "calibrate x.cfg --reume", "calibrate: unknown option '--reume'; did you mean '--resume'?" },
        { "merge a --out b --focre", "merge: unknown option '--focre'; did you mean '--force'?" },
        { "plot x --fromat svg", "plot: unknown option '--fromat'; did you mean '--format'?" },
        { "params --tvs", "params: unknown option '--tvs'; did you mean '--tsv'?" },
        { "serv", "unknown command 'serv'; did you mean 'serve'?" },
        { "serve --prot 8080", "serve: unknown option '--prot'; did you mean '--port'?" },
        { "run --force=yes", "run: option --force takes no value, found '--force=yes'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cmd_result r;
        turnaround(&r, "%s --out '%s/out'", cases[i].args, tmp);
        assert_status(&r, 2);
        assert_has(r.err, cases[i].want);
        assert_string_equal(r.out, "");
        support_result_free(&r);
    }
    static const char *const far[] = { "frobnicate", "run --zzzzzz" };
    for (size_t i = 0; i < 2; i++) {
        struct cmd_result r;
        turnaround(&r, "%s", far[i]);
        assert_status(&r, 2);
        assert_lacks(r.err, "did you mean");
        support_result_free(&r);
    }
    struct cmd_result r;
    turnaround(&r, "run --seeed 3 --out '%s/out'", tmp);
    assert_has(r.err, "(see 'turnaround run --help')");
    support_result_free(&r);
}

/* A scenario, sweep file or calibration named but found nowhere: exit 1 as
 * for any missing file, saying where it looked and what is near; an explicit
 * path is never looked for elsewhere, but its near neighbours are named. At
 * most three suggestions. */
static void missing_names_suggest_the_library(void **state)
{
    const char *tmp = *state;
    static const struct { const char *args, *want; } cases[] = {
        { "run doncastr", "did you mean 'doncaster'?" },
        { "compare teachng", "did you mean 'teaching'?" },
        { "sweep ownership-vs-takover", "did you mean 'ownership-vs-takeover'?" },
        { "calibrate nhs-special-measure", "did you mean 'nhs-special-measures'?" },
        { "run scenarios/doncastr.cfg", "did you mean 'scenarios/doncaster.cfg'?" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cmd_result r;
        turnaround(&r, "%s --out '%s/out'", cases[i].args, tmp);
        assert_status(&r, 1);
        assert_has(r.err, cases[i].want);
        support_result_free(&r);
    }
    struct cmd_result r;
    turnaround(&r, "run doncastr --out '%s/out'", tmp);
    assert_has(r.err, "run: no scenario 'doncastr'");
    assert_has(r.err, "./scenarios/");
    support_result_free(&r);
    /* The path was not second-guessed: no doncaster was run. */
    turnaround(&r, "run scenarios/doncastr.cfg --out '%s/out'", tmp);
    assert_has(r.err, "cannot read configuration 'scenarios/doncastr.cfg'");
    support_result_free(&r);
    for (int k = 1; k <= 5; k++) {
        char file[1200];
        snprintf(file, sizeof file, "%s/near%d.cfg", tmp, k);
        assert_int_equal(support_write_file(file, "run = { reps = 1; };\n"), 0);
    }
    turnaround(&r, "run '%s/near0.cfg'", tmp);
    assert_status(&r, 1);
    size_t quotes = 0;
    const char *mean = strstr(r.err, "did you mean");
    assert_non_null(mean);
    for (const char *c = mean; *c; c++)
        quotes += *c == '\'';
    assert_int_equal(quotes, 6);
    assert_has(mean, " or ");
    support_result_free(&r);
}

/* A name finds the same file as its path: the results are the same bytes;
 * from another folder, TURNAROUND_DATA names the library (here the source
 * tree, which has its layout) and replaces the installed one. */
static void scenarios_found_by_name(void **state)
{
    const char *tmp = *state;
    support_sh("'%s' run teaching " SMALL " --out '%s/by-name'", support_bin(), tmp);
    support_sh("'%s' run scenarios/teaching.cfg " SMALL " --out '%s/by-path'", support_bin(), tmp);
    support_sh("'%s' run teaching.cfg " SMALL " --out '%s/by-file-name'", support_bin(), tmp);
    static const char *const files[] = { "summary.csv", "config.cfg", "trajectories.csv" };
    for (size_t i = 0; i < 3; i++) {
        char a[1200], b[1200], c[1200];
        snprintf(a, sizeof a, "%s/by-name/%s", tmp, files[i]);
        snprintf(b, sizeof b, "%s/by-path/%s", tmp, files[i]);
        snprintf(c, sizeof c, "%s/by-file-name/%s", tmp, files[i]);
        assert_true(support_files_equal(a, b));
        assert_true(support_files_equal(c, b));
    }
    support_sh("mkdir '%s/elsewhere' && cd '%s/elsewhere' && TURNAROUND_DATA='%s' '%s' run teaching " SMALL
               " --out '%s/from-data'",
               tmp, tmp, support_src(), support_bin(), tmp);
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%s/from-data/summary.csv", tmp);
    snprintf(b, sizeof b, "%s/by-path/summary.csv", tmp);
    assert_true(support_files_equal(a, b));
    /* A file in the working folder with the bare name is that file. */
    support_sh("cp scenarios/teaching.cfg '%s/elsewhere/teaching' && sed -i 's|\\.\\./configs|%s/configs|' "
               "'%s/elsewhere/teaching'",
               tmp, support_src(), tmp);
    struct cmd_result r;
    support_run(&r, "cd '%s/elsewhere' && TURNAROUND_DATA=/nonexistent '%s' run teaching " SMALL " --out '%s/here'",
                tmp, support_bin(), tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    snprintf(a, sizeof a, "%s/here/summary.csv", tmp);
    assert_true(support_files_equal(a, b));
    /* TURNAROUND_DATA replaces the installed places: only it is searched. */
    support_run(&r, "cd '%s/elsewhere' && TURNAROUND_DATA=/nonexistent '%s' run doncaster --out '%s/none'", tmp,
                support_bin(), tmp);
    assert_status(&r, 1);
    assert_has(r.err, "/nonexistent/scenarios/");
    assert_lacks(r.err, "share/turnaround");
    support_result_free(&r);
    /* Sweep files and calibrations too: each loads, with the scenario it
     * names relative to itself, and stops at the --set given to stop it. */
    static const char *const named[] = { "sweep ownership-vs-takeover", "calibrate doncaster" };
    for (size_t i = 0; i < 2; i++) {
        support_run(&r, "cd '%s/elsewhere' && TURNAROUND_DATA='%s' '%s' %s --set no.such=1 --out '%s/x'", tmp,
                    support_src(), support_bin(), named[i], tmp);
        assert_status(&r, 1);
        assert_has(r.err, "--set no.such=1: unknown parameter 'no.such'");
        support_result_free(&r);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(top_help_lists_every_command),
        T(every_command_has_help),
        T(every_listed_option_is_accepted),
        T(unlisted_options_are_refused),
        T(man_page_matches_the_help),
        T(misspellings_suggest_the_nearest),
        T(missing_names_suggest_the_library),
        T(scenarios_found_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
