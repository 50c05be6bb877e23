/* outcome: what an organisation's intervention came to. The one definition
 * that summary.csv, sweeps and calibration share, so a statistic means the
 * same wherever it is read. */
#ifndef TURNAROUND_OUTCOME_H
#define TURNAROUND_OUTCOME_H

#include "world.h"

/* Months are counted from the start of the intervention; NaN where an
 * outcome does not apply. */
struct org_outcome {
    double months_to_good;     /* to the first good or outstanding rating; NaN if never */
    double months_under;       /* start to exit; NaN with no exit (or in the control arm) */
    double relapsed;           /* 1 or 0 when the window after exit was watched to its end;
                                * NaN otherwise, a relapse seen in a window cut short included */
    double months_to_relapse;  /* exit to relapse; NaN without one */
    double commissioner_months, interim_months, peer_review_days;
};

/* The outcome of iv, in a run whose last month is last, where a relapse
 * counts for window months after exit. control: the arm has no strategies
 * (it never exits). */
void outcome_of(const struct org_intervention *iv, int control, int last, int window, struct org_outcome *out);

#endif
