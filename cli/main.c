/* turnaround: the command line. Only this file decides to exit. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_timers.h"
#include "diag.h"
#include "memory.h"
#include "params.h"
#include "live.h"
#include "gnuplot.h"
#include "plot.h"
#include "results.h"
#include "run.h"
#include "settings.h"
#include "merge.h"
#include "sweep.h"
#include "calibrate.h"
#include "report.h"
#include "executor.h"
#include "serve.h"
#include "world.h"

#ifdef TURNAROUND_MPI
#include <mpi.h>
#endif

static signal_flag interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The installed library (make install), compiled in from the Makefile's PREFIX. */
#ifndef TURNAROUND_DATADIR
#define TURNAROUND_DATADIR "/usr/local/share/turnaround"
#endif

/* The command being parsed, so that its usage errors point to its own help. */
static const char *help_topic;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("turnaround: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'turnaround %s%s--help')\n", help_topic ? help_topic : "", help_topic ? " " : "");
    return EXIT_USAGE;
}

/* An error quotes what it found, which may be anything a file held: shown
 * safely (diag_print). */
static int fail(const struct diag *d)
{
    return diag_print("", d);
}

/* ---- did you mean ------------------------------------------------------ */

#define SUGGEST_LEN 64   /* longer words are not compared */
#define SUGGEST_MAX 3    /* suggestions shown at most */

/* The optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of a substring): insertions, deletions, substitutions and
 * swaps of two neighbours each count 1, so "rnu" is 1 from "run". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_LEN || lb > SUGGEST_LEN)
        return (size_t)-1;
    size_t d[SUGGEST_LEN + 1][SUGGEST_LEN + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* How near a candidate is to what was typed, leading dashes aside; -1 when
 * too far to help: more than 1 edit for a word of up to 4 characters, 2 up
 * to 8, 3 beyond. A word of 3 or more that begins the candidate is near. */
static long nearness(const char *typed, const char *candidate)
{
    while (*typed == '-')
        typed++;
    while (*candidate == '-')
        candidate++;
    size_t n = strlen(typed);
    if (n == 0)
        return -1;
    size_t dist = edit_distance(typed, candidate);
    if (n >= 3 && strncmp(typed, candidate, n) == 0 && dist > 1)
        dist = 1;
    size_t limit = n <= 4 ? 1 : n <= 8 ? 2 : 3;
    return dist <= limit ? (long)dist : -1;
}

struct suggestions {
    const char *typed;
    long best;                     /* the smallest distance so far, -1 for none */
    size_t n;
    char names[SUGGEST_MAX][300];  /* the nearest candidates, in the order offered */
};

static void suggest_begin(struct suggestions *s, const char *typed)
{
    s->typed = typed;
    s->best = -1;
    s->n = 0;
}

/* Offer a candidate at distance dist: kept when it is at least as near as
 * the nearest so far. */
static void suggest_offer_as(struct suggestions *s, const char *candidate, long dist)
{
    if (dist < 0 || strlen(candidate) >= sizeof s->names[0])
        return;
    if (s->best < 0 || dist < s->best) {
        s->best = dist;
        s->n = 0;
    } else if (dist > s->best) {
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], candidate) == 0)
            return;
    if (s->n < SUGGEST_MAX)
        snprintf(s->names[s->n++], sizeof s->names[0], "%s", candidate);
}

static void suggest_offer(struct suggestions *s, const char *candidate)
{
    suggest_offer_as(s, candidate, nearness(s->typed, candidate));
}

/* "; did you mean 'a', 'b' or 'c'?" into out, or "" when nothing is near. */
static const char *suggest_text(const struct suggestions *s, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < s->n && used < len; i++) {
        const char *sep = i == 0 ? "; did you mean " : i + 1 == s->n ? " or " : ", ";
        int k = snprintf(out + used, len - used, "%s'%s'%s", sep, s->names[i], i + 1 == s->n ? "?" : "");
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return out;
}

/* ---- scenarios, sweep files and calibrations found by name ------------ */

#define LIBRARY_DIRS_MAX 2

/* The folders of the installed library, in the order searched:
 * $TURNAROUND_DATA alone when it is set; otherwise share/turnaround beside
 * the program's folder (PREFIX/bin/turnaround -> PREFIX/share/turnaround,
 * wherever the installed tree was copied) when it exists, then the DATADIR
 * compiled in. */
static size_t library_dirs(char dirs[LIBRARY_DIRS_MAX][4096])
{
    const char *env = getenv("TURNAROUND_DATA");
    if (env && env[0]) {
        snprintf(dirs[0], sizeof dirs[0], "%s", env);
        return 1;
    }
    size_t n = 0;
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        for (int up = 0; up < 2; up++) {   /* the program's name, then its folder */
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        struct stat st;
        if (snprintf(dirs[n], sizeof dirs[0], "%s/share/turnaround", exe) < (int)sizeof dirs[0]
            && stat(dirs[n], &st) == 0 && S_ISDIR(st.st_mode))
            n++;
    }
    if (n == 0 || strcmp(dirs[0], TURNAROUND_DATADIR) != 0)
        snprintf(dirs[n++], sizeof dirs[0], "%s", TURNAROUND_DATADIR);
    return n;
}

/* Offer the .cfg files in dir: their names without .cfg (strip_cfg), else
 * their paths, dir/NAME.cfg. The typed word is compared with the name alone. */
static void offer_folder(struct suggestions *s, const char *dir, int strip_cfg)
{
    DIR *dp = opendir(dir[0] ? dir : ".");
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n <= 4 || strcmp(e->d_name + n - 4, ".cfg") != 0 || e->d_name[0] == '.')
            continue;
        char name[300];
        snprintf(name, sizeof name, "%.*s", (int)(strip_cfg ? n - 4 : n), e->d_name);
        if (strip_cfg) {
            suggest_offer(s, name);
        } else if (nearness(s->typed, name) >= 0) {
            char path[600];
            snprintf(path, sizeof path, "%s%s%s", dir, dir[0] && strcmp(dir, "/") != 0 ? "/" : "", name);
            suggest_offer_as(s, path, nearness(s->typed, name));
        }
    }
    closedir(dp);
}

struct library {
    const char *what;   /* "scenario" */
    const char *sub;    /* its folder in the source tree and in the library */
};

static const struct library scenario_library = { "scenario", "scenarios" };
static const struct library sweep_library = { "sweep file", "scenarios/sweeps" };
static const struct library calibration_library = { "calibration", "scenarios/calibrations" };

/* The file that arg names, into out. An argument holding a '/', or naming
 * a file in the working folder, is a path, used as given. Otherwise it is a
 * name: NAME.cfg (NAME when it ends in .cfg) in ./SUB/, then in SUB/ of
 * each library folder. Found nowhere, says where it looked and which names
 * are near, and returns EXIT_INPUT. */
