#include "settings.h"

#include "cfgtext.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BASE_DEPTH_MAX 8

int settings_init(struct settings *s)
{
    params_default(&s->p);
    s->origin = calloc(params_count, sizeof *s->origin);
    return s->origin ? 0 : -1;
}

void settings_free(struct settings *s)
{
    free(s->origin);
    s->origin = NULL;
}

static size_t def_index(const struct param_def *def)
{
    return (size_t)(def - params_table);
}

static const char *expected(const struct param_def *def, char *buf, size_t len)
{
    switch (def->type) {
    case PARAM_INT:
        snprintf(buf, len, "a whole number from %.17g to %.17g", def->min, def->max);
        break;
    case PARAM_INT64:
        /* %g would print the seed's bound as 4.6116860184273879e+18. */
        snprintf(buf, len, "a whole number from %lld to %lld", (long long)def->min, (long long)def->max);
        break;
    case PARAM_REAL:
        snprintf(buf, len, "a number from %g to %g", def->min, def->max);
        break;
    case PARAM_STRING:
        snprintf(buf, len, "text in double quotes, at most %d characters", PARAMS_STRING_MAX - 1);
        break;
    case PARAM_CHOICE: {
        char names[PARAMS_CHOICES_MAX];
        snprintf(buf, len, "one of %s, in double quotes", params_choice_list(def, ", ", " or ", names, sizeof names));
        break;
    }
    }
    return buf;
}

static const char *type_found(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP:
        return "a group { ... }";
    case CONFIG_TYPE_ARRAY:
        return "an array [ ... ]";
    case CONFIG_TYPE_LIST:
        return "a list ( ... )";
    case CONFIG_TYPE_BOOL:
        return "a true/false value";
    case CONFIG_TYPE_STRING:
        return "text";
    case CONFIG_TYPE_FLOAT:
        return "a fractional number";
    default:
        return "a whole number";
    }
}

/* Where the setting holds a value short enough to quote, show it: "found text"
 * alone leaves the user hunting for which value was meant. */
static const char *found_setting(const config_setting_t *st, char *buf, size_t len)
{
    int type = config_setting_type(st);
    switch (type) {
    case CONFIG_TYPE_STRING: {
        const char *v = config_setting_get_string(st);
        snprintf(buf, len, "text \"%.60s%s\"", v, strlen(v) > 60 ? "..." : "");
        break;
    }
    case CONFIG_TYPE_BOOL:
        snprintf(buf, len, "%s (a true/false value)", config_setting_get_bool(st) ? "true" : "false");
        break;
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        snprintf(buf, len, "%lld (a whole number)", config_setting_get_int64(st));
        break;
    case CONFIG_TYPE_FLOAT:
        snprintf(buf, len, "%g (a fractional number)", config_setting_get_float(st));
        break;
    default:
        snprintf(buf, len, "%s", type_found(type));
        break;
    }
    return buf;
}

/* A double holds whole numbers exactly only up to 2^53, so a 64-bit parameter
 * (the seed) is compared with its bounds as an integer. */
static int int64_in_range(const struct param_def *def, long long v)
{
    return v >= (long long)def->min && v <= (long long)def->max;
}

/* The first parameter inside group path ("sector" -> "sector.orgs"), or NULL:
 * `sector = 30;` is a likelier slip than a misspelt name. */
static const char *group_member(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < params_count; i++)
        if (strncmp(params_table[i].path, path, n) == 0 && params_table[i].path[n] == '.')
            return params_table[i].path;
    return NULL;
}

static int unknown(struct diag *d, const char *where, const char *path)
{
    const char *member = group_member(path);
    if (member)
        return diag_fail(d, EXIT_INPUT,
                         "%s: '%s' is a group of parameters, not one; expected one of its parameters, such as '%s' "
                         "('turnaround params' lists all)",
                         where, path, member);
    const char *near = params_nearest(path);
    if (near)
        return diag_fail(d, EXIT_INPUT, "%s: unknown parameter '%s'; did you mean '%s'? ('turnaround params' lists all)",
                         where, path, near);
    return diag_fail(d, EXIT_INPUT, "%s: unknown parameter '%s' ('turnaround params' lists all)", where, path);
}

static int set_number(struct settings *s, const struct param_def *def, double v, const char *found,
                      const char *where, struct diag *d)
{
    char buf[128];
    if (!params_in_range(def, v))
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found %s", where, def->path,
                         expected(def, buf, sizeof buf), found);
    params_set_number(&s->p, def, v);
    snprintf(s->origin[def_index(def)].where, sizeof s->origin[0].where, "%s", where);
    return 0;
}

