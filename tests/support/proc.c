/* proc.c -- see proc.h. */
#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void append(char **p, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap)
            *cap = *cap ? *cap * 2 : 4096;
        *p = realloc(*p, *cap);
    }
    memcpy(*p + *len, data, n);
    *len += n;
    (*p)[*len] = '\0';
}

int proc_run(char *const argv[], const char *stdin_data, int timeout_s, struct proc_result *r)
{
    memset(r, 0, sizeof(*r));
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    signal(SIGPIPE, SIG_IGN);
    size_t in_left = stdin_data ? strlen(stdin_data) : 0;
    const char *in_p = stdin_data;
    if (!in_left) {
        close(in[1]);
        in[1] = -1;
    }
    size_t ocap = 0, ecap = 0;
    append(&r->out, &r->out_len, &ocap, "", 0);
    append(&r->err, &r->err_len, &ecap, "", 0);
    int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
    int open_fds = 2;
    while (open_fds > 0) {
        struct pollfd fds[3] = {
            { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 }, { in[1], POLLOUT, 0 },
        };
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, in[1] >= 0 ? 3 : 2, (int)left);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[8192];
            ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
            if (got <= 0) {
                close(fds[i].fd);
                if (i == 0)
                    out[0] = -1;
                else
                    err[0] = -1;
                open_fds--;
            } else if (i == 0) {
                append(&r->out, &r->out_len, &ocap, chunk, (size_t)got);
            } else {
                append(&r->err, &r->err_len, &ecap, chunk, (size_t)got);
            }
        }
        if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in[1], in_p, in_left);
            if (w > 0) {
                in_p += w;
                in_left -= (size_t)w;
            }
            if (w < 0 || in_left == 0) {
                close(in[1]);
                in[1] = -1;
            }
        }
    }
    if (out[0] >= 0)
        close(out[0]);
    if (err[0] >= 0)
        close(err[0]);
    if (in[1] >= 0)
        close(in[1]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 0;
}

void proc_result_free(struct proc_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

const char *assay_bin(void)
{
    const char *b = getenv("ASSAY_BIN");
    if (!b) {
        fprintf(stderr, "ASSAY_BIN is not set; run the tests through ctest\n");
        exit(2);
    }
    return b;
}

const char *assay_src(void)
{
    const char *s = getenv("ASSAY_SRC");
    return s ? s : ".";
}

const char *assay_shared(void)
{
    const char *s = getenv("ASSAY_SHARED");
    struct stat st;
    if (!s || stat(s, &st) < 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return s;
}

const char *require_shared(void)
{
    const char *s = assay_shared();
    if (!s) {
        printf("SKIPPED: ../shared (metric vectors, public data) is absent\n");
        fflush(stdout);
        exit(77);
    }
    return s;
}

int run_assayv(struct proc_result *r, char *const args[])
{
    char *argv[128];
    int n = 0;
    argv[n++] = (char *)assay_bin();
    for (int i = 0; args[i] && n < 126; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return proc_run(argv, NULL, 300, r);
}

int run_assay(struct proc_result *r, const char *arg, ...)
{
    char *args[128];
    int n = 0;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && n < 126; a = va_arg(ap, const char *))
        args[n++] = (char *)a;
    va_end(ap);
    args[n] = NULL;
    return run_assayv(r, args);
}

char *test_tmpdir(const char *prefix)
{
    char tmpl[512];
    snprintf(tmpl, sizeof(tmpl), "%s/tmp-%s-XXXXXX", ".", prefix);
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("mkdtemp");
        exit(2);
    }
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)))
        exit(2);
    size_t len = strlen(cwd) + strlen(dir) + 2;
    char *full = malloc(len);
    snprintf(full, len, "%s/%s", cwd, dir + 2);
    return full;
}

int mock_start(struct mock_proc *m, char *const extra[])
{
    memset(m, 0, sizeof(*m));
    char *argv[64];
    int n = 0;
    argv[n++] = (char *)assay_bin();
    argv[n++] = "mock";
    argv[n++] = "--port";
    argv[n++] = "0";
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(out[1], 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    m->pid = pid;
    /* Read the first line (the mock prints it once it is listening). */
    char line[512];
    size_t len = 0;
    int64_t deadline = now_ms() + 30000;
    while (len < sizeof(line) - 1) {
        struct pollfd pfd = { out[0], POLLIN, 0 };
        int64_t left = deadline - now_ms();
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        ssize_t got = read(out[0], line + len, 1);
        if (got <= 0)
            break;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    /* Keep reading its stdout in the background would need a thread; the
     * mock writes nothing else to stdout, so closing is safe. */
    close(out[0]);
    const char *url = strstr(line, "http");
    const char *colon = url ? strrchr(url, ':') : NULL;
    if (!url || !colon || atoi(colon + 1) <= 0) {
        fprintf(stderr, "mock_start: unexpected first line from the mock: \"%s\"\n", line);
        mock_stop(m);
        return -1;
    }
    m->port = atoi(colon + 1);
    snprintf(m->base_url, sizeof(m->base_url), "%.*s", (int)strcspn(url, " \r\n"), url);
    return 0;
}

void mock_stop(struct mock_proc *m)
{
    if (m->pid <= 0)
        return;
    kill(m->pid, SIGTERM);
    int st;
    for (int i = 0; i < 100; i++) {
        if (waitpid(m->pid, &st, WNOHANG) == m->pid) {
            m->pid = 0;
            return;
        }
        usleep(50000);
    }
    kill(m->pid, SIGKILL);
    waitpid(m->pid, &st, 0);
    m->pid = 0;
}
