/* workforce: turnover and hiring (Harrison & Carroll 1991).
 *
 * Members leave at staff.turnover a month, more under regulatory pressure; each
 * leaver is replaced at once by a hire from the sector's labour market, who
 * brings outside practice in and is then socialised in turn.
 *
 * Organisation after organisation, in order: a hire from another organisation
 * copies that member as they stand, after that organisation's own hires this
 * month if it comes earlier in the sector, before them if later. The draws
 * (who leaves, where each hire comes from, a new entrant's beliefs) depend on
 * no other organisation, so they are made for all organisations at once, in
 * parallel; the copying then follows in order (workforce_step). */
#include <stdlib.h>

#include "checked.h"
#include "draw.h"
#include "pool.h"
#include "world_impl.h"

/* Where the hire into slot comes from, drawn on the organisation's hiring stream. */
static void hire_draw(const struct world *w, const struct org *o, uint32_t slot, struct frng *g, struct hire *h)
{
    const struct params *p = &w->p;
    const struct world *market = w->market;
    h->slot = slot;
    h->post = (size_t)(o->known - w->known) + slot;
    if (market->n_orgs > 1 && frng_uniform(g) < p->staff_hire_from_sector) {
        size_t j = frng_uniform_int(g, market->n_orgs - 1);
        if (j >= o->index)
            j++;
        h->from = (uint32_t)j;
        h->known = world_org_first(market, j) + frng_uniform_int(g, world_org_staff(market, j));
        h->value = 0;
    } else {
        /* A new entrant: trained to the current standard on each dimension
         * with chance staff.entrant_knowledge, random (March's newcomer) elsewhere. */
        draw_ternary(p->culture_dimensions, g, &h->known, &h->value);
        uint64_t trained = draw_each(p->culture_dimensions, p->staff_entrant_knowledge, g);
        h->known |= trained;
        h->value = (h->value & ~trained) | (w->standard.value & trained);
        h->from = HIRE_ENTRANT;
    }
}

/* The hire takes up the post, in all but its beliefs: what no other
 * organisation reads. */
static void hire_settle(struct org *o, uint32_t slot)
{
    if (o->contract[slot] == CONTRACT_INTERIM)
        o->interims--;
    o->voice[slot] = (float)o->safety;
    o->tenure[slot] = 0;
    o->contract[slot] = CONTRACT_PERMANENT;
}

/* The hire's beliefs, copied as the labour market stands now. */
void workforce_apply(struct world *w, const struct hire *h)
{
    uint64_t known = h->known, value = h->value;
    if (h->from != HIRE_ENTRANT) {
        known = w->market->known[h->known];
        value = w->market->value[h->known];
    }
    w->known[h->post] = known;
    w->value[h->post] = value;
}

void workforce_hire(struct world *w, struct org *o, uint32_t slot)
{
    struct frng g;
    struct hire h;
    g = *org_rng(o, RNG_HIRING);
    hire_draw(w, o, slot, &g, &h);
    *org_rng(o, RNG_HIRING) = g;
    hire_settle(o, slot);
    workforce_apply(w, &h);
}

static void tenure_tick(struct org *o)
{
    for (uint32_t i = 0; i < o->n; i++)
        o->tenure[i] = (uint16_t)(o->tenure[i] + (o->tenure[i] < UINT16_MAX));
}

static double leave_rate(const struct params *p, const struct org *o)
{
    double rate = p->staff_turnover * (1.0 + p->staff_pressure_turnover * o->pressure);
    return rate > 1.0 ? 1.0 : rate;
}

/* The gaps between leavers: off the labour market's table when the rate is
 * staff.turnover itself (no pressure), which it mostly is. */
static struct geometric leave_gaps(const struct world *w, double rate)
{
    const struct geometric_table *t = &w->market->leave_table;
    return t->kmax > 0 && t->p == rate ? geometric_tabled(t) : geometric_of(rate);
}

/* Whether no one leaves this month, for the first gap's draw x: exactly,
 * off the table, without pressure; under pressure, where the rate has no
 * table, without the logarithm the gap itself takes when it is certain
 * (geometric_surely_past), and false when unsure: the gap is then worked out. */
static int none_leave(const struct world *w, const struct org *o, double rate, unsigned long x)
{
    const struct geometric_table *t = &w->market->leave_table;
    if (t->kmax > 0 && t->p == rate)
        return o->n <= t->kmax && x <= t->last[o->n];
    return geometric_surely_past(rate, o->n, x);
}

static int lane_push(struct lane *ln, const struct hire *h)
{
    if (ln->n_hires == ln->cap_hires) {
        size_t cap, bytes;
        if (checked_mul(ln->cap_hires ? ln->cap_hires : 128, 2, &cap) || checked_mul(cap, sizeof *ln->hires, &bytes))
            return -1;
        struct hire *more = realloc(ln->hires, bytes);
        if (!more)
            return -1;
        ln->bytes += (cap - ln->cap_hires) * sizeof *more;
        ln->hires = more;
        ln->cap_hires = cap;
    }
    ln->hires[ln->n_hires++] = *h;
    return 0;
}

