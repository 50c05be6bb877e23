#define _XOPEN_SOURCE 700   /* realpath */
#include "report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "folder.h"
#include "gnuplot.h"
#include "params.h"
#include "plot.h"
#include "results.h"
#include "settings.h"
#include "stats.h"
#include "table.h"

/* The outcomes of summary.csv and comparison.csv, each with one line of
 * meaning (README, "Output files"). An outcome comparison.csv gains later is
 * still reported, without a meaning. */
static const struct {
    const char *name, *meaning;
} outcomes[] = {
    { "months_to_good", "months from the start of the intervention to the first good rating, over those rated good by the end" },
    { "relapsed", "share of the exits followed by an inadequate rating within intervention.after_months months" },
    { "months_to_relapse", "months from the exit to the relapse, over those that relapsed" },
    { "months_under_intervention", "months from the start of the intervention to its exit, over those that exited" },
    { "commissioner_months", "commissioner-months spent on the organisation over the run" },
    { "interim_months", "interim-months spent on the organisation over the run" },
    { "peer_review_days", "peer-review days spent on the organisation over the run" },
    { "quality_after_exit", "mean true quality over the intervention.after_months months from the exit on" },
    { "late_quality", "mean true quality over the run's last intervention.after_months months, the same window in every arm" },
};
#define N_OUTCOMES (sizeof outcomes / sizeof outcomes[0])

/* The measures of means.csv the report shows at the last month. */
static const struct {
    const char *col, *label;
} measures[] = {
    { "quality", "true quality" },         { "perceived_quality", "perceived quality" },
    { "insularity", "insularity" },        { "voice", "voice" },
    { "inadequate", "share inadequate" },
};
#define N_MEASURES (sizeof measures / sizeof measures[0])

/* How each chart reads (README, "Charts"); a chart without a line here is
 * still embedded. */
static const struct {
    const char *name, *title, *reading;
} chart_text[] = {
    { "trajectories", "True and perceived quality",
      "True quality by month, a line and its 95% band per strategy; insiders' perceived quality dotted in the same "
      "colour; the rating thresholds as grey lines named at the right. The gap between a dotted and a solid line "
      "is insider blindness." },
    { "culture", "Culture: insularity, voice and turnover",
      "Insularity, voice and turnover by month, a line per strategy: whether a strategy changes the culture or only "
      "the practice." },
    { "survival", "Survival: not yet rated good",
      "The share of intervened organisations not yet rated good, by months since the intervention started "
      "(Kaplan-Meier). The further left a curve falls, the faster the recovery." },
    { "outcomes", "Outcomes by strategy",
      "Months to good, relapse rate and commissioner-months per strategy, with 95% intervals, from comparison.csv: "
      "cost against durability." },
    { "network", "The peer network",
      "The sector's peer network in replication 0 of the first strategy, ties darker the stronger they are, each "
      "organisation coloured by its rating at the last month." },
};

/* ---- text for HTML and Markdown -------------------------------------- */

/* The document being written: HTML or Markdown, into a memory stream. */
struct doc {
    FILE *f;
    int md;
    int in_row, cols, col;
    const char *align;
    size_t tables;
    int oom;   /* an allocation failed: the document is not whole */
};

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || (n == 2 && s[0] < 0xc2))
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;   /* overlong, or a surrogate */
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || s[0] > 0xf4 || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

/* Text from a file, escaped for the document (HTML, or Markdown unless
 * markup is 0, inside code): every byte that is not valid UTF-8 becomes
 * U+FFFD and every control character a space (a line break kept where
 * lines is 1), so the document stays valid whatever the file held. */
static void escaped(struct doc *d, const char *s, int markup, int lines)
{
    for (const unsigned char *c = (const unsigned char *)s; *c;) {
        size_t n = utf8_len(c);
        if (n == 0) {
            fputs("\xef\xbf\xbd", d->f);
            c++;
            continue;
        }
        if (n > 1) {
            fwrite(c, 1, n, d->f);
            c += n;
            continue;
        }
        unsigned char ch = *c++;
        if (ch == '\n' && lines)
            fputc('\n', d->f);
        else if (ch < 0x20 || ch == 0x7f)
            fputc(' ', d->f);
        else if (!d->md && ch == '&')
            fputs("&amp;", d->f);
        else if (!d->md && ch == '<')
            fputs("&lt;", d->f);
        else if (!d->md && ch == '>')
            fputs("&gt;", d->f);
        else if (!d->md && ch == '"')
            fputs("&quot;", d->f);
        else if (!d->md && ch == '\'')
            fputs("&#39;", d->f);
        else if (d->md && markup && strchr("\\`*_[]<>|&~#", ch))
            fprintf(d->f, "\\%c", ch);   /* CommonMark: any ASCII punctuation may be escaped */
        else
            fputc(ch, d->f);
    }
}

static void text(struct doc *d, const char *s)
{
    escaped(d, s, 1, 0);
}

/* Our own words: written as they are (they hold nothing to escape). */
static void words(struct doc *d, const char *s)
{
    fputs(s, d->f);
}

static void heading(struct doc *d, int level, const char *id, const char *s)
{
    if (d->md) {
        fprintf(d->f, "\n%.*s ", level, "######");
        text(d, s);
        fputc('\n', d->f);
    } else {
        fprintf(d->f, "<h%d id=\"%s\">", level, id);
        text(d, s);
        fprintf(d->f, "</h%d>\n", level);
    }
}

static void para_begin(struct doc *d)
{
    words(d, d->md ? "\n" : "<p>");
}

static void para_end(struct doc *d)
{
    words(d, d->md ? "\n" : "</p>\n");
}

/* A paragraph of text from a file, whole. */
static void para(struct doc *d, const char *s)
{
    para_begin(d);
    /* A Markdown paragraph must not open as a list, a heading or a quote. */
    if (d->md && (strchr("-+=", s[0]) || (isdigit((unsigned char)s[0]) && strspn(s, "0123456789") < strlen(s)
                                          && strchr(".)", s[strspn(s, "0123456789")]))))
        words(d, "\\");
    text(d, s);
    para_end(d);
}

/* The longest run of backquotes in s. */
static size_t longest_ticks(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        best = run > best ? run : best;
    }
    return best;
}

#define FENCE_MAX 30
static const char fence[FENCE_MAX + 1] = "``````````````````````````````";

/* Text shown as code, inline. */
static void code(struct doc *d, const char *s)
{
    if (d->md && longest_ticks(s) < FENCE_MAX) {
        int n = (int)longest_ticks(s) + 1;
        int pad = s[0] == '`' || (s[0] && s[strlen(s) - 1] == '`') || s[0] == ' ';   /* CommonMark strips one space a side */
        fprintf(d->f, "%.*s%s", n, fence, pad ? " " : "");
        escaped(d, s, 0, 0);
        fprintf(d->f, "%s%.*s", pad ? " " : "", n, fence);
    } else if (d->md) {
        text(d, s);
    } else {
        words(d, "<code>");
        text(d, s);
        words(d, "</code>");
    }
}

