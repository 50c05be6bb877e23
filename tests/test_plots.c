/* Charts: each drawn into PNG and SVG from a small comparison, checked as
 * files; each saved script reruns; text from input reaches gnuplot as text,
 * never as a command; a missing gnuplot costs no results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static const char *const charts[] = { "trajectories", "culture", "survival", "outcomes", "network" };
#define CHARTS (sizeof charts / sizeof charts[0])

#define SMALL_COMPARE "compare --reps 3 --set run.months=48 --set sector.orgs=8 --set focal.name=focal " \
                      "--set focal.code_correct=0.45 --set focal.code_wrong=0.35 --set intervention.applies_to=focal " \
                      "--strategies 'none; takeover; retained_ownership' --quiet"

static void compare_into(const char *tmp, const char *name, const char *extra)
{
    struct cmd_result r;
    support_run(&r, "'%s' " SMALL_COMPARE " %s --out '%s/%s'", support_bin(), extra, tmp, name);
    if (r.status != 0)
        fail_msg("compare failed (%d): %s", r.status, r.err);
    support_result_free(&r);
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static void charts_drawn_as_png_and_svg(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "");   /* run and compare draw PNG charts with their results */
    struct cmd_result r;
    support_run(&r, "'%s' plot '%s/c' --format svg", support_bin(), tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    for (size_t i = 0; i < CHARTS; i++) {
        char path[1200];
        size_t n;
        snprintf(path, sizeof path, "%s/c/plots/%s.png", tmp, charts[i]);
        unsigned char *png = (unsigned char *)support_read_file(path, &n);
        if (!png)
            fail_msg("no %s", path);
        assert_true(n > 20000);   /* lines, bands, labels: far more than an empty frame */
        assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
        assert_memory_equal(png + 12, "IHDR", 4);
        assert_int_equal(be32(png + 16), 1600);
        assert_int_equal(be32(png + 20), 1000);
        free(png);
        snprintf(path, sizeof path, "%s/c/plots/%s.svg", tmp, charts[i]);
        char *svg = support_read_file(path, &n);
        if (!svg)
            fail_msg("no %s", path);
        assert_non_null(strstr(svg, "<svg"));
        assert_non_null(strstr(svg, "width=\"1600\""));
        assert_true(strstr(svg, "<path") != NULL || strstr(svg, "<polyline") != NULL);
        free(svg);
    }
}

static void saved_scripts_rerun(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "");
    for (size_t i = 0; i < CHARTS; i++) {
        struct cmd_result r;
        support_run(&r, "cd '%s/c/plots' && rm -f %s.png && gnuplot %s.gp && test -s %s.png", tmp, charts[i], charts[i],
                    charts[i]);
        if (r.status != 0)
            fail_msg("gnuplot %s.gp: %s", charts[i], r.err);
        support_result_free(&r);
    }
}

static void pdf_and_only(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "--no-plot");
    struct stat st;
    char path[1200];
    snprintf(path, sizeof path, "%s/c/plots", tmp);
    assert_int_not_equal(stat(path, &st), 0);   /* --no-plot drew nothing */
    struct cmd_result r;
    support_run(&r, "'%s' plot '%s/c' --format pdf --only survival", support_bin(), tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    snprintf(path, sizeof path, "%s/c/plots/survival.pdf", tmp);
    char *pdf = support_read_file(path, NULL);
    assert_non_null(pdf);
    assert_memory_equal(pdf, "%PDF", 4);
    free(pdf);
    snprintf(path, sizeof path, "%s/c/plots/trajectories.pdf", tmp);
    assert_int_not_equal(stat(path, &st), 0);
}

/* The brief's case: a title that would close a double-quoted string and call
 * system(). Given on the command line and in a scenario, it is drawn as text. */
