/* turnaround report: options, help and errors; the report itself is
 * plots/report.c. */
#include "report.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../plots/report.h"

static signal_flag stopped;

static void on_signal(int sig)
{
    (void)sig;
    stopped = 1;
}

static const char help[] =
    "usage: turnaround report RESULTS [--format html|md] [--out PATH] [--scenario FILE] [--force] [--quiet]\n"
    "\n"
    "One self-contained report of the results folder of 'turnaround run' or 'turnaround compare':\n"
    "the scenario's story and question, the outcome tables with their 95% intervals, the charts,\n"
    "the parameters that differ from the defaults, the command that reproduces the folder, and\n"
    "the versions and dates.\n"
    "\n"
    "  --format html     one HTML file, the charts inline as SVG (the default)\n"
    "  --format md       a folder: report.md and one SVG file a chart beside it\n"
    "  --out PATH        the file (html) or folder (md) to write; default RESULTS-report.html\n"
    "                    or RESULTS-report/ beside the results folder\n"
    "  --scenario FILE   the scenario whose opening comment is the story; default the file in\n"
    "                    scenarios/ with the results' title\n"
    "  --force           replace an existing report (a folder only if turnaround made it)\n"
    "  --quiet           print nothing but errors and warnings\n"
    "\n"
    "The report is written whole or not at all. Sweep and calibration folders are refused.\n"
    "Exit status: 0 done, 1 bad or missing results folder or output, 2 bad command line,\n"
    "130 interrupted.\n";

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("turnaround: report: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see 'turnaround report --help')\n", stderr);
    return EXIT_USAGE;
}

static int is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* The value of option argv[*i]: after '=' in the same word, else the next word. */
static const char *value(int argc, char **argv, int *i, const char *name)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0) {
        usage("option %s needs a value%s%s%s", name, *i + 1 < argc ? ", found option '" : "",
              *i + 1 < argc ? argv[*i + 1] : "", *i + 1 < argc ? "'" : "");
        return NULL;
    }
    return argv[++*i];
}

/* An error quotes what a file held: shown safely (diag_print). */
static int fail(const struct diag *d)
{
    return diag_print("report: ", d);
}

int cmd_report(int argc, char **argv)
{
    struct report_options o = { NULL, "html", NULL, NULL, 0, &stopped };
    int quiet = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_option(a, "--format") || is_option(a, "--out") || is_option(a, "--scenario")) {
            const char *v = value(argc, argv, &i, is_option(a, "--format") ? "--format"
                                                : is_option(a, "--out")  ? "--out"
                                                                         : "--scenario");
            if (!v)
                return EXIT_USAGE;
            if (strlen(v) > 1000)
                return usage("%s is %zu characters long; at most 1000 are accepted", a, strlen(v));
            if (is_option(a, "--format"))
                o.format = v;
            else if (is_option(a, "--out"))
                o.out = v;
            else
                o.scenario = v;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 0;
        } else if (strcmp(a, "--force") == 0) {
            o.force = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage("unknown option '%s'", a);
        } else if (o.results) {
            return usage("more than one results folder given ('%s')", a);
        } else {
            o.results = a;
        }
    }
    if (!o.results)
        return usage("needs a results folder, e.g. turnaround report results/teaching-compare%s", "");
    if (strlen(o.results) > 1000)
        return usage("the results folder's path is %zu characters long; at most 1000 are accepted", strlen(o.results));
    if (strcmp(o.format, "html") != 0 && strcmp(o.format, "md") != 0)
        return usage("--format expects html or md, found '%s'", o.format);
    if (o.out && !o.out[0])
        return usage("--out needs a path%s", "");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct diag d = { 0 };
    static struct report_done done;
    int rc = report_write(&o, &done, &d);
    if (done.warnings[0])
        for (const char *line = done.warnings; *line;) {
            size_t n = strcspn(line, "\n");
            fprintf(stderr, "turnaround: report: warning: %.*s\n", (int)n, line);
            line += n + (line[n] == '\n');
        }
    if (rc)
        return fail(&d);
    if (!quiet)
        printf("report of %s: %zu chart%s, %zu table%s, in %s%s\n", o.results, done.charts, done.charts == 1 ? "" : "s",
               done.tables, done.tables == 1 ? "" : "s", done.path, strcmp(o.format, "md") == 0 ? "/report.md" : "");
    return 0;
}
