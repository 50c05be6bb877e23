/* Charts: each drawn into PNG and SVG from a small comparison, checked as
 * files; each saved script reruns; text from input reaches gnuplot as text,
 * never as a command; a missing gnuplot costs no results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <math.h>
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

/* The frames of a GIF, read block by block (GIF89a): each image descriptor
 * (0x2C) is a frame; gce counts the graphic control extensions (0x21 0xF9)
 * that carry each frame's delay. -1 when the file is not a well-formed GIF. */
static int gif_frames(const unsigned char *d, size_t n, int *gce)
{
    if (n < 13 || memcmp(d, "GIF89a", 6) != 0)
        return -1;
    size_t i = 13;
    if (d[10] & 0x80)
        i += 3u * (2u << (d[10] & 7));   /* the global colour table */
    int frames = 0;
    *gce = 0;
    while (i < n) {
        if (d[i] == 0x3B)   /* the trailer */
            return frames;
        if (d[i] == 0x21 && i + 1 < n) {   /* an extension: its label, then sub-blocks */
            *gce += d[i + 1] == 0xF9;
            i += 2;
        } else if (d[i] == 0x2C && i + 10 < n) {   /* an image: descriptor, local table, LZW size, sub-blocks */
            frames++;
            unsigned flags = d[i + 9];
            i += 10;
            if (flags & 0x80)
                i += 3u * (2u << (flags & 7));
            i++;
        } else {
            return -1;
        }
        while (i < n && d[i] != 0)
            i += d[i] + 1u;
        i++;
    }
    return -1;   /* no trailer: cut short */
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
    unsigned char *gif = (unsigned char *)support_read_file(path, &n);
    if (!gif)
        fail_msg("no %s", path);
    int gce, frames = gif_frames(gif, n, &gce);
    assert_int_equal(frames, 48 + 1);   /* a frame a month, months 0 to 48 */
    assert_int_equal(gce, frames);      /* each with its delay */
    int looping = 0;   /* the NETSCAPE2.0 extension makes the animation loop */
    for (size_t k = 0; k + 11 <= n && !looping; k++)
        looping = memcmp(gif + k, "NETSCAPE2.0", 11) == 0;
    assert_true(looping);
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

/* The small comparison as a scenario file, so that a run of it has no --set. */
static void small_scenario(const char *tmp)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/s.cfg", tmp);
    assert_int_equal(support_write_file(path, "title = \"Charts\";\n"
                                              "run = { reps = 3; months = 48; };\nsector = { orgs = 8; };\n"
                                              "focal = { name = \"focal\"; code_correct = 0.45; code_wrong = 0.35; };\n"
                                              "intervention = { applies_to = \"focal\"; };\n"
                                              "compare = { strategies = \"none; takeover; retained_ownership\"; };\n"),
                     0);
}

/* The text of the first <title> of an SVG, as it is written there. */
static void svg_title(const char *svg, char *out, size_t len)
{
    const char *a = strstr(svg, "<title>"), *b = a ? strstr(a, "</title>") : NULL;
    snprintf(out, len, "%.*s", b ? (int)(b - a - 7) : 0, b ? a + 7 : "");
}

static char *chart_file(const char *tmp, const char *folder, const char *chart, const char *ext)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s/plots/%s.%s", tmp, folder, chart, ext);
    char *text = support_read_file(path, NULL);
    if (!text)
        fail_msg("no %s", path);
    return text;
}

static void svg_titles_are_the_charts(void **state)
{
    const char *tmp = *state;
    small_scenario(tmp);
    support_sh("cd '%s' && '%s' compare s.cfg --quiet --no-plot --out c && '%s' plot c --format svg", tmp, support_bin(),
               support_bin());
    static const char *const second[CHARTS] = {
        "true and perceived quality, focal", "culture: insularity, voice and turnover by month, focal",
        "time to recovery, focal", "outcomes by strategy", "peer network and ratings at month 48",
    };
    for (size_t i = 0; i < CHARTS; i++) {
        char *svg = chart_file(tmp, "c", charts[i], "svg"), title[1000], want[300];
        svg_title(svg, title, sizeof title);
        snprintf(want, sizeof want, "Charts - %s", second[i]);
        if (strncmp(title, want, strlen(want)) != 0)
            fail_msg("%s.svg: title '%s', expected it to start '%s'", charts[i], title, want);
        assert_null(strstr(svg, "Gnuplot"));
        assert_non_null(strstr(svg, "<text>Charts</text>"));   /* the title drawn is the same */
        free(svg);
    }
}

