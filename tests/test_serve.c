/* test_serve: turnaround serve, as a client sees it. The server alone,
 * through raw sockets: nothing outside the page's assets and its runs'
 * results is served, however the path is spelt; malformed requests and
 * oversized runs get a 4xx with a message; two clients at once, and a
 * client that went away, leave it serving; one run at a time per page,
 * with cancel; SIGINT and SIGTERM stop it cleanly, its temporary folders
 * removed. Then the page in a real browser (tests/browser_check.py, headless
 * Chromium through Selenium), its screenshots kept under
 * build/test-artefacts/serve/.
 *
 * Each test starts its own server on a free port (--port 0) with TMPDIR set
 * to the test's folder, and stops it by its process id. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

/* The server of the test running, stopped by the teardown when a check
 * failed before the test could stop it. */
static pid_t live_server;

struct server {
    pid_t pid;
    int port;
    char tmp[512];   /* its TMPDIR */
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Start 'turnaround serve teaching --port 0 --quiet' in the source tree and
 * read the port from the line it prints. */
static void server_start(struct server *s, const char *tmp)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    snprintf(s->tmp, sizeof s->tmp, "%s", tmp);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (chdir(support_src()) != 0 || setenv("TMPDIR", tmp, 1) != 0)
            _exit(126);
        execl(support_bin(), support_bin(), "serve", "teaching", "--port", "0", "--quiet", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    live_server = s->pid;
    char line[512];
    size_t n = 0;
    double t0 = now_s();
    while (n + 1 < sizeof line && !memchr(line, '\n', n) && now_s() - t0 < 30) {
        struct pollfd p = { fds[0], POLLIN, 0 };
        if (poll(&p, 1, 200) <= 0)
            continue;
        ssize_t k = read(fds[0], line + n, sizeof line - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    line[n] = '\0';
    close(fds[0]);
    const char *at = strstr(line, "http://127.0.0.1:");
    if (!at || strstr(line, "; Ctrl-C stops") == NULL)
        fail_msg("the server printed no address: '%s'", line);
    s->port = atoi(at + strlen("http://127.0.0.1:"));
    assert_true(s->port > 0 && s->port < 65536);
}

/* The number of entries of the server's TMPDIR whose name starts turnaround-serve. */
static int temp_folders(const char *tmp)
{
    DIR *d = opendir(tmp);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, "turnaround-serve-", 17) == 0;
    if (d)
        closedir(d);
    return n;
}

/* Stop it with sig; it must exit 0 within 20 s, its temporary folder gone. */
static void server_stop(struct server *s, int sig)
{
    assert_int_equal(temp_folders(s->tmp), 1);
    assert_int_equal(kill(s->pid, sig), 0);
    live_server = 0;
    int status = 0;
    double t0 = now_s();
    pid_t w = 0;
    while ((w = waitpid(s->pid, &status, WNOHANG)) == 0 && now_s() - t0 < 20) {
        struct timespec nap = { 0, 20 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    if (w == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &status, 0);
        fail_msg("the server did not stop within 20 s of signal %d", sig);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the server stopped by signal %d ended with status 0x%x, not exit 0", sig, status);
    assert_int_equal(temp_folders(s->tmp), 0);
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void send_all(int fd, const char *data, size_t n)
{
    while (n) {
        ssize_t k = send(fd, data, n, MSG_NOSIGNAL);
        if (k <= 0)
            return;   /* the server may close a connection it refuses */
        data += k;
        n -= (size_t)k;
    }
}

/* Everything the server sends back until it closes; the caller frees. */
static char *read_all(int fd)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (n + 1 == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
        ssize_t k = recv(fd, buf + n, cap - 1 - n, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    return buf;
}

struct reply {
    int status;   /* 0: the server closed without answering */
    char *text;   /* the whole reply, headers and body */
    const char *body;
};

static void exchange(struct reply *r, int port, const char *raw, size_t n)
{
    int fd = connect_to(port);
    send_all(fd, raw, n);
    r->text = read_all(fd);
    close(fd);
    r->status = strncmp(r->text, "HTTP/1.", 7) == 0 ? atoi(r->text + 9) : 0;
    const char *b = strstr(r->text, "\r\n\r\n");
    r->body = b ? b + 4 : "";
}

/* A request: method, path and (for POST) a form body. */
static void request(struct reply *r, int port, const char *method, const char *path, const char *body)
{
    size_t len = body ? strlen(body) : 0;
    char *raw = malloc(len + 1024);
    assert_non_null(raw);
    int k = snprintf(raw, 1024, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
    if (body)
        k += snprintf(raw + k, 1024 - (size_t)k,
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n", len);
    memcpy(raw + k, "\r\n", 2);
    k += 2;
    if (body)
        memcpy(raw + k, body, len);
    exchange(r, port, raw, (size_t)k + len);
    free(raw);
}

#define assert_has(text, needle)                                                                               \
    do {                                                                                                       \
        if (!strstr((text), (needle)))                                                                         \
            fail_msg("expected to find [%s] in:\n%.3000s", (needle), (text));                                  \
    } while (0)

/* The server still serves its page. */
static void still_serving(int port)
{
    struct reply r;
    request(&r, port, "GET", "/", NULL);
    assert_int_equal(r.status, 200);
    assert_has(r.body, "<title>turnaround");
    free(r.text);
}

/* A run of the teaching scenario, started and waited for; its id. */
static int run_to_the_end(int port, const char *form, const char *want_state)
{
    struct reply r;
    request(&r, port, "POST", "/api/run", form);
    if (r.status != 202)
        fail_msg("POST /api/run %s: %d\n%s", form, r.status, r.text);
    int id = atoi(strstr(r.body, "\"id\":") + 5);
    free(r.text);
    char path[64], state[64];
    snprintf(path, sizeof path, "/api/runs/%d", id);
    snprintf(state, sizeof state, "\"state\":\"%s\"", want_state);
    double t0 = now_s();
    for (;;) {
        request(&r, port, "GET", path, NULL);
        assert_int_equal(r.status, 200);
        int going = strstr(r.body, "\"state\":\"running\"") || strstr(r.body, "\"state\":\"drawing\"");
        if (!going) {
            assert_has(r.body, state);
            free(r.text);
            return id;
        }
        free(r.text);
        if (now_s() - t0 > 60)
            fail_msg("run %d still going after 60 s", id);
        struct timespec nap = { 0, 100 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
}

#define SMALL_RUN "page=t&scenario=teaching&arm=none&arm=takeover&set=run.reps%3D2&set=run.months%3D36"

/* ---- tests --------------------------------------------------------------- */

/* No path outside the assets and the runs' results files, spelt however:
 * dot-dot, percent-encoded dot-dot, absolute, doubled slashes, and the
 * run's own folder beyond its results (its log, gnuplot's scripts). */
static void paths_outside_the_assets_are_refused(void **state)
{
    struct server s;
    server_start(&s, *state);
    int id = run_to_the_end(s.port, SMALL_RUN, "done");
    char run[64];
    snprintf(run, sizeof run, "/runs/%d", id);
    const char *tails[] = { "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                            "//etc/passwd", "/etc/passwd", "/api/../../etc/passwd", "/style.css/../../etc/passwd",
                            "/index.html%00.css" };
    const char *in_run[] = { "/../child.log", "/%2e%2e/child.log", "/child.log", "/plots/trajectories.gp",
                             "/plots/../config.cfg", "/plots/%2e%2e/config.cfg", "/frame/3/../../child.log",
                             "/frame/-1/network.svg", "/frame/999/network.svg", "/results/config.cfg",
                             "/.turnaround", "/config.cfg/", "/%2fetc%2fpasswd" };
    for (size_t k = 0; k < sizeof tails / sizeof tails[0] + sizeof in_run / sizeof in_run[0]; k++) {
        char path[300];
        if (k < sizeof tails / sizeof tails[0])
            snprintf(path, sizeof path, "%s", tails[k]);
        else
            snprintf(path, sizeof path, "%s%s", run, in_run[k - sizeof tails / sizeof tails[0]]);
        struct reply r;
        request(&r, s.port, "GET", path, NULL);
        if (r.status != 404 && r.status != 400)
            fail_msg("GET %s answered %d, not 404 or 400:\n%.500s", path, r.status, r.text);
        if (strstr(r.body, "root:") || strstr(r.body, "turnaround compare") || strstr(r.body, "set terminal"))
            fail_msg("GET %s served a file it must not:\n%.500s", path, r.body);
        free(r.text);
    }
    /* what it does serve, for contrast */
    const char *served[] = { "/", "/index.html", "/app.js", "/style.css", "/api/params", "/api/scenarios" };
    for (size_t k = 0; k < sizeof served / sizeof served[0]; k++) {
        struct reply r;
        request(&r, s.port, "GET", served[k], NULL);
        if (r.status != 200)
            fail_msg("GET %s answered %d", served[k], r.status);
        free(r.text);
    }
    char path[100];
    snprintf(path, sizeof path, "%s/config.cfg", run);
    struct reply r;
    request(&r, s.port, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    assert_has(r.body, "run = {");
    free(r.text);
    still_serving(s.port);
    server_stop(&s, SIGTERM);
}

/* Malformed requests: a 4xx (or the connection closed on a request line
 * that is not HTTP), and the server goes on. */
static void malformed_requests_get_4xx(void **state)
{
    struct server s;
    server_start(&s, *state);
    static const char *const raw[] = {
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nonsense\r\n\r\n",
        "\x01\x02\x03\xff\xfe\r\n\r\n",
    };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
        struct reply r;
        exchange(&r, s.port, raw[k], strlen(raw[k]));
        if (r.status != 0 && (r.status < 400 || r.status > 499))
            fail_msg("malformed request %zu answered %d:\n%.400s", k, r.status, r.text);
        free(r.text);
        still_serving(s.port);
    }
    /* A version of HTTP it does not speak: 505, as the standard has it. */
    const char *v73 = "GET / HTTP/7.3\r\nHost: 127.0.0.1\r\n\r\n";
    struct reply r;
    exchange(&r, s.port, v73, strlen(v73));
    assert_int_equal(r.status, 505);
    free(r.text);
    /* A header line of 100 kB. */
    size_t big = 100000;
    char *huge = malloc(big + 100);
    assert_non_null(huge);
    int k = snprintf(huge, 100, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    memset(huge + k, 'a', big);
    memcpy(huge + k + big, "\r\n\r\n", 5);
    exchange(&r, s.port, huge, strlen(huge));
    if (r.status != 0 && (r.status < 400 || r.status > 499))
        fail_msg("a 100 kB header answered %d", r.status);
    free(r.text);
    /* Forms that are not the page's: each refused with a message. */
    static const struct { const char *method, *path, *body, *want; int status; } forms[] = {
        { "POST", "/api/run", "page=t&scenario=teaching&arm=none&set=run.reps%zz", "malformed", 400 },
        { "POST", "/api/run", "page=t&scenario=teaching&arm=none&bogus=1", "unknown field 'bogus'", 400 },
        { "POST", "/api/run", "page=t&scenario=../../etc/passwd&arm=none", "no scenario named", 400 },
        { "POST", "/api/run", "page=t&scenario=teaching", "no arm is chosen", 400 },
        { "POST", "/api/run", "page=t&scenario=teaching&arm=nonsense", "nonsense", 400 },
        { "POST", "/api/run", "page=t&scenario=teaching&arm=none&set=no.such%3D1", "no.such", 400 },
        { "POST", "/api/run", "page=t&scenario=teaching&arm=none&set=takeover.internalisation%3D1.5",
          "expected a number from 0 to 1, found '1.5'", 400 },
        { "POST", "/api/run", "scenario=teaching&arm=none", "names no page", 400 },
        { "POST", "/api/check", "page=t&scenario=teaching&arm=none&set=intervention.exit%3Dwhenever",
          "{\"field\":\"intervention.exit\",\"message\":\"intervention.exit: unknown exit test 'whenever'", 400 },
        { "DELETE", "/", NULL, "not served here", 405 },
        { "GET", "/api/runs/99", NULL, "no run 99", 404 },
        { "POST", "/api/runs/1", "", "read a run with GET", 405 },
        { "GET", "/api/runs/1/cancel", NULL, "cancel with POST", 405 },
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        request(&r, s.port, forms[i].method, forms[i].path, forms[i].body);
        if (r.status != forms[i].status)
            fail_msg("%s %s %s: %d, expected %d\n%.500s", forms[i].method, forms[i].path, forms[i].body ? forms[i].body : "",
                     r.status, forms[i].status, r.text);
        assert_has(r.body, forms[i].want);
        free(r.text);
    }
    /* A body past the limit of 64 kB. */
    char *body = malloc(70001);
    assert_non_null(body);
    memset(body, 'a', 70000);
    memcpy(body, "page=", 5);
    body[70000] = '\0';
    request(&r, s.port, "POST", "/api/run", body);
    assert_int_equal(r.status, 413);
    assert_has(r.body, "at most 65536 bytes");
    free(r.text);
    free(body);
    free(huge);
    still_serving(s.port);
    server_stop(&s, SIGTERM);
}

/* Only its own page is answered: a Host that is not a loopback name (a DNS
 * name rebound to 127.0.0.1) is refused, and so is a POST from another
 * site's page (its Origin), with 403; the server goes on. */
static void other_sites_are_refused(void **state)
{
    struct server s;
    server_start(&s, *state);
    char raw[1024];
    for (int i = 0; i < 3; i++) {
        int n = i == 0 ? snprintf(raw, sizeof raw, "GET /api/params HTTP/1.1\r\nHost: evil.example:%d\r\n"
                                  "Connection: close\r\n\r\n", s.port)
              : i == 1 ? snprintf(raw, sizeof raw, "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: "
                                  "http://evil.example\r\nConnection: close\r\nContent-Type: "
                                  "application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\npage=", s.port)
              : snprintf(raw, sizeof raw, "GET / HTTP/1.0\r\n\r\n");   /* no Host at all */
        struct reply r;
        exchange(&r, s.port, raw, (size_t)n);
        if (r.status != 403)
            fail_msg("case %d answered %d, not 403:\n%.400s", i, r.status, r.text);
        assert_has(r.body, "only this server's own page");
        free(r.text);
    }
    /* the page's own POST, Origin and all */
    int n = snprintf(raw, sizeof raw, "POST /api/check HTTP/1.1\r\nHost: localhost:%d\r\nOrigin: http://localhost:%d\r\n"
                     "Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 33\r\n\r\n"
                     "page=t&scenario=teaching&arm=none", s.port, s.port);
    struct reply r;
    exchange(&r, s.port, raw, (size_t)n);
    assert_int_equal(r.status, 200);
    assert_has(r.body, "{\"errors\":[]}");
    free(r.text);
    still_serving(s.port);
    server_stop(&s, SIGTERM);
}

/* A run past the limits is refused before anything runs, the limit named
 * beside the field it concerns. */
static void oversized_runs_are_refused(void **state)
{
    struct server s;
    server_start(&s, *state);
    static const struct { const char *sets, *field, *want; } cases[] = {
        { "&set=run.reps%3D201", "run.reps", "at most 200 replications" },
        { "&set=run.months%3D241", "run.months", "at most 240 months" },
        { "&set=sector.orgs%3D1000&set=org.staff%3D100", "sector.orgs", "at most 20000 run here" },
        { "&set=sector.orgs%3D50&set=org.staff%3D300&set=run.reps%3D200&set=run.months%3D240", "run.reps",
          "agent-months" },
        { "&arm=blame&arm=restructure&arm=peer_challenge&arm=interim&arm=retained_ownership", "arms", "at most 6" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char form[600];
        snprintf(form, sizeof form, "page=t&scenario=teaching&arm=none&arm=takeover%s", cases[i].sets);
        struct reply r;
        request(&r, s.port, "POST", "/api/run", form);
        if (r.status != 400)
            fail_msg("%s: %d, not 400\n%.500s", form, r.status, r.text);
        char field[100];
        snprintf(field, sizeof field, "\"field\":\"%s\"", cases[i].field);
        assert_has(r.body, field);
        assert_has(r.body, cases[i].want);
        free(r.text);
    }
    /* A page's name longer than the server keeps is refused, not cut short
     * (a cut name could be another page's). */
    char form[200];
    snprintf(form, sizeof form, "page=%.64s&scenario=teaching&arm=none",
             "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp");
    struct reply r;
    request(&r, s.port, "POST", "/api/run", form);
    if (r.status != 400)
        fail_msg("a 64-character page name: %d, not 400\n%.500s", r.status, r.text);
    assert_has(r.body, "the page's name is longer than 63 characters");
    free(r.text);
    /* nothing ran: no run 1 */
    request(&r, s.port, "GET", "/api/runs/1", NULL);
    assert_int_equal(r.status, 404);
    free(r.text);
    still_serving(s.port);
    server_stop(&s, SIGINT);
}

/* Two clients at once: one that sends half a request and waits does not
 * hold up another; then it finishes and is answered too. */
static void two_clients_at_once(void **state)
{
    struct server s;
    server_start(&s, *state);
    int slow = connect_to(s.port);
    const char *half = "GET /api/params HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    send_all(slow, half, strlen(half));
    double t0 = now_s();
    struct reply r;
    request(&r, s.port, "GET", "/api/scenarios", NULL);
    assert_int_equal(r.status, 200);
    assert_has(r.body, "\"teaching\"");
    free(r.text);
    if (now_s() - t0 > 5)
        fail_msg("the second client waited %.1f s for the first", now_s() - t0);
    /* two runs of two pages together */
    request(&r, s.port, "POST", "/api/run", SMALL_RUN);
    assert_int_equal(r.status, 202);
    free(r.text);
    run_to_the_end(s.port, "page=other&scenario=teaching&arm=none&set=run.reps%3D2&set=run.months%3D24", "done");
    send_all(slow, "Connection: close\r\n\r\n", 21);
    char *rest = read_all(slow);
    close(slow);
    assert_true(strncmp(rest, "HTTP/1.1 200", 12) == 0);
    assert_has(rest, "\"run.reps\"");
    free(rest);
    still_serving(s.port);
    server_stop(&s, SIGTERM);
}

/* Clients that go away: before the answer to a run they started, in the
 * middle of a download, half-way through a request. The run goes on to
 * its end, and the server keeps serving. */
static void a_client_that_went_away(void **state)
{
    struct server s;
    server_start(&s, *state);
    const char *body = SMALL_RUN;
    char raw[1024];
    int n = snprintf(raw, sizeof raw, "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    int fd = connect_to(s.port);
    send_all(fd, raw, (size_t)n);
    close(fd);   /* gone before the answer */
    /* the run it started still finishes */
    struct reply r;
    double t0 = now_s();
    for (;;) {
        request(&r, s.port, "GET", "/api/runs/1", NULL);
        if (r.status == 200 && strstr(r.body, "\"state\":\"done\""))
            break;
        free(r.text);
        if (now_s() - t0 > 60)
            fail_msg("the run of a client that went away did not finish");
        struct timespec nap = { 0, 100 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    free(r.text);
    /* a download left after its first bytes */
    fd = connect_to(s.port);
    const char *get = "GET /runs/1/results.tar HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    send_all(fd, get, strlen(get));
    char some[100];
    assert_true(recv(fd, some, sizeof some, 0) > 0);
    close(fd);
    /* half a request, then gone */
    fd = connect_to(s.port);
    const char *half = "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\npage=";
    send_all(fd, half, strlen(half));
    close(fd);
    still_serving(s.port);
    request(&r, s.port, "GET", "/runs/1/results.tar", NULL);
    assert_int_equal(r.status, 200);
    assert_has(r.text, "Content-Type: application/x-tar");
    assert_has(r.body + 257, "ustar");
    free(r.text);
    server_stop(&s, SIGTERM);
}

/* One run at a time per page: a second from the same page is refused with
 * 409 while the first goes; cancel stops it, and it leaves no results. */
static void one_run_per_page_with_cancel(void **state)
{
    struct server s;
    server_start(&s, *state);
    const char *long_run = "page=p&scenario=teaching&arm=none&arm=takeover&arm=retained_ownership"
                           "&set=run.reps%3D200&set=run.months%3D240";
    struct reply r;
    request(&r, s.port, "POST", "/api/run", long_run);
    assert_int_equal(r.status, 202);
    free(r.text);
    request(&r, s.port, "POST", "/api/run", long_run);
    assert_int_equal(r.status, 409);
    assert_has(r.body, "is still going");
    free(r.text);
    request(&r, s.port, "POST", "/api/runs/1/cancel", "");
    assert_int_equal(r.status, 200);
    free(r.text);
    double t0 = now_s();
    for (;;) {
        request(&r, s.port, "GET", "/api/runs/1", NULL);
        if (strstr(r.body, "\"state\":\"cancelled\""))
            break;
        if (!strstr(r.body, "\"state\":\"running\""))
            fail_msg("the cancelled run ended otherwise:\n%s", r.body);
        free(r.text);
        if (now_s() - t0 > 20)
            fail_msg("the run was not cancelled within 20 s");
        struct timespec nap = { 0, 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    free(r.text);
    request(&r, s.port, "GET", "/runs/1/config.cfg", NULL);
    assert_int_equal(r.status, 409);
    free(r.text);
    /* the page may run again */
    run_to_the_end(s.port, "page=p&scenario=teaching&arm=none&set=run.reps%3D2&set=run.months%3D24", "done");
    server_stop(&s, SIGINT);
}

/* Ctrl-C while a run is going: the run is stopped, the server exits 0 and
 * its temporary folder, the run's with it, is removed. */
static void interrupted_with_a_run_going(void **state)
{
    struct server s;
    server_start(&s, *state);
    struct reply r;
    request(&r, s.port, "POST", "/api/run",
            "page=p&scenario=teaching&arm=none&arm=takeover&set=run.reps%3D200&set=run.months%3D240");
    assert_int_equal(r.status, 202);
    free(r.text);
    struct timespec nap = { 0, 300 * 1000 * 1000 };
    nanosleep(&nap, NULL);
    server_stop(&s, SIGINT);
}

/* The page in headless Chromium (tests/browser_check.py). */
static void the_page_in_a_browser(void **state)
{
    const char *tmp = *state;
    struct server s;
    server_start(&s, tmp);
    char art[1200], work[1200];
    snprintf(art, sizeof art, "%s/build/test-artefacts/serve", support_src());
    snprintf(work, sizeof work, "%s/browser", tmp);
    support_sh("rm -rf '%s' && mkdir -p '%s' '%s'", art, art, work);
    struct cmd_result r;
    support_run(&r, "/usr/bin/python3 tests/browser_check.py http://127.0.0.1:%d/ '%s' '%s' '%s'", s.port, support_bin(),
                art, work);
    if (r.status != 0)
        fail_msg("tests/browser_check.py: exit %d\n%s\n%s", r.status, r.out, r.err);
    assert_has(r.out, "reproduced byte for byte");
    printf("%s", r.out);
    support_result_free(&r);
    server_stop(&s, SIGTERM);
}

static int teardown(void **state)
{
    if (live_server > 0) {
        kill(live_server, SIGKILL);
        waitpid(live_server, NULL, 0);
        live_server = 0;
    }
    return support_tmpdir_teardown(state);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(paths_outside_the_assets_are_refused, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_requests_get_4xx, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(other_sites_are_refused, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(oversized_runs_are_refused, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(two_clients_at_once, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(a_client_that_went_away, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(one_run_per_page_with_cancel, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(interrupted_with_a_run_going, support_tmpdir_setup, teardown),
        cmocka_unit_test_setup_teardown(the_page_in_a_browser, support_tmpdir_setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
