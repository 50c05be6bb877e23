/* outcomes: months to good, the relapse rate and every kind of cost the
 * results carry (commissioner-months, interim-months, peer review days...),
 * a panel each, a bar per strategy with its 95% interval and its value
 * written above it. Drawn from comparison.csv, or, for a single strategy's
 * run, from summary.csv (the same means, over the organisations intervened
 * in). An interval is kept within its outcome's range: a share's interval
 * that leaves [0, 1] is replaced by Wilson's, a count's that goes below 0 is
 * cut at 0, and the chart says so under the panels. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "style.h"

#define PANELS_MAX 12

struct bar {
    double mean, lo, hi, n;   /* n 0: nothing to show */
};

struct panel {
    char outcome[64], label[80];
    int share;                  /* a share, in [0, 1]; otherwise a count, >= 0 */
    struct bar bar[16];
    char note[300];             /* what was done to keep the intervals in range */
    double ymax;                /* the axis: the intervals' upper ends and room for the values */
};

/* A kind of cost: a resource counted in months or days (commissioner_months,
 * peer_review_days), not a duration of the organisation's story
 * (months_to_good, months_under_intervention). */
static int is_cost(const char *name)
{
    size_t n = strlen(name);
    int counted = (n > 7 && strcmp(name + n - 7, "_months") == 0) || (n > 5 && strcmp(name + n - 5, "_days") == 0)
                  || (n > 5 && strcmp(name + n - 5, "_cost") == 0);
    return counted && strncmp(name, "months_", 7) != 0;
}

static void add_panel(struct panel *p, size_t *n, const char *outcome)
{
    for (size_t k = 0; k < *n; k++)
        if (strcmp(p[k].outcome, outcome) == 0)
            return;
    if (*n == PANELS_MAX)
        return;
    struct panel *q = &p[(*n)++];
    memset(q, 0, sizeof *q);
    snprintf(q->outcome, sizeof q->outcome, "%s", outcome);
    q->share = strcmp(outcome, "relapsed") == 0;
    if (strcmp(outcome, "months_to_good") == 0)
        snprintf(q->label, sizeof q->label, "months to good");
    else if (q->share)
        snprintf(q->label, sizeof q->label, "relapse rate (share)");
    else
        for (size_t i = 0; i < sizeof q->label - 1 && outcome[i]; i++)
            q->label[i] = outcome[i] == '_' ? ' ' : outcome[i];
}

/* The panels, in order: months to good, relapse, then the costs in the
 * order the file has them. */
static size_t panels_of(const struct results_view *v, int from_comparison, struct panel *p)
{
    size_t n = 0;
    add_panel(p, &n, "months_to_good");
    add_panel(p, &n, "relapsed");
    if (from_comparison) {
        int o = table_col(&v->comparison, "outcome");
        for (size_t r = 0; r + 1 < v->comparison.rows; r++)
            if (is_cost(table_text(&v->comparison, r, o)))
                add_panel(p, &n, table_text(&v->comparison, r, o));
    } else {
        for (size_t c = 0; c < v->summary.cols; c++)
            if (is_cost(v->summary.cell[c]))
                add_panel(p, &n, v->summary.cell[c]);
    }
    return n;
}

