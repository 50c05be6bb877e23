/* test_report: `turnaround report` end to end, on a small comparison and a
 * small run of scenarios/teaching.cfg made once for all the tests.
 *
 * The reports are read back by an independent reader, tests/report_check.py
 * (Python's html.parser and csv module): the HTML must be well formed with no
 * script, each Markdown table must have its header's number of cells in every
 * row, and every number shown must be the results files' within the rounding
 * shown. The C side checks what the brief asks for by name: a chart a <svg>
 * with its title, each arm's row, a --set parameter with its value, the
 * command that reproduces the folder (run, and compared byte for byte), the
 * refusal to overwrite without --force, and bad folders refused with no
 * file left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define SMALL "--reps 3 --set run.months=48 --set takeover.internalisation=0.07 --no-plot --quiet"
#define EPOCH "SOURCE_DATE_EPOCH=86400"   /* the report's date: 1970-01-02 00:00 UTC */
#define ALL_CHARTS "trajectories,culture,survival,outcomes,network"

static char *fixture;   /* c: a comparison, r: a run of its takeover arm alone */

static int make_fixture(void **state)
{
    (void)state;
    fixture = support_tmpdir();
    struct cmd_result r;
    support_run(&r, "'%s' compare scenarios/teaching.cfg " SMALL " --out '%s/c' && '%s' run scenarios/teaching.cfg "
                    SMALL " --set intervention.schedule=takeover --out '%s/r'",
                support_bin(), fixture, support_bin(), fixture);
    int rc = r.status;
    if (rc)
        fprintf(stderr, "the fixture failed: %s\n", r.err);
    support_result_free(&r);
    return rc;
}

static int drop_fixture(void **state)
{
    (void)state;
    support_rmtree(fixture);
    free(fixture);
    return 0;
}

#define assert_has(text, needle)                                                                               \
    do {                                                                                                       \
        if (!strstr((text), (needle)))                                                                         \
            fail_msg("expected to find [%s] in:\n%.3000s", (needle), (text));                                  \
    } while (0)

#define assert_lacks(text, needle)                                                                             \
    do {                                                                                                       \
        if (strstr((text), (needle)))                                                                          \
            fail_msg("did not expect [%s] in:\n%.3000s", (needle), (text));                                    \
    } while (0)

#define assert_status(r, want)                                                                                 \
    do {                                                                                                       \
        if ((r)->status != (want))                                                                             \
            fail_msg("exit status %d, expected %d; stderr:\n%s", (r)->status, (want), (r)->err);               \
    } while (0)

static void report(struct cmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct cmd_result *r, const char *fmt, ...)
{
    char args[4000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    support_run(r, EPOCH " '%s' report %s", support_bin(), args);
    assert_non_null(r->out);
    assert_non_null(r->err);
}

static char *read_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *read_path(const char *fmt, ...)
{
    char path[2000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    char *text = support_read_file(path, NULL);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

static int path_exists(const char *dir, const char *name)
{
    char path[2000];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *c = strstr(text, needle); c; c = strstr(c + 1, needle))
        n++;
    return n;
}

/* No hidden entry beside the outputs: no partial file or folder left. */
static void assert_no_hidden(const char *dir)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    for (struct dirent *e; (e = readdir(dp));)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0
            && strstr(e->d_name, ".lock") == NULL)
            fail_msg("'%s/%s' was left behind", dir, e->d_name);
    closedir(dp);
}

/* tests/report_check.py on a report: it prints ok, or what is wrong. */
static void check(const char *kind, const char *file, const char *results, const char *extra)
{
    struct cmd_result r;
    support_run(&r, "/usr/bin/python3 tests/report_check.py %s '%s' '%s' %s", kind, file, results, extra);
    if (r.status != 0 || strcmp(r.out, "ok\n") != 0)
        fail_msg("report_check.py %s %s: status %d\n%s%s", kind, file, r.status, r.out, r.err);
    support_result_free(&r);
    support_run(&r, "command -v xmllint >/dev/null || exit 0; [ %s = md ] || xmllint --noout '%s'", kind, file);
    if (r.status != 0)
        fail_msg("xmllint %s: %s", file, r.err);
    support_result_free(&r);
}

