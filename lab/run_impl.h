/* What run.c and takeaway.c share: the outcomes of one intervention, per
 * arm, replication and organisation. Not for the command line. */
#ifndef TURNAROUND_RUN_IMPL_H
#define TURNAROUND_RUN_IMPL_H

#include <stddef.h>

/* The outcomes of an intervention, per arm, replication and organisation. */
enum outcome {
    O_MONTHS_TO_GOOD, O_RELAPSED, O_MONTHS_TO_RELAPSE, O_MONTHS_UNDER, O_COMMISSIONER, O_INTERIM, O_PEER_DAYS,
    O_QUALITY_AFTER_EXIT, O_LATE_QUALITY, OUTCOMES
};
extern const char *const outcome_names[OUTCOMES];
/* Each outcome's range (a share's is [0, 1]), which intervals keep to. */
extern const double outcome_min[OUTCOMES], outcome_max[OUTCOMES];
extern const int outcome_share[OUTCOMES];   /* 1: every value is 0 or 1 */

struct result {       /* one intervened organisation in one replication of one arm */
    int arm, rep;
    size_t org;
    double v[OUTCOMES];   /* NaN where not applicable */
};

#endif
