/* The parameter table, configs/default.cfg and the resolved configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "settings.h"
#include "support.h"

static void table_is_well_formed(void **state)
{
    (void)state;
    struct params p;
    params_default(&p);
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *d = &params_table[i];
        assert_non_null(d->unit);
        assert_true(strlen(d->doc) > 10);
        for (size_t j = i + 1; j < params_count; j++)
            assert_true(strcmp(d->path, params_table[j].path) != 0);
        if (d->type == PARAM_CHOICE) {
            char list[PARAMS_CHOICES_MAX + 1];
            assert_true(strlen(params_choice_list(d, "////", "////", list, sizeof list)) < PARAMS_CHOICES_MAX);
            for (int c = 0; c <= (int)d->max; c++)
                assert_int_equal(params_choice_index(d, params_choice_name(d, c)), c);
            assert_null(params_choice_name(d, (int)d->max + 1));
        }
        if (d->type != PARAM_STRING) {
            assert_true(d->min <= d->max);
            if (!params_in_range(d, d->def))
                fail_msg("default of %s (%g) is outside %g..%g", d->path, d->def, d->min, d->max);
        }
        assert_ptr_equal(params_find(d->path), d);
    }
    char msg[256];
    const char *culprit;
    assert_int_equal(params_check(&p, msg, sizeof msg, &culprit), 0);
}

static void required_names_exist(void **state)
{
    (void)state;
    static const char *const names[] = {
        "title", "run.months", "run.seed", "run.reps", "sector.orgs", "sector.turbulence", "org.staff",
        "culture.socialisation", "culture.code_learning", "staff.turnover", "peers.decay",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!params_find(names[i]))
            fail_msg("parameter %s is missing from the table", names[i]);
}

static void nearest_name_is_suggested(void **state)
{
    (void)state;
    assert_string_equal(params_nearest("sector.turbulance"), "sector.turbulence");
    assert_string_equal(params_nearest("peers.dcay"), "peers.decay");
    assert_null(params_nearest("completely.unrelated.thing"));
}

static void default_cfg_agrees_with_the_table(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/configs/default.cfg", support_src());
    struct settings s;
    struct diag d = { 0 };
    assert_int_equal(settings_init(&s), 0);
    if (settings_load(&s, path, &d))
        fail_msg("%s", d.msg);
    struct params def;
    params_default(&def);
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *pd = &params_table[i];
        if (!s.origin[i].where[0])
            fail_msg("configs/default.cfg does not set %s", pd->path);
        if (pd->type == PARAM_STRING)
            assert_string_equal(params_get_string(&s.p, pd), params_get_string(&def, pd));
        else if (params_get_number(&s.p, pd) != params_get_number(&def, pd))
            fail_msg("configs/default.cfg sets %s = %.17g, the table says %.17g", pd->path,
                     params_get_number(&s.p, pd), params_get_number(&def, pd));
    }
    settings_free(&s);
}

static void written_config_reads_back_identical(void **state)
{
    (void)state;
    char *dir = support_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/resolved.cfg", dir);
    struct params p;
    params_default(&p);
    p.sector_turbulence = 0.1 + 0.2;   /* not exactly representable in few digits */
    p.run_seed = 4611686018427387903LL;
    snprintf(p.title, sizeof p.title, "quotes \" and \\ back\\slash\tand tab");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    settings_write(f, &p);
    fclose(f);
    struct settings s;
    struct diag d = { 0 };
    assert_int_equal(settings_init(&s), 0);
    if (settings_load(&s, path, &d))
        fail_msg("%s", d.msg);
    assert_memory_equal(&s.p, &p, sizeof p);
    settings_free(&s);
    support_rmtree(dir);
    free(dir);
}