static int find_in_library(const char *cmd, const struct library *lib, const char *arg, char *out, size_t len)
{
    struct stat st;
    size_t n = strlen(arg);
    if (strchr(arg, '/') || stat(arg, &st) == 0 || n > 255) {
        snprintf(out, len, "%s", arg);
        return 0;
    }
    const char *ext = n > 4 && strcmp(arg + n - 4, ".cfg") == 0 ? "" : ".cfg";
    char dirs[LIBRARY_DIRS_MAX][4096];
    size_t n_dirs = library_dirs(dirs);
    char where[8192];
    size_t used = 0;
    for (size_t i = 0; i <= n_dirs; i++) {
        char folder[4200];
        snprintf(folder, sizeof folder, "%s%s%s", i == 0 ? "" : dirs[i - 1], i == 0 ? "" : "/", lib->sub);
        if (snprintf(out, len, "%s/%s%s", folder, arg, ext) < (int)len && stat(out, &st) == 0)
            return 0;
        int k = snprintf(where + used, sizeof where - used, "%s%s%s/", i == 0 ? "" : i == n_dirs ? " or " : ", ",
                         i == 0 ? "./" : "", folder);
        if (k > 0 && (size_t)k < sizeof where - used)
            used += (size_t)k;
    }
    struct suggestions s;
    char near[1200], name[300];
    snprintf(name, sizeof name, "%.*s", (int)(n - (ext[0] ? 0 : 4)), arg);
    suggest_begin(&s, name);
    offer_folder(&s, lib->sub, 1);
    for (size_t i = 0; i < n_dirs; i++) {
        char folder[4200];
        snprintf(folder, sizeof folder, "%s/%s", dirs[i], lib->sub);
        offer_folder(&s, folder, 1);
    }
    fprintf(stderr, "turnaround: %s: no %s '%s': not a file in the working folder, nor %s%s in %s%s\n", cmd, lib->what,
            arg, name, ".cfg", where, suggest_text(&s, near, sizeof near));
    return EXIT_INPUT;
}

/* After a file could not be loaded: when path names nothing, the .cfg
 * files beside where it would be that are near its name. */
static void suggest_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 || errno != ENOENT)
        return;
    const char *slash = strrchr(path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 0, path);
    struct suggestions s;
    suggest_begin(&s, slash ? slash + 1 : path);
    offer_folder(&s, slash && slash == path ? "/" : dir, 0);
    if (s.n == 0)
        return;
    char near[1200];
    fprintf(stderr, "turnaround: '%s' does not exist%s\n", path, suggest_text(&s, near, sizeof near));
}

static const char *type_name(enum param_type t)
{
    switch (t) {
    case PARAM_INT:
    case PARAM_INT64:
        return "integer";
    case PARAM_REAL:
        return "real";
    case PARAM_STRING:
        return "text";
    case PARAM_CHOICE:
        return "choice";
    }
    return "";
}

static void print_param_row(int tsv, const char *path, const char *type, const char *def, const char *range,
                            const char *unit, const char *doc)
{
    if (tsv)
        printf("%s\t%s\t%s\t%s\t%s\t%s\n", path, type, def, range, unit, doc);
    else
        printf("%-30s %-8s %-20s %-24s %-26s %s\n", path, type, def, range, unit, doc);
}

/* The parameter listing: aligned for people, or tab-separated (--tsv) for
 * scripts and documentation. */
static void print_params(int tsv)
{
    print_param_row(tsv, "PATH", "TYPE", "DEFAULT", "RANGE", "UNIT", "MEANING");
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *d = &params_table[i];
        char def[64], range[PARAMS_CHOICES_MAX];
        if (d->type == PARAM_STRING) {
            snprintf(def, sizeof def, "\"%s\"", d->sdef);
            snprintf(range, sizeof range, "text");
        } else if (d->type == PARAM_CHOICE) {
            snprintf(def, sizeof def, "\"%s\"", params_choice_name(d, (int)d->def));
            params_choice_list(d, "|", "|", range, sizeof range);
        } else if (d->type == PARAM_INT64) {
            snprintf(def, sizeof def, "%lld", (long long)d->def);
            snprintf(range, sizeof range, "%lld..%lld", (long long)d->min, (long long)d->max);
        } else {
            snprintf(def, sizeof def, "%.10g", d->def);
            snprintf(range, sizeof range, "%.10g..%.10g", d->min, d->max);
        }
        print_param_row(tsv, d->path, type_name(d->type), def, range, d->unit, d->doc);
    }
}

/* configs/default.cfg under the working directory, else in the library
 * (library_dirs). Found nowhere, the table's defaults apply: the file agrees
 * with them. */
static const char *default_config(void)
{
    static char installed[4200];
    if (results_exists("configs/default.cfg"))
        return "configs/default.cfg";
    char dirs[LIBRARY_DIRS_MAX][4096];
    size_t n = library_dirs(dirs);
    for (size_t i = 0; i < n; i++)
        if (snprintf(installed, sizeof installed, "%s/configs/default.cfg", dirs[i]) < (int)sizeof installed
            && results_exists(installed))
            return installed;
    return NULL;
}

static void scenario_name(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".cfg") == 0)
        n -= 4;
    snprintf(out, len, "%.*s", (int)n, base);
}

/* The value of option argv[*i]: after '=' in the same word, else the next word. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        usage_error("option %s needs a value", name);
        return NULL;
    }
    /* In "--reps --out x" the value was forgotten; taking "--out" as it would
     * turn x into the scenario and report a puzzling missing file. */
    if (strncmp(argv[*i + 1], "--", 2) == 0) {
        usage_error("option %s needs a value, found option '%s'", name, argv[*i + 1]);
        return NULL;
    }
    return argv[++*i];
}

static int option_is(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* A path or list the program keeps in a fixed buffer of max characters:
 * refused when longer, never cut short into another path or list. */
static int too_long(const char *cmd, const char *opt, const char *v, size_t max)
{
    if (strlen(v) <= max)
        return 0;
    usage_error("%s: %s is %zu characters long; at most %zu are accepted", cmd, opt, strlen(v), max);
    return 1;
}

/* The longest --out: results_begin keeps it, and the folder beside it, in 1024 bytes. */
#define OUT_MAX 1000

/* --max-memory SIZE, shared by the commands that run the model. */
/* The whole number from 1 to most that option name takes (written as a), into
 * *out; non-zero, having said why, when it is missing or out of range. */
static int count_option(int argc, char **argv, int *i, const char *a, const char *cmd, const char *name, int most,
                        int *out)
{
    const char *v = option_value(argc, argv, i, a);
    if (!v)
        return -1;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || end == v || n < 1 || n > most) {
        usage_error("%s: %s expects a whole number from 1 to %d, found '%s'", cmd, name, most, v);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static int max_memory_option(int argc, char **argv, int *i, const char *a, const char *cmd)
{
    const char *v = option_value(argc, argv, i, a);
    if (!v)
        return -1;
    if (memory_set_limit(v)) {
        usage_error("%s: --max-memory expects a size such as 512M, 8G or 2T, found '%s'", cmd, v);
        return -1;
    }
    return 0;
}

#define ARMS_MAX 32

static void watch_month(void *ctx, size_t arm, int month, double quality, double perceived)
{
    live_month(ctx, arm, month, quality, perceived);
}

/* What --set changed, for the charts to name: appended to config.cfg in
 * dir as "# set: PATH = VALUE" comments, first those the scenario file
 * records (so a rerun of a results folder's config.cfg keeps them), then
 * this command line's, a later value of a path replacing an earlier one. */
#define SETS_MAX 64
static char set_lines[SETS_MAX][2][600];

static void add_set(size_t *n, const char *assignment, size_t path_len, const char *value)
{
    size_t k = 0;
    while (k < *n && (strlen(set_lines[k][0]) != path_len || strncmp(set_lines[k][0], assignment, path_len) != 0))
        k++;
    if (k == SETS_MAX)
        return;
    *n += k == *n;
    snprintf(set_lines[k][0], sizeof set_lines[k][0], "%.*s", (int)path_len, assignment);
    snprintf(set_lines[k][1], sizeof set_lines[k][1], "%s", value);
    for (char *c = set_lines[k][1]; *c; c++)   /* a comment ends at the line's end */
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}

static int record_sets(const char *dir, const char *scenario, int argc, char **argv, struct diag *d)
{
    size_t n = 0;
    FILE *in = scenario ? fopen(scenario, "r") : NULL;
    char line[1300];
    while (in && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        const char *eq = strncmp(line, "# set: ", 7) == 0 ? strstr(line, " = ") : NULL;
        if (eq)
            add_set(&n, line + 7, (size_t)(eq - (line + 7)), eq + 3);
    }
    if (in)
        fclose(in);
    for (int i = 0; i < argc; i++) {
        if (option_is(argv[i], "--set")) {
            const char *a = option_value(argc, argv, &i, "--set"), *eq = a ? strchr(a, '=') : NULL;
            if (eq)
                add_set(&n, a, (size_t)(eq - a), eq + 1);
        } else if (option_is(argv[i], "--reps") || option_is(argv[i], "--seed") || option_is(argv[i], "--out")
                   || option_is(argv[i], "--strategies") || option_is(argv[i], "--animate")
                   || option_is(argv[i], "--jobs") || option_is(argv[i], "--threads")
                   || option_is(argv[i], "--max-memory")) {
            i += strchr(argv[i], '=') ? 0 : 1;   /* the option's value is not an assignment */
        }
    }
    if (n == 0)
        return 0;
    char path[1200];
    snprintf(path, sizeof path, "%s/config.cfg", dir);
    FILE *f = fopen(path, "a");
    int bad = !f || fputs("\n# What --set changed, for the charts (kept when this file is run again):\n", f) < 0;
    for (size_t k = 0; k < n && !bad; k++)
        bad = fprintf(f, "# set: %s = %s\n", set_lines[k][0], set_lines[k][1]) < 0;
    if (f)
        bad |= fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0;
    return bad ? diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno)) : 0;
}