/* The first control character in v (a line break, a terminal's escape;
 * a tab is allowed), or -1: text values are printed on terminals and drawn
 * on charts, so they hold none. */
static long control_at(const char *v)
{
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
            return (long)((const char *)c - v);
    return -1;
}

static int set_string(struct settings *s, const struct param_def *def, const char *v, const char *where,
                      struct diag *d)
{
    char buf[128];
    if (strlen(v) >= PARAMS_STRING_MAX)
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found text of %zu characters", where, def->path,
                         expected(def, buf, sizeof buf), strlen(v));
    long at = control_at(v);
    if (at >= 0)
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected text without control characters, found one (code %d) at "
                         "character %ld", where, def->path, (unsigned char)v[at], at + 1);
    params_set_string(&s->p, def, v);
    snprintf(s->origin[def_index(def)].where, sizeof s->origin[0].where, "%s", where);
    return 0;
}

/* A choice is set by name; a near miss gets the name it was probably meant to be. */
static int set_choice(struct settings *s, const struct param_def *def, const char *v, const char *where,
                      struct diag *d)
{
    int i = params_choice_index(def, v);
    if (i < 0 && control_at(v) >= 0)
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found text with control characters", where, def->path,
                         expected(def, (char[160]){ 0 }, 160));
    if (i < 0) {
        char buf[160];
        const char *near = params_nearest_choice(def, v);
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found \"%.60s\"%s%s%s", where, def->path,
                         expected(def, buf, sizeof buf), v, near ? "; did you mean \"" : "", near ? near : "",
                         near ? "\"?" : "");
    }
    params_set_number(&s->p, def, i);
    snprintf(s->origin[def_index(def)].where, sizeof s->origin[0].where, "%s", where);
    return 0;
}

static int apply_leaf(struct settings *s, const config_setting_t *st, const char *path, const char *where,
                      struct diag *d)
{
    const struct param_def *def = params_find(path);
    if (!def)
        return unknown(d, where, path);
    int type = config_setting_type(st);
    char found[160], buf[128];
    if (def->type == PARAM_STRING || def->type == PARAM_CHOICE) {
        if (type != CONFIG_TYPE_STRING)
            return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found %s", where, path,
                             expected(def, buf, sizeof buf), found_setting(st, found, sizeof found));
        if (def->type == PARAM_CHOICE)
            return set_choice(s, def, config_setting_get_string(st), where, d);
        return set_string(s, def, config_setting_get_string(st), where, d);
    }
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        long long v = config_setting_get_int64(st);
        snprintf(found, sizeof found, "%lld", v);
        if (def->type == PARAM_INT64 && !int64_in_range(def, v))
            return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found %s", where, path,
                             expected(def, buf, sizeof buf), found);
        if (set_number(s, def, (double)v, found, where, d))
            return -1;
        if (def->type == PARAM_INT64)
            *params_int64(&s->p, def) = v;
        return 0;
    }
    if (type == CONFIG_TYPE_FLOAT) {
        double v = config_setting_get_float(st);
        snprintf(found, sizeof found, "%g", v);
        if (def->type != PARAM_REAL)
            return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found %s (a fractional number)", where, path,
                             expected(def, buf, sizeof buf), found);
        return set_number(s, def, v, found, where, d);
    }
    return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found %s", where, path, expected(def, buf, sizeof buf),
                     found_setting(st, found, sizeof found));
}

static int apply_group(struct settings *s, const config_setting_t *group, const char *prefix,
                       const struct cfgtext *file, struct diag *d)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *st = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(st);
        char path[256], where[600];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", name ? name : "?");
        cfgtext_where(file, config_setting_source_line(st), where, sizeof where);
        if (!prefix[0] && name && strcmp(name, "base") == 0)
            continue;
        if (config_setting_type(st) == CONFIG_TYPE_GROUP && !params_find(path)) {
            /* An unknown group would otherwise pass unnoticed when empty; one
             * with members is reported at its first member, with a suggestion. */
            if (!group_member(path) && config_setting_length(st) == 0)
                return unknown(d, where, path);
            if (apply_group(s, st, path, file, d))
                return -1;
        } else if (apply_leaf(s, st, path, where, d)) {
            return -1;
        }
    }
    return 0;
}