/* The first line of the scenario's opening comment, without its "# ". */
static void first_story_line(const char *scenario, char *line, size_t len)
{
    char *text = read_path("%s/%s", support_src(), scenario);
    assert_true(text[0] == '#' && text[1] == ' ');
    snprintf(line, len, "%.*s", (int)strcspn(text + 2, "\n"), text + 2);
    free(text);
}

/* ---- what a report holds ---------------------------------------------- */

static void html_report_of_a_comparison(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    report(&r, "'%s/c' --out '%s/c.html'", fixture, tmp);
    assert_status(&r, 0);
    assert_has(r.out, "5 charts");
    assert_string_equal(r.err, "");
    support_result_free(&r);
    char *html = read_path("%s/c.html", tmp);
    char file[1200], results[1200];
    snprintf(file, sizeof file, "%s/c.html", tmp);
    snprintf(results, sizeof results, "%s/c", fixture);
    check("html", file, results, "--charts " ALL_CHARTS " --param takeover.internalisation=0.07");

    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
    /* Self-contained: each chart inline, nothing fetched from elsewhere. */
    assert_int_equal(count(html, "<svg"), 5);
    assert_lacks(html, "src=");
    assert_lacks(html, "<link");
    assert_lacks(html, "<?xml");
    static const char *const heads[] = {
        "<h3 id=\"chart-trajectories\">True and perceived quality</h3>",
        "<h3 id=\"chart-culture\">Culture: insularity, voice and turnover</h3>",
        "<h3 id=\"chart-survival\">Survival: not yet rated good</h3>",
        "<h3 id=\"chart-outcomes\">Outcomes by strategy</h3>",
        "<h3 id=\"chart-network\">The peer network</h3>",
    };
    for (size_t i = 0; i < 5; i++) {
        const char *at = strstr(html, heads[i]);
        if (!at)
            fail_msg("no heading %s", heads[i]);
        const char *svg = strstr(at, "<svg"), *next = i + 1 < 5 ? strstr(html, heads[i + 1]) : NULL;
        assert_non_null(svg);
        if (next)
            assert_true(svg < next);   /* the chart under its own heading */
    }
    assert_has(html, "<title>Teaching: one failing council, three responses - true and perceived quality");
    assert_lacks(html, "<title>Gnuplot</title>");
    /* gnuplot's own titles inside the charts. */
    assert_has(html, "true and perceived quality, our council");
    assert_has(html, "outcomes by strategy, organisations intervened in: means with 95% intervals");
    /* Each arm's row, with an interval. */
    const char *mtg = strstr(html, "<h3 id=\"outcome-months_to_good\">");
    assert_non_null(mtg);
    assert_has(mtg, "<tr><td>none</td><td class=\"num\">3</td><td class=\"num\">");
    assert_has(mtg, "<tr><td>takeover</td>");
    assert_has(mtg, "<tr><td>retained_ownership</td>");
    assert_has(mtg, " [");
    /* The --set parameter with its value and default. */
    assert_has(html, "<tr><td>takeover.internalisation</td><td>0.07</td>");
    assert_has(html, "<tr><td>run.reps</td><td>3</td><td>10</td>");
    /* The command that reproduces it; the versions and dates. */
    char want[3000];
    snprintf(want, sizeof want, "<pre>turnaround compare %s/c/config.cfg --out %s/c-again</pre>", fixture, fixture);
    assert_has(html, want);
    assert_has(html, "by turnaround " TURNAROUND_VERSION);
    assert_has(html, "this report made 1970-01-02 00:00 UTC");
    /* The story, from the scenario's opening comment, and the question. */
    char line[400];
    first_story_line("scenarios/teaching.cfg", line, sizeof line);
    assert_has(html, "From the opening comment of <code>scenarios/teaching.cfg</code>.");
    assert_has(html, line);
    assert_has(html, "<h2 id=\"question\">The question</h2>\n<p>How do 3 responses, <code>none</code>, "
                     "<code>takeover</code> and <code>retained_ownership</code>, compare");
    /* The takeaways: compare's sentences (takeaways.txt), each an item. */
    assert_has(html, "<h2 id=\"takeaways\">Takeaways</h2>\n<ul>\n<li>");
    char path[1200];
    snprintf(path, sizeof path, "%s/c/takeaways.txt", fixture);
    char *said = support_read_file(path, NULL);
    assert_non_null(said);
    *strchr(said, '\n') = '\0';
    assert_non_null(strstr(said, " than "));
    char item[1400];
    snprintf(item, sizeof item, "<li>%s</li>", said);
    assert_has(html, item);
    free(said);
    free(html);
}

