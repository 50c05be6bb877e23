/* takeaway: what a run or comparison comes to, in words a reader can use: a
 * short table of each arm's outcomes with 95% intervals, and for compare one
 * sentence for each pair of arms that differ clearly ("takeover reaches good
 * 36 months sooner [33, 39] than retained ownership, and relapses 17 points
 * more often [13, 22]"). Also pairs.csv: every pair's paired differences. */
#ifndef TURNAROUND_TAKEAWAY_H
#define TURNAROUND_TAKEAWAY_H

#include <stddef.h>
#include <stdio.h>

#include "run.h"
#include "run_impl.h"

struct takeaway {
    const struct arm *arms;
    int n_arms, reps;
    const struct result *results;   /* in any order */
    size_t n_results;
};

/* The table and (with more than one arm) the sentences, as printed after a
 * run and kept in outcomes.txt. -1 when memory runs out. */
int takeaway_write(FILE *f, const struct takeaway *t);

/* takeaways.txt: the sentences alone, one a line (with more than one arm),
 * for the report and other readers. -1 when memory runs out. */
int takeaway_sentences(FILE *f, const struct takeaway *t);

/* pairs.csv: for every pair of arms (a before b in the arms' order) and
 * outcome, the mean paired difference a - b over the organisations both
 * intervened in, replication by replication, with its 95% interval kept
 * within the difference's range. -1 when memory runs out. */
int takeaway_pairs(FILE *f, const struct takeaway *t);

#endif