static int cmd_run(int argc, char **argv, int compare)
{
    const char *scenario = NULL, *out = NULL, *strategies = NULL, *animate = NULL;
    int force = 0, quiet = 0, no_plot = 0, live = 0, jobs = 1, threads = 1;
    struct diag d = { 0 };

    /* First pass: the command line's shape, so a usage error costs no work. */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--reps") || option_is(a, "--seed") || option_is(a, "--set") || option_is(a, "--out")) {
            const char *v = option_value(argc, argv, &i, a);
            if (!v)
                return EXIT_USAGE;
            if (option_is(a, "--out"))
                out = v;
            if (option_is(a, "--out") && too_long(compare ? "compare" : "run", "--out", v, OUT_MAX))
                return EXIT_USAGE;
            if ((option_is(a, "--reps") || option_is(a, "--seed"))
                && too_long(compare ? "compare" : "run", option_is(a, "--reps") ? "--reps" : "--seed", v, 100))
                return EXIT_USAGE;
        } else if (compare && option_is(a, "--strategies")) {
            if (!(strategies = option_value(argc, argv, &i, a)))
                return EXIT_USAGE;
            if (too_long("compare", "--strategies", strategies, PARAMS_STRING_MAX - 1))
                return EXIT_USAGE;
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            no_plot = 1;
        } else if (strcmp(a, "--live") == 0) {
            live = 1;
        } else if (option_is(a, "--jobs") || option_is(a, "--threads")) {
            int is_jobs = option_is(a, "--jobs");
            if (count_option(argc, argv, &i, a, compare ? "compare" : "run", is_jobs ? "--jobs" : "--threads",
                             is_jobs ? 256 : WORLD_MAX_THREADS, is_jobs ? &jobs : &threads))
                return EXIT_USAGE;
        } else if (option_is(a, "--animate")) {
            if (!(animate = option_value(argc, argv, &i, a)))
                return EXIT_USAGE;
        } else if (option_is(a, "--max-memory")) {
            if (max_memory_option(argc, argv, &i, a, compare ? "compare" : "run"))
                return EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("%s: unknown option '%s'", compare ? "compare" : "run", a);
        } else if (scenario) {
            return usage_error("%s: more than one scenario given ('%s')", compare ? "compare" : "run", a);
        } else {
            scenario = a;
        }
    }

    char found[4400];
    if (scenario) {
        int missing = find_in_library(compare ? "compare" : "run", &scenario_library, scenario, found, sizeof found);
        if (missing)
            return missing;
    }
    struct settings s;
    if (settings_init(&s)) {
        fputs("turnaround: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    const char *file = scenario ? found : default_config();
    int rc = file ? settings_load(&s, file, &d) : 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *a = argv[i];
        char assignment[600];
        if (option_is(a, "--reps") || option_is(a, "--seed") || option_is(a, "--set")) {
            const char *v = option_value(argc, argv, &i, a);
            char label[600];
            if (option_is(a, "--set")) {
                rc = settings_assign(&s, v, &d);
            } else {
                const char *path = option_is(a, "--reps") ? "run.reps" : "run.seed";
                snprintf(assignment, sizeof assignment, "%s=%s", path, v);
                snprintf(label, sizeof label, "%s %s", option_is(a, "--reps") ? "--reps" : "--seed", v);
                rc = settings_assign_as(&s, assignment, label, &d);
            }
        } else if (option_is(a, "--out") || option_is(a, "--strategies") || option_is(a, "--animate")
                   || option_is(a, "--jobs") || option_is(a, "--threads") || option_is(a, "--max-memory")) {
            i += strchr(a, '=') ? 0 : 1;
        }
    }
    if (!rc)
        rc = settings_check(&s, &d);
    static struct arm arms[ARMS_MAX];
    int n_arms = 1;
    arms[0].p = s.p;
    if (!rc && compare) {
        n_arms = run_parse_arms(&s.p, strategies ? strategies : s.p.compare_strategies, arms, ARMS_MAX, &d);
        if (n_arms < 0)
            rc = -1;
        else if (strategies)   /* the resolved configuration records the arms actually run */
            snprintf(arms[0].p.compare_strategies, PARAMS_STRING_MAX, "%s", strategies);
    }

    char dest[1024];
    if (out) {
        snprintf(dest, sizeof dest, "%s", out);
    } else {
        char name[256];
        scenario_name(scenario ? scenario : "default", name, sizeof name);
        snprintf(dest, sizeof dest, "results/%s%s", name, compare ? "-compare" : "");
    }
    struct results res = { 0 };
    if (!rc && animate && results_exists(animate) && !force)
        rc = diag_fail(&d, EXIT_INPUT, "'%s' already exists; choose another name for --animate, or replace it with --force",
                       animate);
    if (!rc)
        rc = results_begin(&res, dest, compare ? "compare" : "run", force, &d);
    if (rc) {
        settings_free(&s);
        rc = fail(&d);
        if (file)
            suggest_path(file);
        return rc;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct live *view = NULL;
    struct run_watch watch = { watch_month, NULL };
    if (live) {
        const char *names[ARMS_MAX];
        for (int a = 0; a < n_arms; a++)
            names[a] = arms[a].p.intervention_schedule;
        char why[512];
        if (!(view = live_open(s.p.title, names, (size_t)n_arms, s.p.run_months, why, sizeof why)))
            fprintf(stderr, "turnaround: warning: no live view: %s\n", why);
        watch.ctx = view;
    }
    /* A run of hours is said to be one before it starts (issue 10, item 7). */
    double steps = (double)n_arms * s.p.run_reps * s.p.run_months
                   * ((double)s.p.org_staff * (s.p.sector_orgs - (s.p.focal_name[0] ? 1 : 0))
                      + (s.p.focal_name[0] ? s.p.focal_staff : 0));
    if (!quiet && steps > 1e10)
        fprintf(stderr, "turnaround: a large run: %.2g agent-steps (%d arm%s x %d replications x %d months), about %.2g "
                "hours at 4e7 agent-steps a second on each of %d core%s; Ctrl-C stops it, writing nothing\n", steps,
                n_arms, n_arms == 1 ? "" : "s", s.p.run_reps, s.p.run_months,
                steps / 4e7 / 3600.0 / (jobs > 1 ? jobs : 1), jobs > 1 ? jobs : 1, jobs > 1 ? "s" : "");
    rc = run_arms(arms, n_arms, &res, quiet, view ? 1 : jobs, threads, &interrupted, view ? &watch : NULL, &d);
    live_close(view);
    if (!rc)
        rc = record_sets(res.tmp, file, argc, argv, &d);
    if (!rc && !no_plot) {
        /* Charts are drawn with the results, but a chart that fails costs no result. */
        char why[4096];
        const struct plot_options po = { "png", NULL, -1.0, NULL };
        chart_limits(s.p.plot_timeout, &interrupted);
        if (plot_results(res.tmp, &po, why, sizeof why) != 0 && !interrupted)
            fprintf(stderr, "turnaround: warning: results written, but not every chart: %s\n", why);
        if (interrupted)
            rc = diag_fail(&d, EXIT_INTERRUPTED, "interrupted while drawing the charts; nothing was written");
    }
    if (!rc)
        rc = results_commit(&res, &d);
    if (!rc && animate) {
        char why[1024];
        if (plot_animate(res.dest, animate, why, sizeof why))
            fprintf(stderr, "turnaround: warning: results written, but no animation: %s\n", why);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc) {
        results_abort(&res);
        settings_free(&s);
        return fail(&d);
    }
    if (!quiet)
        printf("%s: %d strateg%s x %d replication%s of %d months, %d organisation%s, in %.1f s; results in %s/\n",
               s.p.title, n_arms, n_arms == 1 ? "y" : "ies", s.p.run_reps, s.p.run_reps == 1 ? "" : "s",
               s.p.run_months, s.p.sector_orgs, s.p.sector_orgs == 1 ? "" : "s",
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), res.dest);
    settings_free(&s);
    return 0;
}