/* The cells of a Markdown table row: the '|' not escaped, less one. */
static int md_cells(const char *line, size_t len)
{
    int bars = 0;
    for (size_t k = 0; k < len; k++) {
        if (line[k] == '\\') {
            k++;
            continue;
        }
        bars += line[k] == '|';
    }
    return bars - 1;
}

static void markdown_report_of_a_comparison(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    report(&r, "'%s/c' --format md --out '%s/m'", fixture, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char file[1200], results[1200];
    snprintf(file, sizeof file, "%s/m/report.md", tmp);
    snprintf(results, sizeof results, "%s/c", fixture);
    check("md", file, results, "--charts " ALL_CHARTS " --param takeover.internalisation=0.07");
    char *md = read_path("%s", file);
    static const char *const charts[] = { "trajectories", "culture", "survival", "outcomes", "network" };
    for (size_t i = 0; i < 5; i++) {
        char link[200];
        snprintf(link, sizeof link, "](%s.svg)\n", charts[i]);
        assert_has(md, link);
        char *svg = read_path("%s/m/%s.svg", tmp, charts[i]);
        assert_has(svg, "<svg");
        assert_has(svg, "</svg>");
        free(svg);
    }
    /* Every table: its header's cells in every row; the outcome tables 5,
     * the last month's 6 and the parameters' 5. */
    size_t tables = 0;
    int widths[64];
    for (const char *line = md; *line;) {
        size_t len = strcspn(line, "\n");
        if (line[0] == '|') {
            int head = md_cells(line, len);
            assert_true(tables < 64);
            widths[tables++] = head;
            while (line[0] == '|') {
                if (md_cells(line, len) != head)
                    fail_msg("%d cells in [%.*s], %d in its header", md_cells(line, len), (int)len, line, head);
                line += len + (line[len] == '\n');
                len = strcspn(line, "\n");
            }
            continue;
        }
        line += len + (line[len] == '\n');
    }
    assert_int_equal(tables, 9 + 2 + 1);   /* nine outcomes, the sector and our council, the parameters */
    for (size_t k = 0; k < 9; k++)
        assert_int_equal(widths[k], 5);
    assert_int_equal(widths[9], 6);
    assert_int_equal(widths[10], 6);
    assert_int_equal(widths[11], 5);
    assert_has(md, "| takeover.internalisation | 0.07 | 0.");
    assert_has(md, "| retained\\_ownership | 3 | ");
    free(md);
    assert_no_hidden(tmp);
}

/* A run's outcomes come from summary.csv; its arm's rows say what the
 * comparison's say for the same arm. */
static void run_report_agrees_with_the_comparison(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    report(&r, "'%s/r' --format md --out '%s/m'", fixture, tmp);
    assert_status(&r, 0);
    assert_has(r.out, "5 charts");   /* a single arm has its outcomes chart too, from summary.csv */
    support_result_free(&r);
    char file[1200], results[1200], extra[1400];
    snprintf(file, sizeof file, "%s/m/report.md", tmp);
    snprintf(results, sizeof results, "%s/r", fixture);
    snprintf(extra, sizeof extra, "--expect '%s/c/comparison.csv' --charts " ALL_CHARTS,
             fixture);
    check("md", file, results, extra);
    char *md = read_path("%s", file);
    assert_has(md, "What does the intervention `takeover` achieve for the failing organisation `our council`");
    assert_has(md, "| strategy | n | mean [95% interval] |\n");
    char want[3000];
    snprintf(want, sizeof want, "```\nturnaround run %s/r/config.cfg --out %s/r-again\n```", fixture, fixture);
    assert_has(md, want);
    free(md);
}

/* The command the report gives, run as it is, writes the same bytes. */
static void reproducing_command_reproduces(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_sh("cp -r '%s/c' '%s/c'", fixture, tmp);
    report(&r, "'%s/c' --format md", tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *md = read_path("%s/c-report/report.md", tmp);
    const char *at = strstr(md, "## To reproduce\n\n```\nturnaround ");
    assert_non_null(at);
    at += strlen("## To reproduce\n\n```\nturnaround ");
    char command[3000];
    snprintf(command, sizeof command, "%.*s", (int)strcspn(at, "\n"), at);
    free(md);
    support_run(&r, "'%s' %s --quiet", support_bin(), command);
    assert_status(&r, 0);
    support_result_free(&r);
    static const char *const files[] = { "config.cfg", "trajectories.csv", "summary.csv", "replications.csv",
                                         "means.csv", "failures.csv", "comparison.csv", "network_orgs.csv",
                                         "network_ties.csv" };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char a[1300], b[1300];
        snprintf(a, sizeof a, "%s/c/%s", tmp, files[k]);
        snprintf(b, sizeof b, "%s/c-again/%s", tmp, files[k]);
        if (!support_files_equal(a, b))
            fail_msg("%s differs from %s", b, a);
    }
}

/* ---- writing --------------------------------------------------------- */

static void existing_report_is_kept_without_force(void **state)
{
    const char *tmp = *state;
    char path[1200];
    snprintf(path, sizeof path, "%s/c.html", tmp);
    assert_int_equal(support_write_file(path, "an analyst's own file\n"), 0);
    struct cmd_result r;
    report(&r, "'%s/c' --out '%s'", fixture, path);
    assert_status(&r, 1);
    assert_has(r.err, path);
    assert_has(r.err, "already exists");
    assert_has(r.err, "--force");
    support_result_free(&r);
    char *kept = read_path("%s", path);
    assert_string_equal(kept, "an analyst's own file\n");
    free(kept);

    report(&r, "'%s/c' --out '%s' --force --quiet", fixture, path);
    assert_status(&r, 0);
    assert_string_equal(r.out, "");
    support_result_free(&r);
    char *first = read_path("%s", path);
    assert_has(first, "<!DOCTYPE html>");
    report(&r, "'%s/c' --out '%s' --force --quiet", fixture, path);
    assert_status(&r, 0);
    support_result_free(&r);
    char *second = read_path("%s", path);
    assert_string_equal(first, second);   /* the same folder and date: the same bytes */
    free(first);
    free(second);

    /* A Markdown folder: kept without --force, replaced with it, and a
     * folder turnaround did not make never replaced. */
    report(&r, "'%s/c' --format md --out '%s/m' --quiet", fixture, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    report(&r, "'%s/c' --format md --out '%s/m'", fixture, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "already exists");
    support_result_free(&r);
    report(&r, "'%s/c' --format md --out '%s/m' --force --quiet", fixture, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    support_sh("mkdir '%s/mine' && echo notes > '%s/mine/notes.txt'", tmp, tmp);
    report(&r, "'%s/c' --format md --out '%s/mine' --force", fixture, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "mine");
    support_result_free(&r);
    char *notes = read_path("%s/mine/notes.txt", tmp);
    assert_string_equal(notes, "notes\n");
    free(notes);
    assert_false(path_exists(tmp, "mine/report.md"));
    /* Never over the results folder itself, --force or not. */
    support_sh("cp -r '%s/c' '%s/c'", fixture, tmp);
    report(&r, "'%s/c' --format md --out '%s/c/' --force", tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "is the results folder itself");
    support_result_free(&r);
    assert_true(path_exists(tmp, "c/means.csv"));
    /* An HTML report is not written over a folder. */
    report(&r, "'%s/c' --out '%s/mine' --force", fixture, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "is a folder");
    support_result_free(&r);
    assert_no_hidden(tmp);
}

/* Each bad folder: exit 1, a message naming the file and what is wrong,
 * and no report, nor anything hidden, left behind. */
static void refused(const char *tmp, const char *folder, const char *const *says)
{
    struct cmd_result r;
    report(&r, "'%s/%s' --out '%s/out.html'", tmp, folder, tmp);
    assert_status(&r, 1);
    for (const char *const *s = says; *s; s++)
        assert_has(r.err, *s);
    support_result_free(&r);
    assert_false(path_exists(tmp, "out.html"));
    report(&r, "'%s/%s' --format md --out '%s/out'", tmp, folder, tmp);
    assert_status(&r, 1);
    support_result_free(&r);
    assert_false(path_exists(tmp, "out"));
    assert_no_hidden(tmp);
}

static void bad_folders_give_an_error_and_no_report(void **state)
{
    const char *tmp = *state;
    refused(tmp, "nowhere", (const char *const[]){ "nowhere", "No such file", NULL });
    support_sh("echo x > '%s/plain'", tmp);
    refused(tmp, "plain", (const char *const[]){ "plain", "is not a folder", NULL });
    support_sh("cp -r '%s/c' '%s/nomeans' && rm '%s/nomeans/means.csv'", fixture, tmp, tmp);
    refused(tmp, "nomeans", (const char *const[]){ "nomeans", "no means.csv", NULL });
    support_sh("cp -r '%s/c' '%s/cut' && truncate -s 5000 '%s/cut/summary.csv'", fixture, tmp, tmp);
    refused(tmp, "cut", (const char *const[]){ "cut/summary.csv", "line", "damaged", NULL });
    support_sh("cp -r '%s/c' '%s/short' && sed -i '3s/,[^,]*$//' '%s/short/means.csv'", fixture, tmp, tmp);
    refused(tmp, "short", (const char *const[]){ "short/means.csv', line 3", "fields", NULL });
    support_sh("cp -r '%s/c' '%s/badcfg' && printf 'run = { reps = ; };\\n' >> '%s/badcfg/config.cfg'", fixture, tmp,
               tmp);
    refused(tmp, "badcfg", (const char *const[]){ "badcfg/config.cfg", NULL });
    support_sh("cp -r '%s/c' '%s/nocmp' && rm '%s/nocmp/comparison.csv'", fixture, tmp, tmp);
    refused(tmp, "nocmp", (const char *const[]){ "nocmp", "no comparison.csv", NULL });
    support_sh("mkdir '%s/sweep' && touch '%s/sweep/runs.csv' '%s/sweep/sweep.cfg'", tmp, tmp, tmp);
    refused(tmp, "sweep", (const char *const[]){ "a sweep's folder", "run", "compare", NULL });
    support_sh("mkdir '%s/cal' && touch '%s/cal/posterior.csv'", tmp, tmp);
    refused(tmp, "cal", (const char *const[]){ "a calibration's folder", NULL });
}

/* ---- text from files -------------------------------------------------- */

static void text_from_files_is_escaped(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "'%s' compare --reps 2 --set run.months=24 --set sector.orgs=6 --set org.staff=20 "
                    "--set 'title=<script>alert(1)</script> & \"q\" ]]> | *x*' --strategies 'none; takeover' "
                    "--no-plot --quiet --out '%s/h'",
                support_bin(), tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    support_sh("printf 'takeover reaches good <b>sooner</b> & cheaper\\n\\nretained ownership | lasts\\n' > "
               "'%s/h/takeaways.txt'", tmp);
    report(&r, "'%s/h' --out '%s/h.html'", tmp, tmp);
    assert_status(&r, 0);
    assert_has(r.err, "warning: no scenario in scenarios/ is titled");   /* no story to tell */
    support_result_free(&r);
    char file[1200], results[1200];
    snprintf(file, sizeof file, "%s/h.html", tmp);
    snprintf(results, sizeof results, "%s/h", tmp);
    check("html", file, results, "--charts " ALL_CHARTS);
    char *html = read_path("%s", file);
    assert_has(html, "<h1 id=\"top\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; ]]&gt; | *x*</h1>");
    assert_has(html, "<h2 id=\"takeaways\">Takeaways</h2>\n<ul>\n<li>takeover reaches good &lt;b&gt;sooner&lt;/b&gt; "
                     "&amp; cheaper</li>\n<li>retained ownership | lasts</li>\n</ul>");
    assert_has(html, "no scenario in scenarios/ has these results&#39; title");
    assert_lacks(html, "<script");
    assert_lacks(html, "<b>");
    free(html);

    report(&r, "'%s/h' --format md --out '%s/hm'", tmp, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    snprintf(file, sizeof file, "%s/hm/report.md", tmp);
    check("md", file, results, "--charts " ALL_CHARTS);
    char *md = read_path("%s", file);
    assert_has(md, "# \\<script\\>alert(1)\\</script\\> \\& \"q\" \\]\\]\\> \\| \\*x\\*\n");
    assert_has(md, "- retained ownership \\| lasts\n");
    free(md);
}

static void scenario_option_tells_its_story(void **state)
{
    const char *tmp = *state;
    char path[1200];
    snprintf(path, sizeof path, "%s/story.cfg", tmp);
    assert_int_equal(support_write_file(path, "# A council that looks inward.\n"
                                              "#\n"
                                              "# What to look for:\n"
                                              "# - quality falling\n"
                                              "#   while perceived quality stays high\n"
                                              "# - ties fading\n"
                                              "#\n"
                                              "#   turnaround compare story.cfg\n"
                                              "#   with ``` and <i>x</i>\n"
                                              "title = \"Another title\";\n"),
                     0);
    struct cmd_result r;
    report(&r, "'%s/c' --scenario '%s' --out '%s/s.html'", fixture, path, tmp);
    assert_status(&r, 0);
    assert_has(r.err, "is titled \"Another title\", the results \"Teaching: one failing council, three responses\"");
    support_result_free(&r);
    char *html = read_path("%s/s.html", tmp);
    assert_has(html, "<p>A council that looks inward.</p>\n<p>What to look for:</p>\n<ul>\n<li>quality falling while "
                     "perceived quality stays high</li>\n<li>ties fading</li>\n</ul>\n<pre>  turnaround compare "
                     "story.cfg\n  with ``` and &lt;i&gt;x&lt;/i&gt;</pre>");
    free(html);
    report(&r, "'%s/c' --scenario '%s' --format md --out '%s/s'", fixture, path, tmp);
    assert_status(&r, 0);
    support_result_free(&r);
    char *md = read_path("%s/s/report.md", tmp);
    assert_has(md, "\nA council that looks inward.\n\nWhat to look for:\n\n- quality falling while perceived quality "
                   "stays high\n- ties fading\n\n````\n  turnaround compare story.cfg\n  with ``` and <i>x</i>\n````\n");
    free(md);
    report(&r, "'%s/c' --scenario '%s/none.cfg' --out '%s/s2.html'", fixture, tmp, tmp);
    assert_status(&r, 1);
    assert_has(r.err, "none.cfg");
    support_result_free(&r);
    assert_false(path_exists(tmp, "s2.html"));
}

/* Without gnuplot the report is still written, and says which charts are
 * missing and why. */
static void without_gnuplot_the_report_says_so(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "mkdir -p '%s/bin' && ln -sf /bin/sh '%s/bin/sh' && PATH='%s/bin' " EPOCH " '%s' report '%s/c' "
                    "--out '%s/g.html'",
                tmp, tmp, tmp, support_bin(), fixture, tmp);
    assert_status(&r, 0);
    assert_has(r.err, "warning: chart trajectories: gnuplot is not installed");
    assert_has(r.out, "0 charts");
    support_result_free(&r);
    char *html = read_path("%s/g.html", tmp);
    assert_lacks(html, "<svg");
    assert_has(html, "<p>This chart could not be drawn: chart network: gnuplot is not installed");
    free(html);
}

/* Interrupted while the charts are drawn (a gnuplot that hangs): exit 130,
 * no report, and the temporary folder of the charts removed. */
static void interrupted_report_writes_nothing(void **state)
{
    const char *tmp = *state;
    support_sh("mkdir -p '%s/bin' '%s/work' && printf '#!/bin/sh\\nexec sleep 30\\n' > '%s/bin/gnuplot' && "
               "chmod +x '%s/bin/gnuplot'", tmp, tmp, tmp, tmp);
    struct cmd_result r;
    support_run(&r, "PATH='%s/bin':\"$PATH\" TMPDIR='%s/work' '%s' report '%s/c' --out '%s/i.html' & p=$!; "
                    "sleep 1; kill -INT $p; wait $p",
                tmp, tmp, support_bin(), fixture, tmp);
    assert_status(&r, 130);
    assert_has(r.err, "interrupted; no report was written");
    support_result_free(&r);
    assert_false(path_exists(tmp, "i.html"));
    assert_no_hidden(tmp);
    support_run(&r, "ls -A '%s/work'", tmp);
    assert_string_equal(r.out, "");
    support_result_free(&r);
}

/* I/O faults, as tests/test_faults.c injects them for the other commands:
 * the N-th write, fsync or rename of the report fails, for every N, into a
 * fresh path and with --force over an earlier report. Each trial either
 * finishes with the bytes of a report that met no fault or exits 1 with the
 * earlier report (or none) as it was, and nothing hidden left beside it.
 * gnuplot is left off the PATH, so the only other writes are the charts'
 * data and scripts: a fault there costs that chart, which the report names
 * with the reason in place of it, and nothing else. */
static void faults_leave_the_old_report_or_the_new(void **state)
{
    const char *tmp = *state;
    struct cmd_result r;
    support_run(&r, "strace -f -qq -o /dev/null true");
    int have = r.status == 0;
    support_result_free(&r);
    if (!have)
        skip();
    static const char *const ops[][2] = {
        { "write", "write,pwrite64,writev" },
        { "fsync", "fsync,fdatasync" },
        { "rename", "rename,renameat,renameat2" },
    };
    support_sh("mkdir -p '%s/bin' && ln -sf /bin/sh '%s/bin/sh'", tmp, tmp);
    for (int md = 0; md < 2; md++) {
        const char *fmt = md ? "md" : "html";
        char base[1600], ref[1300], old[1300], dest[1300];
        /* LeakSanitizer cannot work under ptrace (make test SANITIZE=1): the
         * other tests check for leaks. */
        snprintf(base, sizeof base, "/usr/bin/env PATH='%s/bin' ASAN_OPTIONS=detect_leaks=0 " EPOCH
                 " '%s' report '%s/c' --format %s --quiet", tmp,
                 support_bin(), fixture, fmt);
        snprintf(ref, sizeof ref, "%s/ref", tmp);
        snprintf(old, sizeof old, "%s/old", tmp);
        snprintf(dest, sizeof dest, "%s/d", tmp);
        support_sh("rm -rf '%s' '%s' && %s --out '%s' && %s --out '%s' && echo changed >> '%s%s'", ref, old, base, ref,
                   base, old, old, md ? "/report.md" : "");
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            for (int force = 0; force < 2; force++) {
                char earlier[2700] = "true";
                if (force)
                    snprintf(earlier, sizeof earlier, "cp -a '%s' '%s'", old, dest);
                support_run(&r, "rm -rf '%s'; %s; strace -f -qq -c -U calls -e trace=%s -o '%s/count' %s --out '%s'%s "
                                "&& awk '$NF == \"total\" { print $1 }' '%s/count'",
                            dest, earlier, ops[k][1], tmp, base, dest, force ? " --force" : "", tmp);
                long n = r.status == 0 ? strtol(r.out, NULL, 10) : -1;
                support_result_free(&r);
                if (n < 1)
                    fail_msg("report --format %s: cannot count its %s calls", fmt, ops[k][0]);
                for (long at = 1; at <= n; at++) {
                    char what[200];
                    snprintf(what, sizeof what, "report --format %s%s, %s %ld of %ld failing", fmt,
                             force ? " --force" : "", ops[k][0], at, n);
                    support_sh("rm -rf '%s' '%s/count'", dest, tmp);
                    if (force)
                        support_sh("cp -a '%s' '%s'", old, dest);
                    support_run(&r, "strace -f -qq -o /dev/null -e trace=%s -e inject=%s:error=%s:when=%ld %s --out '%s'%s",
                                ops[k][1], ops[k][1], at % 2 ? "ENOSPC" : "EIO", at, base, dest, force ? " --force" : "");
                    if (r.status != 0 && r.status != 1)
                        fail_msg("%s: exit %d (a crash?): %s", what, r.status, r.err);
                    int failed = r.status == 1;
                    support_result_free(&r);
                    support_run(&r, "cd '%s' && ls -A | grep '^\\.' ; true", tmp);
                    if (r.out[0])
                        fail_msg("%s: left behind: %s", what, r.out);
                    support_result_free(&r);
                    if (!failed)   /* a fault in a chart's own files costs that chart, and the report says so */
                        support_run(&r, "diff -r -I '^<p>This chart could not be drawn: chart [a-z]*: ' "
                                        "-I '^This chart could not be drawn: chart [a-z]*: ' '%s' '%s'", ref, dest);
                    else if (force)
                        support_run(&r, "diff -r '%s' '%s'", old, dest);
                    else
                        support_run(&r, "test ! -e '%s'", dest);
                    if (r.status != 0)
                        fail_msg("%s: %s: %s", what, failed ? "the earlier state was not kept" : "the report differs",
                                 r.out);
                    support_result_free(&r);
                }
            }
    }
}

static void command_line_mistakes(void **state)
{
    (void)state;
    struct cmd_result r;
    report(&r, "%s", "");
    assert_status(&r, 2);
    assert_has(r.err, "needs a results folder");
    support_result_free(&r);
    report(&r, "'%s/c' --colour", fixture);
    assert_status(&r, 2);
    assert_has(r.err, "unknown option '--colour'");
    support_result_free(&r);
    report(&r, "'%s/c' --format pdf", fixture);
    assert_status(&r, 2);
    assert_has(r.err, "--format expects html or md, found 'pdf'");
    support_result_free(&r);
    report(&r, "'%s/c' '%s/r'", fixture, fixture);
    assert_status(&r, 2);
    assert_has(r.err, "more than one results folder");
    support_result_free(&r);
    report(&r, "'%s/c' --out", fixture);
    assert_status(&r, 2);
    assert_has(r.err, "--out needs a value");
    support_result_free(&r);
    report(&r, "--help");
    assert_status(&r, 0);
    assert_has(r.out, "usage: turnaround report RESULTS [options]");
    support_result_free(&r);
    assert_false(path_exists(fixture, "c-report.html"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_tmpdir_setup, support_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(html_report_of_a_comparison),
        T(markdown_report_of_a_comparison),
        T(run_report_agrees_with_the_comparison),
        T(reproducing_command_reproduces),
        T(existing_report_is_kept_without_force),
        T(bad_folders_give_an_error_and_no_report),
        T(text_from_files_is_escaped),
        T(scenario_option_tells_its_story),
        T(without_gnuplot_the_report_says_so),
        T(interrupted_report_writes_nothing),
        T(faults_leave_the_old_report_or_the_new),
        T(command_line_mistakes),
    };
    return cmocka_run_group_tests(tests, make_fixture, drop_fixture);
}
