/* plot: report-ready charts from a results folder. Plotting reads the
 * results files and never feeds back into the model. */
#ifndef TURNAROUND_PLOT_H
#define TURNAROUND_PLOT_H

#include <stddef.h>

#include <stdio.h>

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
};

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

/* The start of a chart's script shared by all: title and key. */
void plot_heading(FILE *gp, const struct results_view *v, const char *what);

/* The charts themselves, one file each. */
int plot_trajectories(const struct results_view *v, const char *format, char *err, size_t len);
int plot_culture(const struct results_view *v, const char *format, char *err, size_t len);
int plot_survival(const struct results_view *v, const char *format, char *err, size_t len);
int plot_outcomes(const struct results_view *v, const char *format, char *err, size_t len);
int plot_network(const struct results_view *v, const char *format, char *err, size_t len);

#endif
