/* run_support.h -- helpers for the run engine's integration tests: write
 * a config into a fresh folder, start the mock with a ground-truth log,
 * run `assay run`, and read the records back. */
#ifndef ASSAY_TEST_RUN_SUPPORT_H
#define ASSAY_TEST_RUN_SUPPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/proc.h"
#include "harness/util/buf.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static inline char *rs_write(const char *dir, const char *name, const char *text)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    return path;
}

static inline char *rs_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    size_t n;
    while ((n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 >= cap)
            s = realloc(s, cap *= 2);
    }
    s[len] = '\0';
    fclose(f);
    return s;
}

/* Every line of a JSONL file (parsed; NULL entries for lines that do not parse). */
struct rs_lines {
    cJSON **v;
    size_t n;
};

static inline struct rs_lines rs_read_jsonl(const char *path)
{
    struct rs_lines l = { NULL, 0 };
    char *s = rs_slurp(path);
    if (!s)
        return l;
    size_t cap = 0;
    for (char *line = s; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line) {
            if (l.n == cap)
                l.v = realloc(l.v, (cap = cap ? cap * 2 : 64) * sizeof(*l.v));
            l.v[l.n++] = cJSON_Parse(line);
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    free(s);
    return l;
}

static inline void rs_lines_free(struct rs_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        cJSON_Delete(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static inline struct rs_lines rs_records(const char *out)
{
    char path[8192];
    snprintf(path, sizeof(path), "%.4000s/results.jsonl", out);
    return rs_read_jsonl(path);
}

static inline const char *rs_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double rs_num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static inline const cJSON *rs_obj(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The data folder (tests/data) of the source tree; owned. */
static inline char *rs_data(const char *name)
{
    char *p = malloc(strlen(assay_src()) + strlen(name) + 16);
    sprintf(p, "%s/tests/data/%s", assay_src(), name);
    return p;
}

/* Starts the mock with --log LOG (owned path in *log) plus extra args. */
static inline int rs_mock(struct mock_proc *m, const char *dir, char **log, char *const extra[])
{
    *log = malloc(strlen(dir) + 16);
    sprintf(*log, "%s/truth.jsonl", dir);
    char *args[32];
    int n = 0;
    args[n++] = "--log";
    args[n++] = *log;
    for (int i = 0; extra && extra[i] && n < 30; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    if (mock_start(m, args) < 0)
        return -1;
    setenv("MOCK_URL", m->base_url, 1);
    setenv("MOCK_KEY", "sk-test-key-never-recorded", 1);
    return 0;
}

/* Starts argv (argv[0] a path) in the background, stdout and stderr to
 * child.out and child.err in dir; returns the pid. */
static inline pid_t rs_spawn_argv(const char *dir, char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        char path[4200];
        snprintf(path, sizeof(path), "%.4000s/child.out", dir);
        freopen(path, "a", stdout);
        snprintf(path, sizeof(path), "%.4000s/child.err", dir);
        freopen(path, "a", stderr);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Starts `assay ARGS...` the same way. */
static inline pid_t rs_spawn(const char *dir, char *const args[])
{
    char *argv[64];
    int n = 0;
    argv[n++] = (char *)assay_bin();
    for (int i = 0; args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return rs_spawn_argv(dir, argv);
}

/* Lines in a file (0 if absent). */
static inline long rs_count_lines(const char *path)
{
    char *s = rs_slurp(path);
    long n = 0;
    for (char *p = s; p && *p; p++)
        n += *p == '\n';
    free(s);
    return n;
}

/* Waits until path has at least n lines (or timeout_ms passes). */
static inline int rs_wait_lines(const char *path, long n, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        if (rs_count_lines(path) >= n)
            return 0;
        usleep(20000);
    }
    return -1;
}

/* Exit code of a child (128 + signal when killed). */
static inline int rs_wait(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
