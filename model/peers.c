/* peers: the small-world network of peer ties, their decay and renewal, and
 * benchmarking: what the organisation believes good practice looks like. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "world_impl.h"

struct edge {
    uint32_t a, b;
};

static int edge_cmp(const void *x, const void *y)
{
    const struct edge *e = x, *f = y;
    if (e->a != f->a)
        return e->a < f->a ? -1 : 1;
    if (e->b != f->b)
        return e->b < f->b ? -1 : 1;
    return 0;
}

/* The strength at which decay and renewal balance for a leader of this
 * outward orientation, without pressure: where a healthy sector's ties sit. */
double peers_steady_strength(const struct params *p, double outward)
{
    double effort = p->peers_renewal * outward;
    return effort > 0.0 ? effort / (p->peers_decay + effort) : 0.0;
}

/* Watts-Strogatz: a ring where each organisation is tied to its degree/2
 * neighbours on each side, each tie rewired to a random organisation with
 * chance peers.rewire. Duplicate ties made by rewiring are merged. Strengths
 * are set by peers_init_strengths once the leaders are drawn. */
int peers_build(struct world *w, gsl_rng *r)
{
    const struct params *p = &w->p;
    size_t n = w->n_orgs, half = (size_t)p->peers_degree / 2, m = n * half;
    struct edge *e = malloc((m ? m : 1) * sizeof *e);
    uint32_t *deg = calloc(n + 1, sizeof *deg);
    if (!e || !deg) {
        free(e);
        free(deg);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 1; j <= half; j++) {
            uint32_t a = (uint32_t)i, b = (uint32_t)((i + j) % n);
            if (gsl_rng_uniform(r) < p->peers_rewire) {
                do
                    b = (uint32_t)gsl_rng_uniform_int(r, n);
                while (b == a);
            }
            e[(i * half) + j - 1] = a < b ? (struct edge){ a, b } : (struct edge){ b, a };
        }
    qsort(e, m, sizeof *e, edge_cmp);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (u == 0 || edge_cmp(&e[k], &e[u - 1]) != 0)
            e[u++] = e[k];
    for (size_t k = 0; k < u; k++) {
        deg[e[k].a]++;
        deg[e[k].b]++;
    }
    w->n_ties = 2 * u;
    w->tie_peer = malloc((w->n_ties ? w->n_ties : 1) * sizeof *w->tie_peer);
    w->tie_strength = malloc((w->n_ties ? w->n_ties : 1) * sizeof *w->tie_strength);
    if (!w->tie_peer || !w->tie_strength) {
        free(e);
        free(deg);
        return -1;
    }
    w->bytes += (w->n_ties ? w->n_ties : 1) * (sizeof *w->tie_peer + sizeof *w->tie_strength);
    uint32_t first = 0;
    for (size_t i = 0; i < n; i++) {
        w->orgs[i].tie_first = first;
        w->orgs[i].tie_count = 0;
        first += deg[i];
    }
    for (size_t k = 0; k < u; k++) {
        struct org *oa = &w->orgs[e[k].a], *ob = &w->orgs[e[k].b];
        w->tie_peer[oa->tie_first + oa->tie_count++] = e[k].b;
        w->tie_peer[ob->tie_first + ob->tie_count++] = e[k].a;
    }
    free(e);
    free(deg);
    return 0;
}

/* Initial tie strengths: the focal organisation's as configured, the others'
 * near the steady state of their leader's outward orientation, so a healthy
 * sector starts where it would settle. Needs the leaders drawn. */
void peers_init_strengths(struct world *w, gsl_rng *r)
{
    const struct params *p = &w->p;
    for (size_t i = 0; i < w->n_orgs; i++) {
        struct org *o = &w->orgs[i];
        for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++) {
            double s = i == 0 && p->focal_name[0]
                           ? p->focal_tie_strength
                           : peers_steady_strength(p, o->outward)
                                 + p->peers_strength_spread * (2.0 * gsl_rng_uniform(r) - 1.0);
            w->tie_strength[t] = clamp01(s);
        }
        peers_tie_total(w, o);
    }
}

void peers_tie_total(const struct world *w, struct org *o)
{
    double total = 0.0;
    for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++)
        total += w->tie_strength[t];
    o->tie_total = total;
}

/* Each tie loses peers.decay of its strength a month; the leader rebuilds it
 * toward full strength at peers.renewal times outward orientation, less the
 * share that defensiveness under regulatory pressure withholds. */
void peers_ties_org(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    double effort = p->peers_renewal * o->outward * (1.0 - p->org_defensiveness * o->pressure) + o->lv.tie_effort;
    double total = 0.0;   /* the new strengths' sum, in order: what peers_tie_total would find */
    for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++) {
        double s = w->tie_strength[t];
        w->tie_strength[t] = clamp01(s - p->peers_decay * s + effort * (1.0 - s));
        total += w->tie_strength[t];
    }
    o->tie_total = total;
}

/* Benchmarking: on each dimension the organisation's view of the standard is
 * refreshed to the sector's current standard, seen either in its own outcome
 * data (chance org.feedback) or through its peers (chance 1 - exp(-peers.learning
 * x total tie strength)): ties carry what good looks like. This is that
 * chance; the dimensions seen are drawn on the organisation's peers stream,
 * one uniform draw a dimension (draw_each). */
double peers_bench_chance(const struct world *w, const struct org *o)
{
    const struct params *p = &w->p;
    double total = o->tie_total;
    double p_peer = total > 0.0 ? 1.0 - exp(-p->peers_learning * total) : 0.0;
    return 1.0 - (1.0 - p->org_feedback) * (1.0 - p_peer);
}

/* The peers phase of o, the dimensions seen in its benchmark already drawn. */
void peers_step_seen(struct world *w, struct org *o, uint64_t seen)
{
    const struct params *p = &w->p;
    o->bench.known |= seen;
    o->bench.value = (o->bench.value & ~seen) | (w->standard.value & seen);
    if (o->lv.show_view > 0.0) {
        /* Commissioners show their own view, errors and all. */
        struct belief view = intervention_view(w, o);
        struct frng g = *org_rng(o, RNG_INTERVENTION);
        uint64_t shown = draw_each(p->culture_dimensions, o->lv.show_view, &g);
        *org_rng(o, RNG_INTERVENTION) = g;
        o->bench.known |= shown;
        o->bench.value = (o->bench.value & ~shown) | (view.value & shown);
    }
    peers_ties_org(w, o);
}

void peers_step_org(struct world *w, struct org *o)
{
    struct frng g = *org_rng(o, RNG_PEERS);
    uint64_t seen = draw_each(w->p.culture_dimensions, peers_bench_chance(w, o), &g);
    *org_rng(o, RNG_PEERS) = g;
    peers_step_seen(w, o, seen);
}

double peers_insularity(const struct world *w, const struct org *o)
{
    (void)w;
    if (o->tie_count == 0)
        return 1.0;
    return 1.0 - o->tie_total / o->tie_count;
}
