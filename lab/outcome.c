#include "outcome.h"

#include <math.h>

void outcome_of(const struct org_intervention *iv, int control, int last, int window, struct org_outcome *out)
{
    out->months_to_good = iv->first_good_month >= 0 ? (double)(iv->first_good_month - iv->start_month) : NAN;
    out->months_under = NAN;
    out->relapsed = NAN;
    out->months_to_relapse = NAN;
    out->commissioner_months = iv->commissioner_months;
    out->interim_months = iv->interim_months;
    out->peer_review_days = iv->peer_review_days;
    if (control || iv->exit_month < 0)
        return;
    out->months_under = iv->exit_month - iv->start_month;
    /* Only a window watched to its end counts, either way: otherwise late exits
     * would count their relapses but not their clean records. */
    if (iv->exit_month + window <= last) {
        out->relapsed = iv->relapse_month >= 0;
        if (iv->relapse_month >= 0)
            out->months_to_relapse = iv->relapse_month - iv->exit_month;
    }
}
