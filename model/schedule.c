#include "schedule.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[STRATEGIES] = {
    "blame", "restructure", "takeover", "retained_ownership", "peer_challenge", "interim",
};

const char *strategy_name(enum strategy s)
{
    return s < STRATEGIES ? names[s] : "";
}

const char *strategy_names(void)
{
    return "none, blame, restructure, takeover, retained_ownership, peer_challenge, interim";
}

static const char *skip_space(const char *c)
{
    while (isspace((unsigned char)*c))
        c++;
    return c;
}

/* A whole number of months at *c, advancing past it; -1 with a message if not. */
static int read_months(const char **c, const char *what, char *msg, size_t len)
{
    const char *start = *c;
    char *end;
    errno = 0;
    long v = strtol(start, &end, 10);
    if (end == start || errno == ERANGE || v > 100000) {
        snprintf(msg, len, "expected %s as a whole number of months, found '%.20s'", what, start);
        return -1;
    }
    if (v < 0) {
        snprintf(msg, len, "%s must not be negative, found %ld", what, v);
        return -1;
    }
    *c = end;
    return (int)v;
}

/* One phase: strategies joined by '+', then an optional ":N" or "@a..[b]". */
static int parse_phase(const char **cursor, struct phase *ph, int *explicit_window, char *msg, size_t len)
{
    const char *c = skip_space(*cursor);
    ph->strategies = 0;
    for (;;) {
        size_t n = 0;
        while (c[n] && (isalnum((unsigned char)c[n]) || c[n] == '_'))
            n++;
        if (n == 0) {
            snprintf(msg, len, "expected a strategy (%s), found '%.20s'", strategy_names(), c);
            return -1;
        }
        int found = -1;
        for (int s = 0; s < STRATEGIES; s++)
            if (strlen(names[s]) == n && strncmp(names[s], c, n) == 0)
                found = s;
        if (found < 0 && !(n == 4 && strncmp(c, "none", 4) == 0)) {
            snprintf(msg, len, "unknown strategy '%.*s'; known strategies: %s", (int)n, c, strategy_names());
            return -1;
        }
        if (found >= 0)
            ph->strategies |= 1u << found;
        c = skip_space(c + n);
        if (*c != '+')
            break;
        c = skip_space(c + 1);
    }
    *explicit_window = 0;
    ph->start = 0;
    ph->end = SCHEDULE_OPEN;
    if (*c == ':') {
        c = skip_space(c + 1);
        int months = read_months(&c, "a phase's length", msg, len);
        if (months < 0)
            return -1;
        if (months == 0) {
            snprintf(msg, len, "a phase's length must be at least 1 month, found 0");
            return -1;
        }
        ph->end = months;   /* a length for now; made a window by the caller */
    } else if (*c == '@') {
        *explicit_window = 1;
        c = skip_space(c + 1);
        if (*c == '-') {
            snprintf(msg, len, "a phase's start must not be negative, found '%.20s'", c);
            return -1;
        }
        int start = read_months(&c, "a phase's start", msg, len);
        if (start < 0)
            return -1;
        if (strncmp(c, "..", 2) != 0) {
            snprintf(msg, len, "expected '..' after a phase's start (e.g. takeover@0..18), found '%.20s'", c);
            return -1;
        }
        c = skip_space(c + 2);
        ph->start = start;
        if (*c && *c != ',') {
            if (*c == '-') {
                snprintf(msg, len, "a phase's end must not be negative, found '%.20s'", c);
                return -1;
            }
            int end = read_months(&c, "a phase's end", msg, len);
            if (end < 0)
                return -1;
            if (end <= start) {
                snprintf(msg, len, "a phase must end after it starts, found @%d..%d", start, end);
                return -1;
            }
            ph->end = end;
        }
    }
    *cursor = skip_space(c);
    return 0;
}

