#include "live.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gnuplot.h"
#include "style.h"
#include "plot.h"

#define ARMS_MAX 16

struct live {
    FILE *gp;
    int text;                      /* drawing as text in the terminal */
    int months, every;
    size_t n_arms;
    char title[256];
    char arms[ARMS_MAX][256];
    double *quality, *perceived;   /* [arm * (months + 1) + month], NaN until reached */
};

/* A window needs a display and a gnuplot built with one; gnuplot-nox has none,
 * so the window is tried only when the display is there and falls back to text. */
static int have_window(void)
{
    return getenv("DISPLAY") && system("gnuplot -e 'set terminal qt' >/dev/null 2>&1") == 0;
}

struct live *live_open(const char *title, const char *const *arms, size_t n_arms, int months, char *err, size_t len)
{
    struct live *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->n_arms = n_arms < ARMS_MAX ? n_arms : ARMS_MAX;
    l->months = months;
    l->every = months > 60 ? months / 60 : 1;
    snprintf(l->title, sizeof l->title, "%s", title);
    for (size_t a = 0; a < l->n_arms; a++)
        snprintf(l->arms[a], sizeof l->arms[a], "%s", arms[a]);
    size_t n = l->n_arms * (size_t)(months + 1);
    l->quality = malloc(n * sizeof *l->quality);
    l->perceived = malloc(n * sizeof *l->perceived);
    l->text = !have_window();
    l->gp = popen(l->text ? "gnuplot" : "gnuplot -persist", "w");
    if (!l->quality || !l->perceived || !l->gp) {
        snprintf(err, len, "live view: cannot start gnuplot");
        live_close(l);
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        l->quality[k] = l->perceived[k] = NAN;
    if (l->text)
        fputs("set terminal dumb size 100,30 ansi\nset print '-'\n", l->gp);
    else
        fputs("set terminal qt noenhanced font 'Sans,14'\n", l->gp);
    fprintf(l->gp, "set xrange [0:%d]\nset yrange [0:1]\nset xlabel 'month'\nset ylabel 'quality'\n"
                   "set key outside right noenhanced\n",
            months);
    fputs("set title ", l->gp);
    gp_string(l->gp, l->title);
    fputs(" noenhanced\n", l->gp);
    return l;
}

static void frame(struct live *l)
{
    FILE *gp = l->gp;
    if (l->text)
        fputs("print \"\\033[H\\033[2J\"\n", gp);   /* a fresh screen for each frame */
    fputs("plot ", gp);
    for (size_t a = 0; a < l->n_arms; a++) {
        fputs("'-' using 1:2 with lines lw 2", gp);
        style_line(gp, l->arms[a]);
        fputs(" title ", gp);
        gp_string(gp, l->arms[a]);
        fprintf(gp, ", '-' using 1:2 with lines dt 3 lc rgb '%s' notitle%s", style_of(l->arms[a]).colour,
                a + 1 < l->n_arms ? ", " : "\n");
    }
    for (size_t a = 0; a < l->n_arms; a++)
        for (int series = 0; series < 2; series++) {
            const double *v = series ? l->perceived : l->quality;
            for (int m = 0; m <= l->months; m++)
                if (!isnan(v[a * (size_t)(l->months + 1) + (size_t)m]))
                    fprintf(gp, "%d %g\n", m, v[a * (size_t)(l->months + 1) + (size_t)m]);
            fputs("NaN NaN\ne\n", gp);
        }
    fflush(gp);
    struct timespec pause = { 0, 40 * 1000 * 1000 };   /* long enough to watch */
    nanosleep(&pause, NULL);
}

void live_month(struct live *l, size_t arm, int month, double quality, double perceived)
{
    if (!l || arm >= l->n_arms || month < 0 || month > l->months)
        return;
    l->quality[arm * (size_t)(l->months + 1) + (size_t)month] = quality;
    l->perceived[arm * (size_t)(l->months + 1) + (size_t)month] = perceived;
    if (month % l->every == 0 || month == l->months)
        frame(l);
}

void live_close(struct live *l)
{
    if (!l)
        return;
    if (l->gp)
        pclose(l->gp);
    free(l->quality);
    free(l->perceived);
    free(l);
}
