/* voice: psychological safety and each member's willingness to speak up.
 *
 * Safety moves toward the leader's openness, rises when concerns are acted on
 * (members' voice changed the code this month) and falls after a blame event.
 * Each member's voice moves toward a climate that mixes the organisation's
 * safety with the mean voice of their team. */
#include "world_impl.h"

void voice_step_org(struct org *o, const struct params *p, double *team_sum, uint32_t *team_n)
{
    double acted = (double)o->acted_on / p->culture_dimensions;
    double s = o->safety;
    s += p->voice_responsiveness * (o->openness - s) + (p->voice_acted_gain * acted + o->lv.safety) * (1.0 - s);
    float keep = 1.0f;
    if (o->blame_pending) {
        s *= 1.0 - p->voice_blame_shock;
        keep = (float)(1.0 - p->voice_blame_shock);
        o->blame_pending = 0;
    }
    o->safety = clamp01(s);

    if (keep != 1.0f)
        for (uint32_t i = 0; i < o->n; i++)
            o->voice[i] *= keep;
    const float adapt = (float)p->voice_adapt;
    const float tw = (float)p->voice_team_weight;
    const float org_part = (float)((1.0 - p->voice_team_weight) * o->safety);
    const uint32_t size = (uint32_t)p->org_team_size;
    if (!o->team) {
        /* Without a team array the teams are blocks of org.team_size: each
         * block's mean, then its members, in one go (the same sums, in
         * member order, and the same division as below). */
        for (uint32_t i = 0; i < o->n;) {
            const uint32_t first = i, end = i + size < o->n ? i + size : o->n;
            double sum = 0.0;
            for (; i < end; i++)
                sum += o->voice[i];
            const float climate = org_part + tw * (float)(sum / (end - first));
            for (i = first; i < end; i++) {
                float v = o->voice[i];
                o->voice[i] = v + adapt * (climate - v);
            }
        }
        return;
    }
    for (uint32_t t = 0; t < o->n_teams; t++) {
        team_sum[t] = 0.0;
        team_n[t] = 0;
    }
    /* Members of a team mostly sit side by side: sum each run of them in a
     * register, adding in member order as one at a time would. */
    for (uint32_t i = 0; i < o->n;) {
        uint32_t t = o->team[i], run = i;
        double sum = team_sum[t];
        for (; i < o->n && o->team[i] == t; i++)
            sum += o->voice[i];
        team_sum[t] = sum;
        team_n[t] += i - run;
    }
    for (uint32_t t = 0; t < o->n_teams; t++)
        team_sum[t] = team_n[t] ? team_sum[t] / team_n[t] : 0.0;
    for (uint32_t i = 0; i < o->n; i++) {
        float v = o->voice[i];
        float climate = org_part + tw * (float)team_sum[o->team[i]];
        o->voice[i] = v + adapt * (climate - v);
    }
}
