/* trajectories: true quality by month, a line and 95% band per strategy,
 * perceived quality dotted in the same colour, the rating thresholds, and
 * each strategy's typical start and exit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "style.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of column col of summary.csv over strategy i's rows for org, or NaN. */
static double median(const struct results_view *v, size_t i, const char *org, const char *col)
{
    int s = table_col(&v->summary, "strategy"), o = table_col(&v->summary, "org"), c = table_col(&v->summary, col);
    double *x = malloc((v->summary.rows + 1) * sizeof *x);
    size_t n = 0;
    for (size_t r = 0; x && r + 1 < v->summary.rows; r++) {
        double val = table_num(&v->summary, r, c);
        if (!isnan(val) && strcmp(table_text(&v->summary, r, s), v->strategies[i]) == 0
            && strcmp(table_text(&v->summary, r, o), org) == 0)
            x[n++] = val;
    }
    double m = NAN;
    if (n) {
        qsort(x, n, sizeof *x, cmp);
        m = x[n / 2];
    }
    free(x);
    return m;
}

/* What script draws: the whole chart; the animation, a frame a month; or
 * one frame, months 0 to frame_month. */
enum drawing { STILL, ANIMATION, FRAME };

/* The script after the preamble, shared by the chart, its animation and its
 * frames: the settings, then the plot command, which the animation repeats a
 * frame a month (months 0 to the last, on the whole run's axis), its data cut
 * at the frame's month; a single frame draws it once, cut at frame_month. */
static void script(struct chart *c, const struct results_view *v, const char *data, enum drawing how, int frame_month)
{
    FILE *gp = c->gp;
    const char *upto = how != STILL ? " every ::0::upto" : "";
    plot_heading(c, v, "true and perceived quality");
    fputs("set xlabel 'month'\nset ylabel 'quality (share of practice matching the standard)'\n"
          "set yrange [0:1]\nset style fill transparent solid 0.18 noborder\nset rmargin 14\n",
          gp);
    /* The rating thresholds, named in the right margin, where no line runs. */
    const struct { const char *name; double at; } lines[] = {
        { "outstanding", v->outstanding }, { "good", v->good }, { "inadequate", v->inadequate },
    };
    for (size_t k = 0; k < 3; k++) {
        fprintf(gp, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 3 lc rgb '#777777'\n",
                lines[k].at, lines[k].at);
        fprintf(gp, "set label '%s%s' at graph 1.01, first %g left font font_small tc rgb '#555555'\n", lines[k].name,
                k == 2 ? " (below)" : "", lines[k].at);
    }
    /* The typical start, and each strategy's typical exit: a marker of its
     * own colour at a height of its own, so exits in the same month stay
     * apart. */
    const char *org = plot_org(v);
    double start = NAN;
    size_t slot = 0;
    for (size_t i = 0; strcmp(org, "sector") != 0 && i < v->n_strategies; i++) {
        double exit = median(v, i, org, "exit_month");
        if (isnan(start))
            start = median(v, i, org, "start_month");
        if (isnan(exit))
            continue;
        struct style st = style_of(v->strategies[i]);
        double y = 0.05 + 0.055 * (double)slot++;
        if (how == FRAME && exit > frame_month)
            continue;   /* a frame shows no exit yet to come (its height kept, so frames agree) */
        fprintf(gp, "set arrow from first %g, graph 0 to first %g, graph %g nohead lw 2 lc rgb '%s' dt %s\n"
                    "set object circle at first %g, graph %g size char 0.45 fs solid 1.0 border lc rgb '%s' "
                    "fc rgb '%s' front\n",
                exit, exit, y, st.colour, st.dash, exit, y, st.colour, st.colour);
    }
    if (!isnan(start))
        fprintf(gp, "set arrow from first %g, graph 0 to first %g, graph 1 nohead dt 4 lc rgb '#999999'\n", start, start);
    if (how != STILL) {
        int m = table_col(&v->means, "month");
        double last = 0;
        for (size_t r = 0; r + 1 < v->means.rows; r++)
            last = fmax(last, table_num(&v->means, r, m));
        if (how == ANIMATION)
            fprintf(gp, "set xrange [0:%g]\ndo for [upto = 0:%d] {\n", last, (int)last);
        else
            fprintf(gp, "set xrange [0:%g]\nupto = %d\n", last, frame_month);
    }
    fputs("plot \\\n", gp);
    for (size_t i = 0; i < v->n_strategies; i++) {
        struct style st = style_of(v->strategies[i]);
        fprintf(gp, "  '%s' index %zu%s using 1:3:4 with filledcurves lc rgb '%s' notitle, \\\n", data, i, upto,
                st.colour);
        fprintf(gp, "  '' index %zu%s using 1:2 with lines lw 2.5", i, upto);
        style_line(gp, v->strategies[i]);
        fputs(" title ", gp);
        gp_string(gp, v->strategies[i]);
        fprintf(gp, ", \\\n  '' index %zu%s using 1:5 with lines dt 3 lw 1.5 lc rgb '%s' notitle, \\\n", i, upto,
                st.colour);
    }
    if (!isnan(start))
        fputs("  NaN with lines dt 4 lc rgb '#999999' title 'intervention starts (median)', \\\n", gp);
    if (slot)
        fputs("  NaN with points pt 7 ps 1.2 lc rgb '#555555' title 'exit (median; a row per strategy)', \\\n", gp);
    fputs("  NaN with lines dt 3 lw 1.5 lc rgb '#555555' title 'dotted: perceived by insiders'\n", gp);
    if (how == ANIMATION)
        fputs("}\n", gp);
}

static const char *const cols[] = { "quality", "quality_lo", "quality_hi", "perceived_quality" };

int plot_trajectories(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "trajectories", format, err, len))
        return -1;
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 4);
    script(&c, v, "trajectories.dat", STILL, 0);
    return chart_end(&c, err, len);
}

int plot_trajectories_animation(const struct results_view *v, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "animation", "gif", err, len))
        return -1;
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 4);
    script(&c, v, "animation.dat", ANIMATION, 0);
    return chart_end(&c, err, len);
}

int plot_trajectories_frame(const struct results_view *v, const char *format, int month, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "trajectories", format, err, len))
        return -1;
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 4);
    script(&c, v, "trajectories.dat", FRAME, month < 0 ? 0 : month);
    return chart_end(&c, err, len);
}