/* The month's leavers of o and their hires' draws, appended to the lane,
 * o->leavers of them, and the hires in post but for their beliefs (which
 * other organisations' hires may copy: workforce_settle copies them in order).
 * Returns -1, having drawn and changed nothing, when the lane cannot grow (the
 * hires are then drawn in the second pass, one at a time, with the same draws). */
int workforce_draw_org(struct world *w, struct org *o, struct lane *ln)
{
    const struct params *p = &w->p;
    const size_t first = ln->n_hires;
    struct frng hiring, leaving;
    hiring = *org_rng(o, RNG_HIRING);
    leaving = *org_rng(o, RNG_WORKFORCE);
    struct hire h;
    /* Interims leave when their contracts end. */
    uint32_t interims = o->interims;
    for (uint32_t i = 0; interims > 0 && i < o->n; i++)
        if (o->contract[i] == CONTRACT_INTERIM && o->tenure[i] >= p->interim_months) {
            hire_draw(w, o, i, &hiring, &h);
            interims--;
            if (lane_push(ln, &h))
                goto full;
        }
    double rate = leave_rate(p, o);
    if (rate > 0.0) {
        /* Skip from leaver to leaver with geometric gaps: one draw per leaver, not per member. */
        unsigned long x = geometric_draw(&leaving);
        if (!none_leave(w, o, rate, x)) {
            struct geometric q = leave_gaps(w, rate);
            for (uint64_t i = geometric_below_of(&q, x, o->n); i < o->n;
                 i += geometric_gap_below(&q, &leaving, o->n - i - 1) + 1) {
                hire_draw(w, o, (uint32_t)i, &hiring, &h);
                if (lane_push(ln, &h))
                    goto full;
            }
        }
    }
    *org_rng(o, RNG_HIRING) = hiring;
    *org_rng(o, RNG_WORKFORCE) = leaving;
    o->leavers = (uint32_t)(ln->n_hires - first);
    for (size_t k = first; k < ln->n_hires; k++)   /* in the order they were drawn, as one at a time would */
        hire_settle(o, ln->hires[k].slot);
    return 0;
full:
    ln->n_hires = first;
    ln->deferred++;
    o->leavers = LEAVERS_DEFERRED;
    return -1;
}

/* Leavers and hires one at a time (what the two passes of workforce_step
 * do), after the tenure tick. */
static void leave_and_hire(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    o->leavers = 0;
    for (uint32_t i = 0; o->interims > 0 && i < o->n; i++)
        if (o->contract[i] == CONTRACT_INTERIM && o->tenure[i] >= p->interim_months) {
            workforce_hire(w, o, i);
            o->leavers++;
        }
    double rate = leave_rate(p, o);
    if (rate <= 0.0)
        return;
    struct frng g;
    g = *org_rng(o, RNG_WORKFORCE);
    unsigned long x = geometric_draw(&g);
    if (!none_leave(w, o, rate, x)) {
        struct geometric q = leave_gaps(w, rate);
        for (uint64_t i = geometric_below_of(&q, x, o->n); i < o->n; i += geometric_gap_below(&q, &g, o->n - i - 1) + 1) {
            workforce_hire(w, o, (uint32_t)i);
            o->leavers++;
        }
    }
    *org_rng(o, RNG_WORKFORCE) = g;
}

void workforce_draw_block_org(struct world *w, struct org *o, struct lane *ln)
{
    tenure_tick(o);
    workforce_draw_org(w, o, ln);
}

/* The lanes hold the hires of consecutive blocks of organisations, in order:
 * copy them in that order. A lane with no organisation deferred is copied
 * straight off its hires, which name their posts, without a look at the
 * organisations (at 100,000 organisations each is a cache miss); one with
 * some goes organisation by organisation, the deferred ones drawing their
 * hires in their place. The posts and sources are scattered: they are
 * fetched a few hires ahead. */
#define SETTLE_HIRES_AHEAD 4
static void settle_hire(struct world *w, const struct hire *h, const struct hire *last)
{
    if (h + SETTLE_HIRES_AHEAD < last) {
        const struct hire *a = h + SETTLE_HIRES_AHEAD;
        __builtin_prefetch(&w->known[a->post], 1);
        __builtin_prefetch(&w->value[a->post], 1);
        if (a->from != HIRE_ENTRANT) {
            __builtin_prefetch(&w->market->known[a->known]);
            __builtin_prefetch(&w->market->value[a->known]);
        }
    }
    workforce_apply(w, h);
}

void workforce_settle(struct world *w)
{
    int lanes = pool_threads(w->pool);
    size_t i = 0;
    for (int t = 0; t < lanes; t++) {
        const struct hire *h = w->lanes[t].hires, *last = h + w->lanes[t].n_hires;
        size_t begin, end;
        pool_block(w->pool, w->n_orgs, t, &begin, &end);
        (void)begin;   /* i, where the previous block ended */
        if (w->lanes[t].deferred == 0) {
            for (; h < last; h++)
                settle_hire(w, h, last);
            i = end;
            continue;
        }
        for (; i < end; i++) {
            struct org *o = &w->orgs[i];
            if (o->leavers == LEAVERS_DEFERRED) {
                leave_and_hire(w, o);
                continue;
            }
            for (uint32_t k = 0; k < o->leavers; k++, h++)
                settle_hire(w, h, last);
        }
    }
}
