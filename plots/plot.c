#include "plot.h"

#include "gnuplot.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *const plot_names[] = { "trajectories", "culture", "survival", "outcomes", "network" };
const size_t plot_count = sizeof plot_names / sizeof plot_names[0];

static int (*const draw[])(const struct results_view *, const char *, char *, size_t) = {
    plot_trajectories, plot_culture, plot_survival, plot_outcomes, plot_network,
};

void plot_changed(const char *path, char *changed, size_t size)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    size_t n = 0;
    changed[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "# set: ", 7) != 0)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        int w = snprintf(changed + n, size - n, "%s%s", n ? ", " : "changed: ", line + 7);
        if (w < 0 || (size_t)w >= size - n) {   /* too many to show: say where the rest are */
            snprintf(changed + (n < size - 40 ? n : size - 40), 40, ", ... (all in config.cfg)");
            break;
        }
        n += (size_t)w;
    }
    if (f)
        fclose(f);
}

static void config_values(struct results_view *v)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/config.cfg", v->dir);
    config_t cfg;
    config_init(&cfg);
    v->good = 0.7;
    v->inadequate = 0.6;
    v->outstanding = 0.9;
    if (config_read_file(&cfg, path)) {
        const char *s;
        if (config_lookup_string(&cfg, "title", &s))
            snprintf(v->title, sizeof v->title, "%s", s);
        if (config_lookup_string(&cfg, "focal.name", &s))
            snprintf(v->focal, sizeof v->focal, "%s", s);
        config_lookup_float(&cfg, "regulator.good", &v->good);
        config_lookup_float(&cfg, "regulator.inadequate", &v->inadequate);
        config_lookup_float(&cfg, "regulator.outstanding", &v->outstanding);
    }
    config_destroy(&cfg);
    plot_changed(path, v->changed, sizeof v->changed);
}

int plot_view_load(struct results_view *v, const char *dir, char *err, size_t len)
{
    memset(v, 0, sizeof *v);
    snprintf(v->dir, sizeof v->dir, "%s", dir);
    snprintf(v->plots, sizeof v->plots, "%s/plots", dir);
    config_values(v);
    char path[1200];
    snprintf(path, sizeof path, "%s/means.csv", dir);
    if (table_read(&v->means, path, err, len))
        return -1;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (table_read(&v->summary, path, err, len))
        return -1;
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    char ignored[256];
    table_read(&v->comparison, path, ignored, sizeof ignored);   /* only comparisons have one */
    int col = table_col(&v->means, "strategy");
    if (col < 0) {
        snprintf(err, len, "'%s/means.csv' has no strategy column: not a turnaround results file", dir);
        return -1;
    }
    for (size_t r = 0; r + 1 < v->means.rows; r++) {
        const char *s = table_text(&v->means, r, col);
        size_t k = 0;
        while (k < v->n_strategies && strcmp(v->strategies[k], s) != 0)
            k++;
        if (k == v->n_strategies && k < sizeof v->strategies / sizeof v->strategies[0])
            snprintf(v->strategies[v->n_strategies++], sizeof v->strategies[0], "%s", s);
    }
    if (mkdir(v->plots, 0777) != 0 && errno != EEXIST) {
        snprintf(err, len, "cannot create '%s': %s", v->plots, strerror(errno));
        return -1;
    }
    return 0;
}

void plot_view_free(struct results_view *v)
{
    table_free(&v->means);
    table_free(&v->summary);
    table_free(&v->comparison);
}

const char *plot_org(const struct results_view *v)
{
    int col = table_col(&v->means, "org");
    if (v->focal[0])
        for (size_t r = 0; r + 1 < v->means.rows; r++)
            if (strcmp(table_text(&v->means, r, col), v->focal) == 0)
                return v->focal;
    return "sector";
}

