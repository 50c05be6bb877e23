/* results: a results folder written whole or not at all.
 *
 * Files are written into a hidden folder beside the destination and moved into
 * place only when every file is complete, so an error or an interruption never
 * leaves a half-written result, and an existing folder is replaced only with
 * --force (and only once the new results are complete). */
#ifndef TURNAROUND_RESULTS_H
#define TURNAROUND_RESULTS_H

#include <stdio.h>

#include "diag.h"
#include "folder.h"

struct results {
    char dest[1024];
    char tmp[1100];
    int force;
    struct folder_lock lock;   /* held from results_begin to results_commit or results_abort */
};

/* Refuse an existing dest unless force (and, forced, unless turnaround made
 * it: folder.h), take the lock on dest, create the hidden folder and mark it
 * as made by command. */
int results_begin(struct results *r, const char *dest, const char *command, int force, struct diag *d);

/* Open NAME for writing inside the results being built. */
FILE *results_open(struct results *r, const char *name, struct diag *d);

/* Close a file opened by results_open, reporting write errors. */
int results_close(struct results *r, FILE *f, const char *name, struct diag *d);

/* Move the finished results into place (replacing dest when forced), and
 * release the lock. */
int results_commit(struct results *r, struct diag *d);

/* Remove the partial results and release the lock; dest is untouched. */
void results_abort(struct results *r);

/* Create the folders above path (not path itself). Returns 0, or -1. */
int results_make_parents(const char *path);

/* Whether dest already exists (for the check before any work). */
int results_exists(const char *dest);

#endif
