#include "patterns.h"

#include <stdio.h>
#include <stdlib.h>

#include "rng.h"
#include "world.h"

double patterns_focal_failure_share(const struct params *p, int reps, unsigned long seed_base)
{
    int failed = 0;
    for (int rep = 0; rep < reps; rep++) {
        world *w = world_alloc(p, rng_rep_seed(seed_base, (uint64_t)rep));
        for (int m = 0; m < p->run_months; m++)
            world_step(w);
        failed += world_history(w, 0)->month_failed >= 0;
        world_free(w);
    }
    return (double)failed / reps;
}

struct failure_stats patterns_failures(const struct params *p, int reps, unsigned long seed_base)
{
    struct failure_stats fs = { 0 };
    size_t orgs = (size_t)p->sector_orgs, months = (size_t)p->run_months + 1;
    float *ins = malloc(orgs * months * sizeof *ins);
    double others = 0.0, before = 0.0;
    int positive = 0, counted = 0;
    for (int rep = 0; rep < reps; rep++) {
        world *w = world_alloc(p, rng_rep_seed(seed_base, (uint64_t)rep));
        for (size_t m = 0; m < months; m++) {
            if (m > 0)
                world_step(w);
            for (size_t i = 0; i < orgs; i++)
                ins[i * months + m] = (float)world_obs(w, i)->insularity;
        }
        for (size_t i = 0; i < orgs; i++) {
            const struct org_history *h = world_history(w, i);
            if (h->month_failed < 0)
                continue;
            fs.failures++;
            fs.mean_gap += h->gap_at_failure;
            positive += h->gap_at_failure > 0.0;
            if (h->month_failed < 12)
                continue;
            size_t m = (size_t)h->month_failed - 12;
            before += ins[i * months + m];
            for (size_t j = 0; j < orgs; j++)
                others += ins[j * months + m] / (double)orgs;
            counted++;
        }
        world_free(w);
    }
    free(ins);
    if (fs.failures) {
        fs.mean_gap /= fs.failures;
        fs.share_positive = (double)positive / fs.failures;
    }
    if (counted) {
        fs.insularity_before = before / counted;
        fs.insularity_others = others / counted;
    }
    return fs;
}

void patterns_stuck(struct params *p)
{
    params_default(p);
    p->run_months = 180;
    snprintf(p->focal_name, sizeof p->focal_name, "stuck");
    p->focal_code_correct = 0.45;
    p->focal_code_wrong = 0.35;
    p->focal_openness = 0.15;
    p->focal_outward = 0.05;
    p->focal_tie_strength = 0.05;
    snprintf(p->intervention_applies_to, sizeof p->intervention_applies_to, "focal");
    snprintf(p->intervention_exit, sizeof p->intervention_exit, "rating");
}

void patterns_arm(const struct params *base, const char *schedule, const char *exit, int reps, struct arm_run *out)
{
    patterns_arm_seeded(base, schedule, exit, reps, 4242, out);
}

void patterns_arm_seeded(const struct params *base, const char *schedule, const char *exit, int reps,
                         unsigned long seed_base, struct arm_run *out)
{
    struct params p = *base;
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "%s", schedule);
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "%s", exit);
    for (int rep = 0; rep < reps; rep++) {
        world *w = world_alloc(&p, rng_rep_seed(seed_base, (uint64_t)rep));
        struct arm_run *a = &out[rep];
        for (int m = 0; m <= p.run_months; m++) {
            if (m > 0)
                world_step(w);
            a->quality[m] = world_obs(w, 0)->quality;
            a->voice[m] = world_obs(w, 0)->voice;
        }
        struct org_intervention iv;
        world_intervention(w, 0, &iv);
        a->start = iv.start_month;
        a->first_good = iv.first_good_month;
        a->exit = iv.exit_month;
        a->relapse = iv.relapse_month;
        a->commissioner_months = iv.commissioner_months;
        world_free(w);
    }
}