/* The charts of a sweep or calibration, drawn once its results are complete
 * and in place: a chart that fails costs no result; an interruption stops
 * the drawing (exit 130), the results staying whole. */
static int draw_after(const char *dir)
{
    char why[4096];
    const struct plot_options po = { "png", NULL, -1.0, NULL };
    if (plot_results(dir, &po, why, sizeof why) != 0 && !interrupted)
        fprintf(stderr, "turnaround: warning: results written, but not every chart: %s\n", why);
    if (!interrupted)
        return 0;
    fprintf(stderr, "turnaround: interrupted while drawing the charts; the results in %s are complete, and "
            "'turnaround plot %s' draws them\n", dir, dir);
    return -1;
}

static int cmd_plot(int argc, char **argv)
{
    const char *dir = NULL, *format = "png", *only = NULL, *outcome = NULL;
    double month = -1.0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--format") || option_is(a, "--only") || option_is(a, "--month")
            || option_is(a, "--outcome")) {
            const char *v = option_value(argc, argv, &i, a);
            if (!v)
                return EXIT_USAGE;
            char *end;
            if (option_is(a, "--format"))
                format = v;
            else if (option_is(a, "--only"))
                only = v;
            else if (option_is(a, "--outcome"))
                outcome = v;
            else if ((month = strtod(v, &end)) < 0.0 || *end || end == v || month != floor(month))
                return usage_error("plot: --month expects a month, a whole number from 0, found '%s'", v);
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("plot: unknown option '%s'", a);
        } else if (dir) {
            return usage_error("plot: more than one results folder given ('%s')", a);
        } else {
            dir = a;
        }
    }
    if (!dir)
        return usage_error("plot needs a results folder, e.g. turnaround plot results/doncaster");
    if (strcmp(format, "png") != 0 && strcmp(format, "svg") != 0 && strcmp(format, "pdf") != 0)
        return usage_error("plot: --format expects png, svg or pdf, found '%s'", format);
    if (only) {
        size_t k = 0;
        while (k < plot_count && strcmp(plot_names[k], only) != 0)
            k++;
        for (size_t j = 0; k == plot_count && j < sweep_chart_count; j++)
            if (strcmp(only, sweep_chart_names[j]) == 0)
                k = 0;
        for (size_t j = 0; k == plot_count && j < calibration_chart_count; j++)
            if (strcmp(only, calibration_chart_names[j]) == 0)
                k = 0;
        if (k == plot_count)
            return usage_error("plot: --only expects trajectories, culture, survival, outcomes or network (for a "
                               "sweep, effects, heatmap, interaction or sensitivity; for a calibration, posterior or "
                               "fit), found '%s'",
                               only);
    }
    /* The folder's own time limit for a chart, where its config.cfg says. */
    struct settings s;
    char cfg[1200];
    struct diag scratch = { 0 };
    snprintf(cfg, sizeof cfg, "%s/config.cfg", dir);
    double limit = 60.0;
    if (results_exists(cfg) && settings_init(&s) == 0) {
        if (settings_load(&s, cfg, &scratch) == 0)
            limit = s.p.plot_timeout;
        settings_free(&s);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    chart_limits(limit, &interrupted);
    char why[4096];
    const struct plot_options po = { format, only, month, outcome };
    int failed = plot_results(dir, &po, why, sizeof why);
    if (interrupted) {
        fprintf(stderr, "turnaround: interrupted\n");
        return EXIT_INTERRUPTED;
    }
    if (failed != 0) {
        fprintf(stderr, "turnaround: %s\n", why);
        return EXIT_INPUT;
    }
    return 0;
}

static int cmd_sweep(int argc, char **argv)
{
    struct sweep_options o = { 0 };
    o.jobs = 1;
    o.shard = o.shards = 1;
    const char *file = NULL;
    const char *sets[256];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--jobs") || option_is(a, "--out") || option_is(a, "--set") || option_is(a, "--shard")) {
            const char *v = option_value(argc, argv, &i, a);
            if (!v)
                return EXIT_USAGE;
            if (option_is(a, "--out") && too_long("sweep", "--out", v, OUT_MAX))
                return EXIT_USAGE;
            if (option_is(a, "--out"))
                o.out = v;
            else if (option_is(a, "--shard")) {
                char tail;
                if (sscanf(v, "%d/%d%c", &o.shard, &o.shards, &tail) != 2 || o.shards < 1 || o.shard < 1
                    || o.shard > o.shards)
                    return usage_error("sweep: --shard expects K/N with 1 <= K <= N (e.g. 3/16), found '%s'", v);
            }
            else if (option_is(a, "--set")) {
                if (o.n_sets == sizeof sets / sizeof sets[0])
                    return usage_error("sweep: too many --set options%s", "");
                sets[o.n_sets++] = v;
            } else {
                char *end;
                long jobs = strtol(v, &end, 10);
                if (*end || jobs < 1 || jobs > 64)
                    return usage_error("sweep: --jobs expects a whole number from 1 to 64, found '%s'", v);
                o.jobs = (int)jobs;
            }
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = 1;
        } else if (strcmp(a, "--force") == 0) {
            o.force = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o.quiet = 1;
        } else if (strcmp(a, "--stop-on-error") == 0) {
            o.stop_on_error = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            o.no_plot = 1;
        } else if (option_is(a, "--max-memory")) {
            if (max_memory_option(argc, argv, &i, a, "sweep"))
                return EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("sweep: unknown option '%s'", a);
        } else if (file) {
            return usage_error("sweep: more than one sweep file given ('%s')", a);
        } else {
            file = a;
        }
    }
    if (!file)
        return usage_error("sweep needs a sweep file, e.g. turnaround sweep scenarios/sweeps/ownership-vs-takeover.cfg%s", "");
    if (o.resume && o.force)
        return usage_error("sweep: --resume continues a sweep and --force replaces it: give one%s", "");
    o.sets = sets;
    char dest[1024];
    if (!o.out) {
        char name[256];
        scenario_name(file, name, sizeof name);
        snprintf(dest, sizeof dest, "results/%s", name);
        o.out = dest;
    }
    char found[4400];
    int missing = find_in_library("sweep", &sweep_library, file, found, sizeof found);
    if (missing)
        return missing;
    file = found;
    struct diag d = { 0 };
    static struct sweep sw;
    if (sweep_load(&sw, file, &o, &d)) {
        sweep_free(&sw);
        int rc = fail(&d);
        suggest_path(file);
        return rc;
    }