/* The stroke colour of the series titled name in a gnuplot SVG, as
 * "rgb(r,g,b)" without spaces, or "" when there is none. */
static void svg_stroke(const char *svg, const char *name, char *out, size_t len)
{
    char tag[300];
    snprintf(tag, sizeof tag, "><title>%s</title>", name);
    const char *at = strstr(svg, tag), *stroke = at;
    while (stroke && (stroke = strstr(stroke, "stroke=")) != NULL && strncmp(stroke + 8, "rgb(", 4) != 0)
        stroke++;   /* gnuplot writes stroke="..." and stroke='...'; skip currentColor */
    size_t n = 0;
    for (const char *c = stroke ? stroke + 8 : ""; *c && *c != '"' && *c != '\'' && n + 1 < len; c++)
        if (*c != ' ')
            out[n++] = *c;
    out[n] = '\0';
}

static void a_strategy_keeps_its_colour(void **state)
{
    const char *tmp = *state;
    small_scenario(tmp);
    /* two scenarios, the arms in other orders and with other company */
    support_sh("cd '%s' && '%s' compare s.cfg --quiet --no-plot --out a && '%s' plot a --format svg && "
               "'%s' compare '%s/scenarios/teaching.cfg' --reps 2 --quiet --no-plot --out b "
               "--strategies 'retained_ownership; peer_challenge+takeover; takeover' && '%s' plot b --format svg",
               tmp, support_bin(), support_bin(), support_bin(), support_src(), support_bin());
    static const struct { const char *name, *rgb; } expected[] = {
        { "takeover", "rgb(213,94,0)" },             /* Okabe-Ito vermillion */
        { "retained_ownership", "rgb(0,114,178)" },  /* Okabe-Ito blue */
    };
    static const char *const lined[] = { "trajectories", "culture", "survival" };
    for (size_t c = 0; c < 3; c++) {
        char *a = chart_file(tmp, "a", lined[c], "svg"), *b = chart_file(tmp, "b", lined[c], "svg");
        for (size_t k = 0; k < 2; k++) {
            char in_a[64], in_b[64];
            svg_stroke(a, expected[k].name, in_a, sizeof in_a);
            svg_stroke(b, expected[k].name, in_b, sizeof in_b);
            if (strcmp(in_a, expected[k].rgb) != 0 || strcmp(in_b, expected[k].rgb) != 0)
                fail_msg("%s: %s drawn in %s and %s, expected %s in both", lined[c], expected[k].name, in_a, in_b,
                         expected[k].rgb);
        }
        char combo[64], none[64];   /* a combination is neither of its parts' colours; the control is black */
        svg_stroke(b, "peer_challenge+takeover", combo, sizeof combo);
        svg_stroke(a, "none", none, sizeof none);
        assert_true(combo[0] && strcmp(combo, "rgb(213,94,0)") != 0 && strcmp(combo, "rgb(0,158,115)") != 0);
        assert_string_equal(none, "rgb(0,0,0)");
        free(a);
        free(b);
    }
    /* a combination is dashed wherever it is drawn, a strategy alone solid */
    char *gp = chart_file(tmp, "b", "trajectories", "gp");
    assert_non_null(strstr(gp, "lc rgb '#D55E00' dt 1 title 'takeover'"));
    assert_null(strstr(gp, "dt 1 title 'peer_challenge+takeover'"));
    free(gp);
}