static int load(struct settings *s, const char *path, int depth, struct diag *d)
{
    if (depth > BASE_DEPTH_MAX)
        return diag_fail(d, EXIT_INPUT, "%s: 'base' chain deeper than %d files (a loop?)", path, BASE_DEPTH_MAX);
    /* The text, its @include lines expanded (cfgtext.h says why not by
     * libconfig), is what libconfig reads; every line keeps its own file. */
    struct cfgtext text;
    if (cfgtext_load(&text, path, d))
        return -1;
    config_t cfg;
    config_init(&cfg);
    char where[1200];
    if (!config_read_string(&cfg, text.text)) {
        const char *msg = config_error_text(&cfg);
        cfgtext_where(&text, (unsigned)config_error_line(&cfg), where, sizeof where);
        if (strcmp(msg, "syntax error") == 0)
            /* libconfig says no more than this, so say what it wanted. */
            diag_fail(d, EXIT_INPUT, "%s: syntax error: expected settings written name = value; and groups name = { ... };",
                      where);
        else
            diag_fail(d, EXIT_INPUT, "%s: syntax error: %s", where, msg);
        config_destroy(&cfg);
        cfgtext_free(&text);
        return -1;
    }
    const char *slash = strrchr(path, '/');

    int rc = 0;
    const config_setting_t *root = config_root_setting(&cfg);
    const config_setting_t *base = config_setting_get_member(root, "base");
    if (base) {
        if (config_setting_type(base) != CONFIG_TYPE_STRING) {
            char found[160];
            rc = diag_fail(d, EXIT_INPUT, "%s: base: expected the path of a configuration in double quotes, found %s",
                           cfgtext_where(&text, config_setting_source_line(base), where, sizeof where),
                           found_setting(base, found, sizeof found));
        } else {
            const char *b = config_setting_get_string(base);
            char full[8192];
            struct stat st;
            cfgtext_where(&text, config_setting_source_line(base), where, sizeof where);
            if (snprintf(full, sizeof full, "%.*s%s", b[0] == '/' || !slash ? 0 : (int)(slash - path + 1), path, b)
                >= (int)sizeof full)
                rc = diag_fail(d, EXIT_INPUT, "%s: base: the path is too long", where);
            else if (stat(full, &st) != 0)
                rc = diag_fail(d, EXIT_INPUT, "%s: base: cannot read '%s': %s", where, full, strerror(errno));
            else
                rc = load(s, full, depth + 1, d);
        }
    }
    if (!rc)
        rc = apply_group(s, root, "", &text, d);
    config_destroy(&cfg);
    cfgtext_free(&text);
    return rc;
}

int settings_load(struct settings *s, const char *path, struct diag *d)
{
    return load(s, path, 0, d);
}

int settings_assign(struct settings *s, const char *assignment, struct diag *d)
{
    return settings_assign_as(s, assignment, NULL, d);
}

int settings_assign_as(struct settings *s, const char *assignment, const char *label, struct diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return diag_fail(d, EXIT_USAGE, "--set expects path=value (e.g. --set sector.orgs=50), found '%s'",
                         assignment);
    char path[256], where[300], buf[128];
    size_t len = (size_t)(eq - assignment);
    if (len >= sizeof path)
        len = sizeof path - 1;
    memcpy(path, assignment, len);
    path[len] = '\0';
    const char *text = eq + 1;
    if (label)
        snprintf(where, sizeof where, "%s", label);
    else
        snprintf(where, sizeof where, "--set %s", assignment);
    const struct param_def *def = params_find(path);
    if (!def)
        return unknown(d, where, path);
    if (def->type == PARAM_STRING)
        return set_string(s, def, text, where, d);
    if (def->type == PARAM_CHOICE)
        return set_choice(s, def, text, where, d);

    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE)
        return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found '%s'", where, path,
                         expected(def, buf, sizeof buf), text);
    if (def->type != PARAM_REAL) {
        errno = 0;
        long long iv = strtoll(text, &end, 10);
        if (*end != '\0' || errno == ERANGE || (def->type == PARAM_INT64 && !int64_in_range(def, iv)))
            return diag_fail(d, EXIT_INPUT, "%s: %s: expected %s, found '%s'", where, path,
                             expected(def, buf, sizeof buf), text);
        v = (double)iv;
    }
    char found[300];
    snprintf(found, sizeof found, "'%s'", text);
    if (set_number(s, def, v, found, where, d))
        return -1;
    if (def->type == PARAM_INT64)
        *params_int64(&s->p, def) = strtoll(text, NULL, 10);
    return 0;
}

