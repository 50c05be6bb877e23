#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long one chart may take, and the flag that stops the program. */
static double limit_seconds = 60.0;
static const signal_flag *stop_flag;

void chart_limits(double seconds, const signal_flag *stop)
{
    limit_seconds = seconds > 0 ? seconds : 60.0;
    stop_flag = stop;
}

int chart_stopped(void)
{
    return stop_flag && *stop_flag;
}

static double clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Okabe & Ito (2008): black first for the control arm, then the seven hues. */
static const char *const palette[] = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
};

const char *gp_colour(size_t i)
{
    return palette[i % (sizeof palette / sizeof palette[0])];
}

void gp_string(FILE *f, const char *text)
{
    fputc('\'', f);
    for (const char *c = text; *c; c++) {
        if (*c == '\'')
            fputs("''", f);
        else if (*c == '\n' || *c == '\r' || *c == '\t')
            fputc(' ', f);
        else
            fputc(*c, f);
    }
    fputc('\'', f);
}

/* The terminal of each format, with the sizes of its two smaller fonts
 * (font_small, font_panel) in proportion to its own. */
static const struct {
    const char *format, *terminal, *small, *panel;
} terminals[] = {
    { "png", "pngcairo size 1600,1000 noenhanced font 'Sans,22' linewidth 2", ",16", ",18" },
    { "svg", "svg size 1600,1000 dynamic noenhanced font 'Sans,22' linewidth 2", ",16", ",18" },
    { "pdf", "pdfcairo size 8in,5in noenhanced font 'Sans,11' linewidth 1.5", ",8", ",9" },
    { "gif", "gif animate delay 8 loop 0 size 1200,750 noenhanced font 'Sans,16'", ",12", ",13" },   /* slides */
};

static int terminal_of(const char *format)
{
    for (size_t i = 0; i < sizeof terminals / sizeof terminals[0]; i++)
        if (strcmp(terminals[i].format, format) == 0)
            return (int)i;
    return -1;
}

enum gp_end { GP_DONE, GP_NOT_STARTED, GP_TIMED_OUT, GP_STOPPED };

/* Run gnuplot in dir on script, its stderr to errname there, with a
 * deadline: past it, or once the program is told to stop, gnuplot (and
 * anything it started, in its own process group) is killed. No shell: the
 * folder's name reaches no command line. */