#ifdef TURNAROUND_MPI
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank > 0) {   /* a worker: rank 0 owns the folder and the output */
        sweep_serve(&sw);
        sweep_free(&sw);
        return 0;
    }
#endif
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = sweep_run(&sw, &o, &interrupted, &d);
    chart_limits(sw.base.p.plot_timeout, &interrupted);
    sweep_free(&sw);
    if (rc)
        return fail(&d);
    if (!o.no_plot && o.shards == 1 && draw_after(o.out) != 0)
        return EXIT_INTERRUPTED;
    if (!o.quiet)
        printf("sweep %s: results in %s/\n", file, o.out);
    return 0;
}

static int cmd_calibrate(int argc, char **argv)
{
    struct calibrate_options o = { 0 };
    o.jobs = 1;
    const char *file = NULL;
    const char *sets[256];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--jobs") || option_is(a, "--out") || option_is(a, "--set")) {
            const char *v = option_value(argc, argv, &i, a);
            if (!v)
                return EXIT_USAGE;
            if (option_is(a, "--out")) {
                if (too_long("calibrate", "--out", v, OUT_MAX))
                    return EXIT_USAGE;
                o.out = v;
            } else if (option_is(a, "--set")) {
                if (o.n_sets == sizeof sets / sizeof sets[0])
                    return usage_error("calibrate: too many --set options%s", "");
                sets[o.n_sets++] = v;
            } else {
                char *end;
                long jobs = strtol(v, &end, 10);
                if (*end || jobs < 1 || jobs > 64)
                    return usage_error("calibrate: --jobs expects a whole number from 1 to 64, found '%s'", v);
                o.jobs = (int)jobs;
            }
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = 1;
        } else if (strcmp(a, "--force") == 0) {
            o.force = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o.quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            o.no_plot = 1;
        } else if (option_is(a, "--max-memory")) {
            if (max_memory_option(argc, argv, &i, a, "calibrate"))
                return EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("calibrate: unknown option '%s'", a);
        } else if (file) {
            return usage_error("calibrate: more than one calibration file given ('%s')", a);
        } else {
            file = a;
        }
    }
    if (!file)
        return usage_error("calibrate needs a calibration file (README, section Calibration)%s", "");
    if (o.resume && o.force)
        return usage_error("calibrate: --resume continues a calibration and --force replaces it: give one%s", "");
    o.sets = sets;
    char dest[1024];
    if (!o.out) {
        char name[256];
        scenario_name(file, name, sizeof name);
        snprintf(dest, sizeof dest, "results/%s-calibration", name);
        o.out = dest;
    }
    char found[4400];
    int missing = find_in_library("calibrate", &calibration_library, file, found, sizeof found);
    if (missing)
        return missing;
    file = found;
    struct diag d = { 0 };
    static struct calibration cal;
    if (calibrate_load(&cal, file, &o, &d)) {
        calibrate_free(&cal);
        int rc = fail(&d);
        suggest_path(file);
        return rc;
    }
#ifdef TURNAROUND_MPI
    if (executor_mpi_rank() > 0) {   /* a worker: rank 0 owns the folder and the output */
        calibrate_serve(&cal);
        calibrate_free(&cal);
        return 0;
    }
#endif
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = calibrate_run(&cal, &o, &interrupted, &d);
#ifdef TURNAROUND_MPI
    if (executor_mpi_ranks() > 1)
        executor_mpi_finish();
#endif
    chart_limits(cal.base.p.plot_timeout, &interrupted);
    calibrate_free(&cal);
    if (rc)
        return fail(&d);
    if (!o.no_plot && draw_after(o.out) != 0)
        return EXIT_INTERRUPTED;
    if (!o.quiet)
        printf("calibrate %s: results in %s/\n", file, o.out);
    return 0;
}

static int cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char *parts[1024];
    size_t n = 0;
    int force = 0, quiet = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--out")) {
            if (!(out = option_value(argc, argv, &i, a)))
                return EXIT_USAGE;
            if (too_long("merge", "--out", out, OUT_MAX))
                return EXIT_USAGE;
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("merge: unknown option '%s'", a);
        } else if (n == sizeof parts / sizeof parts[0]) {
            return usage_error("merge: at most %zu shard folders at once", sizeof parts / sizeof parts[0]);
        } else {
            parts[n++] = a;
        }
    }
    if (n == 0 || !out)
        return usage_error("merge needs the shards' folders and --out DIR, e.g. turnaround merge part* --out all%s", "");
    struct diag d = { 0 };
    if (merge_shards(parts, n, out, force, &d))
        return fail(&d);
    if (!quiet)
        printf("merge: %zu shard%s joined; results in %s/\n", n, n == 1 ? "" : "s", out);
    return 0;
}

static int cmd_params(int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "--cfg") == 0) {
        struct params p;
        params_default(&p);
        fputs("# Every parameter of turnaround at its default, with its unit and meaning.\n"
              "# A scenario names a file like this as its base and overrides what it changes.\n\n",
              stdout);
        settings_write(stdout, &p);
        return 0;
    }
    int tsv = argc > 0 && strcmp(argv[0], "--tsv") == 0;
    if (argc > tsv)
        return usage_error("params takes no arguments but --tsv or --cfg, found '%s'", argv[tsv]);
    print_params(tsv);
    return 0;
}

static int by_scenario_name(const void *a, const void *b)
{
    return strcmp(((const struct serve_scenario *)a)->name, ((const struct serve_scenario *)b)->name);
}

/* Add the scenarios in dir (its .cfg files) to list, a name already there
 * kept as it is: the working folder's come first, then the library's. */
static void add_scenarios(struct serve_scenario *list, size_t *n, size_t max, const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp)) && *n < max) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || len > 255 || strcmp(e->d_name + len - 4, ".cfg") != 0 || e->d_name[0] == '.')
            continue;
        struct serve_scenario sc;
        snprintf(sc.name, sizeof sc.name, "%.*s", (int)(len - 4), e->d_name);
        if (snprintf(sc.path, sizeof sc.path, "%s/%s", dir, e->d_name) >= (int)sizeof sc.path)
            continue;
        size_t k = 0;
        while (k < *n && strcmp(list[k].name, sc.name) != 0)
            k++;
        if (k == *n)
            list[(*n)++] = sc;
    }
    if (dp)
        closedir(dp);
}

