#include "style.h"

#include <stdint.h>
#include <string.h>

/* Okabe & Ito (2008). Black is the control arm's; yellow, the palette's
 * faintest on white, is left to combinations. */
static const struct {
    const char *name, *colour;
} named[] = {
    { "none", "#000000" },           { "takeover", "#D55E00" },  { "retained_ownership", "#0072B2" },
    { "peer_challenge", "#009E73" }, { "interim", "#E69F00" },   { "blame", "#CC79A7" },
    { "restructure", "#56B4E9" },
};

static const char *const dashes[] = { "2", "4", "5", "(30,10)" };
static const char *const hues[] = { "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7" };
#define HUES (sizeof hues / sizeof hues[0])
#define DASHES (sizeof dashes / sizeof dashes[0])

/* A schedule names one strategy alone when it is one word of [a-z_],
 * optionally followed by its term (":24") or exit (" / capability"). */
static size_t single_strategy(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
    const char *rest = s + n;
    if (n == 0 || strpbrk(rest, "+,;"))
        return 0;
    return n;
}

/* The colour of a strategy alone, by the first n characters of name, or NULL. */
static const char *named_colour(const char *name, size_t n)
{
    for (size_t i = 0; n && i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == n && strncmp(named[i].name, name, n) == 0)
            return named[i].colour;
    return NULL;
}

struct style style_of(const char *strategy)
{
    const char *alone = named_colour(strategy, single_strategy(strategy));
    if (alone)
        return (struct style){ alone, "1", 0 };
    /* A combination: a hue none of its parts has, chosen by FNV-1a of the
     * name (the same name, the same look, on every machine). */
    const char *hue[HUES];
    size_t n = 0;
    for (size_t k = 0; k < HUES; k++) {
        int part = 0;
        for (const char *c = strategy; *c && !part;) {
            size_t w = strspn(c, "abcdefghijklmnopqrstuvwxyz_");
            const char *colour = named_colour(c, w);
            part = colour && strcmp(colour, hues[k]) == 0;
            c += w ? w : 1;
        }
        if (!part)
            hue[n++] = hues[k];
    }
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)strategy; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    return (struct style){ n ? hue[h % n] : hues[h % HUES], dashes[h / HUES % DASHES],
                           4 + (int)(h / (HUES * DASHES) % 4) };
}

void style_line(FILE *gp, const char *strategy)
{
    struct style s = style_of(strategy);
    fprintf(gp, " lc rgb '%s' dt %s", s.colour, s.dash);
}