static void set_changes_are_named(void **state)
{
    const char *tmp = *state;
    small_scenario(tmp);
    support_sh("cd '%s' && '%s' compare s.cfg --quiet --out before && '%s' compare s.cfg --set peers.decay=0.08 --quiet "
               "--out after && '%s' compare after/config.cfg --quiet --out again && '%s' plot before --format svg && "
               "'%s' plot after --format svg && '%s' plot again --format svg",
               tmp, support_bin(), support_bin(), support_bin(), support_bin(), support_bin(), support_bin());
    for (size_t i = 0; i < CHARTS; i++) {
        char *before = chart_file(tmp, "before", charts[i], "svg"), *after = chart_file(tmp, "after", charts[i], "svg"),
             *again = chart_file(tmp, "again", charts[i], "svg");
        char tb[1000], ta[1000];
        svg_title(before, tb, sizeof tb);
        svg_title(after, ta, sizeof ta);
        assert_string_not_equal(tb, ta);
        assert_null(strstr(before, "changed:"));
        if (!strstr(after, "<text>changed: peers.decay = 0.08</text>"))
            fail_msg("%s: the change is not in its title", charts[i]);
        assert_non_null(strstr(again, "<text>changed: peers.decay = 0.08</text>"));   /* a rerun of its config.cfg */
        free(before);
        free(after);
        free(again);
    }
}

/* One line of comparison.csv: the n, mean, lo and hi of strategy's outcome; 0 when absent. */
static int comparison_row(const char *csv, const char *strategy, const char *outcome, double *v)
{
    char head[300];
    snprintf(head, sizeof head, "\n%s,%s,", strategy, outcome);
    const char *at = strstr(csv, head);
    if (!at)
        return 0;
    at += strlen(head);
    for (int k = 0; k < 4; k++) {
        char *end;
        v[k] = strtod(at, &end);
        if (end == at)
            v[k] = NAN;
        at = strchr(at, ',');
        at = at ? at + 1 : "";
    }
    return 1;
}

