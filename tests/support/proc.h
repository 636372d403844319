/* proc.h -- test support: run the assay binary, start and stop the mock.
 *
 * Tests need no network: mock_start runs `assay mock --port 0 ...` on
 * loopback and reads the port from its first stdout line
 * ("assay mock: listening on http://127.0.0.1:PORT"); mock_stop sends
 * SIGTERM and reaps it. Paths come from the environment CTest sets
 * (tests/CMakeLists.txt). */
#ifndef ASSAY_TEST_PROC_H
#define ASSAY_TEST_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc_result {
    int status;      /* exit code, or 128 + signal number */
    char *out;       /* captured stdout, NUL-terminated */
    size_t out_len;
    char *err;       /* captured stderr, NUL-terminated */
    size_t err_len;
};

/* Runs argv (argv[0] is a path), feeding stdin_data (may be NULL), waiting
 * at most timeout_s seconds (then SIGKILL). Returns 0 if it ran. */
int  proc_run(char *const argv[], const char *stdin_data, int timeout_s, struct proc_result *r);
void proc_result_free(struct proc_result *r);

/* Runs the assay binary with the given arguments (NULL-terminated). */
int  run_assay(struct proc_result *r, const char *arg, ...);
int  run_assayv(struct proc_result *r, char *const args[]);   /* args NULL-terminated, no argv[0] */

const char *assay_bin(void);       /* $ASSAY_BIN */
const char *assay_src(void);       /* $ASSAY_SRC: the source tree */
const char *assay_shared(void);    /* $ASSAY_SHARED if the folder exists, else NULL */
/* Exits 77 (skipped) with a message if ../shared is absent; returns its path. */
const char *require_shared(void);

/* A fresh empty directory under the test's working directory; owned string. */
char *test_tmpdir(const char *prefix);

struct mock_proc {
    pid_t pid;
    int port;
    char base_url[128];   /* http://127.0.0.1:PORT (https:// with --tls) */
};

/* extra: NULL-terminated extra arguments after `mock --port 0`, or NULL. */
int  mock_start(struct mock_proc *m, char *const extra[]);
void mock_stop(struct mock_proc *m);

#endif
