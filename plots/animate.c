/* animate: the trajectories chart as an animated GIF, month by month, for
 * slides. It reuses the data the trajectories chart wrote. */
#include <stdio.h>
#include <string.h>

#include "gnuplot.h"
#include "live.h"
#include "plot.h"

/* The animation, drawn in the results' plots folder, copied where asked. */
static int copy_file(const char *plots, const char *to, char *err, size_t len)
{
    char from[1300];
    snprintf(from, sizeof from, "%s/animation.gif", plots);
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int bad = !in || !out;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, n, out) != n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        bad = 1;
    if (bad)
        snprintf(err, len, "animation: cannot write '%s'", to);
    return bad ? -1 : 0;
}

int plot_animate(const char *dir, const char *gif, char *err, size_t len)
{
    /* The trajectories chart writes trajectories.dat and the styles; the
     * animation replays its script a frame at a time. */
    char why[1024];
    const struct plot_options o = { "png", "trajectories", -1.0, NULL };
    if (plot_results(dir, &o, why, sizeof why) != 0) {
        snprintf(err, len, "animation: %s", why);
        return -1;
    }
    char gp_path[1200];
    snprintf(gp_path, sizeof gp_path, "%s/plots/trajectories.gp", dir);
    FILE *in = fopen(gp_path, "r");
    if (!in) {
        snprintf(err, len, "animation: cannot read '%s'", gp_path);
        return -1;
    }
    char plots[1200];
    snprintf(plots, sizeof plots, "%s/plots", dir);
    struct chart c;
    if (chart_begin(&c, plots, "animation", "gif", err, len)) {
        fclose(in);
        return -1;
    }
    fputs("# animation.gp reads trajectories.dat\n", c.data);
    char line[4096], plot[65536] = "";
    int in_plot = 0;
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "set terminal", 12) == 0 || strncmp(line, "set output", 10) == 0)
            continue;
        if (strncmp(line, "plot ", 5) == 0)
            in_plot = 1;
        if (in_plot)
            strncat(plot, line, sizeof plot - strlen(plot) - 1);
        else
            fputs(line, c.gp);
    }
    fclose(in);
    /* The plot command is repeated with the data cut at a later month each time. */
    fputs("stats 'trajectories.dat' index 0 using 1 nooutput\nlast = STATS_max\n"
          "step = last > 60 ? int(last / 60) : 1\nset xrange [0:last]\n"
          "do for [upto = 0:int(last):step] {\n",
          c.gp);
    /* Each data reference gets "every ::0::upto" so only months up to the frame show. */
    for (char *p = plot; *p; p++) {
        if (strncmp(p, "using", 5) == 0)
            fputs("every ::0::upto ", c.gp);
        fputc(*p, c.gp);
    }
    fputs("}\n", c.gp);
    if (chart_end(&c, err, len))
        return -1;
    return copy_file(plots, gif, err, len);
}
