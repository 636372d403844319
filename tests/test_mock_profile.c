/* test_mock_profile.c -- the profile loader (every kind of bad profile gives
 * the file and the JSON path), the built-in profile, `assay mock` flags and
 * exit codes, and a clean exit 0 on SIGTERM and SIGINT. */
#include "check.h"
#include "support/proc.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>

#include "harness/mock/profile.h"

struct bad {
    const char *json;
    const char *expect;   /* in the formatted diag */
};

static const struct bad bads[] = {
    { "{\"models\":[{\"name\":\"a\",\"latency\":{\"itl_ms\":\"fast\"}}]}",
      "p.json: models[0].latency.itl_ms: expected a number" },
    { "{\"models\":[{\"name\":\"a\",\"capacty\":3}]}",
      "p.json: models[0].capacty: unknown key (did you mean \"capacity\"?)" },
    { "{\"models\":[{\"name\":\"a\",\"faults\":{\"http_429\":0.7,\"drop\":0.5}}]}",
      "p.json: models[0].faults: fault rates add up to 1.2; at most 1" },
    { "{\"models\":[{\"name\":\"a\"},{\"name\":\"a\"}]}",
      "p.json: models[1].name: model name \"a\" is already defined" },
    { "{\"models\":[{\"name\":\"a\",\"quality\":{\"summarization\":1.5}}]}",
      "p.json: models[0].quality.summarization:" },
    { "{\"models\":[]}", "p.json: models: expected at least one model" },
    { "{\"models\":[{\"name\":\"a\"}],\"default_model\":\"b\"}",
      "p.json: default_model: no model named \"b\"" },
    { "{\"models\":[{\"latency\":{}}]}", "p.json: models[0].name:" },
    { "{\"models\":[{\"name\":\"a\",\"reasoning\":{\"field\":\"thoughts\"}}]}",
      "p.json: models[0].reasoning.field: expected \"reasoning_content\" or \"reasoning\"" },
    { "{\"models\":[{\"name\":\"a\",\"capacity\":-1}]}", "p.json: models[0].capacity:" },
    { "{\"models\":[{\"name\":\"a\",\"pipeline\":\"ner\"}]}", "p.json: models[0].pipeline:" },
    { "{\"models\":[{\"name\":\"a\"}]", "p.json:1: column" },
    { "[1,2]", "p.json: expected an object" },
};

static void test_loader(void)
{
    for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        struct mock_profile p;
        struct diag d;
        profile_init(&p);
        diag_init(&d);
        int rc = profile_load_text(&p, bads[i].json, strlen(bads[i].json), "p.json", &d);
        CHECK_INT_EQ(rc, -1);
        char msg[1024];
        diag_format(&d, msg, sizeof(msg));
        CHECK_MSG(strstr(msg, bads[i].expect) != NULL, "case %zu: got \"%s\", expected \"%s\"", i,
                  msg, bads[i].expect);
        profile_release(&p);
    }

    /* The built-in profile: the five characters other modules name. */
    struct mock_profile p;
    struct diag d;
    profile_init(&p);
    diag_init(&d);
    CHECK_INT_EQ(profile_load(&p, "default", &d), 0);
    const char *names[] = { "mock-strong", "mock-fast", "mock-specialist", "mock-flaky", "mock-reasoner" };
    for (size_t i = 0; i < 5; i++)
        CHECK_MSG(profile_find(&p, names[i]) != NULL, "%s", names[i]);
    const struct mock_model *strong = profile_find(&p, "mock-strong");
    const struct mock_model *fast = profile_find(&p, "mock-fast");
    const struct mock_model *spec = profile_find(&p, "mock-specialist");
    const struct mock_model *flaky = profile_find(&p, "mock-flaky");
    const struct mock_model *rsn = profile_find(&p, "mock-reasoner");
    CHECK(profile_quality(strong, "summarization") > profile_quality(fast, "summarization") + 0.2);
    CHECK(strong->ttft_ms > 3 * fast->ttft_ms);
    CHECK(strong->itl_ms > 2 * fast->itl_ms);
    CHECK(profile_quality(spec, "extraction") >= profile_quality(strong, "extraction"));
    CHECK(profile_quality(spec, "summarization") < profile_quality(fast, "summarization"));
    double faults = 0;
    for (int k = 1; k < FAULT__COUNT; k++) {
        CHECK_MSG(flaky->fault_rate[k] > 0, "flaky has no %s", mock_fault_names[k]);
        faults += flaky->fault_rate[k];
    }
    CHECK(faults > 0.05);
    CHECK(flaky->queue_limit > 0);
    CHECK(rsn->reasoning_tokens > 0);
    CHECK_STR_EQ(profile_default_model(&p)->name, "mock-fast");
    CHECK(profile_quality(strong, "no-such-family") == strong->quality_default);
    /* Loading it twice clashes on names. */
    CHECK_INT_EQ(profile_load(&p, "default", &d), -1);
    CHECK_CONTAINS(d.msg, "already defined");
    profile_release(&p);

    profile_init(&p);
    diag_init(&d);
    CHECK_INT_EQ(profile_load(&p, "no-such-profile.json", &d), -1);
    CHECK_CONTAINS(d.msg, "no such profile");
    profile_release(&p);
}

static void test_cli(void)
{
    char *dir = test_tmpdir("profile");
    char path[600];
    snprintf(path, sizeof(path), "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    fputs(bads[0].json, f);
    fclose(f);
    struct proc_result r;
    run_assay(&r, "mock", "--profile", path, "--check", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "bad.json: models[0].latency.itl_ms: expected a number");
    CHECK_INT_EQ(r.out_len, 0);
    proc_result_free(&r);

    run_assay(&r, "mock", "--check", "--no-corpus", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "5 models");
    proc_result_free(&r);

    run_assay(&r, "mock", "--print-profile", NULL);
    CHECK_INT_EQ(r.status, 0);
    cJSON *j = cJSON_Parse(r.out);
    CHECK(j != NULL);
    cJSON_Delete(j);
    snprintf(path, sizeof(path), "%s/copy.json", dir);
    f = fopen(path, "w");
    fputs(r.out, f);
    fclose(f);
    proc_result_free(&r);
    /* The printed profile loads as a file, here with a seed and zero delay. */
    run_assay(&r, "mock", "--profile", path, "--check", "--zero-delay", "--seed", "7", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    run_assay(&r, "mock", "--port", "http", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "--port");
    proc_result_free(&r);
    run_assay(&r, "mock", "--frob", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown flag '--frob'");
    proc_result_free(&r);
    run_assay(&r, "mock", "--cert", "x.pem", NULL);
    CHECK_INT_EQ(r.status, 2);
    proc_result_free(&r);
    run_assay(&r, "mock", "--help", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "usage: assay mock");
    proc_result_free(&r);
    run_assay(&r, "mock", "--corpus", "nope.jsonl", "--check", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "nope.jsonl");
    proc_result_free(&r);
    free(dir);
}

static void test_signals(int sig)
{
    struct mock_proc m;
    CHECK_INT_EQ(mock_start(&m, (char *[]){ "--no-corpus", NULL }), 0);
    CHECK_CONTAINS(m.base_url, "http://127.0.0.1:");
    kill(m.pid, sig);
    int st = 0;
    CHECK_INT_EQ(waitpid(m.pid, &st, 0), m.pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "signal %d: status %d", sig, st);
    m.pid = 0;
}

int main(void)
{
    test_loader();
    test_cli();
    test_signals(SIGTERM);
    test_signals(SIGINT);
    return check_done();
}
