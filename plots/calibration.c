/* calibration: the charts of a calibration's folder. posterior: each
 * parameter's posterior (the last generation, weighted) against its uniform
 * prior, with the calibrated point (the posterior median) marked. fit: each
 * target's observed figure (with its sd, twice over) beside the model at the
 * calibrated point (the mean and the 95% spread of its blocks). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"

#define BINS 20

/* A multiplot's title: what it shows, then what --set changed under the
 * calibration (config.cfg's "# set:" lines), as gnuplot and as the image's
 * own title (chart_title). */
static void calibration_title(struct chart *c, const char *dir, const char *what)
{
    char path[1200], changed[1024], whole[1400];
    snprintf(path, sizeof path, "%s/config.cfg", dir);
    plot_changed(path, changed, sizeof changed);
    snprintf(whole, sizeof whole, "%s%s%s", what, changed[0] ? "\n" : "", changed);
    chart_title(c, whole);
    if (!changed[0]) {
        gp_string(c->gp, what);
        return;
    }
    fputs("sprintf(\"%s\\n%s\", ", c->gp);
    gp_string(c->gp, what);
    fputs(", ", c->gp);
    gp_string(c->gp, changed);
    fputs(")", c->gp);
}

static int posterior(const char *dir, const char *plots, const char *format, char *err, size_t len)
{
    char path[1200];
    struct table post, pri;
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    if (table_read(&post, path, err, len))
        return -1;
    snprintf(path, sizeof path, "%s/priors.csv", dir);
    if (table_read(&pri, path, err, len)) {
        table_free(&post);
        return -1;
    }
    int cg = table_col(&post, "generation"), cw = table_col(&post, "weight"), cp = table_col(&pri, "param"),
        cmin = table_col(&pri, "min"), cmax = table_col(&pri, "max");
    size_t k = pri.rows - 1, last = 0;
    if (cg < 0 || cw < 0 || cp < 0 || cmin < 0 || cmax < 0 || k == 0 || post.rows < 2) {
        snprintf(err, len, "chart posterior: posterior.csv or priors.csv is not a calibration's");
        table_free(&post);
        table_free(&pri);
        return -1;
    }
    for (size_t r = 0; r + 1 < post.rows; r++)
        if (table_num(&post, r, cg) > (double)last)
            last = (size_t)table_num(&post, r, cg);
    struct chart c;
    if (chart_begin(&c, plots, "posterior", format, err, len)) {
        table_free(&post);
        table_free(&pri);
        return -1;
    }
    double median[16], top[16];
    size_t particles = 0;
    for (size_t j = 0; j < k && j < 16; j++) {
        int col = table_col(&post, table_text(&pri, j, cp));
        double lo = table_num(&pri, j, cmin), hi = table_num(&pri, j, cmax), w = (hi - lo) / BINS;
        double mass[BINS] = { 0 }, below = 0.0;
        particles = 0;
        for (size_t r = 0; r + 1 < post.rows; r++) {
            if ((size_t)table_num(&post, r, cg) != last)
                continue;
            double x = table_num(&post, r, col);
            int b = (int)((x - lo) / w);
            mass[b < 0 ? 0 : (b >= BINS ? BINS - 1 : b)] += table_num(&post, r, cw);
            particles++;
        }
        median[j] = lo;
        top[j] = 1.0 / (hi - lo);   /* the prior's density */
        for (int b = 0; b < BINS; b++) {
            if (mass[b] / w > top[j])
                top[j] = mass[b] / w;
            fprintf(c.data, "%g %g\n", lo + w * (b + 0.5), mass[b] / w);
            if (below < 0.5 && below + mass[b] >= 0.5)
                median[j] = lo + w * (b + (0.5 - below) / mass[b]);
            below += mass[b];
        }
        fputs("\n\n", c.data);
    }
    FILE *gp = c.gp;
    size_t cols = k < 3 ? k : 3, rows = (k + cols - 1) / cols;
    char title[300];
    snprintf(title, sizeof title,
             "Calibration: posterior (bars; generation %zu, %zu particles), prior (dotted) and the calibrated point (dashed)",
             last, particles);
    fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
    calibration_title(&c, dir, title);
    fputs(" font font_panel\nset style fill solid 0.6 noborder\nunset key\nset ytics nomirror\nset xtics nomirror\n"
          "set ylabel 'density'\n", gp);
    for (size_t j = 0; j < k && j < 16; j++) {
        double lo = table_num(&pri, j, cmin), hi = table_num(&pri, j, cmax);
        /* a step for about four tics: gnuplot's own crowds a small panel */
        fprintf(gp, "set xtics %.10g\nset ytics %.10g\n", plot_tic_step(hi - lo), plot_tic_step(top[j]));
        fputs("set xlabel ", gp);
        gp_string(gp, table_text(&pri, j, cp));
        fprintf(gp, " noenhanced\nset xrange [%.10g:%.10g]\nset yrange [0:*]\nset arrow 1 from %.10g, graph 0 to "
                    "%.10g, graph 1 nohead front lc rgb '#000000' dt 2 lw 2\n",
                lo, hi, median[j], median[j]);
        fprintf(gp, "plot 'posterior.dat' index %zu using 1:2 with boxes lc rgb '%s' title 'posterior', "
                    "%.10g with lines lc rgb '#555555' dt 3 lw 3 title 'prior'\nunset arrow 1\n",
                j, gp_colour(1), 1.0 / (hi - lo));
    }
    fputs("unset multiplot\n", gp);
    table_free(&post);
    table_free(&pri);
    return chart_end(&c, err, len);
}