static enum gp_end run_gnuplot(const char *dir, const char *errname, const char *script, size_t len, int *status)
{
    int fds[2];
    if (pipe(fds) != 0)
        return GP_NOT_STARTED;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return GP_NOT_STARTED;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int e = chdir(dir) == 0 ? open(errname, O_WRONLY | O_CREAT | O_TRUNC, 0666) : -1;
        if (e < 0 || dup2(e, STDERR_FILENO) < 0 || dup2(fds[0], STDIN_FILENO) < 0)
            _exit(126);
        close(e);
        close(fds[0]);
        close(fds[1]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    close(fds[0]);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    const double deadline = clock_now() + limit_seconds;
    enum gp_end end = GP_DONE;
    size_t sent = 0;
    while (sent < len) {   /* gnuplot may stop reading: never block on it */
        struct pollfd pf = { fds[1], POLLOUT, 0 };
        if (chart_stopped() || clock_now() > deadline) {
            end = chart_stopped() ? GP_STOPPED : GP_TIMED_OUT;
            break;
        }
        if (poll(&pf, 1, 50) <= 0)
            continue;
        ssize_t n = write(fds[1], script + sent, len - sent);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            break;   /* gnuplot went away: its status says why */
        if (n > 0)
            sent += (size_t)n;
    }
    close(fds[1]);
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return end;
        if (w < 0 && errno != EINTR)
            return end;
        if (end == GP_DONE && (chart_stopped() || clock_now() > deadline))
            end = chart_stopped() ? GP_STOPPED : GP_TIMED_OUT;
        if (end != GP_DONE) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return end;
        }
        struct timespec nap = { 0, 10 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
}

/* Whether the chart gnuplot wrote is whole: a file that ends as its format
 * ends (PNG's IEND chunk, SVG's closing tag, PDF's %%EOF, GIF's trailer),
 * not one cut short by a full disk or a killed gnuplot. */
static int output_is_whole(const char *path, const char *format)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char head[8] = { 0 }, tail[64] = { 0 };
    size_t nh = fread(head, 1, sizeof head, f);
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    size_t nt = 0;
    if (size > 0 && fseek(f, size > (long)sizeof tail ? size - (long)sizeof tail : 0, SEEK_SET) == 0)
        nt = fread(tail, 1, sizeof tail, f);
    fclose(f);
    if (size <= 0 || nt == 0)
        return 0;
    if (strcmp(format, "png") == 0)
        return nh == 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0 && nt >= 8
               && memcmp(tail + nt - 8, "IEND\xae\x42\x60\x82", 8) == 0;
    if (strcmp(format, "gif") == 0)
        return nh >= 6 && memcmp(head, "GIF8", 4) == 0 && tail[nt - 1] == 0x3b;
    char text[65];
    memcpy(text, tail, nt);
    text[nt] = '\0';
    for (size_t i = 0; i < nt; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    if (strcmp(format, "svg") == 0)
        return strstr(text, "</svg>") != NULL;
    if (strcmp(format, "pdf") == 0)
        return nh >= 5 && memcmp(head, "%PDF-", 5) == 0 && strstr(text, "%%EOF") != NULL;
    return 1;
}

int chart_begin(struct chart *c, const char *dir, const char *name, const char *format, char *err, size_t len)
{
    memset(c, 0, sizeof *c);
    int t = terminal_of(format);
    if (t < 0) {
        snprintf(err, len, "unknown chart format '%s'; expected png, svg or pdf", format);
        return -1;
    }
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->format, sizeof c->format, "%s", format);
    snprintf(c->title, sizeof c->title, "%s", name);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    c->data = fopen(path, "w");
    c->gp = open_memstream(&c->script, &c->script_len);
    if (!c->data || !c->gp) {
        snprintf(err, len, "chart %s: cannot write '%s': %s", name, path, strerror(errno));
        chart_abort(c);
        return -1;
    }
    fprintf(c->gp,
            "# %s: drawn by turnaround from the results beside this folder; the data are in %s.dat.\n"
            "# Restyle freely and redraw with: gnuplot %s.gp\n"
            "set terminal ",
            name, name, name);
    fputs(terminals[t].terminal, c->gp);
    if (strcmp(format, "svg") == 0)   /* the SVG's <title> until chart_end writes the chart's own there */
        fprintf(c->gp, " name '%s'", name);
    fprintf(c->gp,
            "\nset output '%s.%s'\n"
            "font_small = '%s'\nfont_panel = '%s'\n"
            "set encoding utf8\n"
            "set border lw 1\n"
            "set grid lc rgb '#dddddd'\n"
            "set key noenhanced font font_small\n",
            name, format, terminals[t].small, terminals[t].panel);
    return 0;
}

void chart_title(struct chart *c, const char *title)
{
    size_t n = 0;
    for (const char *s = title; *s && n + 4 < sizeof c->title; s++) {
        if (*s == '\n') {
            memcpy(c->title + n, " - ", 3);
            n += 3;
        } else {
            c->title[n++] = *s;
        }
    }
    c->title[n] = '\0';
}

void gp_lines(FILE *f, const char *text)
{
    const char *line = text;
    for (;;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char *one = strndup(line, n);
        gp_string(f, one ? one : "");
        free(one);
        if (!end)
            break;
        fputs(".\"\\n\".", f);
        line = end + 1;
    }
}

/* Put the chart's title in an SVG's <title>, where gnuplot wrote the
 * terminal's name: the file is rewritten beside itself and renamed over it. */