#define SERVE_SCENARIOS_MAX 256

static int cmd_serve(int argc, char **argv)
{
    const char *scenario = NULL, *host = "127.0.0.1";
    int port = 8080, quiet = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (option_is(a, "--port")) {
            const char *v = option_value(argc, argv, &i, a);
            char *end;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v)
                return EXIT_USAGE;
            if (end == v || *end || n < 0 || n > 65535)
                return usage_error("serve: --port expects a port, a whole number from 0 to 65535 (0: a free one), found '%s'", v);
            port = (int)n;
        } else if (option_is(a, "--host")) {
            if (!(host = option_value(argc, argv, &i, a)))
                return EXIT_USAGE;
            if (too_long("serve", "--host", host, 100))
                return EXIT_USAGE;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("serve: unknown option '%s'", a);
        } else if (scenario) {
            return usage_error("serve: more than one scenario given ('%s')", a);
        } else {
            scenario = a;
        }
    }
    static struct serve_scenario list[SERVE_SCENARIOS_MAX];
    size_t n = 0;
    struct serve_scenario given;
    if (scenario) {
        int missing = find_in_library("serve", &scenario_library, scenario, given.path, sizeof given.path);
        if (missing)
            return missing;
        scenario_name(given.path, given.name, sizeof given.name);
        list[n++] = given;
    }
    add_scenarios(list, &n, SERVE_SCENARIOS_MAX, "scenarios");
    char dirs[LIBRARY_DIRS_MAX][4096];
    size_t n_dirs = library_dirs(dirs);
    for (size_t i = 0; i < n_dirs; i++) {
        char folder[4200];
        snprintf(folder, sizeof folder, "%s/scenarios", dirs[i]);
        add_scenarios(list, &n, SERVE_SCENARIOS_MAX, folder);
    }
    if (n == 0) {
        fprintf(stderr, "turnaround: serve: no scenarios to offer: none in ./scenarios/ nor in the library's "
                "(give one: turnaround serve FILE.cfg)\n");
        return EXIT_INPUT;
    }
    qsort(list, n, sizeof list[0], by_scenario_name);
    const char *first = scenario ? given.name : "teaching";
    size_t at = 0;
    while (at < n && strcmp(list[at].name, first) != 0)
        at++;
    char program[4096];
    ssize_t len = readlink("/proc/self/exe", program, sizeof program - 1);
    if (len <= 0) {
        fprintf(stderr, "turnaround: serve: cannot find the program itself (/proc/self/exe): %s\n", strerror(errno));
        return EXIT_INPUT;
    }
    program[len] = '\0';
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const struct serve_options o = { host, port, quiet, program, list, n, at < n ? at : 0, &interrupted };
    struct diag d = { 0 };
    if (serve_run(&o, &d))
        return fail(&d);
    return 0;
}

static int cmd_run_only(int argc, char **argv)
{
    return cmd_run(argc, argv, 0);
}

static int cmd_compare(int argc, char **argv)
{
    return cmd_run(argc, argv, 1);
}

/* ---- the commands and their help -------------------------------------- */

/* One option as its command's help shows it. The table is also what the
 * command line is checked against before a command parses it: an option
 * not listed here is refused, with the nearest listed ones suggested. */
struct option_doc {
    const char *name;   /* "--reps" */
    const char *arg;    /* its value as the help names it, "N"; NULL for a flag */
    const char *doc;    /* what it does; a '\n' continues on the next line */
};

struct command {
    const char *name;
    const char *synopsis;   /* after "usage: turnaround " */
    const char *summary;    /* its line in the top-level help */
    const struct option_doc *options;   /* ended by { NULL }; NULL: the command checks and documents its own */
    const char *about;      /* what follows the options */
    const char *example;
    int (*fn)(int argc, char **argv);
};

#define LOOKUP_HELP(WHAT, SUB)                                                                                  \
    "\nFinding " WHAT ": an argument holding a '/', or naming a file in the working folder,\n"                  \
    "is a path, used as given. Otherwise it is a name: NAME.cfg (NAME when it ends in .cfg)\n"                 \
    "is looked for in ./" SUB "/,\nthen in " SUB "/ of the installed library: "                                 \
    "$TURNAROUND_DATA when it is set,\notherwise share/turnaround beside the program's folder "                 \
    "(PREFIX/share/turnaround for\nPREFIX/bin/turnaround) when there is one, then " TURNAROUND_DATADIR ".\n"   \
    "A name found nowhere is an error (exit 1) naming the places searched and the nearest\n"                  \
    "names there.\n"

#define MEMORY_OPTION                                                                                           \
    { "--max-memory", "SIZE", "memory the command may use (512M, 8G, 2T; default: what is\n"                  \
                              "available); a job estimated to need more is refused" }

#define RUN_OPTIONS(OUT_DEFAULT)                                                                                \
    { "--reps", "N", "replications (the same as --set run.reps=N)" },                                          \
    { "--seed", "S", "master seed (the same as --set run.seed=S)" },                                           \
    { "--set", "PATH=VALUE", "set any parameter, e.g. --set sector.orgs=50 (repeatable;\n"                     \
                             "'turnaround params' lists them)" },                                              \
    { "--out", "DIR", "results folder (default " OUT_DEFAULT ")" },                                            \
    { "--force", NULL, "replace an existing results folder that turnaround made" },                            \
    { "--quiet", NULL, "print nothing but errors" },                                                           \
    { "--no-plot", NULL, "write the results without drawing their charts" },                                   \
    { "--jobs", "N", "simulate N replications at a time, 1 to 256 (the same results\n"                        \
                     "for any N)" },                                                                           \
    { "--threads", "N", "step each replication's organisations in N threads, 1 to 64\n"                        \
                        "(the same results for any N; for large sectors)" },                                   \
    { "--live", NULL, "redraw the first replication's trajectories as the run goes\n"                          \
                      "(a window with a display, else text in the terminal)" },                                \
    { "--animate", "FILE.gif", "also write the trajectories chart as an animated GIF" },                        \
    MEMORY_OPTION

static const struct option_doc run_options[] = { RUN_OPTIONS("results/<scenario>/"), { NULL, NULL, NULL } };

static const struct option_doc compare_options[] = {
    RUN_OPTIONS("results/<scenario>-compare/"),
    { "--strategies", "LIST", "strategies separated by ';', or 'all' (none and each strategy\n"
                              "alone); default: the parameter compare.strategies" },
    { NULL, NULL, NULL },
};

#define RESULTS_HELP                                                                                            \
    "\nResults: config.cfg (rerun it to reproduce), trajectories.csv, sector.csv,\n"                             \
    "summary.csv, replications.csv, means.csv, failures.csv, outcomes.txt (the table\n"                          \
    "printed at the end) and the charts in plots/.\n"

static const struct option_doc sweep_options[] = {
    { "--jobs", "N", "worker processes, 1 to 64 (the same results for any N)" },
    { "--out", "DIR", "results folder (default results/<sweep file's name>/)" },
    { "--resume", NULL, "continue an interrupted sweep without repeating or losing a run" },
    { "--force", NULL, "replace an existing results folder that turnaround made" },
    { "--quiet", NULL, "print nothing but errors (no progress line)" },
    { "--no-plot", NULL, "write the results without drawing their charts" },
    { "--set", "PATH=VALUE", "change the scenario under the whole sweep (repeatable)" },
    { "--stop-on-error", NULL, "stop at the first run that fails (otherwise it is recorded and\n"
                               "the sweep goes on)" },
    { "--shard", "K/N", "run every N-th run from the K-th, for a job array\n"
                        "('turnaround merge' joins the parts)" },
    MEMORY_OPTION,
    { NULL, NULL, NULL },
};