/* The range of a calibration statistic: a share's is [0, 1], months' from 0. */
static void stat_range(const char *stat, double *lo, double *hi)
{
    size_t n = strlen(stat);
    int share = strncmp(stat, "share_", 6) == 0 || (n > 6 && strcmp(stat + n - 6, "_share") == 0);
    *lo = 0.0;
    *hi = share ? 1.0 : INFINITY;
}

static int fit(const char *dir, const char *plots, const char *format, char *err, size_t len)
{
    char path[1200];
    struct table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    if (table_read(&t, path, err, len))
        return -1;
    int cs = table_col(&t, "stat"), co = table_col(&t, "observed"), csd = table_col(&t, "sd"),
        cm = table_col(&t, "model_mean"), cl = table_col(&t, "model_lo"), ch = table_col(&t, "model_hi");
    size_t n = t.rows - 1;
    if (cs < 0 || co < 0 || csd < 0 || cm < 0 || cl < 0 || ch < 0 || n == 0) {
        table_free(&t);
        snprintf(err, len, "chart fit: fit.csv is not a calibration's");
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, plots, "fit", format, err, len)) {
        table_free(&t);
        return -1;
    }
    for (size_t r = 0; r < n; r++) {
        double o = table_num(&t, r, co), sd = table_num(&t, r, csd), min, max;
        stat_range(table_text(&t, r, cs), &min, &max);   /* 2 sd kept within the statistic's range */
        fprintf(c.data, "0 %g %g %g\n\n\n", o, fmax(o - 2 * sd, min), fmin(o + 2 * sd, max));
        double m = table_num(&t, r, cm);
        if (isnan(m))
            fputs("1 NaN NaN NaN\n\n\n", c.data);
        else
            fprintf(c.data, "1 %g %g %g\n\n\n", m, table_num(&t, r, cl), table_num(&t, r, ch));
    }
    FILE *gp = c.gp;
    size_t cols = n < 4 ? n : 4, rows = (n + cols - 1) / cols;
    fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
    calibration_title(&c, dir, "Calibration: each target, observed (2 sd, within the statistic's range) and the model "
                               "at the calibrated point (95% of blocks)");
    fputs(" font font_panel\n"
          "set xrange [-0.6:1.6]\nset xtics ('observed' 0, 'model' 1)\nunset key\nset ytics nomirror\n", gp);
    for (size_t r = 0; r < n; r++) {
        double o = table_num(&t, r, co), sd = table_num(&t, r, csd), min, max;
        stat_range(table_text(&t, r, cs), &min, &max);
        double lo = fmax(o - 2 * sd, min), hi = fmin(o + 2 * sd, max);
        double ml = table_num(&t, r, cl), mh = table_num(&t, r, ch);
        if (ml < lo)
            lo = ml;
        if (mh > hi)
            hi = mh;
        double pad = 0.08 * (hi - lo);
        fputs("set title ", gp);
        gp_string(gp, table_text(&t, r, cs));
        fprintf(gp, " noenhanced font font_panel\nset yrange [%.10g:%.10g]\n", lo - pad, hi + pad);
        fprintf(gp, "plot 'fit.dat' index %zu using 1:2:3:4 with yerrorbars pt 7 ps 2 lw 3 "
                    "lc rgb '%s', '' index %zu using 1:2:3:4 with yerrorbars pt 5 ps 2 lw 3 lc rgb '%s'\n",
                2 * r, gp_colour(0), 2 * r + 1, gp_colour(1));
    }
    fputs("unset multiplot\n", gp);
    table_free(&t);
    return chart_end(&c, err, len);
}

const char *const calibration_chart_names[] = { "posterior", "fit" };
const size_t calibration_chart_count = 2;

int plot_calibration(const char *dir, const struct plot_options *o, char *err, size_t len)
{
    char plots[1200];
    snprintf(plots, sizeof plots, "%s/plots", dir);
    int (*const draw[])(const char *, const char *, const char *, char *, size_t) = { posterior, fit };
    int failed = 0;
    size_t used = 0;
    err[0] = '\0';
    for (size_t i = 0; i < calibration_chart_count; i++) {
        if (o->only && strcmp(o->only, calibration_chart_names[i]) != 0)
            continue;
        char why[800];
        if (draw[i](dir, plots, o->format, why, sizeof why)) {
            failed++;
            used += (size_t)snprintf(err + used, used < len ? len - used : 0, "%s%s", used ? "\n" : "", why);
        }
    }
    return failed;
}