/* A block of lines shown as they are. */
static void pre(struct doc *d, const char *s)
{
    if (d->md && longest_ticks(s) < FENCE_MAX) {
        int n = (int)longest_ticks(s) + 1;
        n = n < 3 ? 3 : n;
        fprintf(d->f, "\n%.*s\n", n, fence);
        escaped(d, s, 0, 1);
        fprintf(d->f, "\n%.*s\n", n, fence);
    } else if (d->md) {   /* no fence can hold it: a paragraph a line */
        char *copy = strdup(s);
        d->oom |= !copy;
        for (char *line = copy, *nl; line; line = nl ? nl + 1 : NULL) {
            if ((nl = strchr(line, '\n')))
                *nl = '\0';
            para(d, line);
        }
        free(copy);
    } else {
        words(d, "<pre>");
        escaped(d, s, 1, 1);
        words(d, "</pre>\n");
    }
}

/* A table of n columns under head; align says, column by column, 'l'
 * (text) or 'r' (numbers). */
static void table_begin(struct doc *d, const char *const *head, int n, const char *align)   /* head: our words */
{
    d->cols = n;
    d->align = align;
    d->tables++;
    if (d->md) {
        words(d, "\n|");
        for (int k = 0; k < n; k++) {
            words(d, " ");
            words(d, head[k]);
            words(d, " |");
        }
        words(d, "\n|");
        for (int k = 0; k < n; k++)
            words(d, align[k] == 'r' ? "---:|" : ":---|");
        words(d, "\n");
    } else {
        words(d, "<table>\n<thead><tr>");
        for (int k = 0; k < n; k++) {
            words(d, align[k] == 'r' ? "<th class=\"num\">" : "<th>");
            words(d, head[k]);
            words(d, "</th>");
        }
        words(d, "</tr></thead>\n<tbody>\n");
    }
}

/* A cell: text from a file (escaped), or our own (a number, written as it is). */
static void cell_as(struct doc *d, const char *s, int own)
{
    if (!d->in_row) {
        words(d, d->md ? "|" : "<tr>");
        d->in_row = 1;
        d->col = 0;
    }
    if (d->md) {
        words(d, " ");
        (own ? words : text)(d, s[0] ? s : "-");
        words(d, " |");
    } else {
        words(d, d->align[d->col] == 'r' ? "<td class=\"num\">" : "<td>");
        (own ? words : text)(d, s[0] ? s : "-");
        words(d, "</td>");
    }
    if (++d->col == d->cols) {
        words(d, d->md ? "\n" : "</tr>\n");
        d->in_row = 0;
    }
}

static void cell(struct doc *d, const char *s)
{
    cell_as(d, s, 0);
}

static void cell_own(struct doc *d, const char *s)
{
    cell_as(d, s, 1);
}

static void table_end(struct doc *d)
{
    words(d, d->md ? "" : "</tbody>\n</table>\n");
}

/* ---- numbers ----------------------------------------------------------- */

/* Decimals that show an interval's half-width to two significant digits
 * (38 [14, 62]; 0.734 [0.644, 0.823]), or a lone value to three. */
static int decimals(double mean, double lo, double hi)
{
    double half = (hi - lo) / 2.0, scale = half;
    int sig = 2;
    if (!isfinite(lo) || !isfinite(hi) || !(half > 0.0)) {
        scale = fabs(mean);
        sig = 3;
    }
    if (!(scale > 0.0) || !isfinite(scale))
        return 0;
    int dec = sig - 1 - (int)floor(log10(scale));
    return dec < 0 ? 0 : dec > 6 ? 6 : dec;
}

static void number(char *out, size_t len, double x, int dec)
{
    snprintf(out, len, "%.*f", dec, x);
    if (strspn(out, "-0.") == strlen(out) && out[0] == '-')   /* -0.00 */
        memmove(out, out + 1, strlen(out));
}

/* 36.0 as 36, 0.50 as 0.5. */
static void trim_zeros(char *x)
{
    if (!strchr(x, '.'))
        return;
    size_t k = strlen(x);
    while (x[k - 1] == '0')
        x[--k] = '\0';
    if (x[k - 1] == '.')
        x[--k] = '\0';
}

/* "mean [lo, hi]", "mean" when there is no interval, "" when no value. */
static void interval(char *out, size_t len, double mean, double lo, double hi, int sign)
{
    if (isnan(mean)) {
        out[0] = '\0';
        return;
    }
    int dec = decimals(mean, lo, hi);
    char m[64], l[64], h[64];
    number(m, sizeof m, mean, dec);
    if (sign && mean > 0.0 && strspn(m, "0.") != strlen(m)) {
        memmove(m + 1, m, strlen(m) + 1);
        m[0] = '+';
    }
    if (isnan(lo) || isnan(hi)) {
        snprintf(out, len, "%s", m);
        return;
    }
    number(l, sizeof l, lo, dec);
    number(h, sizeof h, hi, dec);
    if (lo == hi && lo == mean) {   /* every value the same: 36 [36, 36] */
        trim_zeros(m);
        trim_zeros(l);
        trim_zeros(h);
    }
    snprintf(out, len, "%s [%s, %s]", m, l, h);
}

/* ---- the results folder ------------------------------------------------ */

struct folder {
    char dir[1024];
    char command[16];        /* run or compare */
    char version[64];        /* of the turnaround that made it */
    int inferred;            /* no marker: command inferred from the files */
    char written[64];        /* config.cfg's time, UTC */
    struct settings s;
    struct table means, summary, comparison;
    char arms[32][PARAMS_STRING_MAX];
    size_t n_arms;
    char story_file[1200];   /* "" when not found */
    char *story;             /* the scenario's opening comment, or NULL */
};

static int path_of(char *out, size_t len, const char *dir, const char *name)
{
    return snprintf(out, len, "%s/%s", dir, name) < (int)len ? 0 : -1;
}

