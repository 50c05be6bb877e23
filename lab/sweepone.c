/* sweepone: one run of a sweep and the outcomes it gives. */
#include "sweep_impl.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outcome.h"
#include "rng.h"
#include "schedule.h"
#include "series.h"
#include "world.h"

/* ---- one run -------------------------------------------------------------- */

const char *const sweep_outcome_names[OUTCOMES] = {
    "orgs_failed", "intervened", "months_to_good", "months_to_good_censored", "share_good", "relapsed", "months_under_intervention",
    "commissioner_months", "interim_months", "peer_review_days", "final_quality", "final_code_knowledge",
    "final_march_knowledge",
};



size_t sweep_runs_total(const struct sweep *sw)
{
    return sw->n_points * sw->reps * sw->n_strategies;
}

/* Run r is design point p, replication rep and strategy s, in that nesting;
 * every strategy of a point and replication has the same seed. */
void sweep_decode(const struct sweep *sw, size_t r, size_t *p, size_t *rep, size_t *s)
{
    *s = r % sw->n_strategies;
    *rep = (r / sw->n_strategies) % sw->reps;
    *p = r / sw->n_strategies / sw->reps;
}

uint64_t sweep_run_seed(const struct sweep *sw, size_t p, size_t rep)
{
    return rng_rep_seed(rng_mix((uint64_t)sw->base.p.run_seed ^ rng_mix(p + 0x50544eULL)), rep);
}

void sweep_run_one(const struct sweep *sw, size_t r, struct outcome *out, float *series)
{
    memset(out, 0, sizeof *out);
    out->run = r;
    size_t p, rep, s;
    sweep_decode(sw, r, &p, &rep, &s);
    struct params prm = sw->base.p;
    for (size_t k = 0; k < sw->n_vary; k++)
        params_set_number(&prm, sw->vary[k].def, sw->points[p * sw->n_vary + k]);
    char exit_text[PARAMS_STRING_MAX];
    sweep_split_strategy(sw->strategies[s], prm.intervention_schedule, exit_text, sizeof prm.intervention_schedule);
    if (exit_text[0])
        snprintf(prm.intervention_exit, sizeof prm.intervention_exit, "%s", exit_text);
    const char *culprit;
    if (params_check(&prm, out->error, sizeof out->error, &culprit)) {
        out->failed = 1;
        return;
    }
    world *w = world_alloc(&prm, sweep_run_seed(sw, p, rep));
    if (!w) {
        out->failed = 1;
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    if (series)
        series_month(w, series);
    for (int m = 0; m < prm.run_months; m++) {
        world_step(w);
        if (series)
            series_month(w, series + (size_t)(m + 1) * SERIES_MEASURES);
    }
    double good = 0, relapsed = 0, watched = 0, exits = 0, under = 0, quality = 0, code = 0, march = 0;
    double n_good = 0, censored = 0;
    int control = schedule_is_control(prm.intervention_schedule);
    for (size_t i = 0; i < world_orgs(w); i++) {
        const struct org_obs *ob = world_obs(w, i);
        quality += ob->quality / (double)world_orgs(w);
        code += ob->code_knowledge / (double)world_orgs(w);
        march += ob->march_knowledge / (double)world_orgs(w);
        if (world_history(w, i)->month_failed >= 0)
            out->v[R_FAILED]++;
        struct org_intervention iv;
        world_intervention(w, i, &iv);
        if (!iv.started)
            continue;
        out->v[R_INTERVENED]++;
        struct org_outcome oc;
        outcome_of(&iv, control, prm.run_months, prm.intervention_after_months, &oc);
        if (!isnan(oc.months_to_good)) {
            good += oc.months_to_good;
            censored += oc.months_to_good;
            n_good++;
        } else {
            censored += world_month(w) - iv.start_month;   /* never good: watched to the run's end */
        }
        if (!isnan(oc.months_under)) {
            exits++;
            under += oc.months_under;
        }
        if (!isnan(oc.relapsed)) {
            watched++;
            relapsed += oc.relapsed;
        }
        out->v[R_COMMISSIONER] += oc.commissioner_months;
        out->v[R_INTERIM] += oc.interim_months;
        out->v[R_PEER_DAYS] += oc.peer_review_days;
    }
    out->v[R_MONTHS_TO_GOOD] = n_good > 0 ? good / n_good : NAN;
    out->v[R_MONTHS_TO_GOOD_CENSORED] = out->v[R_INTERVENED] > 0 ? censored / out->v[R_INTERVENED] : NAN;
    out->v[R_SHARE_GOOD] = out->v[R_INTERVENED] > 0 ? n_good / out->v[R_INTERVENED] : NAN;
    out->v[R_RELAPSED] = watched > 0 ? relapsed / watched : NAN;
    out->v[R_MONTHS_UNDER] = exits > 0 ? under / exits : NAN;
    out->v[R_FINAL_QUALITY] = quality;
    out->v[R_FINAL_CODE] = code;
    out->v[R_FINAL_MARCH] = march;
    world_free(w);
}
