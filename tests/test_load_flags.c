/* test_load_flags.c -- `assay load` flag values and bad input.
 *
 * The parsers behind --rate/--concurrency, --slo and the durations, then
 * the command itself: every bad flag or combination exits 2 before any
 * request, with a message naming the flag and what was expected (table:
 * arguments, expected text on stderr). Nothing here needs the mock: the
 * config points at a port nothing listens on, and a case that got as far
 * as sending would fail differently. */
#include "check.h"
#include "harness/load.h"
#include "support/proc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void parsers(void)
{
    struct diag d;
    double *v;
    size_t n;
    diag_init(&d);
    CHECK_INT_EQ(load_parse_levels("10,20.5,40", 0, 1e6, &v, &n, &d), 0);
    CHECK_INT_EQ(n, 3);
    CHECK(v[0] == 10 && v[1] == 20.5 && v[2] == 40);
    free(v);
    CHECK_INT_EQ(load_parse_levels("0.25", 0, 1e6, &v, &n, &d), 0);
    CHECK(n == 1 && v[0] == 0.25);
    free(v);
    static const char *const bad_levels[] = { "", ",", "10,", ",10", "10,,20", "0", "-5", "abc",
                                              "1e9", "nan", "inf", "5x", NULL };
    for (size_t i = 0; bad_levels[i]; i++) {
        diag_init(&d);
        CHECK_MSG(load_parse_levels(bad_levels[i], 0, 1e6, &v, &n, &d) < 0, "\"%s\" accepted",
                  bad_levels[i]);
        CHECK(d.set && v == NULL && n == 0);
    }
    diag_init(&d);
    CHECK(load_parse_levels("1.5", 1, 1e6, &v, &n, &d) < 0);
    CHECK_CONTAINS(d.msg, "integer");
    CHECK_INT_EQ(load_parse_levels("1,8,64", 1, 1e6, &v, &n, &d), 0);
    CHECK(n == 3 && v[2] == 64);
    free(v);

    double ms;
    struct { const char *s; double unit, ms; } durs[] = {
        { "500ms", 1, 500 }, { "2s", 1, 2000 }, { "1.5s", 1, 1500 }, { "250", 1, 250 },
        { "30", 1000, 30000 }, { "2m", 1000, 120000 }, { "100us", 1, 0.1 }, { "0", 1000, 0 },
    };
    for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
        CHECK_INT_EQ(load_parse_duration(durs[i].s, durs[i].unit, &ms), 0);
        CHECK_NEAR(ms, durs[i].ms, 1e-9);
    }
    static const char *const bad_durs[] = { "", "s", "-1s", "5h", "5 s", "1e999", "ms5", NULL };
    for (size_t i = 0; bad_durs[i]; i++)
        CHECK_MSG(load_parse_duration(bad_durs[i], 1, &ms) < 0, "\"%s\" accepted", bad_durs[i]);

    struct slo s;
    slo_init(&s);
    CHECK(isnan(s.ttft_ms) && isnan(s.e2e_ms) && s.max_error_rate == LOAD_MAX_ERROR_RATE);
    diag_init(&d);
    CHECK_INT_EQ(load_parse_slo("ttft=500ms,e2e=5s,itl=50,tpot=0.04s,errors=0.5%", &s, &d), 0);
    CHECK_NEAR(s.ttft_ms, 500, 1e-9);
    CHECK_NEAR(s.e2e_ms, 5000, 1e-9);
    CHECK_NEAR(s.itl_ms, 50, 1e-9);
    CHECK_NEAR(s.tpot_ms, 40, 1e-9);
    CHECK_NEAR(s.max_error_rate, 0.005, 1e-12);
    CHECK_INT_EQ(load_parse_slo("errors=0.02", &s, &d), 0);   /* adds to what it holds */
    CHECK_NEAR(s.max_error_rate, 0.02, 1e-12);
    CHECK_NEAR(s.ttft_ms, 500, 1e-9);
    struct { const char *s, *msg; } bad_slo[] = {
        { "", "empty" },
        { "ttft", "METRIC=LIMIT" },
        { "ttft=", "METRIC=LIMIT" },
        { "=5s", "METRIC=LIMIT" },
        { "latency=5s", "unknown SLO metric \"latency\"" },
        { "ttft=fast", "ttft=fast: expected a positive duration" },
        { "e2e=0ms", "positive duration" },
        { "errors=150%", "errors=150%: expected a share" },
        { "errors=-1", "expected a share" },
        { "ttft=1s,,e2e=2s", "METRIC=LIMIT" },
    };
    for (size_t i = 0; i < sizeof(bad_slo) / sizeof(bad_slo[0]); i++) {
        diag_init(&d);
        CHECK_MSG(load_parse_slo(bad_slo[i].s, &s, &d) < 0, "\"%s\" accepted", bad_slo[i].s);
        CHECK_CONTAINS(d.msg, bad_slo[i].msg);
    }
}