static int svg_title(const char *path, const struct chart *c)
{
    FILE *in = fopen(path, "rb");
    char *svg = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&svg, &n);
    char buf[65536];
    size_t got;
    int bad = !in || !mem;
    while (!bad && (got = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, got, mem) != got;
    if (in) {
        bad |= ferror(in);
        fclose(in);
    }
    if (mem)
        bad |= fclose(mem) != 0;
    char tag[100];
    snprintf(tag, sizeof tag, "<title>%s</title>", c->name);
    char *at = bad || !svg ? NULL : strstr(svg, tag);
    char tmp[1300];
    snprintf(tmp, sizeof tmp, "%s.title", path);
    FILE *out = at ? fopen(tmp, "wb") : NULL;
    if (out) {
        bad = fwrite(svg, 1, (size_t)(at - svg), out) != (size_t)(at - svg) || fputs("<title>", out) < 0;
        for (const char *s = c->title; *s && !bad; s++) {   /* XML text: & < > escaped */
            if (*s == '&')
                bad = fputs("&amp;", out) < 0;
            else if (*s == '<')
                bad = fputs("&lt;", out) < 0;
            else if (*s == '>')
                bad = fputs("&gt;", out) < 0;
            else
                bad = fputc(*s, out) == EOF;
        }
        const char *rest = at + strlen(tag);
        size_t left = n - (size_t)(rest - svg);
        bad |= fputs("</title>", out) < 0 || fwrite(rest, 1, left, out) != left;
        bad |= fflush(out) != 0 || fsync(fileno(out)) != 0;
        bad |= fclose(out) != 0;
        bad = bad || rename(tmp, path) != 0;
        if (bad)
            remove(tmp);
    }
    free(svg);
    return at && !bad ? 0 : -1;
}

void chart_abort(struct chart *c)
{
    if (c->data)
        fclose(c->data);
    if (c->gp)
        fclose(c->gp);
    free(c->script);
    c->data = c->gp = NULL;
    c->script = NULL;
}

int chart_end(struct chart *c, char *err, size_t len)
{
    int bad_data = fclose(c->data) != 0;
    c->data = NULL;
    fclose(c->gp);
    c->gp = NULL;
    char path[1200], errpath[1200];
    snprintf(path, sizeof path, "%s/%s.gp", c->dir, c->name);
    FILE *f = fopen(path, "w");
    if (bad_data || !f || fwrite(c->script, 1, c->script_len, f) != c->script_len) {
        if (f)
            fclose(f);
        snprintf(err, len, "chart %s: cannot write its files in '%s'", c->name, c->dir);
        chart_abort(c);
        return -1;
    }
    fclose(f);

    /* gnuplot reading a pipe goes on after an error and reports it on
     * stderr, so stderr goes to a file and the exit status is checked. */
    snprintf(errpath, sizeof errpath, "%s/.%s.stderr", c->dir, c->name);
    char errname[100], out[1200];
    snprintf(errname, sizeof errname, ".%s.stderr", c->name);   /* in dir, where gnuplot runs */
    snprintf(out, sizeof out, "%s/%s.%s", c->dir, c->name, c->format);
    int rc = -1;
    enum gp_end end = run_gnuplot(c->dir, errname, c->script, c->script_len, &rc);
    chart_abort(c);
    char said[600] = "";
    FILE *e = fopen(errpath, "r");
    if (e) {
        size_t n = fread(said, 1, sizeof said - 1, e);
        said[n] = '\0';
        fclose(e);
        remove(errpath);
    }
    for (char *s = said; *s; s++)
        if (*s == '\n')
            *s = ' ';
    /* A chart that failed leaves no image: never a half-drawn one to be
     * taken for the chart. */
    if (end == GP_TIMED_OUT) {
        snprintf(err, len, "chart %s: gnuplot did not finish within %g s (plot.timeout) and was stopped", c->name,
                 limit_seconds);
    } else if (end == GP_STOPPED) {
        snprintf(err, len, "chart %s: interrupted", c->name);
    } else if (end == GP_NOT_STARTED || rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        if (end != GP_NOT_STARTED && WIFEXITED(rc) && WEXITSTATUS(rc) == 127)
            snprintf(err, len, "chart %s: gnuplot is not installed (Debian: apt-get install gnuplot-nox)", c->name);
        else
            snprintf(err, len, "chart %s: gnuplot failed: %s", c->name,
                     end == GP_NOT_STARTED ? strerror(errno) : said[0] ? said : "no message");
    } else if (!output_is_whole(out, c->format)) {
        snprintf(err, len, "chart %s: gnuplot wrote a damaged or empty %s.%s (disk full?); it is removed", c->name,
                 c->name, c->format);
    } else if (strcmp(c->format, "svg") == 0 && svg_title(out, c) != 0) {
        snprintf(err, len, "chart %s: cannot write its title into %s.svg (disk full?); it is removed", c->name, c->name);
    } else {
        return 0;
    }
    remove(out);
    return -1;
}
