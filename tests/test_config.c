/* test_config.c -- config loading: a good config read in full, and one
 * case per kind of bad input with the exact message (file, JSON path,
 * what was expected), all problems reported in one pass. */
#define _GNU_SOURCE
#include "check.h"
#include "harness/backends/backend.h"
#include "harness/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text; returns every message printed (owned), "" if it loaded. */
static char *errors_of(const char *text, int *rc)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct diag d;
    diag_init(&d);
    d.echo = f;
    struct config c;
    *rc = config_parse(text, strlen(text), "t.json", "", &c, &d);
    config_release(&c);
    fclose(f);
    return out;
}

static void bad(const char *text, const char *expect)
{
    int rc;
    char *got = errors_of(text, &rc);
    CHECK_MSG(rc == -1, "expected failure for %s", text);
    CHECK_MSG(strstr(got, expect) != NULL, "for %s\n  expected: %s\n  got: %s", text, expect,
              got);
    free(got);
}

#define B(extra) "{\"backends\":[{\"name\":\"a\",\"type\":\"openai-compatible\",\"model\":\"m\"," \
                 "\"base_url\":\"http://127.0.0.1:1/v1\"" extra "}]}"

int main(void)
{
    setenv("ASSAY_TEST_KEY", "sk-secret-123", 1);
    setenv("ASSAY_TEST_URL", "http://127.0.0.1:9", 1);
    unsetenv("ASSAY_TEST_UNSET");
    const char *good =
        "{\"description\":\"x\",\n"
        " \"backends\":[\n"
        "  {\"name\":\"strong\",\"type\":\"openai\",\"model\":\"gpt\",\"base_url\":\"${ASSAY_TEST_URL}/v1/\",\n"
        "   \"api_key_env\":\"ASSAY_TEST_KEY\",\"headers\":{\"X-Team\":\"eval\",\"X-Api-Key\":\"literal\"},\n"
        "   \"params\":{\"max_tokens\":64,\"temperature\":0,\"top_p\":1,\"seed\":7,\"stop\":[\"\\n\\n\"]},\n"
        "   \"extra_body\":{\"service_tier\":\"default\"},\"stream\":false,\n"
        "   \"pricing\":{\"input_per_mtok\":2.5,\"output_per_mtok\":10,\"as_of\":\"2026-11-01\"},\n"
        "   \"attributes\":{\"hosting\":\"managed\"},\n"
        "   \"limits\":{\"max_concurrent\":4,\"requests_per_minute\":600,\"tokens_per_minute\":90000},\n"
        "   \"timeouts\":{\"connect_ms\":1000,\"first_token_ms\":2000,\"total_ms\":3000,\"idle_ms\":500},\n"
        "   \"tls\":{\"insecure\":true}},\n"
        "  {\"name\":\"az\",\"type\":\"azure-openai\",\"model\":\"gpt-4o\",\"base_url\":\"https://r.openai.azure.com\",\n"
        "   \"api_key_env\":\"ASSAY_TEST_KEY\",\"api_version\":\"2024-10-21\",\"deployment\":\"dep\"},\n"
        "  {\"name\":\"pipe\",\"type\":\"hf-inference\",\"model\":\"facebook/bart-large-cnn\",\n"
        "   \"api_key_env\":null,\"task\":\"summarization\",\"judge_only\":true}],\n"
        " \"run\":{\"suites\":[\"summarization\"],\"repeats\":2,\"seed\":42,\"concurrency\":16,\n"
        "        \"retries\":{\"max_attempts\":5,\"base_ms\":100,\"cap_ms\":1000},\"adaptive_concurrency\":true},\n"
        " \"judge\":{\"backend\":\"strong\",\"rubric\":\"Rate 1-5.\"},\n"
        " \"decision\":{\"anything\":[1,2]}}\n";
    struct diag d;
    diag_init(&d);
    struct config c;
    CHECK_INT_EQ(config_parse(good, strlen(good), "good.json", "", &c, &d), 0);
    CHECK_MSG(!d.set, "%s: %s", d.path, d.msg);
    CHECK_INT_EQ(c.nbackends, 3);
    const struct backend_conf *b = config_backend(&c, "strong");
    CHECK(b != NULL);
    if (b) {
        CHECK_STR_EQ(b->base_url, "http://127.0.0.1:9/v1");
        CHECK_STR_EQ(b->api_key, "sk-secret-123");
        CHECK_INT_EQ(b->nheaders, 2);
        CHECK_INT_EQ(b->params.max_tokens, 64);
        CHECK_INT_EQ(b->params.nstop, 1);
        CHECK_INT_EQ(b->stream, 0);
        CHECK_NEAR(b->pricing.cached_input_per_mtok, 2.5, 0);
        CHECK(isnan(b->params.top_p) == 0 && b->params.has_seed && b->params.seed == 7);
        CHECK_STR_EQ(b->pricing.as_of, "2026-11-01");
        CHECK_INT_EQ(b->limits.max_concurrent, 4);
        CHECK_INT_EQ(b->timeouts.idle_ms, 500);
        CHECK_INT_EQ(b->tls_insecure, 1);
        CHECK(b->ops == backend_find("openai"));
    }
    const struct backend_conf *pipe = config_backend(&c, "pipe");
    CHECK(pipe && pipe->api_key == NULL && pipe->stream == 0 && pipe->judge_only);
    CHECK(pipe && strcmp(pipe->base_url, "https://router.huggingface.co/hf-inference") == 0);
    CHECK_INT_EQ(c.run.repeats, 2);
    CHECK_INT_EQ(c.run.retries.max_attempts, 5);
    CHECK_INT_EQ(c.run.retries.max_wait_ms, 120000);
    CHECK_INT_EQ(c.run.adaptive_concurrency, 1);
    CHECK_STR_EQ(c.judge.backend, "strong");
    CHECK(c.decision != NULL);
    /* The config kept for run.json: as written, no key, literal secret
     * header redacted, ${VAR} left as written. */
    char *w = cJSON_PrintUnformatted(c.written);
    CHECK(strstr(w, "sk-secret-123") == NULL);
    CHECK_CONTAINS(w, "\"X-Api-Key\":\"<redacted>\"");
    CHECK_CONTAINS(w, "${ASSAY_TEST_URL}/v1/");
    CHECK_CONTAINS(w, "\"api_key_env\":\"ASSAY_TEST_KEY\"");
    cJSON_free(w);
    CHECK_INT_EQ(strlen(c.hash), 64);
    config_release(&c);

    /* One case per kind of bad input. */
    bad("{\"backends\":\n  [1,]}", "t.json:2: column 6: unexpected closing bracket (trailing comma?)");
    bad("[1]", "t.json: expected a JSON object at the top, got an array");
    bad("{\"backend\":[]}", "t.json: backend: unknown key (did you mean \"backends\"?)");
    bad("{}", "t.json: backends: missing, required");
    bad("{\"backends\":[]}", "t.json: backends: expected at least one backend");
    bad(B(",\"modle\":\"x\""), "t.json: backends[0].modle: unknown key (did you mean \"model\"?)");
    bad(B(",\"stream\":\"yes\""), "t.json: backends[0].stream: expected true or false, got \"yes\"");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"opnai\",\"model\":\"m\"}]}",
        "t.json: backends[0].type: unknown backend type \"opnai\" (known: openai, "
        "openai-compatible, azure-openai, hf-router, hf-tgi, hf-inference, anthropic, ollama)");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"openai-compatible\",\"model\":\"m\"}]}",
        "t.json: backends[0].base_url: missing, required for type \"openai-compatible\"");
    bad(B(",\"api_key_env\":\"ASSAY_TEST_UNSET\""),
        "t.json: backends[0].api_key_env: environment variable ASSAY_TEST_UNSET is not set");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"anthropic\",\"model\":\"m\"}]}",
        "t.json: backends[0].api_key_env: environment variable ANTHROPIC_API_KEY is not set "
        "(the default for this type");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"openai-compatible\",\"model\":\"m\","
        "\"base_url\":\"${ASSAY_TEST_UNSET}/v1\"}]}",
        "t.json: backends[0].base_url: environment variable ASSAY_TEST_UNSET is not set (used as "
        "${ASSAY_TEST_UNSET})");
    bad(B(",\"pricing\":{\"input_per_mtok\":\"0.5\"}"),
        "t.json: backends[0].pricing.input_per_mtok: expected a number, got \"0.5\"");
    bad(B(",\"pricing\":{\"as_of\":\"Nov 2026\"}"),
        "t.json: backends[0].pricing.as_of: expected a date YYYY-MM-DD, got \"Nov 2026\"");
    bad(B(",\"limits\":{\"max_concurrent\":0}"),
        "t.json: backends[0].limits.max_concurrent: expected an integer from 1 to 100000, got 0");
    bad(B(",\"timeouts\":{\"first_tokn_ms\":5}"),
        "t.json: backends[0].timeouts.first_tokn_ms: unknown key (did you mean \"first_token_ms\"?)");
    bad(B(",\"tls\":{\"ca_file\":\"/nonexistent/ca.pem\"}"),
        "t.json: backends[0].tls.ca_file: cannot read \"/nonexistent/ca.pem\"");
    bad(B(",\"api_version\":\"2024\""),
        "t.json: backends[0].api_version: not a setting of type \"openai-compatible\" (only of "
        "azure-openai)");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"hf-inference\",\"model\":\"m\",\"api_key_env\":null}]}",
        "t.json: backends[0].task: missing, required for type \"hf-inference\"");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"hf-inference\",\"model\":\"m\",\"api_key_env\":null,"
        "\"task\":\"summarization\",\"stream\":true}]}",
        "t.json: backends[0].stream: type \"hf-inference\" does not stream");
    bad(B(",\"params\":{\"stop\":[\"\"]}"), "t.json: backends[0].params.stop[0]: expected a non-empty string");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"openai-compatible\",\"model\":\"m\","
        "\"base_url\":\"ftp://x\"}]}", "t.json: backends[0].base_url: expected an http:// or https:// URL");
    bad(B(",\"headers\":{\"Bad Name\":\"x\"}"), "t.json: backends[0].headers.Bad Name: not a valid header name or value");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"},"
        "{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"}]}",
        "t.json: backends[1].name: \"a\" is also the name of backends[0]");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"}],\"run\":{\"repeats\":0}}",
        "t.json: run.repeats: expected an integer from 1 to 1000000, got 0");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"}],"
        "\"run\":{\"suites\":[\"no/such/suite.json\"]}}",
        "t.json: run.suites[0]: cannot read suite file \"no/such/suite.json\"");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"}],\"judge\":{\"backend\":\"b\"}}",
        "t.json: judge.backend: no backend is named \"b\"");
    bad("{\"backends\":[{\"name\":\"a\",\"type\":\"ollama\",\"model\":\"m\"}],\"pricing_file\":\"nope.json\"}",
        "t.json: pricing_file: cannot read \"nope.json\"");

    /* Every problem of one file is reported, not only the first. */
    int rc;
    char *all = errors_of("{\"backends\":[{\"name\":\"a\",\"type\":\"opnai\",\"model\":1,"
                          "\"limits\":{\"rpm\":3}}],\"run\":{\"seed\":-1}}", &rc);
    CHECK_INT_EQ(rc, -1);
    CHECK_CONTAINS(all, "backends[0].type: unknown backend type");
    CHECK_CONTAINS(all, "backends[0].model: expected a string, got 1");
    CHECK_CONTAINS(all, "backends[0].limits.rpm: unknown key");
    CHECK_CONTAINS(all, "run.seed: expected an integer");
    free(all);
    return check_done();
}