static int is_file(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    return path_of(path, sizeof path, dir, name) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The whole file, NUL-terminated, or NULL (errno says why). */
static char *slurp(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* A CSV file as the lab writes it: a header, then lines of as many fields,
 * each line ended by a newline. A file cut short or damaged is named with
 * its line, never read as if whole. */
static int csv_check(const char *path, struct diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot read '%s': %s", path, strerror(errno));
    long line = 1, fields = 1, header = -1;
    int quoted = 0, c, last = '\n';
    while ((c = getc(f)) != EOF) {
        last = c;
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            fields++;
        else if (c == '\n' && !quoted) {
            if (header < 0)
                header = fields;
            else if (fields != header) {
                fclose(f);
                return diag_fail(d, EXIT_INPUT, "'%s', line %ld: %ld fields, expected %ld as in its header: the file "
                                 "is damaged", path, line, fields, header);
            }
            line++;
            fields = 1;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return diag_fail(d, EXIT_INPUT, "cannot read '%s'", path);
    if (header < 0)
        return diag_fail(d, EXIT_INPUT, "'%s' is empty or has no header line: the file is damaged", path);
    if (last != '\n')
        return diag_fail(d, EXIT_INPUT, "'%s', line %ld: cut short (no newline at the end): the file is damaged", path,
                         line);
    return 0;
}

static int read_table(struct table *t, const char *dir, const char *name, const char *const *cols, struct diag *d)
{
    char path[1200], err[1400];
    path_of(path, sizeof path, dir, name);
    if (csv_check(path, d))
        return -1;
    if (table_read(t, path, err, sizeof err))
        return diag_fail(d, EXIT_INPUT, "%s", err);
    for (const char *const *c = cols; *c; c++)
        if (table_col(t, *c) < 0)
            return diag_fail(d, EXIT_INPUT, "'%s' has no column '%s': not a turnaround results file, or one of "
                             "another version", path, *c);
    return 0;
}

/* The marker says which command made the folder and which version. */
static void read_marker(struct folder *fo)
{
    char path[1200];
    path_of(path, sizeof path, fo->dir, ".turnaround");
    char *m = slurp(path, 512);
    const char *open = m ? strchr(m, '(') : NULL, *close = open ? strchr(open, ')') : NULL;
    const char *by = m ? strstr(m, "made by turnaround ") : NULL;
    if (open && close && (size_t)(close - open - 1) < sizeof fo->command) {
        snprintf(fo->command, sizeof fo->command, "%.*s", (int)(close - open - 1), open + 1);
        if (by)
            snprintf(fo->version, sizeof fo->version, "%.*s", (int)strcspn(by + 19, ", \n"), by + 19);
    }
    free(m);
    if (strcmp(fo->command, "run") != 0 && strcmp(fo->command, "compare") != 0) {
        fo->inferred = 1;   /* an earlier version's folder: config.cfg says the version */
        snprintf(fo->command, sizeof fo->command, "%s", is_file(fo->dir, "comparison.csv") ? "compare" : "run");
        path_of(path, sizeof path, fo->dir, "config.cfg");
        char *cfg = slurp(path, 256);
        if (cfg && strncmp(cfg, "# turnaround ", 13) == 0)
            snprintf(fo->version, sizeof fo->version, "%.*s", (int)strcspn(cfg + 13, ": \n"), cfg + 13);
        free(cfg);
    }
}

static void utc(char *out, size_t len, time_t t)
{
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(out, len, "unknown");
}

static int load_folder(struct folder *fo, const char *dir, struct diag *d)
{
    snprintf(fo->dir, sizeof fo->dir, "%s", dir);
    size_t n = strlen(fo->dir);
    while (n > 1 && fo->dir[n - 1] == '/')
        fo->dir[--n] = '\0';
    struct stat st;
    if (stat(fo->dir, &st) != 0)
        return diag_fail(d, EXIT_INPUT, "results folder '%s': %s", fo->dir, strerror(errno));
    const char *base = strrchr(fo->dir, '/');
    base = base ? base + 1 : fo->dir;
    char abs[4096];
    if ((strcmp(base, ".") == 0 || strcmp(base, "..") == 0) && realpath(fo->dir, abs)) {
        if (strlen(abs) >= sizeof fo->dir)
            return diag_fail(d, EXIT_INPUT, "results folder '%s': path too long", abs);
        snprintf(fo->dir, sizeof fo->dir, "%s", abs);   /* named, so the report beside it is too */
    }
    if (!S_ISDIR(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "'%s' is not a folder; report expects the results folder of 'turnaround run' "
                         "or 'turnaround compare'", fo->dir);
    if (is_file(fo->dir, "runs.csv") && is_file(fo->dir, "sweep.cfg"))
        return diag_fail(d, EXIT_INPUT, "'%s' is a sweep's folder; report covers the folders of 'turnaround run' and "
                         "'turnaround compare' (a sweep's charts: 'turnaround plot %s')", fo->dir, fo->dir);
    if (is_file(fo->dir, "posterior.csv"))
        return diag_fail(d, EXIT_INPUT, "'%s' is a calibration's folder; report covers the folders of 'turnaround "
                         "run' and 'turnaround compare' (a calibration's charts: 'turnaround plot %s')", fo->dir,
                         fo->dir);
    static const char *const needed[] = { "config.cfg", "means.csv", "summary.csv" };
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++)
        if (!is_file(fo->dir, needed[k]))
            return diag_fail(d, EXIT_INPUT, "'%s' is not a complete results folder: it has no %s (run and compare "
                             "write one)", fo->dir, needed[k]);
    read_marker(fo);
    char path[1200];
    path_of(path, sizeof path, fo->dir, "config.cfg");
    if (stat(path, &st) == 0)
        utc(fo->written, sizeof fo->written, st.st_mtime);
    if (settings_init(&fo->s))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    if (settings_load(&fo->s, path, d))
        return -1;
    static const char *const means_cols[] = { "strategy", "month", "org", "n", "quality", "quality_lo", "quality_hi",
                                              "perceived_quality", "perceived_quality_lo", "perceived_quality_hi",
                                              "insularity", "insularity_lo", "insularity_hi", "voice", "voice_lo",
                                              "voice_hi", "inadequate", "inadequate_lo", "inadequate_hi", NULL };
    static const char *const summary_cols[] = { "strategy", "rep", "org", "intervened", NULL };
    static const char *const comparison_cols[] = { "strategy", "outcome", "n", "mean", "lo", "hi", "pairs",
                                                   "diff_vs_none", "diff_lo", "diff_hi", NULL };
    if (read_table(&fo->means, fo->dir, "means.csv", means_cols, d)
        || read_table(&fo->summary, fo->dir, "summary.csv", summary_cols, d))
        return -1;
    int s = table_col(&fo->means, "strategy");
    for (size_t r = 0; r + 1 < fo->means.rows; r++) {
        const char *arm = table_text(&fo->means, r, s);
        size_t k = 0;
        while (k < fo->n_arms && strcmp(fo->arms[k], arm) != 0)
            k++;
        if (k == fo->n_arms) {
            if (k == sizeof fo->arms / sizeof fo->arms[0])
                return diag_fail(d, EXIT_INPUT, "'%s/means.csv' has more than %zu strategies", fo->dir, k);
            snprintf(fo->arms[fo->n_arms++], sizeof fo->arms[0], "%s", arm);
        }
    }
    if (fo->n_arms == 0)
        return diag_fail(d, EXIT_INPUT, "'%s/means.csv' has no rows: the file is damaged", fo->dir);
    if (is_file(fo->dir, "comparison.csv")) {
        if (read_table(&fo->comparison, fo->dir, "comparison.csv", comparison_cols, d))
            return -1;
    } else if (fo->n_arms > 1) {
        return diag_fail(d, EXIT_INPUT, "'%s' compares %zu strategies but has no comparison.csv: the folder is "
                         "damaged", fo->dir, fo->n_arms);
    }
    return 0;
}

static void free_folder(struct folder *fo)
{
    settings_free(&fo->s);
    table_free(&fo->means);
    table_free(&fo->summary);
    table_free(&fo->comparison);
    free(fo->story);
}

/* ---- the story --------------------------------------------------------- */

char *report_opening_comment(const char *path)
{
    char *file = slurp(path, 1 << 20);
    if (!file)
        return NULL;
    size_t cap = strlen(file) + 1, used = 0;
    char *out = malloc(cap);
    const char *line = file;
    while (out && (*line == '\n' || *line == '\r'))
        line++;
    while (out && *line == '#') {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        size_t skip = len > 1 && line[1] == ' ' ? 2 : 1;
        while (len > skip && line[len - 1] == '\r')
            len--;
        memcpy(out + used, line + skip, len - skip);
        used += len - skip;
        out[used++] = '\n';
        if (!nl)
            break;
        line = nl + 1;
    }
    free(file);
    if (out)
        out[used] = '\0';
    return out;
}

/* The resolved title of the scenario at path, or "" when it cannot be read. */
static void title_of(const char *path, char *title, size_t len)
{
    struct settings s;
    struct diag ignored = { 0 };
    title[0] = '\0';
    if (settings_init(&s))
        return;
    if (settings_load(&s, path, &ignored) == 0)
        snprintf(title, len, "%s", s.p.title);
    settings_free(&s);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first scenario (by name) in dir whose title is title. */
static int scenario_titled(const char *dir, const char *title, char *found, size_t len)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    char *names[512];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dp)) && n < sizeof names / sizeof names[0];) {
        size_t k = strlen(e->d_name);
        if (k > 4 && strcmp(e->d_name + k - 4, ".cfg") == 0 && e->d_name[0] != '.')
            if ((names[n] = strdup(e->d_name)))
                n++;
    }
    closedir(dp);
    qsort(names, n, sizeof *names, by_name);
    int hit = 0;
    for (size_t k = 0; k < n; k++) {
        char path[1200], t[PARAMS_STRING_MAX];
        if (!hit && path_of(path, sizeof path, dir, names[k]) == 0) {
            title_of(path, t, sizeof t);
            if (strcmp(t, title) == 0) {
                snprintf(found, len, "%s", path);
                hit = 1;
            }
        }
        free(names[k]);
    }
    return hit;
}

static void warn(struct report_done *done, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The scenario's story: the file named, else the scenario in scenarios/ (the
 * working folder's, then the installed one) with the results' title. A story
 * found nowhere is said to be missing, in the report and as a warning. */
static int find_story(struct folder *fo, const struct report_options *o, struct report_done *done, struct diag *d)
{
    const char *title = fo->s.p.title;
    if (o->scenario) {
        struct stat st;
        if (stat(o->scenario, &st) != 0)
            return diag_fail(d, EXIT_INPUT, "scenario '%s': %s", o->scenario, strerror(errno));
        if (!S_ISREG(st.st_mode))
            return diag_fail(d, EXIT_INPUT, "scenario '%s' is not a file", o->scenario);
        snprintf(fo->story_file, sizeof fo->story_file, "%s", o->scenario);
        char t[PARAMS_STRING_MAX];
        title_of(o->scenario, t, sizeof t);
        if (strcmp(t, title) != 0)
            warn(done, "scenario '%s' is titled \"%s\", the results \"%s\"; its story is told as given", o->scenario, t,
                 title);
    } else {
        char installed[4200] = "";
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0';
                snprintf(installed, sizeof installed, "%s/../share/turnaround/scenarios", exe);
            }
        }
        if (!scenario_titled("scenarios", title, fo->story_file, sizeof fo->story_file)
            && !(installed[0] && scenario_titled(installed, title, fo->story_file, sizeof fo->story_file))) {
            struct params def;
            params_default(&def);
            if (strcmp(title, def.title) != 0)
                warn(done, "no scenario in scenarios/ is titled \"%s\": the report has no story (give the scenario "
                     "with --scenario FILE)", title);
            return 0;
        }
    }
    if (!(fo->story = report_opening_comment(fo->story_file)))
        return diag_fail(d, EXIT_INPUT, "cannot read scenario '%s': %s", fo->story_file, strerror(errno));
    return 0;
}