void plot_means_block(const struct results_view *v, FILE *f, size_t i, const char *const *cols, size_t n)
{
    int s = table_col(&v->means, "strategy"), o = table_col(&v->means, "org"), m = table_col(&v->means, "month");
    int c[16];
    for (size_t k = 0; k < n && k < 16; k++)
        c[k] = table_col(&v->means, cols[k]);
    const char *org = plot_org(v);
    for (size_t r = 0; r + 1 < v->means.rows; r++) {
        if (strcmp(table_text(&v->means, r, s), v->strategies[i]) != 0 || strcmp(table_text(&v->means, r, o), org) != 0)
            continue;
        fprintf(f, "%s", table_text(&v->means, r, m));
        for (size_t k = 0; k < n && k < 16; k++) {
            double x = table_num(&v->means, r, c[k]);
            if (isnan(x))
                fputs(" NaN", f);
            else
                fprintf(f, " %g", x);
        }
        fputc('\n', f);
    }
    fputs("\n\n", f);
}

double plot_tic_step(double span)
{
    if (!(span > 0))
        return 1.0;
    double raw = span / 4.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

void plot_title(const struct results_view *v, const char *what, char *out, size_t len)
{
    size_t n = (size_t)snprintf(out, len, "%s\n%s", v->title[0] ? v->title : "turnaround", what);
    /* the changes, in lines of about 110 characters, broken after a comma */
    for (const char *c = v->changed; *c && n + 2 < len;) {
        const char *end = c + strlen(c), *cut = end;
        if (end - c > 110) {
            cut = c + 110;
            while (cut > c && *cut != ',')
                cut--;
            cut = cut > c ? cut + 1 : c + 110;
        }
        n += (size_t)snprintf(out + n, len - n, "\n%.*s", (int)(cut - c), c);
        c = cut;
        while (*c == ' ')
            c++;
    }
}

void plot_heading(struct chart *c, const struct results_view *v, const char *what)
{
    char second[400], title[2048];
    const char *org = plot_org(v);
    snprintf(second, sizeof second, "%s, %s", what, strcmp(org, "sector") == 0 ? "sector mean" : org);
    plot_title(v, second, title, sizeof title);
    chart_title(c, title);
    fputs("set title ", c->gp);
    gp_lines(c->gp, title);
    fputs(" noenhanced\nset key outside below center horizontal noenhanced font font_small height 1.5\n"
          "set xtics nomirror\nset ytics nomirror\n",
          c->gp);
}

int plot_results(const char *dir, const struct plot_options *o, char *err, size_t len)
{
    const char *format = o->format, *only = o->only;
    char path[1200];
    snprintf(path, sizeof path, "%s/means.csv", dir);
    FILE *means = fopen(path, "r");
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    FILE *posterior = means ? NULL : fopen(path, "r");
    if (posterior) {   /* a calibration's folder */
        fclose(posterior);
        snprintf(path, sizeof path, "%s/plots", dir);
        mkdir(path, 0777);
        return plot_calibration(dir, o, err, len);
    }
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *runs = means ? NULL : fopen(path, "r");
    if (means)
        fclose(means);
    if (runs) {   /* a sweep's folder */
        fclose(runs);
        snprintf(path, sizeof path, "%s/plots", dir);
        mkdir(path, 0777);
        return plot_sweep(dir, o, err, len);
    }
    static struct results_view v;
    if (plot_view_load(&v, dir, err, len)) {
        plot_view_free(&v);
        return -1;
    }
    v.network_month = o->network_month;
    int failed = 0;
    size_t used = 0;
    err[0] = '\0';
    for (size_t i = 0; i < plot_count; i++) {
        if (only && strcmp(only, plot_names[i]) != 0)
            continue;
        char why[800];
        if (draw[i](&v, format, why, sizeof why)) {
            failed++;
            used += (size_t)snprintf(err + used, used < len ? len - used : 0, "%s%s", used ? "\n" : "", why);
        }
    }
    plot_view_free(&v);
    return failed;
}
