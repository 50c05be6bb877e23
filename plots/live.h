/* live: the trajectories redrawn as a run proceeds, for teaching: in a
 * gnuplot window when a display is there, else as text in the terminal
 * (gnuplot's dumb terminal). It is fed the numbers the run produces and
 * never feeds anything back. */
#ifndef TURNAROUND_LIVE_H
#define TURNAROUND_LIVE_H

#include <stddef.h>

struct live;

/* Open a live view of n_arms strategies over months months. Returns NULL,
 * with a message in err, when gnuplot cannot be started. */
struct live *live_open(const char *title, const char *const *arms, size_t n_arms, int months, char *err, size_t len);

/* The month's true and perceived quality of arm's first replication;
 * redraws every few months. */
void live_month(struct live *l, size_t arm, int month, double quality, double perceived);

/* Draw the last frame and close; live_close(NULL) does nothing. */
void live_close(struct live *l);

/* An animated GIF of the trajectories chart of the results in dir, month by
 * month, written to gif. Returns 0, or -1 with a message. */
int plot_animate(const char *dir, const char *gif, char *err, size_t len);

#endif