/* Block k, line i of outcomes.dat: x mean lo hi. */
static int outcomes_row(const char *dat, size_t k, size_t i, double *v)
{
    const char *at = dat;
    for (size_t b = 0; b < k && at; b++)
        if ((at = strstr(at, "\n\n\n")) != NULL)
            at += 3;
    for (size_t l = 0; l < i && at; l++)
        if ((at = strchr(at, '\n')) != NULL)
            at++;
    return at && sscanf(at, "%lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3]) == 4;
}

/* The panels of outcomes.gp: their titles and the top of their axes. */
static size_t outcomes_panels(const char *gp, char titles[][64], double *top, size_t max)
{
    size_t n = 0;
    for (const char *at = gp; n < max && (at = strstr(at, "\nset title '")) != NULL; at++) {
        const char *end = strchr(at + 12, '\'');
        snprintf(titles[n], 64, "%.*s", (int)(end - at - 12), at + 12);
        const char *y = strstr(at, "set yrange [0:");
        top[n++] = y ? strtod(y + 14, NULL) : NAN;
    }
    return n;
}

static int is_cost(const char *name)
{
    size_t n = strlen(name);
    return ((n > 7 && strcmp(name + n - 7, "_months") == 0) || (n > 5 && strcmp(name + n - 5, "_days") == 0))
           && strncmp(name, "months_", 7) != 0;
}

static void outcomes_draw_every_cost_within_their_axes(void **state)
{
    const char *tmp = *state;
    static const char *const arms[] = { "none", "interim", "peer_challenge", "takeover" };
    struct cmd_result r;
    support_run(&r, "'%s' compare --reps 6 --set run.months=60 --set sector.orgs=8 --set focal.name=focal "
                    "--set focal.code_correct=0.45 --set focal.code_wrong=0.35 --set intervention.applies_to=focal "
                    "--strategies 'none; interim; peer_challenge; takeover' --quiet --out '%s/c'",
                support_bin(), tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    snprintf(path, sizeof path, "%s/c/comparison.csv", tmp);
    char *csv = support_read_file(path, NULL), *gp = chart_file(tmp, "c", "outcomes", "gp"),
         *dat = chart_file(tmp, "c", "outcomes", "dat");
    assert_non_null(csv);
    /* the panels: months to good, relapse, then each kind of cost comparison.csv has */
    const char *outcome[12] = { "months_to_good", "relapsed" };
    size_t n_out = 2;
    for (const char *line = strchr(csv, '\n'); line && line[1] && n_out < 12; line = strchr(line + 1, '\n')) {
        char name[64];
        if (sscanf(line + 1, "none,%63[^,]", name) == 1 && is_cost(name)) {
            outcome[n_out] = strstr(line + 1, name);
            n_out++;
        }
    }
    assert_true(n_out >= 5);   /* commissioner months, interim months, peer review days at least */
    char titles[12][64];
    double top[12];
    size_t panels = outcomes_panels(gp, titles, top, 12);
    assert_int_equal(panels, n_out);
    int interim_paid = 0, reviews_paid = 0;
    for (size_t k = 0; k < n_out; k++) {
        char name[64], label[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(outcome[k], ","), outcome[k]);
        snprintf(label, sizeof label, "%s", name);
        for (char *c = label; *c; c++)
            *c = *c == '_' ? ' ' : *c;
        if (k >= 2)
            assert_string_equal(titles[k], label);
        for (size_t i = 0; i < 4; i++) {
            double want[4], got[4];
            assert_true(comparison_row(csv, arms[i], name, want));
            assert_true(outcomes_row(dat, k, i, got));
            if (want[0] < 1) {   /* nothing to show: no bar (and "n/a" written there) */
                assert_true(isnan(got[1]));
                continue;
            }
            assert_close(got[1], want[1], 1e-6);
            assert_true(got[2] <= got[1] && got[1] <= got[3]);
            assert_true(top[k] >= got[3] && top[k] >= got[1]);   /* the axis holds the whole interval */
            if (k == 1)
                assert_true(got[2] >= 0 && got[3] <= 1);   /* a share's interval within [0, 1] */
            else
                assert_true(got[2] >= 0 && (isnan(want[3]) || top[k] >= want[3]));
            interim_paid |= strcmp(name, "interim_months") == 0 && strcmp(arms[i], "interim") == 0 && got[1] > 0;
            reviews_paid |= strcmp(name, "peer_review_days") == 0 && strcmp(arms[i], "peer_challenge") == 0 && got[1] > 0;
        }
    }
    assert_true(interim_paid);   /* the interim arm's months are drawn, not left out as free */
    assert_true(reviews_paid);
    free(csv);
    free(gp);
    free(dat);
}

/* A share whose interval in the file leaves [0, 1] is drawn with Wilson's,
 * and the chart says so. */
static void share_intervals_kept_in_range(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "--no-plot");
    char path[1200];
    snprintf(path, sizeof path, "%s/c/comparison.csv", tmp);
    char *csv = support_read_file(path, NULL);
    assert_non_null(csv);
    char *row = strstr(csv, "\ntakeover,relapsed,");
    assert_non_null(row);
    char *end = strchr(row + 1, '\n');
    char changed[100000];
    snprintf(changed, sizeof changed, "%.*s\ntakeover,relapsed,20,0.150000,-0.021456,0.321456,0,,,%s",
             (int)(row - csv), csv, end);
    assert_int_equal(support_write_file(path, changed), 0);
    free(csv);
    support_sh("'%s' plot '%s/c' --only outcomes --format svg", support_bin(), tmp);
    char *dat = chart_file(tmp, "c", "outcomes", "dat"), *svg = chart_file(tmp, "c", "outcomes", "svg");
    double got[4];
    assert_true(outcomes_row(dat, 1, 1, got));   /* relapse, the second arm: takeover */
    /* Wilson's 95% interval for 3 of 20: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) */
    const double z = 1.959963984540054, p = 0.15, n = 20;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n),
           half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    assert_close(got[1], 0.15, 1e-9);
    assert_close(got[2], centre - half, 1e-9);
    assert_close(got[3], centre + half, 1e-9);
    assert_close(got[2], 0.0524, 1e-4);   /* the published value for 3/20 */
    assert_non_null(strstr(svg, "Wilson intervals where the file's left [0, 1] (takeover)"));
    free(dat);
    free(svg);
}

/* A single strategy's run gets its outcomes chart, from summary.csv, with
 * the means comparison.csv would have. */