static void set_overrides_and_checks(void **state)
{
    (void)state;
    struct settings s;
    struct diag d = { 0 };
    assert_int_equal(settings_init(&s), 0);
    assert_int_equal(settings_assign(&s, "sector.orgs=12", &d), 0);
    assert_int_equal(s.p.sector_orgs, 12);
    assert_int_equal(settings_assign(&s, "title=What if?", &d), 0);
    assert_string_equal(s.p.title, "What if?");
    assert_int_equal(settings_assign(&s, "run.months=1.5", &d), -1);
    assert_int_equal(d.code, EXIT_INPUT);
    assert_non_null(strstr(d.msg, "whole number"));
    assert_int_equal(settings_assign(&s, "peers.degree=3", &d), 0);
    assert_int_equal(settings_check(&s, &d), -1);
    assert_non_null(strstr(d.msg, "peers.degree"));
    assert_int_equal(settings_assign(&s, "no-equals-sign", &d), -1);
    assert_int_equal(d.code, EXIT_USAGE);
    settings_free(&s);
}

/* docs/ODD.md stays true: every parameter of the table is described there,
 * and every parameter path it names in backticks exists. */
static void odd_and_table_agree(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/ODD.md", support_src());
    char *odd = support_read_file(path, NULL);
    assert_non_null(odd);
    for (size_t i = 0; i < params_count; i++) {
        char quoted[300];
        snprintf(quoted, sizeof quoted, "`%s`", params_table[i].path);
        if (!strstr(odd, quoted))
            fail_msg("docs/ODD.md does not describe %s", params_table[i].path);
    }
    /* Section 10's table has each parameter's default as the program lists it. */
    const char *section = strstr(odd, "\n## 10 Parameters");
    assert_non_null(section);
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *d = &params_table[i];
        char row[300], def[300];
        snprintf(row, sizeof row, "\n| `%s` | ", d->path);
        const char *at = strstr(section, row);
        if (!at)
            fail_msg("docs/ODD.md section 10 has no row for %s", d->path);
        if (d->type == PARAM_STRING)
            snprintf(def, sizeof def, " | \"%s\" | ", d->sdef);
        else if (d->type == PARAM_CHOICE)
            snprintf(def, sizeof def, " | \"%s\" | ", params_choice_name(d, (int)d->def));
        else if (d->type == PARAM_INT64)
            snprintf(def, sizeof def, " | %lld | ", (long long)d->def);
        else
            snprintf(def, sizeof def, " | %.10g | ", d->def);
        const char *end = strchr(at + 1, '\n'), *found = strstr(at + strlen(row), def);
        if (!found || found > end)
            fail_msg("docs/ODD.md section 10: the row of %s does not give its default%s", d->path, def);
    }
    static const char *const groups[] = { "run.", "sector.", "culture.", "org.", "init.", "staff.",
                                          "leader.", "voice.", "peers.", "regulator.", "focal." };
    for (const char *c = strchr(odd, '`'); c; c = strchr(c + 1, '`')) {
        const char *end = strchr(c + 1, '`');
        if (!end)
            break;
        char name[128];
        size_t n = (size_t)(end - c - 1);
        if (n < sizeof name) {
            memcpy(name, c + 1, n);
            name[n] = '\0';
            /* Skip file names (peers.c, sector.csv), wildcards (regulator.*) and settings (a = b). */
            int plain = !strpbrk(name, " =*") && !(n > 2 && name[n - 2] == '.' && strchr("ch", name[n - 1])) &&
                        !(n > 4 && (strcmp(name + n - 4, ".csv") == 0 || strcmp(name + n - 4, ".cfg") == 0));
            for (size_t g = 0; plain && g < sizeof groups / sizeof groups[0]; g++)
                if (strncmp(name, groups[g], strlen(groups[g])) == 0 && !params_find(name))
                    fail_msg("docs/ODD.md names `%s`, which is not a parameter", name);
        }
        c = end;
    }
    free(odd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_well_formed),
        cmocka_unit_test(required_names_exist),
        cmocka_unit_test(nearest_name_is_suggested),
        cmocka_unit_test(default_cfg_agrees_with_the_table),
        cmocka_unit_test(written_config_reads_back_identical),
        cmocka_unit_test(set_overrides_and_checks),
        cmocka_unit_test(odd_and_table_agree),
    };
    return cmocka_run_group_tests_name("parameters", tests, NULL, NULL);
}
