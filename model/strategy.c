/* strategy: what each intervention strategy does, through the model's
 * mechanisms only. None of them sets an outcome: quality, ratings and relapse
 * follow from what they change in staff, code, voice, ties and leadership. */
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "world_impl.h"

/* Blame: the leader goes (with part of the code), the members the
 * organisation itself judges worst (against its own view of good practice)
 * are replaced, and fear lowers every member's voice. */
void strategy_blame(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    if (p->blame_leader) {
        leadership_change(o, p, w->dim_mask);
        o->openness = p->blame_successor_openness;
        o->outward = p->blame_successor_outward;
        o->iv.interim_leader_until = -1;
    }
    uint32_t quota = (uint32_t)lround(p->blame_removal * o->n);
    /* The lowest scores first: count members by score, then take from the bottom. */
    uint32_t at_score[65] = { 0 };
    for (uint32_t i = 0; i < o->n; i++)
        at_score[belief_match(o->known[i], o->value[i], o->bench)]++;
    int cut = 0;
    uint32_t below = 0;
    while (cut < 64 && below + at_score[cut] < quota)
        below += at_score[cut++];
    uint32_t at_cut = quota - below;   /* how many of those scoring exactly cut go */
    for (uint32_t i = 0; i < o->n && quota > 0; i++) {
        int score = belief_match(o->known[i], o->value[i], o->bench);
        if (score < cut || (score == cut && at_cut > 0)) {
            if (score == cut)
                at_cut--;
            workforce_hire(w, o, i);
            quota--;
        }
    }
    o->blame_pending = 1;
}

/* Restructuring: members are moved between teams, part of the code is lost
 * with the old structure, and those moved to new roles start their induction
 * again (a temporary loss of capacity). */
void strategy_restructure(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    gsl_rng r_ = rng_over(org_rng(o, RNG_INTERVENTION)), *r = &r_;
    if (!o->team) {   /* world_alloc keeps the teams when its schedule restructures */
        fprintf(stderr, "turnaround: internal error: a restructure in a world without teams\n");
        abort();
    }
    gsl_ran_shuffle(r, o->team, o->n, sizeof o->team[0]);
    uint64_t forget = 0;
    for (uint64_t m = o->code.known; m; m &= m - 1)
        if (gsl_rng_uniform(r) < p->restructure_memory_loss)
            forget |= m & (~m + 1);
    o->code.known &= ~forget;
    o->code.value &= ~forget;
    for (uint32_t i = 0; i < o->n; i++)
        if (o->contract[i] == CONTRACT_PERMANENT && gsl_rng_uniform(r) < p->restructure_reassigned)
            o->tenure[i] = 0;
}

/* A peer review: peers show the organisation part of the current standard as
 * they see it, and the review rebuilds its ties. */
void strategy_peer_review(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    gsl_rng r_ = rng_over(org_rng(o, RNG_INTERVENTION)), *r = &r_;
    uint64_t seen = 0, wrong = 0;
    for (int d = 0; d < p->culture_dimensions; d++)
        if (gsl_rng_uniform(r) < p->peer_reveal)
            seen |= 1ULL << d;
    /* The reviewers show their own view, which is wrong here and there. */
    for (int d = 0; p->peer_wrong > 0.0 && d < p->culture_dimensions; d++)
        if ((seen >> d & 1) && gsl_rng_uniform(r) < p->peer_wrong)
            wrong |= 1ULL << d;
    o->bench.known |= seen;
    o->bench.value = (o->bench.value & ~seen) | ((w->standard.value ^ wrong) & seen);
    for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++)
        w->tie_strength[t] += p->peer_ties * (1.0 - w->tie_strength[t]);
    peers_tie_total(w, o);
    o->iv.peer_days += p->peer_days;
}

/* Interims: posts are filled, up to interim.share of staff, with temporary
 * staff who mostly practise the current standard and speak up; they leave when
 * their contracts end (workforce). An open, outward interim leader may come
 * for a contract too. */
void strategy_interims(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    gsl_rng r_ = rng_over(org_rng(o, RNG_INTERVENTION)), *r = &r_;
    uint32_t target = (uint32_t)lround(p->interim_share * o->n);
    for (uint32_t tries = 0; o->interims < target && tries < 4 * o->n; tries++) {
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, o->n);
        if (o->contract[i] == CONTRACT_INTERIM)
            continue;
        /* An interim practises the standard on a share of dimensions, gets a
         * smaller share wrong, and has no view on the rest. */
        uint64_t right = 0, wrong = 0;
        for (int d = 0; d < p->culture_dimensions; d++) {
            double u = gsl_rng_uniform(r);
            if (u < p->interim_knowledge)
                right |= 1ULL << d;
            else if (u < p->interim_knowledge + p->interim_wrong)
                wrong |= 1ULL << d;
        }
        o->known[i] = right | wrong;
        o->value[i] = (w->standard.value & right) | (~w->standard.value & wrong);
        o->voice[i] = 1.0f;
        o->tenure[i] = 0;
        o->contract[i] = CONTRACT_INTERIM;
        o->interims++;
    }
    if (p->interim_leader && o->iv.interim_leader_until < w->month) {
        o->openness = p->interim_leader_traits;
        o->outward = p->interim_leader_traits;
        o->iv.interim_leader_until = w->month + p->interim_months;
    }
}

/* The continuous effects of the strategies in the current phase. */
void strategy_levers(const struct world *w, struct org *o, unsigned active)
{
    const struct params *p = &w->p;
    struct levers *lv = &o->lv;
    levers_reset(lv);
    if (active & (1u << STRATEGY_TAKEOVER)) {
        /* Commissioners direct practice to their own view; the organisation's
         * own code learns little while they do. */
        lv->directive = intervention_view(w, o);
        lv->directive.known &= o->iv.scope;
        lv->directive.value &= o->iv.scope;
        lv->internalise = p->takeover_internalisation;
        lv->learning *= 1.0 - p->takeover_suppression;
    }
    if (active & (1u << STRATEGY_OWNERSHIP)) {
        /* Commissioners work through the leadership: coach it, rebuild ties,
         * make it safe to speak, and show what good looks like; the code
         * itself does the learning. */
        lv->coaching = p->ownership_coaching;
        lv->tie_effort = p->ownership_ties;
        lv->safety = p->ownership_voice;
        lv->show_view = p->ownership_benchmark;
    }
}
