/* culture: March's mutual learning between members and the code, with voice.
 *
 * Members socialise to the code; the code learns from the members who do better
 * than it, judged against the organisation's view of good practice, but only
 * from those who speak up. Both read the state at the start of the month. */
#include <math.h>
#include <string.h>

#include "draw.h"
#include "world_impl.h"

#define PLANES 32

/* Per-dimension counters kept bit-sliced: plane k holds bit k of every
 * dimension's count, so adding a member's 64 dimensions costs a few word
 * operations instead of a loop over dimensions. */
struct counter {
    uint64_t plane[PLANES];
};

static inline void counter_add(struct counter *c, uint64_t bits)
{
    for (int k = 0; bits && k < PLANES; k++) {
        uint64_t carry = c->plane[k] & bits;
        c->plane[k] ^= bits;
        bits = carry;
    }
}

static uint32_t counter_get(const struct counter *c, int d, int planes)
{
    uint32_t v = 0;
    for (int k = 0; k < planes; k++)
        v |= (uint32_t)((c->plane[k] >> d) & 1ULL) << k;
    return v;
}

static inline int speaks(float voice, gsl_rng *r)
{
    if (voice >= 1.0f)
        return 1;
    if (voice <= 0.0f)
        return 0;
    return gsl_rng_uniform(r) < (double)voice;
}

void culture_step_org(struct org *o, const struct params *p)
{
    gsl_rng *r = o->rng[RNG_CULTURE];
    const struct belief code = o->code;
    const int code_score = belief_match(code.known, code.value, o->bench);
    const double p1 = p->culture_socialisation;
    /* Socialisation trials, each dimension where a member differs from the
     * code, member after member, form one Bernoulli process with chance p1. */
    struct trials social = trials_start(p1, r);
    /* Members directed by commissioners come to believe the directed practice
     * on each dimension with chance lv.internalise a month. */
    const struct belief directive = o->lv.directive;
    struct trials adopt_directed = trials_start(directive.known ? o->lv.internalise : 0.0, o->rng[RNG_INTERVENTION]);
    struct counter plus, minus;
    memset(&plus, 0, sizeof plus);
    memset(&minus, 0, sizeof minus);
    uint32_t speakers = 0;

    for (uint32_t i = 0; i < o->n; i++) {
        uint64_t k = o->known[i], v = o->value[i];
        if (belief_match(k, v, o->bench) > code_score && speaks(o->voice[i], r)) {
            counter_add(&plus, k & v);
            counter_add(&minus, k & ~v);
            speakers++;
        }
        uint64_t differ = code.known & ~(k & ~(v ^ code.value));
        if (differ) {
            uint64_t adopt = trials_take(&social, differ);
            k |= adopt;
            v = (v & ~adopt) | (code.value & adopt);
        }
        if (directive.known) {
            uint64_t believe = trials_take(&adopt_directed, directive.known & ~(k & ~(v ^ directive.value)));
            k |= believe;
            v = (v & ~believe) | (directive.value & believe);
        }
        if (differ || directive.known) {
            o->known[i] = k;
            o->value[i] = v;
        }
    }

    o->acted_on = 0;
    const double p2 = p->culture_code_learning * o->lv.learning;
    if (p2 <= 0.0 || speakers == 0)
        return;
    int planes = 0;
    while (planes < PLANES && (speakers >> planes))
        planes++;
    const double stay = 1.0 - p2;
    for (int d = 0; d < p->culture_dimensions; d++) {
        uint64_t bit = 1ULL << d;
        uint32_t np = counter_get(&plus, d, planes), nm = counter_get(&minus, d, planes);
        if (np == nm)
            continue;
        int to_plus = np > nm;
        uint32_t margin = to_plus ? np - nm : nm - np;
        int already = (code.known & bit) && (((code.value & bit) != 0) == to_plus);
        if (already)
            continue;
        if (gsl_rng_uniform(r) < 1.0 - pow(stay, (double)margin)) {
            o->code.known |= bit;
            o->code.value = to_plus ? o->code.value | bit : o->code.value & ~bit;
            o->acted_on++;
        }
    }
}

void culture_step(struct world *w)
{
    for (size_t i = 0; i < w->n_orgs; i++)
        culture_step_org(&w->orgs[i], &w->p);
}
