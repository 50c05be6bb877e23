/* serve: the teaching page's server (serve.h). One thread per connection
 * (libmicrohttpd); one thread per run, which waits for its child process
 * and then draws the charts. The charts are drawn one at a time (the
 * drawing mutex): plots/ keeps its view in a static. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../plots/report.h"
#include "archive.h"
#include "folder.h"
#include "gnuplot.h"
#include "params.h"
#include "plot.h"
#include "run.h"
#include "schedule.h"
#include "serve_assets.h"
#include "settings.h"
#include "style.h"

extern char **environ;

#define JOBS_KEPT 16          /* finished runs kept for the pages (before and after); the oldest goes */
#define BODY_MAX 65536        /* a request's body */
#define SETS_MAX 64           /* assignments in one request */
#define FIELD_MAX 600         /* one field of a request */
#define FILE_MAX (64u << 20)  /* a file served */

/* The assumptions that decide between strategies: the page's sliders, in
 * this order. Their ranges, units and meanings come from the parameter
 * table; the page may set any other parameter too, checked the same way. */
static const char *const key_params[] = {
    "run.reps", "run.months", "intervention.knowledge", "takeover.internalisation", "takeover.suppression",
    "ownership.coaching", "ownership.ties", "peers.decay", "peers.learning", "focal.openness",
    "focal.tie_strength", "staff.turnover", "intervention.delay",
};
#define KEY_COUNT (sizeof key_params / sizeof key_params[0])

/* ---- text that grows --------------------------------------------------- */

struct buf {
    char *s;
    size_t n, cap;
    int failed;   /* memory ran out or a size overflowed: the text is incomplete */
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n > SIZE_MAX - b->n - 1) {
        b->failed = 1;
        return;
    }
    size_t need = b->n + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need) {
            if (cap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *s2 = realloc(b->s, cap);
        if (!s2) {
            b->failed = 1;
            return;
        }
        b->s = s2;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)k < sizeof small) {
        buf_add(b, small, (size_t)k);
        return;
    }
    char *big = malloc((size_t)k + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)k);
    free(big);
}

/* s as a JSON string, quotes included; '<' escaped too, so that no text
 * from a file can close a script element. */
static void buf_json(struct buf *b, const char *s)
{
    buf_add(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = { '\\', (char)*c };
            buf_add(b, e, 2);
        } else if (*c == '\n') {
            buf_add(b, "\\n", 2);
        } else if (*c < 0x20 || *c == '<' || *c == 0x7f) {
            buf_printf(b, "\\u%04x", *c);
        } else {
            buf_add(b, (const char *)c, 1);
        }
    }
    buf_add(b, "\"", 1);
}

/* A number as JSON: NaN and infinities have no JSON form. */
static void buf_number(struct buf *b, double x)
{
    if (x != x || x > 1e308 || x < -1e308)
        buf_str(b, "null");
    else
        buf_printf(b, "%.10g", x);
}

/* The whole of a regular file (no symbolic link followed), at most max
 * bytes, NUL-terminated; NULL with errno set otherwise. */