static int indented(const char *line)
{
    return line[0] == ' ';
}

/* The story's blocks (separated by empty lines): a list where a line opens
 * with "- ", lines shown as they are where they are indented, else a
 * paragraph. */
static void write_story(struct doc *d, const char *story)
{
    size_t cap = 1;
    for (const char *c = story; *c; c++)
        cap += *c == '\n';
    char *copy = strdup(story), **lines = malloc(cap * sizeof *lines);
    if (!copy || !lines) {
        d->oom = 1;
        free(copy);
        free(lines);
        return;
    }
    size_t n = 0;
    for (char *c = copy; *c && n < cap;) {
        lines[n++] = c;
        char *nl = strchr(c, '\n');
        if (!nl)
            break;
        *nl = '\0';
        c = nl + 1;
    }
    for (size_t a = 0; a < n;) {
        if (lines[a][strspn(lines[a], " \t")] == '\0') {
            a++;
            continue;
        }
        size_t b = a;
        int list = 0, indent = 0;
        while (b < n && lines[b][strspn(lines[b], " \t")] != '\0') {
            list |= strncmp(lines[b], "- ", 2) == 0;
            indent |= indented(lines[b]);
            b++;
        }
        char *joined = malloc(4096 + strlen(story));
        if (!joined) {
            d->oom = 1;
            break;
        }
        if (list) {
            size_t k = a;
            joined[0] = '\0';
            for (; k < b && strncmp(lines[k], "- ", 2) != 0; k++)
                snprintf(joined + strlen(joined), 4096 + strlen(story) - strlen(joined), "%s%s", joined[0] ? " " : "",
                         lines[k]);
            if (joined[0])
                para(d, joined);
            words(d, d->md ? "\n" : "<ul>\n");
            while (k < b) {
                snprintf(joined, 4096 + strlen(story), "%s", lines[k] + 2);
                for (k++; k < b && strncmp(lines[k], "- ", 2) != 0; k++)
                    snprintf(joined + strlen(joined), 4096 + strlen(story) - strlen(joined), " %s",
                             lines[k] + strspn(lines[k], " "));
                words(d, d->md ? "- " : "<li>");
                text(d, joined);
                words(d, d->md ? "\n" : "</li>\n");
            }
            words(d, d->md ? "" : "</ul>\n");
        } else if (indent) {
            joined[0] = '\0';
            for (size_t k = a; k < b; k++)
                snprintf(joined + strlen(joined), 4096 + strlen(story) - strlen(joined), "%s%s", k > a ? "\n" : "",
                         lines[k]);
            pre(d, joined);
        } else {
            joined[0] = '\0';
            for (size_t k = a; k < b; k++)
                snprintf(joined + strlen(joined), 4096 + strlen(story) - strlen(joined), "%s%s", k > a ? " " : "",
                         lines[k]);
            para(d, joined);
        }
        free(joined);
        a = b;
    }
    free(copy);
    free(lines);
}

/* ---- the sections ------------------------------------------------------ */