static const struct option_doc calibrate_options[] = {
    { "--jobs", "N", "worker processes, 1 to 64 (the same results for any N)" },
    { "--out", "DIR", "results folder (default results/<file's name>-calibration/)" },
    { "--resume", NULL, "continue an interrupted calibration" },
    { "--force", NULL, "replace an existing results folder that turnaround made" },
    { "--quiet", NULL, "print nothing but errors" },
    { "--no-plot", NULL, "write the results without drawing their charts" },
    { "--set", "PATH=VALUE", "change the scenario under the calibration (repeatable)" },
    MEMORY_OPTION,
    { NULL, NULL, NULL },
};

static const struct option_doc merge_options[] = {
    { "--out", "DIR", "the merged results folder (required)" },
    { "--force", NULL, "replace an existing results folder that turnaround made" },
    { "--quiet", NULL, "print nothing but errors" },
    { NULL, NULL, NULL },
};

static const struct option_doc report_options[] = {
    { "--format", "html|md", "html: one HTML file, the charts inline as SVG (the default); md: a\n"
                             "folder, report.md and one SVG file a chart beside it" },
    { "--out", "PATH", "the file (html) or folder (md) to write; default RESULTS-report.html\n"
                       "or RESULTS-report/ beside the results folder" },
    { "--scenario", "FILE", "the scenario whose opening comment is the story; default the file in\n"
                            "scenarios/ with the results' title" },
    { "--force", NULL, "replace an existing report (a folder only if turnaround made it)" },
    { "--quiet", NULL, "print nothing but errors and warnings" },
    { NULL, NULL, NULL },
};

static const struct option_doc plot_options[] = {
    { "--format", "png|svg|pdf", "the charts' format (default png)" },
    { "--only", "NAME", "one chart: trajectories, culture, survival, outcomes or network; for a\n"
                        "sweep effects, heatmap, interaction or sensitivity; for a calibration\n"
                        "posterior or fit" },
    { "--month", "M", "the month the network chart shows (a whole number from 0)" },
    { "--outcome", "NAME", "the outcome a sweep's heatmap and interaction charts show" },
    { NULL, NULL, NULL },
};

static const struct option_doc params_options[] = {
    { "--tsv", NULL, "tab-separated, for scripts" },
    { "--cfg", NULL, "every parameter at its default, as a configuration file" },
    { NULL, NULL, NULL },
};

static const struct option_doc serve_options[] = {
    { "--port", "N", "the port to listen on, 0 to 65535 (default 8080; 0: a free one,\n"
                     "printed)" },
    { "--host", "ADDR", "the numeric address to listen on (default 127.0.0.1: this\n"
                        "machine only)" },
    { "--quiet", NULL, "print only the address and errors" },
    { NULL, NULL, NULL },
};

static const struct command commands[] = {
    { "run", "run [SCENARIO] [options]", "run replications of a scenario and write their results", run_options,
      "With no SCENARIO, run uses configs/default.cfg: the working folder's, else the library's\n"
      "(below); found nowhere, every parameter at its default.\n" LOOKUP_HELP("a scenario", "scenarios")
      RESULTS_HELP,
      "turnaround run doncaster --reps 20 --jobs 4\n"
      "  turnaround run scenarios/teaching.cfg --set sector.orgs=50 --out results/big" ,
      cmd_run_only },
    { "compare", "compare [SCENARIO] [options]",
      "run several strategies on the same replications and compare them in pairs", compare_options,
      "Every arm runs on the same replications (common random numbers), so differences are\n"
      "paired; comparison.csv and pairs.csv hold them, and the end of the output says in a\n"
      "sentence each what differs clearly between two arms. With no SCENARIO, as for run.\n" LOOKUP_HELP("a scenario", "scenarios"),
      "turnaround compare teaching --strategies 'none; takeover; retained_ownership'", cmd_compare },
    { "sweep", "sweep SWEEP [options]",
      "many runs over a design (grid, lhs, sobol or morris) of parameters and strategies", sweep_options,
      "A sweep file names a scenario, a design (grid, lhs: Latin hypercube, sobol: Saltelli's,\n"
      "with Sobol indices, or morris: elementary effects), the parameters it varies and the\n"
      "strategies; README, section Sweeps. Ctrl-C stops cleanly and --resume goes on.\n"
      LOOKUP_HELP("a sweep file", "scenarios/sweeps"),
      "turnaround sweep ownership-vs-takeover --jobs 8 --out results/sweep1", cmd_sweep },
    { "calibrate", "calibrate CALIBRATION [options]",
      "fit a scenario's parameters to observed figures (ABC-SMC or rejection)", calibrate_options,
      "A calibration file names a scenario, priors for the parameters fitted and the observed\n"
      "figures; README, section Calibration.\n" LOOKUP_HELP("a calibration", "scenarios/calibrations"),
      "turnaround calibrate doncaster --jobs 4", cmd_calibrate },
    { "merge", "merge PART... --out DIR [options]", "join the shards of a sweep (sweep --shard K/N) into one",
      merge_options,
      "Checks that the parts are the shards of one sweep, each finished, and writes what the\n"
      "whole sweep would have.\n",
      "turnaround merge part1 part2 part3 --out results/all", cmd_merge },
    { "plot", "plot RESULTS_DIR [options]", "draw the charts of a results folder into its plots/", plot_options,
      "Needs gnuplot. Without --only, every chart that applies to the folder is drawn.\n",
      "turnaround plot results/doncaster --format svg --only survival", cmd_plot },
    { "params", "params [--tsv | --cfg]",
      "list every parameter: path, type, default, range, unit and meaning", params_options, "",
      "turnaround params --tsv | cut -f1,3", cmd_params },
    { "report", "report RESULTS [options]",
      "write one self-contained report of a results folder (HTML or Markdown)", report_options,
      "One report of the results folder of 'turnaround run' or 'turnaround compare': the\n"
      "scenario's story and question, the takeaways, the outcome tables with their 95%\n"
      "intervals, the charts, the parameters that differ from the defaults, the command that\n"
      "reproduces the folder, and the versions and dates. It is written whole or not at all.\n"
      "Sweep and calibration folders are refused.\n",
      "turnaround report results/teaching-compare --format md", cmd_report },
    { "serve", "serve [SCENARIO] [options]", "a local web page to run scenarios and compare strategies live",
      serve_options,
      "A page for teaching: pick a scenario (SCENARIO first, default teaching), set the\n"
      "assumptions on sliders made from the parameter table, tick the strategies and run;\n"
      "the page shows the project's charts, the takeaways, the run before beside the new one\n"
      "and what changed, and downloads the results folder and its config.cfg, which\n"
      "'turnaround compare' reruns to the same bytes. Each run is 'turnaround compare' into\n"
      "a temporary folder; at most 200 replications, 240 months, 6 arms, 20000 staff and\n"
      "2e8 agent-months a run, 2 runs at a time. It prints its address and opens nothing\n"
      "else; Ctrl-C stops it and removes its temporary folders.\n",
      "turnaround serve teaching --port 8080", cmd_serve },
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const char *const sweep_designs = "grid, lhs (Latin hypercube), sobol (Saltelli) or morris";

static void print_top_help(FILE *f)
{
    fputs("usage: turnaround COMMAND [ARGS]\n"
          "\n"
          "Simulate failing public-service organisations and the ways they are turned round.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "  %-10s this text, or COMMAND's help (also --help, -h, COMMAND --help)\n"
            "  %-10s the version\n"
            "\n"
            "'turnaround COMMAND --help' shows a command's options and an example.\n"
            "A sweep's design is %s.\n"
            "Scenarios, sweep files and calibrations may be given by name: 'turnaround run\n"
            "doncaster' finds ./scenarios/doncaster.cfg, else the installed library's\n"
            "($TURNAROUND_DATA, else share/turnaround beside the program, else\n"
            "%s); a path is used as given.\n"
            "\n"
            "Exit status: 0 done, 1 bad input or results folder, 2 bad command line, 130 interrupted.\n",
            "help", "--version", sweep_designs, TURNAROUND_DATADIR);
}

/* The column the options' meanings start in. */
#define OPTION_COLUMN 24

static void print_option(FILE *f, const char *left, const char *doc)
{
    int n = fprintf(f, "  %s", left);
    if (n + 1 > OPTION_COLUMN) {
        fputc('\n', f);
        n = 0;
    }
    fprintf(f, "%*s", OPTION_COLUMN - n, "");
    for (const char *c = doc; *c; c++) {
        fputc(*c, f);
        if (*c == '\n')
            fprintf(f, "%*s", OPTION_COLUMN, "");
    }
    fputc('\n', f);
}

static void print_command_help(const struct command *c, FILE *f)
{
    fprintf(f, "usage: turnaround %s\n\n%c%s.\n\noptions:\n", c->synopsis, toupper((unsigned char)c->summary[0]),
            c->summary + 1);
    for (const struct option_doc *o = c->options; o->name; o++) {
        char left[80];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        print_option(f, left, o->doc);
    }
    print_option(f, "--help, -h", "this text");
    int valued = 0;
    for (const struct option_doc *o = c->options; o->name; o++)
        valued |= o->arg != NULL;
    fprintf(f, "%s%s%s"
            "\nExit status: 0 done, 1 bad input or results folder, 2 bad command line, 130 interrupted.\n"
            "\nexample:\n  %s\n",
            valued ? "\nAn option's value may follow it as the next word or after '=' (OPTION=VALUE).\n" : "",
            c->about[0] ? "\n" : "", c->about, c->example);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    struct suggestions s;
    char near[1200];
    suggest_begin(&s, name);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        suggest_offer(&s, commands[i].name);
    suggest_offer(&s, "help");
    if (name[0] == '-') {
        suggest_offer(&s, "--help");
        suggest_offer(&s, "--version");
    }
    return usage_error("unknown command '%s'%s", name, suggest_text(&s, near, sizeof near));
}

static const struct option_doc *find_option(const struct command *c, const char *arg)
{
    for (const struct option_doc *o = c->options; o->name; o++)
        if (o->arg ? option_is(arg, o->name) : strcmp(arg, o->name) == 0)
            return o;
    return NULL;
}

/* The options of argv against c's table, before the command parses them:
 * 1 when --help or -h is among them (the help is printed), EXIT_USAGE for
 * one not listed, 0 when all are. The word after an option that takes a
 * value is that value, as option_value reads it. A command's own parser
 * still refuses what it does not handle, so an option listed but never
 * parsed is refused too (tests/test_help.c tries each one). */
static int check_options(const struct command *c, int argc, char **argv)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < argc; i++) {
            const char *a = argv[i];
            if (a[0] != '-' || a[1] == '\0')
                continue;
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                print_command_help(c, stdout);
                return 1;
            }
            const struct option_doc *o = find_option(c, a);
            if (o) {
                if (o->arg && !strchr(a, '=') && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                    i++;
                continue;
            }
            if (pass == 0)
                continue;
            char name[SUGGEST_LEN + 1];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
            const struct option_doc *flag = find_option(c, name);
            if (flag)
                return usage_error("%s: option %s takes no value, found '%s'", c->name, flag->name, a);
            struct suggestions s;
            char near[1200];
            suggest_begin(&s, name);
            for (o = c->options; o->name; o++)
                suggest_offer(&s, o->name);
            suggest_offer(&s, "--help");
            return usage_error("%s: unknown option '%s'%s", c->name, a, suggest_text(&s, near, sizeof near));
        }
    return 0;
}