static void titles_cannot_run_commands(void **state)
{
    const char *tmp = *state;
    const char *evil = "x\"; system(\"touch pwned\"); print \"";
    char scenario[1200];
    snprintf(scenario, sizeof scenario, "%s/evil.cfg", tmp);
    FILE *f = fopen(scenario, "w");
    assert_non_null(f);
    fprintf(f, "title = \"x\\\"; system(\\\"touch pwned\\\"); print \\\"\";\n");
    fclose(f);
    struct cmd_result r;
    support_run(&r, "cd '%s' && '%s' %s --set 'title=%s' --out a && '%s' %s '%s' --out b && '%s' plot b --format svg",
                tmp, support_bin(), SMALL_COMPARE, evil, support_bin(), SMALL_COMPARE, scenario, support_bin());
    if (r.status != 0)
        fail_msg("runs failed (%d): %s", r.status, r.err);
    support_result_free(&r);
    support_run(&r, "cd '%s' && find . -name pwned | grep -c . ; test ! -e '%s/pwned'", tmp, support_src());
    assert_string_equal(r.out, "0\n");
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/b/plots/trajectories.svg", tmp);
    char *svg = support_read_file(path, NULL);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<text>x\"; system(\"touch pwned\"); print \"</text>"));   /* drawn, as text */
    free(svg);
}

static void missing_gnuplot_keeps_results(void **state)
{
    const char *tmp = *state;
    /* A PATH with the tools the shell needs but no gnuplot. */
    struct cmd_result r;
    support_run(&r, "mkdir -p '%s/bin' && ln -sf /bin/sh '%s/bin/sh' && PATH='%s/bin' '%s' %s --out '%s/c'", tmp, tmp,
                tmp, support_bin(), SMALL_COMPARE, tmp);
    assert_int_equal(r.status, 0);
    if (!strstr(r.err, "gnuplot is not installed"))
        fail_msg("expected a warning naming gnuplot, found: %s", r.err);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/c/comparison.csv", tmp);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    support_run(&r, "PATH='%s/bin' '%s' plot '%s/c'", tmp, support_bin(), tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "chart trajectories: gnuplot is not installed"));
    support_result_free(&r);
}

static void bad_plot_arguments(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' plot '%s' --format gif", support_bin(), tmp);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "png, svg or pdf"));
    support_result_free(&r);
    support_run(&r, "'%s' plot '%s' --only pie", support_bin(), tmp);
    assert_int_equal(r.status, 2);
    support_result_free(&r);
    support_run(&r, "'%s' plot '%s/nothing-here'", support_bin(), tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "means.csv"));
    support_result_free(&r);
}

static void animate_writes_a_gif(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' %s --out '%s/c' --animate '%s/slides.gif'", support_bin(), SMALL_COMPARE, tmp, tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    size_t n;
    snprintf(path, sizeof path, "%s/slides.gif", tmp);
    char *gif = support_read_file(path, &n);
    if (!gif)
        fail_msg("no %s", path);
    assert_memory_equal(gif, "GIF89a", 6);
    int images = 0;   /* image descriptors: one a frame, after the first a graphic control block */
    for (size_t k = 0; k + 3 < n; k++)
        images += gif[k] == '\x21' && gif[k + 1] == '\xf9' && gif[k + 2] == '\x04';
    int looping = 0;   /* the NETSCAPE2.0 extension makes the animation loop */
    for (size_t k = 0; k + 11 <= n && !looping; k++)
        looping = memcmp(gif + k, "NETSCAPE2.0", 11) == 0;
    assert_true(looping);
    assert_true(images >= 2);
    assert_true(n > 10000);
    free(gif);
    /* a second run will not overwrite it without --force */
    support_run(&r, "'%s' %s --out '%s/d' --animate '%s/slides.gif'", support_bin(), SMALL_COMPARE, tmp, tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "already exists"));
    support_result_free(&r);
    snprintf(path, sizeof path, "%s/d", tmp);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
}

/* Without a display the live view is drawn as text, a fresh screen a frame. */
static void live_view_as_text_without_a_display(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "unset DISPLAY; '%s' run --reps 2 --set run.months=24 --set sector.orgs=8 --set title=Lecture "
                    "--live --out '%s/l'",
                support_bin(), tmp);
    assert_int_equal(r.status, 0);
    int frames = 0;
    for (const char *c = r.out; (c = strstr(c, "\033[H\033[2J")) != NULL; c++)
        frames++;
    assert_true(frames >= 20);   /* months 0..24, a frame each */
    assert_non_null(strstr(r.out, "Lecture"));
    assert_non_null(strstr(r.out, "month"));
    support_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(charts_drawn_as_png_and_svg), T(saved_scripts_rerun),   T(pdf_and_only),
        T(titles_cannot_run_commands),  T(missing_gnuplot_keeps_results), T(bad_plot_arguments),
        T(animate_writes_a_gif),        T(live_view_as_text_without_a_display),
    };
    return cmocka_run_group_tests_name("charts", tests, NULL, NULL);
}