static void warn(struct report_done *done, const char *fmt, ...)
{
    size_t used = strlen(done->warnings);
    if (used + 2 >= sizeof done->warnings)
        return;
    if (used)
        done->warnings[used++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(done->warnings + used, sizeof done->warnings - used, fmt, ap);
    va_end(ap);
}

/* "a, b and c" of the arms, each as code. */
static void arm_list(struct doc *d, const struct folder *fo)
{
    for (size_t a = 0; a < fo->n_arms; a++) {
        if (a)
            words(d, a + 1 == fo->n_arms ? " and " : ", ");
        code(d, fo->arms[a]);
    }
}

static void write_question(struct doc *d, const struct folder *fo)
{
    const struct params *p = &fo->s.p;
    char num[64];
    heading(d, 2, "question", "The question");
    para_begin(d);
    int compare = fo->n_arms > 1;
    if (compare) {
        snprintf(num, sizeof num, "%zu", fo->n_arms);
        words(d, "How do ");
        words(d, num);
        words(d, " responses, ");
        arm_list(d, fo);
        words(d, ", compare");
    } else if (strcmp(fo->arms[0], "none") == 0) {
        words(d, "What happens with no intervention (");
        code(d, "none");
        words(d, ")");
    } else {
        words(d, "What does the intervention ");
        code(d, fo->arms[0]);
        words(d, " achieve");
    }
    if (p->focal_name[0] && strcmp(p->intervention_applies_to, "focal") == 0) {
        words(d, " for the failing organisation ");
        code(d, p->focal_name);
    } else {
        words(d, " for every organisation rated inadequate in a sector of ");
        snprintf(num, sizeof num, "%d", p->sector_orgs);
        words(d, num);
        words(d, p->sector_orgs == 1 ? " organisation" : " organisations");
    }
    snprintf(num, sizeof num, "%d", p->run_reps);
    words(d, ", over ");
    words(d, num);
    snprintf(num, sizeof num, "%d", p->run_months);
    words(d, p->run_reps == 1 ? " replication of " : " replications of ");
    words(d, num);
    words(d, " months");
    if (!(fo->n_arms == 1 && strcmp(fo->arms[0], "none") == 0)) {
        snprintf(num, sizeof num, "%d", p->intervention_delay);
        words(d, ", the intervention starting ");
        words(d, num);
        words(d, p->intervention_delay == 1 ? " month" : " months");
        words(d, " after the first inadequate rating and ending by the exit test ");
        code(d, p->intervention_exit);
    }
    words(d, "?");
    if (compare)
        words(d, " Every arm runs the same replications with the same random numbers, so the differences from "
                 "doing nothing are paired.");
    para_end(d);
}

/* The takeaway sentences: takeaways.txt in the results folder, one a line,
 * when the folder has one. */
static void write_takeaways(struct doc *d, const struct folder *fo)
{
    char path[1200];
    path_of(path, sizeof path, fo->dir, "takeaways.txt");
    char *t = is_file(fo->dir, "takeaways.txt") ? slurp(path, 1 << 16) : NULL;
    if (!t) {
        words(d, "\n<!-- takeaways: the sentences of takeaways.txt go here when the results folder has one -->\n");
        return;
    }
    heading(d, 2, "takeaways", "Takeaways");
    words(d, d->md ? "\n" : "<ul>\n");
    for (char *line = t; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (line[strspn(line, " \t\r")]) {
            words(d, d->md ? "- " : "<li>");
            text(d, line + strspn(line, " \t"));
            words(d, d->md ? "\n" : "</li>\n");
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    words(d, d->md ? "" : "</ul>\n");
    free(t);
}

static const char *outcome_meaning(const char *name)
{
    for (size_t k = 0; k < N_OUTCOMES; k++)
        if (strcmp(outcomes[k].name, name) == 0)
            return outcomes[k].meaning;
    return NULL;
}

static void outcome_heading(struct doc *d, const char *name)
{
    char id[128];
    snprintf(id, sizeof id, "outcome-%s", name);
    for (char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            *c = '-';
    if (d->md) {
        words(d, "\n### ");
        code(d, name);
        words(d, "\n");
    } else {
        fprintf(d->f, "<h3 id=\"%s\">", id);
        code(d, name);
        words(d, "</h3>\n");
    }
    const char *m = outcome_meaning(name);
    if (m)
        para(d, m);
}

/* comparison.csv, a table an outcome: each arm's mean with its interval,
 * and its paired difference from none with its interval. */
static void write_comparison(struct doc *d, const struct folder *fo)
{
    const struct table *t = &fo->comparison;
    int s = table_col(t, "strategy"), o = table_col(t, "outcome"), n = table_col(t, "n"), mean = table_col(t, "mean"),
        lo = table_col(t, "lo"), hi = table_col(t, "hi"), pairs = table_col(t, "pairs"),
        diff = table_col(t, "diff_vs_none"), dlo = table_col(t, "diff_lo"), dhi = table_col(t, "diff_hi");
    for (size_t r = 0; r + 1 < t->rows; r++) {
        const char *name = table_text(t, r, o);
        size_t first = 0;
        while (strcmp(table_text(t, first, o), name) != 0)
            first++;
        if (first != r)
            continue;   /* this outcome's table is written */
        outcome_heading(d, name);
        static const char *const head[] = { "strategy", "n", "mean [95% interval]", "pairs",
                                            "difference from none [95% interval]" };
        table_begin(d, head, 5, "lrrrr");
        for (size_t k = r; k + 1 < t->rows; k++) {
            if (strcmp(table_text(t, k, o), name) != 0)
                continue;
            char a[160], b[160];
            cell(d, table_text(t, k, s));
            cell(d, table_text(t, k, n));
            interval(a, sizeof a, table_num(t, k, mean), table_num(t, k, lo), table_num(t, k, hi), 0);
            cell_own(d, a);
            cell(d, table_text(t, k, pairs));
            if (table_num(t, k, pairs) > 0 && strcmp(table_text(t, k, s), "none") != 0)
                interval(b, sizeof b, table_num(t, k, diff), table_num(t, k, dlo), table_num(t, k, dhi), 1);
            else
                b[0] = '\0';
            cell_own(d, b);
        }
        table_end(d);
    }
}

/* A run's outcomes from summary.csv: over the organisations intervened in
 * with the outcome not empty, the mean and its interval as comparison.csv
 * computes them (stats_interval), so a run and a comparison say the same. */
static void write_run_outcomes(struct doc *d, const struct folder *fo)
{
    const struct table *t = &fo->summary;
    int s = table_col(t, "strategy"), iv = table_col(t, "intervened");
    for (size_t k = 0; k < N_OUTCOMES; k++) {
        int c = table_col(t, outcomes[k].name);
        if (c < 0)
            continue;
        outcome_heading(d, outcomes[k].name);
        static const char *const head[] = { "strategy", "n", "mean [95% interval]" };
        table_begin(d, head, 3, "lrr");
        for (size_t a = 0; a < fo->n_arms; a++) {
            struct running level = { 0 };
            for (size_t r = 0; r + 1 < t->rows; r++)
                if (strcmp(table_text(t, r, s), fo->arms[a]) == 0 && table_num(t, r, iv) == 1.0
                    && !isnan(table_num(t, r, c)))
                    stats_add(&level, table_num(t, r, c));
            char num[32], shown[160];
            double m = level.n >= 1.0 ? level.mean : NAN, lo, hi;
            /* within the outcome's range, as comparison.csv has it: Wilson's for the relapse share */
            int share = strcmp(outcomes[k].name, "relapsed") == 0;
            stats_interval(&level, 0.0, share || strstr(outcomes[k].name, "quality") ? 1.0 : INFINITY, share, &lo, &hi);
            cell(d, fo->arms[a]);
            snprintf(num, sizeof num, "%.0f", level.n);
            cell_own(d, num);
            interval(shown, sizeof shown, m, lo, hi, 0);
            cell_own(d, shown);
        }
        table_end(d);
    }
}

/* means.csv at the last month: the sector's (and the focal organisation's)
 * measures per arm, with their intervals. */
static void write_last_month(struct doc *d, const struct folder *fo, const char *org)
{
    const struct table *t = &fo->means;
    int s = table_col(t, "strategy"), m = table_col(t, "month"), o = table_col(t, "org");
    double last = -1.0;
    for (size_t r = 0; r + 1 < t->rows; r++)
        if (strcmp(table_text(t, r, o), org) == 0 && table_num(t, r, m) > last)
            last = table_num(t, r, m);
    if (last < 0.0)
        return;
    char title[400], id[64];
    snprintf(title, sizeof title, "%s at month %.0f", strcmp(org, "sector") == 0 ? "The sector (mean over organisations)" : org,
             last);
    snprintf(id, sizeof id, "last-month-%s", strcmp(org, "sector") == 0 ? "sector" : "focal");
    heading(d, 3, id, title);
    const char *head[1 + N_MEASURES];
    head[0] = "strategy";
    for (size_t k = 0; k < N_MEASURES; k++)
        head[k + 1] = measures[k].label;
    table_begin(d, head, (int)(1 + N_MEASURES), "lrrrrr");
    for (size_t a = 0; a < fo->n_arms; a++)
        for (size_t r = 0; r + 1 < t->rows; r++) {
            if (strcmp(table_text(t, r, s), fo->arms[a]) != 0 || strcmp(table_text(t, r, o), org) != 0
                || table_num(t, r, m) != last)
                continue;
            cell(d, fo->arms[a]);
            for (size_t k = 0; k < N_MEASURES; k++) {
                char lo[64], hi[64], shown[160];
                snprintf(lo, sizeof lo, "%s_lo", measures[k].col);
                snprintf(hi, sizeof hi, "%s_hi", measures[k].col);
                interval(shown, sizeof shown, table_num(t, r, table_col(t, measures[k].col)),
                         table_num(t, r, table_col(t, lo)), table_num(t, r, table_col(t, hi)), 0);
                cell_own(d, shown);
            }
        }
    table_end(d);
}

/* A parameter's value as config.cfg writes it. */
static void param_value(char *out, size_t len, const struct params *p, const struct param_def *def)
{
    switch (def->type) {
    case PARAM_STRING:
        snprintf(out, len, "\"%s\"", params_get_string(p, def));
        break;
    case PARAM_CHOICE: {
        const char *name = params_choice_name(def, (int)params_get_number(p, def));
        snprintf(out, len, "\"%s\"", name ? name : "?");
        break;
    }
    case PARAM_INT64:
        snprintf(out, len, "%lld", (long long)params_get_int64(p, def));
        break;
    case PARAM_INT:
        snprintf(out, len, "%d", (int)params_get_number(p, def));
        break;
    case PARAM_REAL: {
        double v = params_get_number(p, def);
        for (int prec = 1; prec <= 17; prec++) {   /* the shortest text that reads back as v */
            snprintf(out, len, "%.*g", prec, v);
            if (strtod(out, NULL) == v)
                break;
        }
        break;
    }
    }
}

static void write_parameters(struct doc *d, const struct folder *fo)
{
    struct params def;
    params_default(&def);
    heading(d, 2, "parameters", "Parameters that differ from the defaults");
    para_begin(d);
    words(d, "From the folder's ");
    code(d, "config.cfg");
    words(d, ", against the built-in defaults (");
    code(d, "turnaround params");
    words(d, "): the scenario's own settings and any ");
    code(d, "--set");
    words(d, ", alike.");
    para_end(d);
    static const char *const head[] = { "parameter", "value", "default", "unit", "meaning" };
    size_t shown = 0;
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *pd = &params_table[i];
        char v[PARAMS_STRING_MAX + 8], w[PARAMS_STRING_MAX + 8];
        param_value(v, sizeof v, &fo->s.p, pd);
        param_value(w, sizeof w, &def, pd);
        if (strcmp(v, w) == 0)
            continue;
        if (shown++ == 0)
            table_begin(d, head, 5, "lllll");
        cell(d, pd->path);
        cell(d, v);
        cell(d, w);
        cell(d, pd->unit);
        cell(d, pd->doc);
    }
    if (shown)
        table_end(d);
    else
        para(d, "None: every parameter is at its default.");
}

/* A word for a shell: as it is when it holds nothing the shell reads,
 * else in single quotes. */
static void shell_word(char *out, size_t len, const char *w)
{
    if (w[0] && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:+=@%-") == strlen(w)) {
        snprintf(out, len, "%s", w);
        return;
    }
    size_t used = 0;
    out[used++] = '\'';
    for (const char *c = w; *c && used + 6 < len; c++) {
        if (*c == '\'') {
            memcpy(out + used, "'\\''", 4);
            used += 4;
        } else {
            out[used++] = *c;
        }
    }
    out[used++] = '\'';
    out[used] = '\0';
}

static void write_reproduce(struct doc *d, const struct folder *fo)
{
    heading(d, 2, "reproduce", "To reproduce");
    char cfg[1200], again[1200], a[2500], b[2500], cmd[5200];
    path_of(cfg, sizeof cfg, fo->dir, "config.cfg");
    snprintf(again, sizeof again, "%s-again", fo->dir);
    shell_word(a, sizeof a, cfg);
    shell_word(b, sizeof b, again);
    snprintf(cmd, sizeof cmd, "turnaround %s %s --out %s", fo->command, a, b);
    pre(d, cmd);
    para_begin(d);
    words(d, "The folder's ");
    code(d, "config.cfg");
    words(d, " holds every parameter as resolved, the arms included, so with turnaround ");
    text(d, fo->version[0] ? fo->version : TURNAROUND_VERSION);
    words(d, " every CSV file the command writes is the same, byte for byte, as this folder's (");
    code(d, "--jobs N");
    words(d, " changes only the time it takes).");
    if (fo->inferred)
        words(d, " The folder does not record which command made it (an earlier version's): the command is inferred "
                 "from its files.");
    if (fo->version[0] && strcmp(fo->version, TURNAROUND_VERSION) != 0) {
        words(d, " These results were made by turnaround ");
        text(d, fo->version);
        words(d, ", this report by turnaround " TURNAROUND_VERSION ": another version may give other results.");
    }
    para_end(d);
}

/* ---- the charts -------------------------------------------------------- */

struct chart_svg {
    const char *name;
    char *svg;            /* NULL: not drawn */
    char why[800];        /* why not, when it failed */
};

/* Draw every chart as SVG into a temporary folder holding links to the
 * results' files, so the results folder is never written; keep each SVG
 * in memory. The links and the folder are removed. */
static int draw_charts(const struct folder *fo, struct chart_svg *charts, struct report_done *done, struct diag *d)
{
    const char *tmpdir = getenv("TMPDIR");
    char work[1100], abs[4096];
    snprintf(work, sizeof work, "%s/turnaround-report-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (!mkdtemp(work))
        return diag_fail(d, EXIT_INPUT, "cannot create a temporary folder for the charts ('%s'): %s", work,
                         strerror(errno));
    if (!realpath(fo->dir, abs)) {
        folder_remove_tree(work);
        return diag_fail(d, EXIT_INPUT, "results folder '%s': %s", fo->dir, strerror(errno));
    }
    DIR *dp = opendir(fo->dir);
    for (struct dirent *e; dp && (e = readdir(dp));) {
        char from[4400], to[1400];
        if (e->d_name[0] == '.' || !is_file(fo->dir, e->d_name))
            continue;
        snprintf(from, sizeof from, "%s/%s", abs, e->d_name);
        snprintf(to, sizeof to, "%s/%s", work, e->d_name);
        if (symlink(from, to) != 0) {
            closedir(dp);
            folder_remove_tree(work);
            return diag_fail(d, EXIT_INPUT, "cannot link '%s' into '%s' for the charts: %s", from, work,
                             strerror(errno));
        }
    }
    if (dp)
        closedir(dp);
    char why[4096] = "";
    const struct plot_options po = { .format = "svg", .network_month = -1.0 };
    int failed = plot_results(work, &po, why, sizeof why);
    if (failed < 0) {
        folder_remove_tree(work);
        return diag_fail(d, EXIT_INPUT, "the charts of '%s': %s", fo->dir, why);
    }
    for (size_t i = 0; i < plot_count; i++) {
        char path[1300], tag[96];
        charts[i].name = plot_names[i];
        snprintf(path, sizeof path, "%s/plots/%s.svg", work, plot_names[i]);
        charts[i].svg = slurp(path, 64u << 20);
        snprintf(tag, sizeof tag, "chart %s:", plot_names[i]);
        const char *said = strstr(why, tag);
        if (!charts[i].svg && said) {
            snprintf(charts[i].why, sizeof charts[i].why, "%.*s", (int)strcspn(said, "\n"), said);
            warn(done, "%s", charts[i].why);
        }
    }
    folder_remove_tree(work);
    return 0;
}

/* An SVG from gnuplot, inline in HTML: from its <svg> tag to its end, every
 * id (and every reference to one) prefixed with the chart's name, so that
 * the charts of one page share no id, and a '>' in text escaped. */
static void inline_svg(struct doc *d, const char *svg, const char *prefix, const char *title)
{
    const char *c = strstr(svg, "<svg");
    const char *end = c ? strstr(c, "</svg>") : NULL;
    if (!end)
        return;
    end += 6;
    int in_tag = 0;
    while (c < end) {
        size_t n = utf8_len((const unsigned char *)c);
        if (n == 0) {
            fputs("\xef\xbf\xbd", d->f);
            c++;
            continue;
        }
        if (!in_tag && strncmp(c, "<title>Gnuplot</title>", 22) == 0) {   /* the name a reader's tooltip shows */
            words(d, "<title>");
            text(d, title);
            words(d, "</title>");
            c += 22;
            continue;
        }
        if (!in_tag && strncmp(c, "<!--", 4) == 0) {
            const char *close = strstr(c, "-->");
            c = close ? close + 3 : end;   /* gnuplot's comments are of no use inline */
            continue;
        }
        if (!in_tag && *c == '<') {
            in_tag = 1;
        } else if (in_tag && *c == '>') {
            in_tag = 0;
        } else if (!in_tag && *c == '>') {
            fputs("&gt;", d->f);
            c++;
            continue;
        } else if (in_tag && isspace((unsigned char)c[-1]) && strncmp(c, "id=", 3) == 0 && (c[3] == '\'' || c[3] == '"')) {
            fprintf(d->f, "id=%c%s-", c[3], prefix);
            c += 4;
            continue;
        } else if (in_tag && strncmp(c, "href=", 5) == 0 && (c[5] == '\'' || c[5] == '"') && c[6] == '#') {
            fprintf(d->f, "href=%c#%s-", c[5], prefix);
            c += 7;
            continue;
        } else if (in_tag && strncmp(c, "url(#", 5) == 0) {
            fprintf(d->f, "url(#%s-", prefix);
            c += 5;
            continue;
        }
        fwrite(c, 1, n, d->f);
        c += n;
    }
    fputc('\n', d->f);
}

static void write_charts(struct doc *d, const struct chart_svg *charts)
{
    heading(d, 2, "charts", "Charts");
    for (size_t i = 0; i < plot_count; i++) {
        if (!charts[i].svg && !charts[i].why[0])
            continue;   /* a chart that does not apply to these results (outcomes, for a run) */
        const char *title = charts[i].name, *reading = NULL;
        for (size_t k = 0; k < sizeof chart_text / sizeof chart_text[0]; k++)
            if (strcmp(chart_text[k].name, charts[i].name) == 0) {
                title = chart_text[k].title;
                reading = chart_text[k].reading;
            }
        char id[96];
        snprintf(id, sizeof id, "chart-%s", charts[i].name);
        heading(d, 3, id, title);
        if (reading)
            para(d, reading);
        if (!charts[i].svg) {
            para_begin(d);
            words(d, "This chart could not be drawn: ");
            text(d, charts[i].why);
            para_end(d);
        } else if (d->md) {
            words(d, "\n![");
            text(d, title);
            fprintf(d->f, "](%s.svg)\n", charts[i].name);
        } else {
            words(d, "<figure>\n");
            inline_svg(d, charts[i].svg, charts[i].name, title);
            words(d, "</figure>\n");
        }
    }
}

/* ---- the document ------------------------------------------------------ */

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.2em}th,td{border-bottom:1px solid #ccc;padding:0.25em 0.7em;"
    "text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:0.5em 0 1.5em}"
    "figure svg{width:100%;height:auto}pre{background:#f4f4f4;padding:0.6em;overflow-x:auto}"
    ".meta{color:#555}";

static void write_doc(struct doc *d, const struct folder *fo, const struct chart_svg *charts, const char *today)
{
    const char *title = fo->s.p.title;
    if (!d->md) {
        words(d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
        text(d, title);
        words(d, " - turnaround report</title>\n<style>");
        words(d, style);
        words(d, "</style>\n</head>\n<body>\n");
    }
    if (d->md) {
        words(d, "# ");
        text(d, title);
        words(d, "\n");
    } else {
        heading(d, 1, "top", title);
    }
    para_begin(d);
    if (!d->md)
        words(d, "<span class=\"meta\">");
    words(d, "A report of the results folder ");
    code(d, fo->dir);
    words(d, " (");
    code(d, fo->command[0] ? fo->command : "run");
    words(d, "), written ");
    text(d, fo->written[0] ? fo->written : "at an unknown time");
    words(d, " by turnaround ");
    text(d, fo->version[0] ? fo->version : "of an unknown version");
    words(d, "; this report made ");
    text(d, today);
    words(d, " by turnaround " TURNAROUND_VERSION ".");
    if (!d->md)
        words(d, "</span>");
    para_end(d);

    heading(d, 2, "story", "The story");
    if (fo->story) {
        para_begin(d);
        words(d, "From the opening comment of ");
        code(d, fo->story_file);
        words(d, ".");
        para_end(d);
        write_story(d, fo->story);
    } else {
        struct params def;
        params_default(&def);
        if (strcmp(title, def.title) == 0)
            para(d, "The default sector (configs/default.cfg), with no scenario file: organisations that fail only "
                    "as the sector's own dynamics make them.");
        else
            para(d, "The results folder keeps the resolved parameters but not the scenario file's story, and no "
                    "scenario in scenarios/ has these results' title; give it with --scenario FILE.");
    }
    write_question(d, fo);
    write_takeaways(d, fo);

    heading(d, 2, "outcomes", "Outcomes");
    para_begin(d);
    words(d, "Over the organisations, in all replications, whose intervention started and for which the outcome "
             "applies; means with their 95% confidence intervals (Student's t), rounded to show the interval's "
             "half-width to two significant digits. ");
    if (fo->comparison.rows > 1) {
        words(d, "From ");
        code(d, "comparison.csv");
        words(d, ". The difference from none is paired: the same organisation in the same replication under ");
        code(d, "none");
        words(d, ", over the pairs counted.");
    } else {
        words(d, "Computed from ");
        code(d, "summary.csv");
        words(d, " as compare computes comparison.csv.");
    }
    para_end(d);
    if (fo->comparison.rows > 1)
        write_comparison(d, fo);
    else
        write_run_outcomes(d, fo);
    write_last_month(d, fo, "sector");
    if (fo->s.p.focal_name[0])
        write_last_month(d, fo, fo->s.p.focal_name);

    write_charts(d, charts);
    write_parameters(d, fo);
    write_reproduce(d, fo);
    if (!d->md)
        words(d, "</body>\n</html>\n");
}

/* ---- writing it whole -------------------------------------------------- */

/* Write len bytes to path, checked to the disk. */
static int write_checked(const char *path, const char *bytes, size_t len, struct diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    int bad = fwrite(bytes, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 || bad) {
        remove(path);
        return diag_fail(d, EXIT_INPUT, "error writing '%s': %s", path, strerror(e ? e : EIO));
    }
    return 0;
}

/* The HTML file: a temporary file beside it, on disk, then renamed into
 * place, so the path holds the old file or the whole new one. As with
 * results_commit, nothing can fail after the rename: once the new report is
 * in place, the command has succeeded. */
static int write_html(const char *dest, int force, const char *bytes, size_t len, struct diag *d)
{
    struct stat st;
    if (lstat(dest, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return diag_fail(d, EXIT_INPUT, "'%s' is a folder; give --out the name of the HTML file to write", dest);
        if (!force)
            return diag_fail(d, EXIT_INPUT, "'%s' already exists; choose another with --out, or replace it with "
                             "--force", dest);
        if (!S_ISREG(st.st_mode))
            return diag_fail(d, EXIT_INPUT, "'%s' is not a regular file; --force replaces only a file", dest);
    }
    char tmp[1300];
    if (folder_beside(dest, "partial", tmp, sizeof tmp) != 0)
        return diag_fail(d, EXIT_INPUT, "'%s': path too long", dest);
    if (results_make_parents(dest) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot create the folders above '%s': %s", dest, strerror(errno));
    if (write_checked(tmp, bytes, len, d))
        return -1;
    if (rename(tmp, dest) != 0) {
        int e = errno;
        remove(tmp);
        return diag_fail(d, EXIT_INPUT, "cannot move the report into '%s': %s", dest, strerror(e));
    }
    return 0;
}

/* The Markdown folder: report.md and the charts, built hidden beside it and
 * moved into place whole (results.h). */
static int write_md(const char *dest, int force, const char *bytes, size_t len, const struct chart_svg *charts,
                    struct diag *d)
{
    struct results res = { 0 };
    if (results_begin(&res, dest, "report", force, d))
        return -1;
    char path[1400];
    int rc = 0;
    snprintf(path, sizeof path, "%s/report.md", res.tmp);
    rc = write_checked(path, bytes, len, d);
    for (size_t i = 0; !rc && i < plot_count; i++)
        if (charts[i].svg) {
            snprintf(path, sizeof path, "%s/%s.svg", res.tmp, charts[i].name);
            rc = write_checked(path, charts[i].svg, strlen(charts[i].svg), d);
        }
    if (!rc)
        rc = results_commit(&res, d);
    if (rc)
        results_abort(&res);
    return rc;
}

int report_write(const struct report_options *o, struct report_done *done, struct diag *d)
{
    memset(done, 0, sizeof *done);
    int md = strcmp(o->format, "md") == 0;
    if (!md && strcmp(o->format, "html") != 0)
        return diag_fail(d, EXIT_USAGE, "report: --format expects html or md, found '%s'", o->format);
    static struct folder fo;
    memset(&fo, 0, sizeof fo);
    struct chart_svg charts[16] = { 0 };
    int rc = plot_count <= 16 ? 0 : diag_fail(d, EXIT_INPUT, "more charts than the report holds");
    if (!rc)
        rc = load_folder(&fo, o->results, d);
    if (!rc) {
        if (o->out)
            snprintf(done->path, sizeof done->path, "%s", o->out);
        else
            snprintf(done->path, sizeof done->path, "%s-report%s", fo.dir, md ? "" : ".html");
        size_t n = strlen(done->path);
        while (n > 1 && done->path[n - 1] == '/')
            done->path[--n] = '\0';
        struct stat st, res;
        if (lstat(done->path, &st) == 0 && stat(fo.dir, &res) == 0 && st.st_dev == res.st_dev
            && st.st_ino == res.st_ino)
            rc = diag_fail(d, EXIT_INPUT, "'%s' is the results folder itself; give --out another path", done->path);
        else if (lstat(done->path, &st) == 0 && !o->force)   /* before any work */
            rc = diag_fail(d, EXIT_INPUT, "'%s' already exists; choose another with --out, or replace it with --force",
                           done->path);
    }
    if (!rc)
        rc = find_story(&fo, o, done, d);
    if (!rc) {
        chart_limits(fo.s.p.plot_timeout, o->stop);
        rc = draw_charts(&fo, charts, done, d);
    }
    if (!rc && o->stop && *o->stop)
        rc = diag_fail(d, EXIT_INTERRUPTED, "interrupted; no report was written");
    if (!rc) {
        char today[64];
        const char *epoch = getenv("SOURCE_DATE_EPOCH");   /* the reproducible-builds convention */
        char *end;
        long long t = epoch ? strtoll(epoch, &end, 10) : 0;
        utc(today, sizeof today, epoch && *epoch && !*end ? (time_t)t : time(NULL));
        char *bytes = NULL;
        size_t len = 0;
        struct doc doc = { open_memstream(&bytes, &len), md, 0, 0, 0, NULL, 0, 0 };
        if (!doc.f) {
            rc = diag_fail(d, EXIT_INPUT, "out of memory");
        } else {
            write_doc(&doc, &fo, charts, today);
            if (fclose(doc.f) != 0 || !bytes || doc.oom)
                rc = diag_fail(d, EXIT_INPUT, "out of memory");
        }
        if (!rc)
            rc = md ? write_md(done->path, o->force, bytes, len, charts, d)
                    : write_html(done->path, o->force, bytes, len, d);
        done->tables = doc.tables;
        free(bytes);
    }
    for (size_t i = 0; i < plot_count && i < 16; i++) {
        done->charts += charts[i].svg != NULL;
        free(charts[i].svg);
    }
    free_folder(&fo);
    return rc;
}