static int dispatch(int argc, char **argv)
{
    /* A GSL error must come back as a value to check, never abort a long run. */
    gsl_set_error_handler_off();
    /* A gnuplot that is missing or dies closes its pipe: that is an error to
     * report (the write fails), not a reason to lose the run to SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        print_top_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            const struct command *c = find_command(argv[2]);
            if (!c)
                return unknown_command(argv[2]);
            if (argc > 3)
                return usage_error("help takes one command, found '%s'", argv[3]);
            if (!c->options) {
                static char help_flag[] = "--help";
                char *args[] = { help_flag, NULL };
                return c->fn(1, args);
            }
            print_command_help(c, stdout);
            return 0;
        }
        print_top_help(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0) {
        printf("turnaround %s\n", TURNAROUND_VERSION);
        return 0;
    }
    const struct command *c = find_command(name);
    if (!c)
        return unknown_command(name);
    help_topic = c->name;
    if (c->options) {
        int checked = check_options(c, argc - 2, argv + 2);
        if (checked)
            return checked == 1 ? 0 : checked;
    }
    return c->fn(argc - 2, argv + 2);
}

/* Standard output is a result too (params --cfg > default.cfg, a table piped
 * on): a write that failed, a full disk or a closed pipe, is an error and
 * exit 1, never a silent 0. */
static int turnaround_main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "turnaround: cannot write standard output: %s\n", errno ? strerror(errno) : "write error");
        return rc ? rc : EXIT_INPUT;
    }
    return rc;
}

#ifdef TURNAROUND_MPI
/* turnaround-mpi: every rank parses the same command line; for a sweep or a
 * calibration, rank 0
 * manages and writes while the others run what it hands out. Other commands
 * run on rank 0 alone. Only rank 0 speaks. */
int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = 0;
    if (rank > 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            rc = EXIT_INPUT;
        if (!rc && argc > 1 && (strcmp(argv[1], "sweep") == 0 || strcmp(argv[1], "calibrate") == 0))
            rc = turnaround_main(argc, argv);
    } else {
        rc = turnaround_main(argc, argv);
    }
    MPI_Finalize();
    return rc;
}
#else
#ifdef TURNAROUND_BENCH_TIMERS
/* make bench's build of the program: with TURNAROUND_BENCH_TIMERS set in the
 * environment, the CPU time of each timer at exit, on stderr. */
static void print_bench_timers(void)
{
    for (int t = 0; t < BENCH_TIMERS; t++)
        fprintf(stderr, "bench-timer %s %llu ns %llu calls\n", bench_timer_name((enum bench_timer)t),
                (unsigned long long)bench_timer_ns((enum bench_timer)t),
                (unsigned long long)bench_timer_calls((enum bench_timer)t));
    fprintf(stderr, "bench-org-months %llu replications %llu forecasts\n", (unsigned long long)bench_org_months(0),
            (unsigned long long)bench_org_months(1));
}
#endif

int main(int argc, char **argv)
{
#ifdef TURNAROUND_BENCH_TIMERS
    if (getenv("TURNAROUND_BENCH_TIMERS") && atexit(print_bench_timers) != 0)
        return EXIT_FAILURE;
#endif
    return turnaround_main(argc, argv);
}
#endif