static char *slurp(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EISDIR : (uintmax_t)st.st_size > max ? EFBIG : 0;
    if (e) {
        close(fd);
        errno = e;
        return NULL;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *s = malloc(size + 1);
    while (s && got < size) {
        ssize_t k = read(fd, s + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (!s)
        return NULL;
    s[got] = '\0';
    if (len)
        *len = got;
    return s;
}

/* ---- requests ---------------------------------------------------------- */

/* A form (application/x-www-form-urlencoded) as the page sends it. */
struct form {
    char page[64];                      /* the page's own random name: one run at a time each */
    char scenario[256];
    char arms[SERVE_ARMS_MAX + 1][FIELD_MAX];
    size_t n_arms;
    char schedule[FIELD_MAX];           /* one more arm, written as a schedule; "" for none */
    char sets[SETS_MAX][FIELD_MAX];     /* "path=value" */
    size_t n_sets;
    char error[256];                    /* why the form itself is malformed, or "" */
};

static int hex_digit(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode src[0..n) (percent escapes, '+' a space) into out: -1 when it does
 * not fit, holds a bad escape or a control character. */
static int form_decode(const char *src, size_t n, char *out, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hex_digit((unsigned char)src[i + 1]) : -1;
            int lo = i + 2 < n ? hex_digit((unsigned char)src[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || w + 1 >= len)
            return -1;
        out[w++] = (char)c;
    }
    out[w] = '\0';
    return 0;
}

static void form_parse(struct form *f, const char *body)
{
    memset(f, 0, sizeof *f);
    for (const char *p = body; p && *p;) {
        const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        char key[32], value[FIELD_MAX];
        if (!eq || form_decode(p, (size_t)(eq - p), key, sizeof key) || form_decode(eq + 1, (size_t)(end - eq - 1), value, sizeof value)) {
            snprintf(f->error, sizeof f->error, "a field of the form is malformed or longer than %d characters", FIELD_MAX - 1);
            return;
        }
        if (strcmp(key, "page") == 0 || strcmp(key, "scenario") == 0) {
            /* a name cut short would be another page or scenario: refused */
            int page = key[0] == 'p';
            char *to = page ? f->page : f->scenario;
            size_t room = page ? sizeof f->page : sizeof f->scenario;
            if (strlen(value) >= room) {
                snprintf(f->error, sizeof f->error, "the %s's name is longer than %zu characters", key, room - 1);
                return;
            }
            memcpy(to, value, strlen(value) + 1);
        } else if (strcmp(key, "schedule") == 0) {
            snprintf(f->schedule, sizeof f->schedule, "%s", value);
        } else if (strcmp(key, "arm") == 0) {
            if (f->n_arms == SERVE_ARMS_MAX + 1) {
                snprintf(f->error, sizeof f->error, "more than %d arms", SERVE_ARMS_MAX);
                return;
            }
            snprintf(f->arms[f->n_arms++], FIELD_MAX, "%s", value);
        } else if (strcmp(key, "set") == 0) {
            if (f->n_sets == SETS_MAX) {
                snprintf(f->error, sizeof f->error, "more than %d values set", SETS_MAX);
                return;
            }
            snprintf(f->sets[f->n_sets++], FIELD_MAX, "%s", value);
        } else {
            snprintf(f->error, sizeof f->error, "unknown field '%.40s'", key);
            return;
        }
        p = amp ? amp + 1 : NULL;
    }
}

/* ---- the server's state ------------------------------------------------ */

enum job_state { JOB_RUNNING, JOB_DRAWING, JOB_DONE, JOB_FAILED, JOB_CANCELLED };
static const char *const state_names[] = { "running", "drawing", "done", "failed", "cancelled" };

struct job {
    unsigned id;                 /* 0: a free slot */
    char page[64];
    char scenario[256];
    char dir[1200];              /* ROOT/run-ID: results/, frames/, child.log */
    char strategies[FIELD_MAX * 2];
    int months;
    enum job_state state;
    int cancel;                  /* asked to stop */
    int users;                   /* requests reading its files: not removed meanwhile */
    pid_t pid;
    char message[2048];          /* why it failed */
    double seconds;
    pthread_t thread;
    int joinable;
    char **argv;                 /* the child's command line */
    struct server *sv;           /* the server it belongs to, for its thread */
};

struct server {
    const struct serve_options *o;
    char root[1100];             /* the temporary folder of every run */
    pthread_mutex_t lock;        /* jobs and next_id */
    pthread_mutex_t draw;        /* one chart drawn at a time */
    struct job jobs[JOBS_KEPT];
    unsigned next_id;
    char *params_json, *scenarios_json;
    int loopback;                /* listening on a loopback address: Host must name one */
};

static int job_final(const struct job *j)
{
    return j->state == JOB_DONE || j->state == JOB_FAILED || j->state == JOB_CANCELLED;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* ---- the parameter table and the scenarios, as JSON -------------------- */

static const char *type_word(enum param_type t)
{
    return t == PARAM_INT || t == PARAM_INT64 ? "integer" : t == PARAM_REAL ? "real" : t == PARAM_STRING ? "text" : "choice";
}

static char *params_json(void)
{
    struct buf b = { 0 };
    buf_str(&b, "{\"params\":[");
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *d = &params_table[i];
        buf_str(&b, i ? ",{\"path\":" : "{\"path\":");
        buf_json(&b, d->path);
        buf_str(&b, ",\"type\":");
        buf_json(&b, type_word(d->type));
        buf_str(&b, ",\"unit\":");
        buf_json(&b, d->unit);
        buf_str(&b, ",\"meaning\":");
        buf_json(&b, d->doc);
        if (d->type == PARAM_INT || d->type == PARAM_INT64 || d->type == PARAM_REAL) {
            buf_str(&b, ",\"min\":");
            buf_number(&b, d->min);
            buf_str(&b, ",\"max\":");
            buf_number(&b, d->max);
        }
        double cap = strcmp(d->path, "run.reps") == 0 ? SERVE_REPS_MAX : strcmp(d->path, "run.months") == 0 ? SERVE_MONTHS_MAX : -1;
        if (cap > 0)
            buf_printf(&b, ",\"cap\":%g", cap);
        long key = -1;
        for (size_t k = 0; k < KEY_COUNT; k++)
            if (strcmp(key_params[k], d->path) == 0)
                key = (long)k;
        if (key >= 0)
            buf_printf(&b, ",\"key\":%ld", key);
        buf_str(&b, "}");
    }
    buf_str(&b, "],\"strategies\":[\"none\"");
    for (int s = 0; s < STRATEGIES; s++) {
        buf_str(&b, ",");
        buf_json(&b, strategy_name((enum strategy)s));
    }
    /* each strategy's colour and dash type in the charts (plots/style.c), for the page's legend */
    buf_str(&b, "],\"styles\":{");
    for (int k = -1; k < STRATEGIES; k++) {
        const char *name = k < 0 ? "none" : strategy_name((enum strategy)k);
        struct style st = style_of(name);
        buf_str(&b, k < 0 ? "" : ",");
        buf_json(&b, name);
        buf_str(&b, ":{\"colour\":");
        buf_json(&b, st.colour);
        buf_str(&b, ",\"dash\":");
        buf_json(&b, st.dash);
        buf_str(&b, "}");
    }
    buf_printf(&b, "},\"limits\":{\"reps\":%d,\"months\":%d,\"arms\":%d,\"staff\":%d,\"agent_months\":%g,"
               "\"running\":%d,\"seconds\":%d}}",
               SERVE_REPS_MAX, SERVE_MONTHS_MAX, SERVE_ARMS_MAX, SERVE_STAFF_MAX, SERVE_AGENT_MONTHS_MAX,
               SERVE_RUNNING_MAX, SERVE_RUN_SECONDS);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* One scenario: its name, title, story and the value of every parameter. */
static int scenario_json(struct buf *b, const struct serve_scenario *sc, struct diag *d)
{
    struct settings s;
    if (settings_init(&s))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    if (settings_load(&s, sc->path, d)) {
        settings_free(&s);
        return -1;
    }
    char *story = report_opening_comment(sc->path);
    buf_str(b, "{\"name\":");
    buf_json(b, sc->name);
    buf_str(b, ",\"title\":");
    buf_json(b, s.p.title);
    buf_str(b, ",\"story\":");
    buf_json(b, story ? story : "");
    free(story);
    buf_str(b, ",\"values\":{");
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *p = &params_table[i];
        buf_str(b, i ? "," : "");
        buf_json(b, p->path);
        buf_str(b, ":");
        if (p->type == PARAM_STRING)
            buf_json(b, params_get_string(&s.p, p));
        else if (p->type == PARAM_CHOICE)
            buf_json(b, params_choice_name(p, (int)params_get_number(&s.p, p)));
        else if (p->type == PARAM_INT64)
            buf_printf(b, "%lld", (long long)params_get_int64(&s.p, p));
        else
            buf_number(b, params_get_number(&s.p, p));
    }
    buf_str(b, "}}");
    settings_free(&s);
    return 0;
}

/* Every scenario the page offers; one that does not load is left out with a
 * warning, unless it is the one asked for, which is an error. */
static char *scenarios_json(const struct serve_options *o, struct diag *d)
{
    struct buf b = { 0 };
    buf_printf(&b, "{\"first\":");
    buf_json(&b, o->scenarios[o->first].name);
    buf_str(&b, ",\"scenarios\":[");
    int any = 0;
    for (size_t i = 0; i < o->n_scenarios; i++) {
        struct buf one = { 0 };
        struct diag why = { 0 };
        if (scenario_json(&one, &o->scenarios[i], &why) == 0 && !one.failed) {
            buf_str(&b, any ? "," : "");
            buf_add(&b, one.s, one.n);
            any = 1;
        } else if (i == o->first) {
            free(one.s);
            free(b.s);
            *d = why;
            if (!d->msg[0])
                diag_fail(d, EXIT_INPUT, "out of memory");
            return NULL;
        } else if (!o->quiet) {
            fprintf(stderr, "turnaround: serve: warning: scenario '%s' left out: %s\n", o->scenarios[i].name, why.msg);
        }
        free(one.s);
    }
    buf_str(&b, "]}");
    if (b.failed) {
        free(b.s);
        diag_fail(d, EXIT_INPUT, "out of memory");
        return NULL;
    }
    return b.s;
}

/* ---- checking a request ------------------------------------------------ */

/* What is wrong with a request, each under the field of the page it
 * belongs to (a parameter's path, "arms", "schedule", "scenario" or
 * "form"), as JSON: {"errors":[{"field":..,"message":..}, ...]}. */
struct verdict {
    struct buf errors;
    size_t n;
};

static void refuse(struct verdict *v, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(struct verdict *v, const char *field, const char *fmt, ...)
{
    char msg[2400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    buf_str(&v->errors, v->n++ ? ",{\"field\":" : "{\"field\":");
    buf_json(&v->errors, field);
    buf_str(&v->errors, ",\"message\":");
    buf_json(&v->errors, msg);
    buf_str(&v->errors, "}");
}

static const struct serve_scenario *scenario_named(const struct serve_options *o, const char *name)
{
    for (size_t i = 0; i < o->n_scenarios; i++)
        if (strcmp(o->scenarios[i].name, name) == 0)
            return &o->scenarios[i];
    return NULL;
}

/* The message of a diag as the page shows it beside the field it names:
 * without the "--set PATH=VALUE: " that the command line puts first. */
static const char *diag_text(const struct diag *d)
{
    const char *c = d->msg;
    if (strncmp(c, "--set ", 6) == 0 && strstr(c, ": "))   /* "--set a.b=1.5: a.b: expected ...": beside a.b's slider */
        c = strstr(c, ": ") + 2;
    return c;
}

/* Check f as 'turnaround compare' would check the same command line, and
 * the limits on a request besides; fill strategies with the arms as
 * --strategies takes them and *months with the run's length. Returns the
 * number of problems (in v). */
static size_t check_form(const struct serve_options *o, const struct form *f, struct verdict *v,
                         const struct serve_scenario **scenario, char *strategies, size_t len, int *months)
{
    if (f->error[0]) {
        refuse(v, "form", "%s", f->error);
        return v->n;
    }
    const struct serve_scenario *sc = scenario_named(o, f->scenario);
    *scenario = sc;
    if (!sc) {
        refuse(v, "scenario", "no scenario named '%s' is offered here", f->scenario);
        return v->n;
    }
    struct settings s;
    if (settings_init(&s)) {
        refuse(v, "form", "out of memory");
        return v->n;
    }
    struct diag d = { 0 };
    if (settings_load(&s, sc->path, &d)) {
        refuse(v, "scenario", "%s", diag_text(&d));
        settings_free(&s);
        return v->n;
    }
    for (size_t i = 0; i < f->n_sets; i++) {
        const char *eq = strchr(f->sets[i], '=');
        char path[FIELD_MAX];
        snprintf(path, sizeof path, "%.*s", eq ? (int)(eq - f->sets[i]) : (int)strlen(f->sets[i]), f->sets[i]);
        d.msg[0] = '\0';
        if (settings_assign(&s, f->sets[i], &d))   /* the code of --set, and its words */
            refuse(v, params_find(path) ? path : "form", "%s", diag_text(&d));
    }
    /* The arms: the boxes ticked, then the schedule typed, as one list. */
    size_t used = 0;
    strategies[0] = '\0';
    size_t n_arms = f->n_arms + (f->schedule[0] != '\0');
    if (n_arms == 0)
        refuse(v, "arms", "no arm is chosen: tick at least one strategy or write a schedule");
    if (n_arms > SERVE_ARMS_MAX)
        refuse(v, "arms", "%zu arms chosen; at most %d run at once here", n_arms, SERVE_ARMS_MAX);
    for (size_t i = 0; i < n_arms && n_arms <= SERVE_ARMS_MAX; i++) {
        const char *arm = i < f->n_arms ? f->arms[i] : f->schedule;
        const char *field = i < f->n_arms ? "arms" : "schedule";
        struct arm one;
        d.msg[0] = '\0';
        if (strchr(arm, ';'))
            refuse(v, field, "'%s' holds a ';', which separates arms: write one schedule", arm);
        else if (run_parse_arms(&s.p, arm, &one, 1, &d) != 1)
            refuse(v, field, "%s", d.msg[0] ? diag_text(&d) : "not one schedule");
        int k = snprintf(strategies + used, len - used, "%s%s", i ? "; " : "", arm);
        if (k < 0 || (size_t)k >= len - used) {
            refuse(v, field, "the arms are too long together");
            break;
        }
        used += (size_t)k;
    }
    if (v->n == 0) {
        d.msg[0] = '\0';
        if (settings_check(&s, &d)) {   /* beside the parameter the message begins with, where it does */
            const char *text = diag_text(&d);
            char path[FIELD_MAX];
            snprintf(path, sizeof path, "%.*s", (int)strcspn(text, ":"), text);
            refuse(v, params_find(path) ? path : "form", "%s", text);
        }
    }
    /* The limits: one click must not stall the machine. */
    const struct params *p = &s.p;
    if (p->run_reps > SERVE_REPS_MAX)
        refuse(v, "run.reps", "run.reps = %d: at most %d replications run here (the command line has no limit)",
               p->run_reps, SERVE_REPS_MAX);
    if (p->run_months > SERVE_MONTHS_MAX)
        refuse(v, "run.months", "run.months = %d: at most %d months run here (the command line has no limit)",
               p->run_months, SERVE_MONTHS_MAX);
    double staff = (double)p->org_staff * (p->sector_orgs - (p->focal_name[0] ? 1 : 0)) + (p->focal_name[0] ? p->focal_staff : 0);
    double work = staff * (double)(n_arms ? n_arms : 1) * p->run_reps * p->run_months;
    if (staff > SERVE_STAFF_MAX)
        refuse(v, "sector.orgs", "%g staff in the sector (sector.orgs x org.staff): at most %d run here", staff,
               SERVE_STAFF_MAX);
    else if (work > SERVE_AGENT_MONTHS_MAX && p->run_reps <= SERVE_REPS_MAX && p->run_months <= SERVE_MONTHS_MAX)
        refuse(v, "run.reps", "%.3g agent-months (arms x replications x months x staff): at most %.3g run here; "
               "fewer replications, months or arms", work, SERVE_AGENT_MONTHS_MAX);
    *months = p->run_months;
    settings_free(&s);
    return v->n;
}

/* ---- a run ------------------------------------------------------------- */

static char **child_argv(const char *program, const char *scenario, const char *out, const char *strategies,
                         const struct form *f)
{
    size_t n = 9 + 2 * f->n_sets + 1;
    char **argv = calloc(n, sizeof *argv);
    if (!argv)
        return NULL;
    const char *fixed[] = { program, "compare", scenario, "--quiet", "--no-plot", "--out", out, "--strategies", strategies };
    size_t k = 0;
    for (; k < 9; k++)
        if (!(argv[k] = strdup(fixed[k])))
            goto oom;
    for (size_t i = 0; i < f->n_sets; i++) {
        if (!(argv[k++] = strdup("--set")) || !(argv[k++] = strdup(f->sets[i])))
            goto oom;
    }
    return argv;
oom:
    free_argv(argv);
    return NULL;
}

/* The last lines of the child's error output: what turnaround said. */
static void child_message(const char *log, char *out, size_t len)
{
    char *text = slurp(log, 1 << 20, NULL);
    if (!text || !text[0]) {
        snprintf(out, len, "the run failed and said nothing");
    } else {
        size_t n = strlen(text);
        while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
            text[--n] = '\0';
        snprintf(out, len, "%s", n > len - 1 ? text + n - (len - 1) : text);
    }
    free(text);
}

static void set_state(struct server *sv, struct job *j, enum job_state st, const char *msg)
{
    pthread_mutex_lock(&sv->lock);
    j->state = st;
    if (msg)
        snprintf(j->message, sizeof j->message, "%.2000s", msg);
    pthread_mutex_unlock(&sv->lock);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A run's thread: the child 'turnaround compare', watched until it ends,
 * is cancelled or runs out of time; then its charts as SVG. */
static void *job_main(void *arg)
{
    struct job *j = arg;
    struct server *sv = j->sv;
    const double t0 = now_s();
    char log[1300];
    snprintf(log, sizeof log, "%s/child.log", j->dir);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &defaults);
    posix_spawnattr_setpgroup(&at, 0);
    pid_t pid;
    int err = posix_spawn(&pid, j->argv[0], &fa, &at, j->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (err) {
        char msg[1400];
        snprintf(msg, sizeof msg, "cannot start '%s': %s", j->argv[0], strerror(err));
        set_state(sv, j, JOB_FAILED, msg);
        return NULL;
    }
    pthread_mutex_lock(&sv->lock);
    j->pid = pid;
    pthread_mutex_unlock(&sv->lock);
    int status = 0, signalled = 0, timed_out = 0;
    double killed_at = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        pthread_mutex_lock(&sv->lock);
        int cancel = j->cancel;
        pthread_mutex_unlock(&sv->lock);
        timed_out |= now_s() - t0 > SERVE_RUN_SECONDS;
        if ((cancel || timed_out || *sv->o->stop) && !signalled) {
            kill(-pid, SIGTERM);   /* the child removes its partial results itself */
            signalled = 1;
            killed_at = now_s();
        } else if (signalled && now_s() - killed_at > 5.0) {
            kill(-pid, SIGKILL);
        }
        struct timespec nap = { 0, 20 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    pthread_mutex_lock(&sv->lock);
    j->pid = 0;
    int cancel = j->cancel;
    pthread_mutex_unlock(&sv->lock);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char msg[2048];
        if (timed_out)
            snprintf(msg, sizeof msg, "stopped after %d s, the longest a run may take here", SERVE_RUN_SECONDS);
        else if (cancel || *sv->o->stop)
            snprintf(msg, sizeof msg, "cancelled");
        else
            child_message(log, msg, sizeof msg);
        set_state(sv, j, cancel && !timed_out ? JOB_CANCELLED : JOB_FAILED, msg);
        return NULL;
    }
    set_state(sv, j, JOB_DRAWING, NULL);
    char results[1300], why[4096];
    snprintf(results, sizeof results, "%s/results", j->dir);
    const struct plot_options po = { "svg", NULL, -1.0, NULL };
    pthread_mutex_lock(&sv->draw);
    int failed = plot_results(results, &po, why, sizeof why);
    pthread_mutex_unlock(&sv->draw);
    pthread_mutex_lock(&sv->lock);
    j->seconds = now_s() - t0;
    pthread_mutex_unlock(&sv->lock);
    set_state(sv, j, failed ? JOB_FAILED : JOB_DONE, failed ? why : NULL);
    return NULL;
}

/* A free slot, the oldest finished run (no request reading it) removed to
 * make one where needed; NULL when every slot holds a live run. With the
 * lock held; the slot's thread is joined without it, the run being final. */
static struct job *take_slot(struct server *sv)
{
    struct job *oldest = NULL;
    for (size_t i = 0; i < JOBS_KEPT; i++) {
        struct job *j = &sv->jobs[i];
        if (j->id == 0)
            return j;
        if (job_final(j) && j->users == 0 && (!oldest || j->id < oldest->id))
            oldest = j;
    }
    if (!oldest)
        return NULL;
    if (oldest->joinable)
        pthread_join(oldest->thread, NULL);   /* final: its thread has returned or is returning */
    folder_remove_tree(oldest->dir);
    free_argv(oldest->argv);
    memset(oldest, 0, sizeof *oldest);
    return oldest;
}

/* ---- responses ----------------------------------------------------------- */

struct request {
    struct buf body;
    int too_large;
};

static enum MHD_Result respond(struct MHD_Connection *con, unsigned status, const char *type, char *data, size_t n,
                               const char *filename)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    if (filename) {
        char cd[400];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", filename);
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    enum MHD_Result ok = MHD_queue_response(con, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result respond_text(struct MHD_Connection *con, unsigned status, const char *type, const char *text)
{
    char *copy = strdup(text);
    if (!copy)
        return MHD_NO;
    return respond(con, status, type, copy, strlen(copy), NULL);
}

/* An error as JSON: {"errors":[{"field":"form","message":...}]}. */
static enum MHD_Result respond_error(struct MHD_Connection *con, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result respond_error(struct MHD_Connection *con, unsigned status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct verdict v = { { 0 }, 0 };
    refuse(&v, "form", "%s", msg);
    struct buf b = { 0 };
    buf_str(&b, "{\"errors\":[");
    buf_add(&b, v.errors.s ? v.errors.s : "", v.errors.n);
    buf_str(&b, "]}");
    free(v.errors.s);
    if (b.failed) {
        free(b.s);
        return MHD_NO;
    }
    return respond(con, status, "application/json", b.s, b.n, NULL);
}

static enum MHD_Result respond_buf(struct MHD_Connection *con, unsigned status, const char *type, struct buf *b)
{
    if (b->failed) {
        free(b->s);
        return respond_error(con, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    }
    if (!b->s)
        buf_str(b, "");
    return respond(con, status, type, b->s, b->n, NULL);
}

/* ---- the results of a run, as files and as one .tar -------------------- */

/* A name of a results file the page may ask for: WORD.csv, WORD.txt,
 * WORD.cfg or plots/WORD.svg, WORD of [a-z0-9_] alone, so that it never
 * leaves the folder. */
static int results_file_name(const char *name)
{
    const char *base = strncmp(name, "plots/", 6) == 0 ? name + 6 : name;
    size_t n = strspn(base, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (n == 0)
        return 0;
    const char *ext = base + n;
    if (base != name)
        return strcmp(ext, ".svg") == 0;
    return strcmp(ext, ".csv") == 0 || strcmp(ext, ".txt") == 0 || strcmp(ext, ".cfg") == 0;
}

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    return !dot ? "application/octet-stream" : strcmp(dot, ".svg") == 0 ? "image/svg+xml"
         : strcmp(dot, ".csv") == 0 ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
}

/* The job with this id, marked in use (release with job_release); NULL when none. */
static struct job *job_use(struct server *sv, unsigned long id)
{
    struct job *found = NULL;
    pthread_mutex_lock(&sv->lock);
    for (size_t i = 0; i < JOBS_KEPT && !found; i++)
        if (sv->jobs[i].id != 0 && sv->jobs[i].id == id) {
            found = &sv->jobs[i];
            found->users++;
        }
    pthread_mutex_unlock(&sv->lock);
    return found;
}

static void job_release(struct server *sv, struct job *j)
{
    pthread_mutex_lock(&sv->lock);
    j->users--;
    pthread_mutex_unlock(&sv->lock);
}

/* The network and trajectories charts at one month, drawn once and kept
 * under the run's frames/MONTH/. */
static int draw_frame(struct server *sv, struct job *j, int month, char *err, size_t len)
{
    char dir[1300], path[1400];
    snprintf(dir, sizeof dir, "%s/frames/%d", j->dir, month);
    snprintf(path, sizeof path, "%s/trajectories.svg", dir);
    pthread_mutex_lock(&sv->draw);
    struct stat st;
    int rc = 0;
    if (stat(path, &st) != 0) {
        char results[1300], frames[1300];
        snprintf(results, sizeof results, "%s/results", j->dir);
        snprintf(frames, sizeof frames, "%s/frames", j->dir);
        struct results_view *v = malloc(sizeof *v);
        rc = !v || plot_view_load(v, results, err, len) ? -1 : 0;
        if (rc == 0 && ((mkdir(frames, 0755) != 0 && errno != EEXIST) || (mkdir(dir, 0755) != 0 && errno != EEXIST))) {
            snprintf(err, len, "cannot create '%.900s': %s", dir, strerror(errno));
            rc = -1;
        }
        if (rc == 0 && strlen(dir) >= sizeof v->plots) {
            snprintf(err, len, "the run's folder's name is too long");
            rc = -1;
        }
        if (rc == 0) {
            memcpy(v->plots, dir, strlen(dir) + 1);
            v->network_month = month;
            rc = plot_network(v, "svg", err, len);
            if (rc == 0)   /* trajectories.svg last: its presence says the frame is whole */
                rc = plot_trajectories_frame(v, "svg", month, err, len);
        }
        if (v)
            plot_view_free(v);
        free(v);
    }
    pthread_mutex_unlock(&sv->draw);
    return rc;
}

static enum MHD_Result serve_results(struct server *sv, struct MHD_Connection *con, const char *rest)
{
    char *end;
    errno = 0;
    unsigned long id = strtoul(rest, &end, 10);
    if (end == rest || *end != '/' || errno || rest[0] < '0' || rest[0] > '9')
        return respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    const char *name = end + 1;
    struct job *j = job_use(sv, id);
    if (!j)
        return respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "no such run (runs are kept while the server runs, the latest 16)\n");
    pthread_mutex_lock(&sv->lock);
    enum job_state st = j->state;
    char scenario[256];
    snprintf(scenario, sizeof scenario, "%s", j->scenario);
    int months = j->months;
    pthread_mutex_unlock(&sv->lock);
    enum MHD_Result ok;
    char path[2400];
    if (st != JOB_DONE) {
        ok = respond_text(con, MHD_HTTP_CONFLICT, "text/plain; charset=utf-8", "this run has no results (yet)\n");
    } else if (strcmp(name, "results.tar") == 0) {
        /* the archive's folder: the scenario's name, made safe for a header and a file name, then the run */
        char prefix[100], file[120];
        size_t k = 0;
        for (; scenario[k] && k < 60; k++)
            prefix[k] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", scenario[k]) ? scenario[k] : '_';
        snprintf(prefix + k, sizeof prefix - k, "-run%lu", id);
        snprintf(file, sizeof file, "%s.tar", prefix);
        snprintf(path, sizeof path, "%s/results", j->dir);
        char *data = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&data, &len);
        struct diag d = { 0 };
        int rc = f ? archive_folder(f, path, prefix, &d) : diag_fail(&d, EXIT_INPUT, "out of memory");
        if (f && fclose(f) != 0 && rc == 0)
            rc = diag_fail(&d, EXIT_INPUT, "out of memory");
        if (rc) {
            free(data);
            ok = respond_error(con, MHD_HTTP_INTERNAL_SERVER_ERROR, "run %lu: %s", id, d.msg);
        } else {
            ok = respond(con, MHD_HTTP_OK, "application/x-tar", data, len, file);
        }
    } else if (strncmp(name, "frame/", 6) == 0) {
        const char *m = name + 6;
        long month = strtol(m, &end, 10);
        const char *chart = end + 1;
        if (end == m || *end != '/' || m[0] < '0' || m[0] > '9' || month > months
            || (strcmp(chart, "network.svg") != 0 && strcmp(chart, "trajectories.svg") != 0)) {
            ok = respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
        } else {
            char why[1024];
            if (draw_frame(sv, j, (int)month, why, sizeof why) != 0) {
                ok = respond_error(con, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why);
            } else {
                snprintf(path, sizeof path, "%s/frames/%ld/%s", j->dir, month, chart);
                size_t len;
                char *data = slurp(path, FILE_MAX, &len);
                ok = data ? respond(con, MHD_HTTP_OK, "image/svg+xml", data, len, NULL)
                          : respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
            }
        }
    } else if (results_file_name(name)) {
        snprintf(path, sizeof path, "%s/results/%s", j->dir, name);
        size_t len;
        char *data = slurp(path, FILE_MAX, &len);
        const char *slash = strrchr(name, '/');
        ok = data ? respond(con, MHD_HTTP_OK, type_of(name), data, len,
                            strcmp(name, "config.cfg") == 0 ? (slash ? slash + 1 : name) : NULL)
                  : respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    } else {
        ok = respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    }
    job_release(sv, j);
    return ok;
}

/* ---- the API ------------------------------------------------------------- */

static void job_json(struct server *sv, struct job *j, struct buf *b)
{
    pthread_mutex_lock(&sv->lock);
    enum job_state st = j->state;
    buf_printf(b, "{\"id\":%u,\"state\":\"%s\",\"scenario\":", j->id, state_names[st]);
    buf_json(b, j->scenario);
    buf_printf(b, ",\"months\":%d,\"seconds\":%.2f,\"strategies\":", j->months, j->seconds);
    buf_json(b, j->strategies);
    buf_str(b, ",\"message\":");
    buf_json(b, j->message);
    pthread_mutex_unlock(&sv->lock);
    if (st == JOB_DONE) {
        static const char *const texts[] = { "takeaways.txt", "outcomes.txt" };
        for (size_t k = 0; k < 2; k++) {
            char path[1400];
            snprintf(path, sizeof path, "%s/results/%s", j->dir, texts[k]);
            char *t = slurp(path, 1 << 20, NULL);
            buf_str(b, k ? ",\"outcomes\":" : ",\"takeaways\":");
            buf_json(b, t ? t : "");
            free(t);
        }
        /* the charts drawn, and the arms as the results name them */
        buf_str(b, ",\"charts\":[");
        for (size_t k = 0, any = 0; k < plot_count; k++) {
            char path[1400];
            struct stat s;
            snprintf(path, sizeof path, "%s/results/plots/%s.svg", j->dir, plot_names[k]);
            if (stat(path, &s) == 0) {
                buf_str(b, any++ ? "," : "");
                buf_json(b, plot_names[k]);
            }
        }
        buf_str(b, "]");
    }
    buf_str(b, "}");
}

static enum MHD_Result api_run(struct server *sv, struct MHD_Connection *con, const char *body, int check_only)
{
    struct form *f = malloc(sizeof *f);   /* too big for a connection thread's stack */
    if (!f)
        return respond_error(con, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    form_parse(f, body);
    struct verdict v = { { 0 }, 0 };
    const struct serve_scenario *sc = NULL;
    char strategies[FIELD_MAX * 2];
    int months = 0;
    check_form(sv->o, f, &v, &sc, strategies, sizeof strategies, &months);
    if (v.n || check_only) {
        struct buf b = { 0 };
        buf_str(&b, "{\"errors\":[");
        buf_add(&b, v.errors.s ? v.errors.s : "", v.errors.n);
        buf_str(&b, "]}");
        free(v.errors.s);
        free(f);
        return respond_buf(con, v.n ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK, "application/json", &b);
    }
    free(v.errors.s);
    if (!f->page[0]) {
        free(f);
        return respond_error(con, MHD_HTTP_BAD_REQUEST, "the request names no page (field 'page')");
    }
    pthread_mutex_lock(&sv->lock);
    size_t running = 0;
    struct job *mine = NULL;
    for (size_t i = 0; i < JOBS_KEPT; i++) {
        struct job *j = &sv->jobs[i];
        if (j->id && !job_final(j)) {
            running++;
            if (strcmp(j->page, f->page) == 0)
                mine = j;
        }
    }
    unsigned status = 0;
    char why[300];
    struct job *j = NULL;
    if (mine) {
        status = MHD_HTTP_CONFLICT;
        snprintf(why, sizeof why, "this page's run %u is still going: wait for it or cancel it", mine->id);
    } else if (running >= SERVE_RUNNING_MAX) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(why, sizeof why, "%zu runs are going (at most %d at a time): try again in a moment", running, SERVE_RUNNING_MAX);
    } else if (!(j = take_slot(sv))) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(why, sizeof why, "every run kept is still in use: try again in a moment");
    }
    if (j) {
        j->id = ++sv->next_id;
        j->sv = sv;
        snprintf(j->page, sizeof j->page, "%s", f->page);
        snprintf(j->scenario, sizeof j->scenario, "%s", sc->name);
        snprintf(j->strategies, sizeof j->strategies, "%s", strategies);
        snprintf(j->dir, sizeof j->dir, "%s/run-%u", sv->root, j->id);
        j->months = months;
        j->state = JOB_RUNNING;
        char out[1300];
        snprintf(out, sizeof out, "%s/results", j->dir);
        if (mkdir(j->dir, 0700) != 0 || !(j->argv = child_argv(sv->o->program, sc->path, out, strategies, f))) {
            status = MHD_HTTP_INTERNAL_SERVER_ERROR;
            snprintf(why, sizeof why, "cannot prepare the run: %s", strerror(errno));
            folder_remove_tree(j->dir);
            memset(j, 0, sizeof *j);
            j = NULL;
        } else if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
            status = MHD_HTTP_SERVICE_UNAVAILABLE;
            snprintf(why, sizeof why, "cannot start a thread for the run");
            folder_remove_tree(j->dir);
            free_argv(j->argv);
            memset(j, 0, sizeof *j);
            j = NULL;
        } else {
            j->joinable = 1;
        }
    }
    unsigned id = j ? j->id : 0;
    pthread_mutex_unlock(&sv->lock);
    free(f);
    if (!j)
        return respond_error(con, status, "%s", why);
    if (!sv->o->quiet) {
        printf("turnaround: serve: run %u: %s, %s\n", id, sc->name, strategies);
        fflush(stdout);
    }
    struct buf b = { 0 };
    buf_printf(&b, "{\"id\":%u}", id);
    return respond_buf(con, MHD_HTTP_ACCEPTED, "application/json", &b);
}

static enum MHD_Result api_job(struct server *sv, struct MHD_Connection *con, const char *rest, int post)
{
    char *end;
    errno = 0;
    unsigned long id = strtoul(rest, &end, 10);
    int cancel = strcmp(end, "/cancel") == 0;
    if (end == rest || rest[0] < '0' || rest[0] > '9' || errno || (*end && !cancel))
        return respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    if (cancel != post)
        return respond_error(con, MHD_HTTP_METHOD_NOT_ALLOWED, "%s", cancel ? "cancel with POST" : "read a run with GET");
    struct job *j = job_use(sv, id);
    if (!j)
        return respond_error(con, MHD_HTTP_NOT_FOUND, "no run %lu", id);
    if (cancel) {
        pthread_mutex_lock(&sv->lock);
        j->cancel = 1;
        pthread_mutex_unlock(&sv->lock);
    }
    struct buf b = { 0 };
    job_json(sv, j, &b);
    job_release(sv, j);
    return respond_buf(con, MHD_HTTP_OK, "application/json", &b);
}

/* Whether a request may be answered: on a loopback address, only one that
 * names a loopback host (a page of another site that a DNS name rebound to
 * 127.0.0.1 names its own); a POST only from the page itself, so that
 * another site's page cannot start runs (its browser sends its Origin). */
static int trusted(const struct server *sv, struct MHD_Connection *con, int post)
{
    const char *host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host");
    const char *origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");
    if (!host)
        return 0;
    if (sv->loopback) {
        size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
        static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };
        int ok = 0;
        for (size_t i = 0; i < 3; i++)
            ok |= strlen(names[i]) == n && strncmp(host, names[i], n) == 0;
        if (!ok)
            return 0;
    }
    if (post && origin) {
        if (strncmp(origin, "http://", 7) != 0 || strcmp(origin + 7, host) != 0)
            return 0;
    }
    return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx)
{
    (void)version;
    struct server *sv = cls;
    struct request *rq = *ctx;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        *ctx = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.n + *upload_size > BODY_MAX)
            rq->too_large = 1;
        else
            buf_add(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
    if (rq->too_large)
        return respond_error(con, MHD_HTTP_CONTENT_TOO_LARGE, "a request's body may hold at most %d bytes", BODY_MAX);
    if (rq->body.failed)
        return respond_error(con, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    if (!get && !post)
        return respond_error(con, MHD_HTTP_METHOD_NOT_ALLOWED, "method %.20s is not served here", method);
    if (!trusted(sv, con, post))
        return respond_error(con, MHD_HTTP_FORBIDDEN, "only this server's own page, at a loopback address such as "
                             "127.0.0.1, is answered here");
    if (get) {
        for (size_t i = 0; i < serve_asset_count; i++)
            if (strcmp(url, serve_assets[i].path) == 0 || (strcmp(url, "/index.html") == 0 && strcmp(serve_assets[i].path, "/") == 0)) {
                struct MHD_Response *r = MHD_create_response_from_buffer(serve_assets[i].size, (void *)(uintptr_t)serve_assets[i].data,
                                                                         MHD_RESPMEM_PERSISTENT);
                if (!r)
                    return MHD_NO;
                MHD_add_response_header(r, "Content-Type", serve_assets[i].type);
                MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
                MHD_add_response_header(r, "Content-Security-Policy",
                                        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
                                        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
                enum MHD_Result ok = MHD_queue_response(con, MHD_HTTP_OK, r);
                MHD_destroy_response(r);
                return ok;
            }
        if (strcmp(url, "/api/params") == 0)
            return respond_text(con, MHD_HTTP_OK, "application/json", sv->params_json);
        if (strcmp(url, "/api/scenarios") == 0)
            return respond_text(con, MHD_HTTP_OK, "application/json", sv->scenarios_json);
        if (strncmp(url, "/api/runs/", 10) == 0)
            return api_job(sv, con, url + 10, 0);
        if (strncmp(url, "/runs/", 6) == 0)
            return serve_results(sv, con, url + 6);
        return respond_text(con, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    }
    const char *body = rq->body.s ? rq->body.s : "";
    if (strcmp(url, "/api/run") == 0 || strcmp(url, "/api/check") == 0)
        return api_run(sv, con, body, strcmp(url, "/api/check") == 0);
    if (strncmp(url, "/api/runs/", 10) == 0)
        return api_job(sv, con, url + 10, 1);
    return respond_error(con, MHD_HTTP_NOT_FOUND, "nothing to POST to at %.200s", url);
}

/* The path's percent escapes decoded, except %00: a NUL would cut the path
 * short into another ("/index.html%00.css"), so it stays as written and
 * matches nothing. Returns the new length. */
static size_t unescape(void *cls, struct MHD_Connection *con, char *s)
{
    (void)cls;
    (void)con;
    size_t w = 0;
    for (size_t i = 0; s[i]; i++) {
        int hi = s[i] == '%' && s[i + 1] ? hex_digit((unsigned char)s[i + 1]) : -1;
        int lo = hi >= 0 && s[i + 2] ? hex_digit((unsigned char)s[i + 2]) : -1;
        if (hi >= 0 && lo >= 0 && (hi || lo)) {
            s[w++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            s[w++] = s[i];
        }
    }
    s[w] = '\0';
    return w;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **ctx, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    struct request *rq = *ctx;
    if (rq)
        free(rq->body.s);
    free(rq);
    *ctx = NULL;
}

/* ---- starting and stopping ---------------------------------------------- */

static void stop_jobs(struct server *sv)
{
    pthread_mutex_lock(&sv->lock);
    for (size_t i = 0; i < JOBS_KEPT; i++)
        sv->jobs[i].cancel = 1;
    pthread_mutex_unlock(&sv->lock);
    for (size_t i = 0; i < JOBS_KEPT; i++) {
        struct job *j = &sv->jobs[i];
        if (j->joinable)
            pthread_join(j->thread, NULL);
        free_argv(j->argv);
        memset(j, 0, sizeof *j);
    }
}

int serve_run(const struct serve_options *o, struct diag *d)
{
    static struct server sv;
    memset(&sv, 0, sizeof sv);
    sv.o = o;
    if (!(sv.params_json = params_json()))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    if (!(sv.scenarios_json = scenarios_json(o, d))) {
        free(sv.params_json);
        return -1;
    }
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    memset(&in4, 0, sizeof in4);
    memset(&in6, 0, sizeof in6);
    const struct sockaddr *addr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (inet_pton(AF_INET, o->host, &in4.sin_addr) == 1) {
        sv.loopback = (ntohl(in4.sin_addr.s_addr) >> 24) == 127;
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)o->port);
        addr = (const struct sockaddr *)&in4;
    } else if (inet_pton(AF_INET6, o->host, &in6.sin6_addr) == 1) {
        sv.loopback = IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)o->port);
        addr = (const struct sockaddr *)&in6;
        flags |= MHD_USE_IPv6;
    } else {
        free(sv.params_json);
        free(sv.scenarios_json);
        return diag_fail(d, EXIT_USAGE, "serve: --host expects a numeric IPv4 or IPv6 address such as 127.0.0.1, found '%s'",
                         o->host);
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(sv.root, sizeof sv.root, "%s/turnaround-serve-XXXXXX", tmp && tmp[0] && strlen(tmp) < 900 ? tmp : "/tmp");
    if (!mkdtemp(sv.root)) {
        int e = errno;
        free(sv.params_json);
        free(sv.scenarios_json);
        return diag_fail(d, EXIT_INPUT, "serve: cannot create a temporary folder '%s': %s", sv.root, strerror(e));
    }
    pthread_mutex_init(&sv.lock, NULL);
    pthread_mutex_init(&sv.draw, NULL);
    chart_limits(60.0, o->stop);
    /* The server's threads leave SIGINT and SIGTERM to this one. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    struct MHD_Daemon *daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &sv,
                                                 MHD_OPTION_SOCK_ADDR, addr,
                                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                                 MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                                                 MHD_OPTION_END);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int rc = 0;
    if (!daemon) {
        rc = diag_fail(d, EXIT_INPUT, "serve: cannot listen on %s port %d: %s", o->host, o->port,
                       e ? strerror(e) : "libmicrohttpd refused");
    } else {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
        unsigned port = info ? info->port : (unsigned)o->port;
        int v6 = strchr(o->host, ':') != NULL;
        printf("turnaround: serving http://%s%s%s:%u/ ; Ctrl-C stops\n", v6 ? "[" : "", o->host, v6 ? "]" : "", port);
        fflush(stdout);
        while (!*o->stop) {
            struct timespec nap = { 0, 100 * 1000 * 1000 };
            nanosleep(&nap, NULL);
        }
        MHD_stop_daemon(daemon);
    }
    stop_jobs(&sv);
    folder_remove_tree(sv.root);
    pthread_mutex_destroy(&sv.lock);
    pthread_mutex_destroy(&sv.draw);
    free(sv.params_json);
    free(sv.scenarios_json);
    if (daemon && !o->quiet)
        printf("turnaround: serve: stopped; the runs' temporary folders are removed\n");
    return rc;
}
