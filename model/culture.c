/* culture: March's mutual learning between members and the code, with voice.
 *
 * Members socialise to the code; the code learns from the members who do better
 * than it, judged against the organisation's view of good practice, but only
 * from those who speak up. Both read the state at the start of the month. How
 * "better" is judged and how far a view moves at once are parameters
 * (culture.superior, culture.socialise, culture.code_update): March's text and
 * his program differ on them (docs/VALIDATION.md). */
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

static inline int speaks(float voice, struct frng *g)
{
    if (voice >= 1.0f)
        return 1;
    if (voice <= 0.0f)
        return 0;
    return frng_uniform(g) < (double)voice;
}

/* Dimensions right, minus the dimensions wrong when net is 1, of a view judged
 * against the benchmark. */
static inline int standing(uint64_t known, uint64_t value, struct belief bench, int net)
{
    uint64_t judged = known & bench.known, differ = value ^ bench.value;
    return __builtin_popcountll(judged & ~differ) - net * __builtin_popcountll(judged & differ);
}

/* Whether the member (k, v) is better than the code (code_score) and, if so,
 * the view it shows the code in *shown. Under SUPERIOR_ACTION a member acts on
 * every dimension, at random where it has no view; the coins are drawn only
 * when they can decide the comparison or the member is better and teaches. */
static inline int superior(uint64_t k, uint64_t v, struct belief bench, int rule, int code_score, uint64_t all,
                           struct frng *g, struct belief *shown)
{
    shown->known = k;
    shown->value = v;
    if (rule != SUPERIOR_ACTION)
        return standing(k, v, bench, rule == SUPERIOR_SCORE) > code_score;
    uint64_t open = all & ~k;
    int sure = standing(k, v, bench, 1), luck = __builtin_popcountll(open & bench.known);
    if (sure + luck <= code_score)
        return 0;
    shown->known = all;
    shown->value = (v & k) | (draw_bits(g, open) & open);
    return sure - luck > code_score || standing(all, shown->value, bench, 1) > code_score;
}

/* The view (k, v) after the dimensions in moves, where it differs from target,
 * move toward it: all the way, or with step (all bits set) one step, an
 * opposite view to none and none to the target's. */
static inline struct belief move_toward(uint64_t k, uint64_t v, struct belief target, uint64_t moves, uint64_t step)
{
    uint64_t unlearn = moves & k & step, learn = moves & ~unlearn;
    struct belief b = { (k & ~unlearn) | learn, (v & ~moves) | (target.value & learn) };
    return b;
}

/* What the pass over the members needs besides the organisation. */
struct pass {
    struct frng g, g_directed;  /* the culture and intervention streams, drawn inline */
    struct belief code;        /* as it stood at the start of the month */
    int code_score;
    uint64_t all;              /* the culture.dimensions low bits */
    uint64_t step;             /* all bits set when socialisation steps */
    uint32_t slow;             /* slow socialisers among the members */
    const struct geometric_table *social_table;   /* socialisation's gaps, or NULL */
    double p_social, p_slow, p_adopt;              /* the three processes' chances */
    struct counter plus, minus;
    uint32_t speakers;
};

/* One pass over the members: who teaches the code, and socialisation. Inlined
 * once per rule, so the rule costs nothing per member. */
static inline __attribute__((always_inline)) void members_pass(struct org *o, struct pass *ps, const int rule)
{
    /* Everything the loop updates is a local, so that the stores to the
     * members' beliefs (64-bit words, as the loop's own gaps are) need not be
     * assumed to change it. */
    const struct belief code = ps->code, directive = o->lv.directive, bench = o->bench;
    struct frng g = ps->g, g_directed = ps->g_directed;
    /* The processes start here, as locals: built in the struct and copied
     * in, each would cost a stalled load. */
    struct trials social = ps->social_table ? trials_start_with(geometric_tabled(ps->social_table), &g)
                                            : trials_start(ps->p_social, &g);
    struct trials social_slow = trials_start(ps->p_slow, &g);
    struct trials adopt = trials_start(ps->p_adopt, &g_directed);
    uint64_t *const restrict known = o->known, *const restrict value = o->value;
    const float *const restrict voice = o->voice;
    const uint32_t n = o->n, slow = ps->slow;
    const int code_score = ps->code_score;
    const uint64_t all = ps->all, step = ps->step;
    uint32_t speakers = 0;
    /* Slot i is one of the slow socialisers when floor((i + 1) slow / n) >
     * floor(i slow / n): the count exact, spread evenly over the slots (and so
     * the teams). spread holds i slow mod n. */
    uint32_t spread = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = known[i], v = value[i];
        struct belief shown;
        if (superior(k, v, bench, rule, code_score, all, &g, &shown) && speaks(voice[i], &g)) {
            counter_add(&ps->plus, shown.known & shown.value);
            counter_add(&ps->minus, shown.known & ~shown.value);
            speakers++;
        }
        spread += slow;
        int is_slow = spread >= n;
        spread -= is_slow ? n : 0;
        uint64_t differ = code.known & ~(k & ~(v ^ code.value));
        if (differ) {
            uint64_t moves = is_slow ? trials_take(&social_slow, &g, differ) : trials_take(&social, &g, differ);
            struct belief b = move_toward(k, v, code, moves, step);
            k = b.known;
            v = b.value;
        }
        if (directive.known) {
            uint64_t moves = trials_take(&adopt, &g_directed, directive.known & ~(k & ~(v ^ directive.value)));
            struct belief b = move_toward(k, v, directive, moves, 0);
            k = b.known;
            v = b.value;
        }
        if (differ || directive.known) {
            known[i] = k;
            value[i] = v;
        }
    }
    ps->g = g;
    ps->g_directed = g_directed;
    ps->speakers = speakers;
}

