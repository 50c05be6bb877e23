/* observe: the month's measures of each organisation. */
#include <math.h>

#include "world_impl.h"

/* True quality judges each member's practice against the sector's standard,
 * perceived quality against the organisation's own code (insiders' view);
 * both weight a member by capacity, reduced during induction. */
void observe_org(const struct world *w, struct org *o)
{
    /* A forecast reads its measures only where the regulator inspects and
     * at its horizon (forecast.c); in its other months nothing reads them. */
    if (w->observe_last > 0 && w->month < o->next_inspection && w->month != w->observe_last) {
        o->obs.measured = NAN;
        return;
    }
    const struct params *p = &w->p;
    const struct belief std = w->standard, code = o->code;
    const uint16_t induction = (uint16_t)p->staff_induction;
    const double novice = p->staff_novice_capacity;
    /* Practice is belief, except where commissioners direct it. */
    const uint64_t dk = o->lv.directive.known, dv = o->lv.directive.value;
    double truth = 0.0, seen = 0.0, voice = 0.0;
    for (uint32_t i = 0; i < o->n; i++) {
        double cap = o->tenure[i] < induction && o->contract[i] == CONTRACT_PERMANENT ? novice : 1.0;
        uint64_t k = o->known[i] | dk, v = (o->value[i] & ~dk) | dv;
        truth += cap * belief_match(k, v, std);
        seen += cap * belief_match(k, v, code);
        voice += o->voice[i];
    }
    double norm = (double)o->n * p->culture_dimensions;
    struct org_obs *ob = &o->obs;
    ob->quality = truth / norm;
    ob->perceived = seen / norm;
    ob->voice = voice / o->n;
    ob->turnover = (double)o->leavers / o->n;
    ob->insularity = peers_insularity(w, o);
    int right = belief_match(code.known, code.value, std);
    int wrong = __builtin_popcountll(code.known & std.known & (code.value ^ std.value));
    ob->code_knowledge = (double)right / p->culture_dimensions;
    ob->march_knowledge = (double)(right - wrong) / p->culture_dimensions;
    ob->measured = NAN;
    if (ob->quality < o->hist.min_quality)
        o->hist.min_quality = ob->quality;
}