/* Wilson's score interval, 95%, for a share p of n. */
static void wilson(double p, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

/* Bars from comparison.csv's rows. */
static void from_comparison(const struct results_view *v, struct panel *p, size_t n_panels)
{
    const struct table *t = &v->comparison;
    int s = table_col(t, "strategy"), o = table_col(t, "outcome"), n = table_col(t, "n"), mean = table_col(t, "mean"),
        lo = table_col(t, "lo"), hi = table_col(t, "hi");
    for (size_t k = 0; k < n_panels; k++)
        for (size_t i = 0; i < v->n_strategies; i++)
            for (size_t r = 0; r + 1 < t->rows; r++)
                if (strcmp(table_text(t, r, s), v->strategies[i]) == 0 && strcmp(table_text(t, r, o), p[k].outcome) == 0)
                    p[k].bar[i] = (struct bar){ table_num(t, r, mean), table_num(t, r, lo), table_num(t, r, hi),
                                                table_num(t, r, n) };
}

/* Bars from summary.csv: the mean over the rows where the outcome is
 * defined, with a t interval (comparison.csv's way); shares get Wilson's. */
static void from_summary(const struct results_view *v, struct panel *p, size_t n_panels)
{
    const struct table *t = &v->summary;
    int s = table_col(t, "strategy");
    for (size_t k = 0; k < n_panels; k++) {
        int c = table_col(t, p[k].outcome);
        for (size_t i = 0; c >= 0 && i < v->n_strategies; i++) {
            double n = 0, mean = 0, m2 = 0;
            for (size_t r = 0; r + 1 < t->rows; r++) {
                double x = table_num(t, r, c);
                if (isnan(x) || strcmp(table_text(t, r, s), v->strategies[i]) != 0)
                    continue;
                n++;
                double d = x - mean;   /* Welford */
                mean += d / n;
                m2 += d * (x - mean);
            }
            struct bar *b = &p[k].bar[i];
            *b = (struct bar){ n > 0 ? mean : NAN, NAN, NAN, n };
            if (n >= 2) {
                double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(m2 / (n - 1) / n);
                b->lo = mean - half;
                b->hi = mean + half;
            }
            if (n >= 1 && p[k].share)
                wilson(mean, n, &b->lo, &b->hi);
        }
    }
}

static void append(char *note, size_t len, const char *what)
{
    size_t n = strlen(note);
    snprintf(note + n, len - n, "%s%s", n ? "; " : "", what);   /* names may hold commas */
}

/* Keep every interval within its outcome's range, noting what was changed. */
static void keep_in_range(const struct results_view *v, struct panel *p)
{
    char wilsoned[200] = "", clipped[200] = "", single[200] = "";
    for (size_t i = 0; i < v->n_strategies; i++) {
        struct bar *b = &p->bar[i];
        if (b->n < 1 || isnan(b->mean))
            continue;
        if (isnan(b->lo) || isnan(b->hi)) {
            if (p->share) {
                wilson(b->mean, b->n, &b->lo, &b->hi);
            } else {
                b->lo = b->hi = b->mean;
                append(single, sizeof single, v->strategies[i]);
            }
            continue;
        }
        if (p->share && (b->lo < 0 || b->hi > 1)) {
            wilson(b->mean, b->n, &b->lo, &b->hi);
            append(wilsoned, sizeof wilsoned, v->strategies[i]);
        } else if (!p->share && b->lo < 0) {
            b->lo = 0;
            append(clipped, sizeof clipped, v->strategies[i]);
        }
    }
    if (wilsoned[0])
        snprintf(p->note, sizeof p->note, "%s: Wilson intervals where the file's left [0, 1] (%s)", p->label, wilsoned);
    else if (clipped[0])
        snprintf(p->note, sizeof p->note, "%s: intervals cut at 0, the least it can be (%s)", p->label, clipped);
    else if (single[0])
        snprintf(p->note, sizeof p->note, "%s: one organisation, no interval (%s)", p->label, single);
}

/* A value as written above its bar. */
static void value_text(char *out, size_t len, double x, int share)
{
    if (share || fabs(x) < 10)
        snprintf(out, len, "%.2f", x);
    else if (fabs(x) < 100)
        snprintf(out, len, "%.1f", x);
    else
        snprintf(out, len, "%.0f", x);
    if (x == 0)   /* exactly none, not a small value rounded */
        snprintf(out, len, "0");
}

int plot_outcomes(const struct results_view *v, const char *format, char *err, size_t len)
{
    int comparison = v->comparison.rows > 1;
    static struct panel p[PANELS_MAX];
    size_t n_panels = panels_of(v, comparison, p);
    if (comparison)
        from_comparison(v, p, n_panels);
    else
        from_summary(v, p, n_panels);
    struct chart c;
    if (chart_begin(&c, v->plots, "outcomes", format, err, len))
        return -1;
    const size_t ns = v->n_strategies;
    /* Block k, line i: x, mean, lo, hi, where the value's text goes, the text. */
    for (size_t k = 0; k < n_panels; k++) {
        keep_in_range(v, &p[k]);
        double top = 0;
        for (size_t i = 0; i < ns; i++)
            if (p[k].bar[i].n >= 1 && !isnan(p[k].bar[i].mean))
                top = fmax(top, fmax(p[k].bar[i].hi, p[k].bar[i].mean));
        for (size_t i = 0; i < ns; i++) {
            const struct bar *b = &p[k].bar[i];
            char text[32] = "n/a";
            if (b->n >= 1 && !isnan(b->mean)) {
                value_text(text, sizeof text, b->mean, p[k].share);
                fprintf(c.data, "%zu %.10g %.10g %.10g %.10g \"%s\"\n", i, b->mean, b->lo, b->hi, b->hi, text);
            } else {
                fprintf(c.data, "%zu NaN NaN NaN 0 \"%s\"\n", i, text);
            }
        }
        fputs("\n\n", c.data);
        /* The axis fits the intervals' upper ends, with room for the values above them. */
        double ymax = top > 0 ? top * (ns > 4 ? 1.4 : 1.25) : 1.0;   /* many bars: the values stand upright */
        p[k].ymax = ymax;
    }

    char what[300], title[2048];
    snprintf(what, sizeof what, "outcomes by strategy, organisations intervened in: means with 95%% intervals%s",
             comparison ? "" : " (summary.csv)");
    plot_title(v, what, title, sizeof title);
    chart_title(&c, title);
    size_t title_lines = 1;
    for (const char *s = title; *s; s++)
        title_lines += *s == '\n';
    size_t cols = n_panels > 4 ? 3 : n_panels, rows = (n_panels + cols - 1) / cols;
    int key_in_cell = n_panels % cols != 0;   /* a free cell after the last panel holds the key */
    size_t key_rows = key_in_cell ? 0 : (ns + 2) / 3, notes = 0;
    int na = 0, shown = 0;
    for (size_t k = 0; k < n_panels; k++) {
        notes += p[k].note[0] != '\0';
        for (size_t i = 0; i < ns; i++) {
            int missing = p[k].bar[i].n < 1 || isnan(p[k].bar[i].mean);
            na |= missing;
            shown |= !missing;
        }
    }
    notes += (size_t)na;
    /* The page, top to bottom: the title, the panels, the key, the notes (screen fractions). */
    double title_h = 0.045 * (double)title_lines + 0.02, key_h = key_rows ? 0.05 * (double)key_rows + 0.02 : 0.0,
           notes_h = 0.035 * (double)notes + (notes ? 0.01 : 0.0);
    double panels_top = 1.0 - title_h, panels_bottom = key_h + notes_h;
    double cell_w = 1.0 / (double)cols, cell_h = (panels_top - panels_bottom) / (double)rows;

    FILE *gp = c.gp;
    fputs("set multiplot title ", gp);
    gp_lines(gp, title);
    fputs(" noenhanced\nunset key\nset ytics nomirror font font_small\nunset xtics\nset grid ytics\n"
          "set boxwidth 0.7\nset lmargin 9\nset rmargin 2\nset bmargin 1\nset tmargin 2.5\n",
          gp);
    fprintf(gp, "set xrange [-0.6:%g]\n", (double)ns - 0.4);
    for (size_t k = 0; k < n_panels; k++) {
        size_t row = k / cols, col = k % cols;
        fprintf(gp, "set origin %g,%g\nset size %g,%g\n", (double)col * cell_w,
                panels_top - (double)(row + 1) * cell_h, cell_w, cell_h);
        fprintf(gp, "set title '%s' font font_panel\nset yrange [0:%.10g]\n", p[k].label, p[k].ymax);
        fputs("plot ", gp);
        for (size_t i = 0; i < ns; i++) {
            struct style st = style_of(v->strategies[i]);
            if (st.pattern)
                fprintf(gp, "'outcomes.dat' index %zu every ::%zu::%zu using 1:2 with boxes fs pattern %d border "
                            "lc rgb '%s' lw 2 lc rgb '%s', ",
                        k, i, i, st.pattern, st.colour, st.colour);
            else
                fprintf(gp, "'outcomes.dat' index %zu every ::%zu::%zu using 1:2 with boxes fs solid 0.85 noborder "
                            "lc rgb '%s', ",
                        k, i, i, st.colour);
        }
        fprintf(gp, "'outcomes.dat' index %zu using 1:2:3:4 with yerrorbars lc rgb '#333333' pt 0 lw 1.5, "
                    "'' index %zu using 1:5:6 with labels %s font font_small tc rgb '#333333'\n",
                k, k, ns > 4 ? "rotate by 90 left offset 0.4,0.6" : "offset 0,0.7");
    }
    /* The key, a swatch per strategy: in the free cell, or in a strip of its own under the panels. */
    if (key_in_cell)
        fprintf(gp, "set origin %g,%g\nset size %g,%g\n", (double)(n_panels % cols) * cell_w,
                panels_top - (double)rows * cell_h, cell_w, cell_h);
    else
        fprintf(gp, "set origin 0,%g\nset size 1,%g\n", notes_h, key_h);
    fprintf(gp, "unset title\nunset border\nunset tics\nunset grid\n"
                "set lmargin 0\nset rmargin 0\nset tmargin 0\nset bmargin 0\nset yrange [0:1]\n"
                "set key center center %s Left reverse width 1 samplen 2 noenhanced font font_small\n",
            key_in_cell ? "vertical" : "horizontal maxcols 3");
    size_t line = 0;
    for (size_t k = 0; k <= n_panels; k++) {
        const char *note = k < n_panels ? p[k].note
                           : !shown    ? "n/a: no organisation was intervened in, so there is nothing to show"
                           : na        ? "n/a: defined for no organisation of that strategy (a relapse needs an exit)"
                                       : "";
        if (!note[0])
            continue;
        fprintf(gp, "set label %zu ", 10 + line);
        gp_string(gp, note);
        fprintf(gp, " at screen 0.01, screen %g left font font_small tc rgb '#555555' noenhanced\n",
                notes_h - 0.035 * (double)(line + 1) + 0.01);
        line++;
    }
    fputs("plot ", gp);
    for (size_t i = 0; i < ns; i++) {
        struct style st = style_of(v->strategies[i]);
        if (st.pattern)
            fprintf(gp, "NaN with boxes fs pattern %d border lc rgb '%s' lw 2 lc rgb '%s' title ", st.pattern, st.colour,
                    st.colour);
        else
            fprintf(gp, "NaN with boxes fs solid 0.85 noborder lc rgb '%s' title ", st.colour);
        gp_string(gp, v->strategies[i]);
        fputs(i + 1 < ns ? ", " : "\n", gp);
    }
    fputs("unset multiplot\n", gp);
    return chart_end(&c, err, len);
}