struct bad_case {
    const char *args[16];     /* after `assay load` */
    const char *msg;          /* expected on stderr */
};

static void command(void)
{
    char *dir = test_tmpdir("load-flags");
    char cfg[1024], nosuites[1024], existing[1024];
    snprintf(cfg, sizeof(cfg), "%s/cfg.json", dir);
    snprintf(nosuites, sizeof(nosuites), "%s/nosuites.json", dir);
    snprintf(existing, sizeof(existing), "%s/existing", dir);
    FILE *f = fopen(cfg, "w");
    fputs("{\"backends\":[{\"name\":\"m\",\"type\":\"openai-compatible\",\"model\":\"mock-fast\","
          "\"base_url\":\"http://127.0.0.1:9/v1\",\"stream\":true},"
          "{\"name\":\"plain\",\"type\":\"openai-compatible\",\"model\":\"mock-fast\","
          "\"base_url\":\"http://127.0.0.1:9/v1\",\"stream\":false}],"
          "\"run\":{\"suites\":[\"summarization\"]}}", f);
    fclose(f);
    f = fopen(nosuites, "w");
    fputs("{\"backends\":[{\"name\":\"m\",\"type\":\"openai-compatible\",\"model\":\"x\","
          "\"base_url\":\"http://127.0.0.1:9/v1\"}]}", f);
    fclose(f);
    mkdir(existing, 0755);
    char res[1100];
    snprintf(res, sizeof(res), "%s/results.jsonl", existing);
    f = fopen(res, "w");
    fputs("{}\n", f);
    fclose(f);

    struct bad_case cases[] = {
        { { NULL }, "missing the config file" },
        { { cfg, NULL }, "missing --backend B" },
        { { cfg, "--backend", "m", NULL }, "missing --rate R[,R...] (open loop) or --concurrency" },
        { { cfg, "--backend", "m", "--rate", "10", "--concurrency", "4", NULL },
          "give --rate or --concurrency, not both" },
        { { cfg, "--backend", "m", "--rate", "0", NULL }, "--rate: \"0\": expected a number above 0" },
        { { cfg, "--backend", "m", "--rate", "10,,20", NULL }, "--rate: expected a comma-separated list" },
        { { cfg, "--backend", "m", "--rate", "fast", NULL }, "--rate: \"fast\"" },
        { { cfg, "--backend", "m", "--concurrency", "2.5", NULL },
          "--concurrency: \"2.5\": expected an integer above 0" },
        { { cfg, "--backend", "m", "--concurrency", "4", "--poisson", NULL },
          "--poisson shapes --rate arrivals" },
        { { cfg, "--backend", "m", "--rate", "5", "--duration", "10s", "--requests", "5", NULL },
          "give --duration or --requests, not both" },
        { { cfg, "--backend", "m", "--rate", "5", "--duration", "soon", NULL },
          "--duration: expected a duration such as 30s" },
        { { cfg, "--backend", "m", "--rate", "5", "--duration", "0s", NULL },
          "--duration: expected more than 0" },
        { { cfg, "--backend", "m", "--rate", "5", "--requests", "0", NULL },
          "--requests: expected an integer from 1" },
        { { cfg, "--backend", "m", "--rate", "5", "--warmup", "-2s", NULL },
          "--warmup: expected a duration" },
        { { cfg, "--backend", "m", "--rate", "5", "--synthetic", "256", NULL },
          "--synthetic: expected IN:OUT token counts" },
        { { cfg, "--backend", "m", "--rate", "5", "--synthetic", "0:10", NULL },
          "--synthetic: expected IN:OUT" },
        { { cfg, "--backend", "m", "--rate", "5", "--synthetic", "8:4", "--suite", "x", NULL },
          "give --suite or --synthetic, not both" },
        { { cfg, "--backend", "m", "--rate", "5", "--slo", "p99=1s", NULL },
          "--slo: unknown SLO metric \"p99\" (known: ttft, itl, tpot, e2e, errors)" },
        { { cfg, "--backend", "m", "--rate", "5", "--bisect=lots", NULL },
          "--bisect: expected an integer" },
        { { cfg, "--backend", "m", "--rate", "5", "--max-in-flight", "0", NULL },
          "--max-in-flight: expected an integer from 1" },
        { { cfg, "--backend", "m", "--rate", "5", "--progress", "loud", NULL },
          "--progress: expected auto, bar, lines or off" },
        { { cfg, "--backend", "m", "--rate", "5", "--frobnicate", NULL }, "unknown flag" },
        { { cfg, "extra", "--backend", "m", "--rate", "5", NULL }, "unexpected argument 'extra'" },
        /* past the flags: the config and what it holds */
        { { "/nonexistent/cfg.json", "--backend", "m", "--rate", "5", NULL }, "/nonexistent/cfg.json" },
        { { cfg, "--backend", "nope", "--rate", "5", "--synthetic", "8:4", NULL },
          "--backend nope: no backend of that name" },
        { { cfg, "--backend", "plain", "--rate", "5", "--synthetic", "8:4", "--slo", "ttft=1s", NULL },
          "--slo ttft needs a streaming backend; backend plain does not stream" },
        { { nosuites, "--backend", "m", "--rate", "5", NULL },
          "no prompts to send: pass --suite S or --synthetic IN:OUT" },
        { { cfg, "--backend", "m", "--rate", "5", "--suite", "no-such-suite", NULL }, "no-such-suite" },
        { { cfg, "--backend", "m", "--concurrency", "10", "--max-in-flight", "4", "--synthetic", "8:4",
            NULL }, "--concurrency 10 is above --max-in-flight 4" },
        { { cfg, "--backend", "m", "--rate", "5", "--synthetic", "8:4", "--out", existing, NULL },
          "already holds a run" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *args[20];
        int n = 0;
        args[n++] = "load";
        for (int k = 0; cases[i].args[k]; k++)
            args[n++] = (char *)cases[i].args[k];
        args[n] = NULL;
        struct proc_result r;
        CHECK_INT_EQ(run_assayv(&r, args), 0);
        CHECK_MSG(r.status == 2, "case %zu (%s): exit %d, stderr: %s", i, cases[i].msg, r.status,
                  r.err);
        CHECK_CONTAINS(r.err, cases[i].msg);
        CHECK_MSG(r.out_len == 0, "case %zu: stdout not empty: %s", i, r.out);
        proc_result_free(&r);
    }

    struct proc_result r;
    CHECK_INT_EQ(run_assay(&r, "load", "--help", NULL), 0);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "usage: assay load CONFIG --backend B");
    CHECK_CONTAINS(r.out, "examples:");
    CHECK_INT_EQ(r.err_len, 0);
    proc_result_free(&r);
    free(dir);
}

int main(void)
{
    parsers();
    command();
    return check_done();
}