void culture_step_org(struct org *o, const struct params *p)
{
    /* The counters count at most n speakers: only their low planes are
     * ever touched, so only those are cleared (for a small organisation,
     * most of the work of a month otherwise). */
    struct pass ps;
    int used = 1;
    while (used < PLANES && (o->n >> used))
        used++;
    /* Eight planes (up to 255 speakers) in stores of a size known here; a
     * clear of a size known only at run time is a slow string instruction. */
    memset(ps.plus.plane, 0, 8 * sizeof ps.plus.plane[0]);
    memset(ps.minus.plane, 0, 8 * sizeof ps.minus.plane[0]);
    if (used > 8) {
        memset(ps.plus.plane + 8, 0, (size_t)(used - 8) * sizeof ps.plus.plane[0]);
        memset(ps.minus.plane + 8, 0, (size_t)(used - 8) * sizeof ps.minus.plane[0]);
    }
    ps.speakers = 0;
    ps.g = *org_rng(o, RNG_CULTURE);
    ps.g_directed = *org_rng(o, RNG_INTERVENTION);
    ps.code = o->code;
    ps.all = p->culture_dimensions >= 64 ? ~0ULL : (1ULL << p->culture_dimensions) - 1;
    ps.code_score = standing(ps.code.known, ps.code.value, o->bench, p->culture_superior != SUPERIOR_CORRECT);
    ps.step = p->culture_socialise == MOVE_STEP ? ~0ULL : 0;
    /* Socialisation trials, each dimension where a member differs from the
     * code, member after member, form one Bernoulli process with chance p1
     * (and a second with the slow members' rate, if there are any). */
    const struct geometric_table *table = o->tables ? &o->tables->social : NULL;
    ps.social_table = table && table->kmax > 0 && table->p == p->culture_socialisation ? table : NULL;
    ps.p_social = p->culture_socialisation;
    ps.slow = p->culture_slow_share > 0.0 ? (uint32_t)lround(p->culture_slow_share * o->n) : 0;   /* lround is a call */
    ps.p_slow = ps.slow ? p->culture_slow_socialisation : 0.0;
    /* Members directed by commissioners come to believe the directed practice
     * on each dimension with chance lv.internalise a month. */
    ps.p_adopt = o->lv.directive.known ? o->lv.internalise : 0.0;
    switch (p->culture_superior) {
    case SUPERIOR_CORRECT:
        members_pass(o, &ps, SUPERIOR_CORRECT);
        break;
    case SUPERIOR_SCORE:
        members_pass(o, &ps, SUPERIOR_SCORE);
        break;
    default:
        members_pass(o, &ps, SUPERIOR_ACTION);
        break;
    }

    *org_rng(o, RNG_INTERVENTION) = ps.g_directed;
    o->acted_on = 0;
    const double p2 = p->culture_code_learning * o->lv.learning;
    if (p2 <= 0.0 || ps.speakers == 0) {
        *org_rng(o, RNG_CULTURE) = ps.g;
        return;
    }
    int planes = 0;
    while (planes < PLANES && (ps.speakers >> planes))
        planes++;
    const double stay = 1.0 - p2;
    const double *learn = o->tables && o->tables->stay == stay ? o->tables->learn : NULL;
    /* The dimensions where the speakers' majority differs from what the code
     * holds, found for all dimensions at once: the counters compared plane by
     * plane from the top (plus > minus in more, minus > plus in fewer). */
    uint64_t more = 0, fewer = 0, tied = ~0ULL;
    for (int k = planes - 1; k >= 0; k--) {
        uint64_t a = ps.plus.plane[k], b = ps.minus.plane[k];
        more |= tied & a & ~b;
        fewer |= tied & ~a & b;
        tied &= ~(a ^ b);
    }
    uint64_t agrees = ps.code.known & ((more & ps.code.value) | (fewer & ~ps.code.value));
    for (uint64_t open = (more | fewer) & ~agrees & ps.all; open; open &= open - 1) {
        int d = __builtin_ctzll(open);
        uint64_t bit = 1ULL << d;
        uint32_t np = counter_get(&ps.plus, d, planes), nm = counter_get(&ps.minus, d, planes);
        int to_plus = np > nm;
        uint32_t margin = to_plus ? np - nm : nm - np;
        int held = (ps.code.known & bit) != 0;
        double chance = learn && margin <= CULTURE_LEARN_TABLE ? learn[margin] : 1.0 - pow(stay, (double)margin);
        if (frng_uniform(&ps.g) < chance) {
            if (held && p->culture_code_update == MOVE_STEP) {
                o->code.known &= ~bit;
                o->code.value &= ~bit;
            } else {
                o->code.known |= bit;
                o->code.value = to_plus ? o->code.value | bit : o->code.value & ~bit;
            }
            o->acted_on++;
        }
    }
    *org_rng(o, RNG_CULTURE) = ps.g;
}
