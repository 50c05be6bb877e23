/* serve: turnaround serve, a local web page for teaching with the model.
 *
 * The page (cli/serve_assets/, compiled in) picks a scenario, sets the
 * assumptions that decide between strategies on sliders made from the
 * parameter table, picks the arms and runs them. Each run is the program
 * itself, 'turnaround compare SCENARIO --set ... --strategies ...', run as a
 * child process into a fresh temporary results folder, so the page shows
 * exactly what the command line would write; its charts are the project's
 * own (plots/), drawn as SVG. Values are checked by the same code as --set
 * (settings_assign) before anything runs, and a run is refused past the
 * limits below. Only the page's own assets and the files of the runs it
 * started are ever served. */
#ifndef TURNAROUND_SERVE_H
#define TURNAROUND_SERVE_H

#include <stddef.h>

#include "diag.h"
#include "signal_flag.h"

/* The limits on one request (README, section turnaround serve). */
#define SERVE_REPS_MAX 200
#define SERVE_MONTHS_MAX 240
#define SERVE_ARMS_MAX 6
#define SERVE_STAFF_MAX 20000          /* staff in the sector: orgs x staff (and the focal one's) */
#define SERVE_AGENT_MONTHS_MAX 2e8     /* arms x replications x months x staff in the sector */
#define SERVE_RUNNING_MAX 2            /* runs at a time, all pages together; one per page */
#define SERVE_RUN_SECONDS 120          /* a run still going after this is stopped */

/* A scenario the page offers: its name (the file's, without .cfg) and path. */
struct serve_scenario {
    char name[256];
    char path[4400];
};

struct serve_options {
    const char *host;          /* the address to listen on, IPv4 or IPv6: "127.0.0.1" */
    int port;                  /* 0: a free one, printed */
    int quiet;                 /* print the address and errors only */
    const char *program;       /* the turnaround binary each run executes */
    const struct serve_scenario *scenarios;
    size_t n_scenarios;
    size_t first;              /* the one the page opens on */
    const signal_flag *stop;   /* set by SIGINT or SIGTERM: stop serving */
};

/* Serve the page until *o->stop is set; then stop the daemon, stop any run
 * still going and remove every temporary folder. Returns 0, or -1 with d
 * filled when the server cannot start (the address is taken, not an
 * address, no temporary folder). */
int serve_run(const struct serve_options *o, struct diag *d);

#endif