static void single_strategy_gets_outcomes(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' run --reps 3 --set run.months=48 --set sector.orgs=8 --set focal.name=focal "
                    "--set focal.code_correct=0.45 --set focal.code_wrong=0.35 --set intervention.applies_to=focal "
                    "--set intervention.schedule=takeover --quiet --out '%s/one'",
                support_bin(), tmp);
    assert_int_equal(r.status, 0);
    support_result_free(&r);
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/one/plots/outcomes.png", tmp);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 20000);
    /* the same arms from a comparison, drawn once from comparison.csv and once without it */
    compare_into(tmp, "c", "");
    support_sh("cp -r '%s/c' '%s/d' && rm '%s/d/comparison.csv' && '%s' plot '%s/d' --only outcomes", tmp, tmp, tmp,
               support_bin(), tmp);
    char *with = chart_file(tmp, "c", "outcomes", "dat"), *without = chart_file(tmp, "d", "outcomes", "dat");
    snprintf(path, sizeof path, "%s/c/comparison.csv", tmp);
    char *csv = support_read_file(path, NULL);
    static const char *const arms[] = { "none", "takeover", "retained_ownership" };
    size_t compared = 0;
    for (size_t k = 0; k < 5; k++)
        for (size_t i = 0; i < 3; i++) {
            double a[4], b[4];
            int ha = outcomes_row(with, k, i, a), hb = outcomes_row(without, k, i, b);
            assert_int_equal(ha, hb);
            assert_int_equal(isnan(a[1]), isnan(b[1]));
            if (ha && !isnan(a[1])) {
                assert_close(b[1], a[1], 1e-5 * (1 + fabs(a[1])));
                compared++;
            }
        }
    for (size_t i = 0; i < 3; i++) {   /* and those are comparison.csv's */
        double want[4], a[4];
        assert_true(comparison_row(csv, arms[i], "months_to_good", want));
        assert_true(outcomes_row(with, 0, i, a));
        assert_close(a[1], want[1], 1e-6);
    }
    assert_true(compared >= 10);
    free(with);
    free(without);
    free(csv);
}

/* Exits in the same month stay apart: a marker a strategy, each at its own height. */
static void exit_markers_apart(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "");
    char *gp = chart_file(tmp, "c", "trajectories", "gp");
    double y[16];
    size_t n = 0;
    for (const char *at = gp; n < 16 && (at = strstr(at, "set object circle at first ")) != NULL; at++) {
        const char *g = strstr(at, "graph ");
        y[n++] = strtod(g + 6, NULL);
    }
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_true(fabs(y[i] - y[j]) > 0.03);
    /* the thresholds are named in the margin, right of the plot area, where no line runs */
    assert_non_null(strstr(gp, "set label 'good' at graph 1.01"));
    assert_non_null(strstr(gp, "set key outside"));
    free(gp);
}

/* PDF charts share one font and its sizes: the terminal's, and the two
 * smaller ones it defines, never a size of a chart's own. */
static void pdf_fonts_the_same(void **state)
{
    const char *tmp = *state;
    compare_into(tmp, "c", "--no-plot");
    support_sh("'%s' plot '%s/c' --format pdf", support_bin(), tmp);
    char first[300] = "";
    for (size_t i = 0; i < CHARTS; i++) {
        char *gp = chart_file(tmp, "c", charts[i], "gp");
        const char *term = strstr(gp, "set terminal pdfcairo");
        assert_non_null(term);
        char line[300];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(term, "\n"), term);
        if (!first[0])
            snprintf(first, sizeof first, "%s", line);
        assert_string_equal(line, first);
        size_t fonts = 0;
        for (const char *at = gp; (at = strstr(at, "font '")) != NULL; at++)
            fonts++;
        assert_int_equal(fonts, 1);   /* the terminal's own */
        assert_null(strstr(gp, "font \""));
        assert_non_null(strstr(gp, "font_small = ',8'"));
        free(gp);
    }
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
        T(svg_titles_are_the_charts),   T(a_strategy_keeps_its_colour), T(set_changes_are_named),
        T(outcomes_draw_every_cost_within_their_axes), T(share_intervals_kept_in_range),
        T(single_strategy_gets_outcomes), T(exit_markers_apart), T(pdf_fonts_the_same),
    };
    return cmocka_run_group_tests_name("charts", tests, NULL, NULL);
}
