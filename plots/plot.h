/* plot: report-ready charts from a results folder. Plotting reads the
 * results files and never feeds back into the model. */
#ifndef TURNAROUND_PLOT_H
#define TURNAROUND_PLOT_H

#include <stddef.h>

#include <stdio.h>

#include "gnuplot.h"
#include "table.h"

/* What the charts read, loaded once from a results folder. */
struct results_view {
    char dir[1024];        /* the results folder */
    char plots[1100];      /* its plots/ folder */
    char title[256];
    char focal[256];       /* the focal organisation's name, or "" */
    double good, inadequate, outstanding;   /* the rating thresholds */
    struct table means, summary, comparison; /* comparison may be empty */
    char strategies[16][256];
    size_t n_strategies;
    double network_month;  /* the month the network chart shows; -1: the last */
    char changed[1024];    /* "changed: peers.decay = 0.08, ...": the --set assignments config.cfg records, or "" */
};

/* Load the results in dir (means.csv, summary.csv, comparison.csv where
 * there is one, config.cfg) and make its plots/ folder. Returns 0, or -1
 * with a message in err; plot_view_free releases it either way. */
int plot_view_load(struct results_view *v, const char *dir, char *err, size_t len);
void plot_view_free(struct results_view *v);

/* How to draw: the format (png, svg or pdf), one chart only (NULL: all that
 * apply), the month the network chart shows (-1: the last) and, for a sweep,
 * the outcome its interaction and heatmap charts show (NULL: final_quality). */
struct plot_options {
    const char *format;
    const char *only;
    double network_month;
    const char *outcome;
};

/* The charts, by name: trajectories, culture, survival, outcomes, network. */
extern const char *const plot_names[];
extern const size_t plot_count;

/* Draw the charts of the results in dir into dir/plots as o says. Returns
 * the number of charts that failed, or -1 when the results cannot be read;
 * err holds the messages. */
int plot_results(const char *dir, const struct plot_options *o, char *err, size_t len);

/* The charts of a sweep's folder (effects, heatmap, interaction, sensitivity),
 * like plot_results. plot_results passes a sweep's folder on to it. */
int plot_sweep(const char *dir, const struct plot_options *o, char *err, size_t len);

/* The sweep charts, by name. */
extern const char *const sweep_chart_names[];
extern const size_t sweep_chart_count;

/* The charts of a calibration's folder (posterior, fit), like plot_results,
 * which passes such a folder on to it. */
int plot_calibration(const char *dir, const struct plot_options *o, char *err, size_t len);
extern const char *const calibration_chart_names[];
extern const size_t calibration_chart_count;

/* The organisation the month-by-month charts follow: the focal one when the
 * results have its series, else "sector". */
const char *plot_org(const struct results_view *v);

/* Write, as data block i (blank-line separated), the given columns of
 * means.csv for strategy i and plot_org, month by month. */
void plot_means_block(const struct results_view *v, FILE *f, size_t i, const char *const *cols, size_t n);

/* A chart's title, in lines: the scenario's title, what the chart shows,
 * and what --set changed (v->changed), when anything did. */
void plot_title(const struct results_view *v, const char *what, char *out, size_t len);

/* A step for about four tics over a span: 1, 2 or 5 times a power of ten, so
 * the labels of a narrow range do not run into each other. */
double plot_tic_step(double span);

/* The start of a chart's script shared by the single-panel charts: its
 * title (plot_title, also the SVG's), the key below the plot area. */
void plot_heading(struct chart *c, const struct results_view *v, const char *what);

/* The animated trajectories: a frame a month, months 0 to the last, into
 * v->plots/animation.gif. Returns 0, or -1 with a message in err. */
int plot_trajectories_animation(const struct results_view *v, char *err, size_t len);

/* One frame of that animation as a chart of its own: the trajectories chart
 * with months 0 to month drawn on the whole run's axis, into
 * v->plots/trajectories.FORMAT (the page of turnaround serve steps through
 * these beside the network chart of the same month). */
int plot_trajectories_frame(const struct results_view *v, const char *format, int month, char *err, size_t len);

/* The charts themselves, one file each. */
int plot_trajectories(const struct results_view *v, const char *format, char *err, size_t len);
int plot_culture(const struct results_view *v, const char *format, char *err, size_t len);
int plot_survival(const struct results_view *v, const char *format, char *err, size_t len);
int plot_outcomes(const struct results_view *v, const char *format, char *err, size_t len);
int plot_network(const struct results_view *v, const char *format, char *err, size_t len);

/* What --set changed, as config.cfg at path records it ("# set: KEY =
 * VALUE" lines), as one line "changed: KEY = VALUE, ..." in changed (size
 * bytes), or "" when nothing did. */
void plot_changed(const char *path, char *changed, size_t size);

#endif
