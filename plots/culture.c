/* culture: insularity, voice and turnover by month, stacked on one time axis,
 * a line per strategy. */
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
    fputs("set multiplot layout 3,1 title ", gp);
    gp_lines(gp, title);
    /* The key in a right margin of its own, clear of the lines. */
    fputs(" noenhanced\nset key outside right top vertical noenhanced font font_small\nset lmargin 12\n"
          "set rmargin 30\nset xtics nomirror\n",
          gp);
    for (int panel = 0; panel < 3; panel++) {
        fprintf(gp, "set ylabel '%s'\nset title '%s' font font_small tc rgb '#555555' offset 0,-0.6\n", label[panel],
                meaning[panel]);
        fputs(panel == 2 ? "set xlabel 'month'\nset format x '%g'\n" : "unset xlabel\nset format x ''\n", gp);
        fputs(panel == 2 ? "set yrange [0:*]\n" : "set yrange [0:1]\n", gp);
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