int schedule_parse(const char *text, struct schedule *s, char *msg, size_t len)
{
    memset(s, 0, sizeof *s);
    const char *c = skip_space(text);
    if (*c == '\0') {
        snprintf(msg, len, "expected a strategy (%s), found nothing", strategy_names());
        return -1;
    }
    int windows = -1;   /* whether phases use explicit windows; all or none must */
    int next_start = 0;
    while (*c) {
        if (s->n == SCHEDULE_PHASES_MAX) {
            snprintf(msg, len, "at most %d phases, found more", SCHEDULE_PHASES_MAX);
            return -1;
        }
        struct phase ph;
        int explicit_window;
        if (parse_phase(&c, &ph, &explicit_window, msg, len))
            return -1;
        if (windows >= 0 && windows != explicit_window) {
            snprintf(msg, len, "give every phase a window (@start..end) or none of them");
            return -1;
        }
        windows = explicit_window;
        if (!explicit_window) {
            if (next_start == SCHEDULE_OPEN) {
                snprintf(msg, len, "only the last phase may be open-ended; give the earlier ones a length (e.g. takeover:18)");
                return -1;
            }
            int length = ph.end;
            ph.start = next_start;
            ph.end = length == SCHEDULE_OPEN ? SCHEDULE_OPEN : next_start + length;
            next_start = ph.end;
        } else if (s->n > 0) {
            const struct phase *prev = &s->phase[s->n - 1];
            if (prev->end == SCHEDULE_OPEN || ph.start < prev->end) {
                char prev_end[16] = "";
                if (prev->end != SCHEDULE_OPEN)
                    snprintf(prev_end, sizeof prev_end, "%d", prev->end);
                snprintf(msg, len,
                         "phases overlap: phase %d (@%d..%s) and phase %d (@%d..); strategies meant to act "
                         "together are joined with '+' in one phase",
                         s->n, prev->start, prev_end, s->n + 1, ph.start);
                return -1;
            }
        }
        if (ph.strategies)
            s->phase[s->n++] = ph;
        else if (ph.end == SCHEDULE_OPEN && s->n == 0 && *c == '\0')
            break;   /* "none": the control arm */
        else
            s->phase[s->n++] = ph;   /* an explicit pause between phases */
        if (*c == ',')
            c = skip_space(c + 1);
        else if (*c) {
            snprintf(msg, len, "expected ',' between phases or '+' between strategies, found '%.20s'", c);
            return -1;
        }
    }
    return 0;
}

int schedule_is_control(const char *text)
{
    struct schedule s;
    char why[200];
    return schedule_parse(text, &s, why, sizeof why) == 0 && s.n == 0;
}

unsigned schedule_active(const struct schedule *s, int m)
{
    for (int i = 0; i < s->n; i++)
        if (m >= s->phase[i].start && (s->phase[i].end == SCHEDULE_OPEN || m < s->phase[i].end))
            return s->phase[i].strategies;
    return 0;
}

int schedule_end(const struct schedule *s)
{
    int end = 0;
    for (int i = 0; i < s->n; i++) {
        if (s->phase[i].end == SCHEDULE_OPEN)
            return SCHEDULE_OPEN;
        if (s->phase[i].end > end)
            end = s->phase[i].end;
    }
    return end;
}

int exit_parse(const char *text, struct exit_test *e, char *msg, size_t len)
{
    const char *c = skip_space(text);
    e->months = 0;
    if (strncmp(c, "fixed", 5) == 0) {
        e->kind = EXIT_FIXED;
        c = skip_space(c + 5);
        if (*c != ':') {
            snprintf(msg, len, "exit test 'fixed' needs its number of months, e.g. fixed:36, found '%s'", text);
            return -1;
        }
        c = skip_space(c + 1);
        int months = read_months(&c, "the months of a fixed exit", msg, len);
        if (months < 0)
            return -1;
        if (months == 0 || *skip_space(c)) {
            snprintf(msg, len, "exit test 'fixed' needs a whole number of months of at least 1, e.g. fixed:36, "
                               "found '%s'", text);
            return -1;
        }
        e->months = months;
        return 0;
    }
    size_t n = strlen(c);
    while (n > 0 && isspace((unsigned char)c[n - 1]))
        n--;
    if (n == 6 && strncmp(c, "rating", 6) == 0) {
        e->kind = EXIT_RATING;
        return 0;
    }
    if (n == 8 && strncmp(c, "improved", 8) == 0) {
        e->kind = EXIT_IMPROVED;
        return 0;
    }
    if (n == 10 && strncmp(c, "capability", 10) == 0) {
        e->kind = EXIT_CAPABILITY;
        return 0;
    }
    snprintf(msg, len, "unknown exit test '%s'; known: fixed:MONTHS, rating, improved, capability", text);
    return -1;
}
