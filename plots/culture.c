/* culture: insularity, voice and turnover by month, stacked on one time axis,
 * a line per strategy. */
#include <math.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "style.h"

int plot_culture(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "culture", format, err, len))
        return -1;
    static const char *const cols[] = { "insularity", "voice", "turnover" };
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 3);

    FILE *gp = c.gp;
    static const char *const label[] = { "insularity", "voice", "turnover" };
    static const char *const meaning[] = {
        "1 - mean strength of peer ties", "mean chance a member speaks up in a month", "share of staff leaving in a month",
    };
    char what[400], title[2048];
    const char *org = plot_org(v);
    snprintf(what, sizeof what, "culture: insularity, voice and turnover by month, %s",
             strcmp(org, "sector") == 0 ? "sector mean" : org);
    plot_title(v, what, title, sizeof title);
    chart_title(&c, title);
    size_t title_lines = 1;
    for (const char *t = title; *t; t++)
        title_lines += *t == '\n';
    /* Three panels of one height on one time axis, the key in a column of
     * its own on the right, clear of the lines. */
    const double top = 1.0 - 0.045 * (double)title_lines - 0.02, bottom = 0.1, h = (top - bottom) / 3.0;
    fputs("set multiplot title ", gp);
    gp_lines(gp, title);
    fprintf(gp, " noenhanced\nset key at screen 0.79, screen %g left top vertical Left reverse noenhanced "
                "font font_small\nset lmargin 12\nset rmargin 2\nset tmargin 1.6\nset xtics nomirror\n"
                "set ytics nomirror\n",
            top - 0.02);
    /* turnover: its axis and tics from the largest value shown */
    int s = table_col(&v->means, "strategy"), o = table_col(&v->means, "org"), t = table_col(&v->means, "turnover");
    double most = 0;
    for (size_t r = 0; r + 1 < v->means.rows; r++)
        if (strcmp(table_text(&v->means, r, o), org) == 0 && !isnan(table_num(&v->means, r, t)))
            for (size_t i = 0; i < v->n_strategies; i++)
                if (strcmp(table_text(&v->means, r, s), v->strategies[i]) == 0)
                    most = fmax(most, table_num(&v->means, r, t));
    double step = plot_tic_step(most > 0 ? most : 0.05);
    for (int panel = 0; panel < 3; panel++) {
        fprintf(gp, "set origin 0,%g\nset size 0.78,%g\n", bottom + (double)(2 - panel) * h - (panel == 2 ? bottom : 0),
                h + (panel == 2 ? bottom : 0));
        fprintf(gp, "set ylabel '%s'\nset title '%s' font font_small tc rgb '#555555' offset 0,-0.6\n", label[panel],
                meaning[panel]);
        fputs(panel == 2 ? "set xlabel 'month'\nset format x '%g'\nset bmargin 3.5\n"
                         : "unset xlabel\nset format x ''\nset bmargin 0.6\n",
              gp);
        if (panel == 2)
            fprintf(gp, "set yrange [0:%.10g]\nset ytics %.10g\n", most > 0 ? most * 1.08 : 0.05, step);
        else
            fputs("set yrange [0:1]\nset ytics 0.25\n", gp);
        if (panel > 0)
            fputs("unset key\n", gp);
        fputs("plot ", gp);
        for (size_t i = 0; i < v->n_strategies; i++) {
            fprintf(gp, "'culture.dat' index %zu using 1:%d with lines lw 2", i, panel + 2);
            style_line(gp, v->strategies[i]);
            fputs(" title ", gp);
            gp_string(gp, v->strategies[i]);
            fputs(i + 1 < v->n_strategies ? ", " : "\n", gp);
        }
    }
    fputs("unset multiplot\n", gp);
    return chart_end(&c, err, len);
}