int settings_check(const struct settings *s, struct diag *d)
{
    char msg[1024];
    const char *culprit = NULL;
    if (params_check(&s->p, msg, sizeof msg, &culprit) == 0)
        return 0;
    const struct param_def *def = params_find(culprit);
    const char *where = def ? s->origin[def_index(def)].where : "";
    return diag_fail(d, EXIT_INPUT, "%s: %s", where[0] ? where : "defaults", msg);
}

static void write_real(FILE *f, double v)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    char *e = strchr(buf, 'e');
    if (!strchr(buf, '.')) {
        if (e) {
            char mant[64];
            snprintf(mant, sizeof mant, "%.*s.0%s", (int)(e - buf), buf, e);
            snprintf(buf, sizeof buf, "%s", mant);
        } else {
            strcat(buf, ".0");
        }
    }
    fputs(buf, f);
}

static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

void settings_write(FILE *f, const struct params *p)
{
    char group[64] = "";
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *def = &params_table[i];
        const char *dot = strchr(def->path, '.');
        char g[64] = "";
        if (dot)
            snprintf(g, sizeof g, "%.*s", (int)(dot - def->path), def->path);
        if (strcmp(g, group) != 0) {
            if (group[0])
                fputs("};\n", f);
            if (g[0])
                fprintf(f, "%s%s = {\n", group[0] || i ? "\n" : "", g);
            snprintf(group, sizeof group, "%s", g);
        }
        const char *name = dot ? dot + 1 : def->path;
        fprintf(f, "%s%s = ", g[0] ? "  " : "", name);
        switch (def->type) {
        case PARAM_STRING:
            write_string(f, params_get_string(p, def));
            break;
        case PARAM_CHOICE:
            write_string(f, params_choice_name(def, (int)params_get_number(p, def)));
            break;
        case PARAM_REAL:
            write_real(f, params_get_number(p, def));
            break;
        case PARAM_INT:
            fprintf(f, "%d", (int)params_get_number(p, def));
            break;
        case PARAM_INT64: {
            int64_t v = params_get_int64(p, def);
            fprintf(f, "%lld%s", (long long)v, v > INT32_MAX ? "L" : "");
            break;
        }
        }
        char names[PARAMS_CHOICES_MAX];
        fprintf(f, ";  # %s: %s\n",
                def->type == PARAM_CHOICE ? params_choice_list(def, ", ", " or ", names, sizeof names) : def->unit,
                def->doc);
    }
    if (group[0])
        fputs("};\n", f);
}

/* One --set as config.cfg records it: "# set: PATH = VALUE", control
 * characters as spaces so that the comment stays one line. */
static void write_set(FILE *f, const char *set)
{
    const char *eq = strchr(set, '=');
    size_t key = eq ? (size_t)(eq - set) : strlen(set);
    while (key > 0 && set[key - 1] == ' ')
        key--;
    fputs("# set: ", f);
    for (size_t i = 0; i < key; i++)
        fputc((unsigned char)set[i] < 0x20 || set[i] == 0x7f ? ' ' : set[i], f);
    fputs(" = ", f);
    const char *v = eq ? eq + 1 : "";
    while (*v == ' ')
        v++;
    for (; *v; v++)
        fputc((unsigned char)*v < 0x20 || *v == 0x7f ? ' ' : *v, f);
    fputc('\n', f);
}

/* The length of a --set's path, before its '='. */
static size_t set_key(const char *set)
{
    const char *eq = strchr(set, '=');
    size_t n = eq ? (size_t)(eq - set) : strlen(set);
    while (n > 0 && set[n - 1] == ' ')
        n--;
    return n;
}

void settings_write_sets(FILE *f, const char *const *sets, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t len = set_key(sets[k]), later = 0;
        for (size_t j = k + 1; j < n; j++)
            later |= set_key(sets[j]) == len && strncmp(sets[j], sets[k], len) == 0;
        if (!later)
            write_set(f, sets[k]);
    }
}

char *settings_resolved_text(const char *what, const char *const *sets, size_t n_sets, const struct params *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "# turnaround %s: the scenario's resolved parameters for %s.\n", TURNAROUND_VERSION, what);
    settings_write_sets(f, sets, n_sets);
    fputc('\n', f);
    settings_write(f, p);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
