/* test_suite_cmd.c -- `assay suites` end to end: the list, `show` in text
 * and JSON, the folder from --dir and $ASSAY_SUITES_DIR, and every error
 * with its exit code. Runs the real binary on tests/data/ fixtures. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *data_dir;

static void write_file(const char *name, const char *text)
{
    struct diag d;
    diag_init(&d);
    if (file_write_atomic(name, text, strlen(text), &d) < 0) {
        fprintf(stderr, "cannot write %s: %s\n", name, d.msg);
        exit(1);
    }
}

static void list(void)
{
    struct proc_result r;
    run_assay(&r, "suites", "--dir", data_dir, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.out,
                 "suite  task           items  primary metric            scorers          tags (distinct values)\n"
                 "csvqa  qa                 4  squad.f1 (higher)         squad            domain(2), size(2)\n"
                 "mini   summarization      5  rouge.rougeLsum (higher)  rouge, qa=squad  domain(3), lang(3)\n");
    CHECK_STR_EQ(r.err, "");
    proc_result_free(&r);

    run_assay(&r, "suites", "--dir", data_dir, "-v", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "    A CSV file with quoted fields, read through a field mapping.\n");
    CHECK_CONTAINS(r.out, "    domain: news=2 legal=2\n    size: <12=2 >=12=2\n");
    CHECK_CONTAINS(r.out, "    lang: de=2 fr=2 ja=1\n");
    CHECK_CONTAINS(r.out, "quoted.csv\n");
    proc_result_free(&r);

    /* $ASSAY_SUITES_DIR names the folder; --dir wins over it. */
    setenv("ASSAY_SUITES_DIR", data_dir, 1);
    run_assay(&r, "suites", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "csvqa");
    proc_result_free(&r);
    run_assay(&r, "suites", "--help", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, data_dir);
    proc_result_free(&r);
    setenv("ASSAY_SUITES_DIR", "/nonexistent", 1);
    run_assay(&r, "suites", "--dir", data_dir, NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);
    run_assay(&r, "suites", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "assay: error: /nonexistent: cannot open the suites folder");
    proc_result_free(&r);
    unsetenv("ASSAY_SUITES_DIR");
}

static void show(void)
{
    struct proc_result r;
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--item", "c1", NULL);
    CHECK_INT_EQ(r.status, 0);
    char *want = xasprintf(
        "suite: csvqa (%s/csv_suite.json)\n"
        "item: c1 (%s/quoted.csv:2)\n"
        "backend: (any), type (any); overrides applied: none\n"
        "generation: max_tokens=8 top_p=0.9\n"
        "response format: text\n"
        "--- user (example 1 of 1) ---\n"
        "Answer in one word.\n\nhas, commas\n"
        "--- assistant (example 1 of 1) ---\n"
        "two\n"
        "--- user ---\n"
        "Answer in one word.\n\nplain text\n",
        data_dir, data_dir);
    CHECK_STR_EQ(r.out, want);
    free(want);
    proc_result_free(&r);

    /* Overrides by type, then name; raw input; backend parameters. */
    run_assay(&r, "suites", "show", "mini", "--dir", data_dir, "--item", "m-3", "--backend-type",
              "hf-inference", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "overrides applied: overrides[0]\n");
    CHECK_CONTAINS(r.out, "generation: max_tokens=60 temperature=0 seed=42 stop=[\"\\n\\n\\n\"]\n");
    CHECK_CONTAINS(r.out, "--- system ---\nYou write short summaries in ja.\n");
    CHECK_CONTAINS(r.out, "--- raw input (task-pipeline backends) ---\n東京の地下鉄は13路線あります。\n");
    CHECK_CONTAINS(r.out, "--- backend parameters ---\n");
    CHECK(strstr(r.out, "example") == NULL);   /* few-shot off for pipelines */
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "mini", "--dir", data_dir, "--item", "m-3", "--backend-type",
              "hf-inference", "--backend", "tiny", NULL);
    CHECK_CONTAINS(r.out, "overrides applied: overrides[0], overrides[1]\n");
    CHECK_CONTAINS(r.out, "generation: max_tokens=30 temperature=0 seed=42\n");
    CHECK_CONTAINS(r.out, "--- system ---\nBe brief.\n");
    proc_result_free(&r);

    /* JSON: one object, messages with the system first. */
    run_assay(&r, "suites", "show", "mini", "--dir", data_dir, "--item", "m-2", "--json", NULL);
    CHECK_INT_EQ(r.status, 0);
    cJSON *o = cJSON_Parse(r.out);
    CHECK(o != NULL);
    if (o) {
        const cJSON *msgs = cJSON_GetObjectItem(o, "messages");
        CHECK_INT_EQ(cJSON_GetArraySize(msgs), 6);
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "role")), "system");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 2), "role")), "assistant");
        CHECK_INT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(o, "few_shot")), 2);
        CHECK_INT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "generation"), "max_tokens")), 120);
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(o, "item")), "m-2");
        CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(o, "backend_params"), "labels"), 0)), "travel");
    }
    cJSON_Delete(o);
    proc_result_free(&r);

    /* A suite file by path; the first item by default. */
    char *path = xasprintf("%s/csv_suite.json", data_dir);
    run_assay(&r, "suites", "show", path, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "item: c1 (");
    proc_result_free(&r);
    free(path);
}

static void request(void)
{
    /* The adapter's request for a type: URL and body, placeholders said. */
    struct proc_result r;
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--item", "c2", "--backend-type", "openai", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "--- request: POST https://api.openai.com/v1/chat/completions (streaming) "
                          "(MODEL is a placeholder: give --config) ---\n");
    CHECK_CONTAINS(r.out, "\"model\":\t\"MODEL\"");
    CHECK_CONTAINS(r.out, "\"top_p\":\t0.9");
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "mini", "--dir", data_dir, "--item", "m-3", "--backend-type", "hf-inference",
              "--json", NULL);
    CHECK_INT_EQ(r.status, 0);
    cJSON *o = cJSON_Parse(r.out);
    const cJSON *req = cJSON_GetObjectItem(o, "request");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(req, "url")),
                 "https://router.huggingface.co/hf-inference/models/MODEL");
    const cJSON *body = cJSON_GetObjectItem(req, "body");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(body, "inputs")), "東京の地下鉄は13路線あります。");
    /* the suite's backend_params for this override land in "parameters" */
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "parameters"), "task")),
                 "summarization");
    cJSON_Delete(o);
    proc_result_free(&r);
    /* An unknown type renders the prompt (its overrides by type) but
     * builds no request. */
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--backend-type", "carrier-pigeon", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK(strstr(r.out, "request:") == NULL);
    proc_result_free(&r);

    /* From a run config: the backend's model, URL, defaults, extra body. */
    char *tmp = test_tmpdir("suites-config");
    char *cfg = xasprintf("%s/run.json", tmp);
    write_file(cfg, "{\"backends\":[{\"name\":\"local\",\"type\":\"ollama\",\"model\":\"qwen2.5:7b\","
                    "\"base_url\":\"http://127.0.0.1:11434\",\"params\":{\"temperature\":0.2,\"max_tokens\":99},"
                    "\"extra_body\":{\"keep_alive\":\"5m\"},\"stream\":false,\"api_key_env\":\"ASSAY_TEST_UNSET_KEY\"},"
                    "{\"name\":\"oa\",\"type\":\"openai\",\"model\":\"gpt-x\"}]}");
    /* Keys are not needed to show a request (nothing is sent, headers are
     * not printed): unset key variables do not stop it. */
    unsetenv("ASSAY_TEST_UNSET_KEY");
    unsetenv("OPENAI_API_KEY");
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--config", cfg, "--backend", "local", NULL);
    CHECK_MSG(r.status == 0, "%s", r.err);
    CHECK_CONTAINS(r.out, "backend: local, type ollama;");
    CHECK_CONTAINS(r.out, "--- request: POST http://127.0.0.1:11434/api/chat ---\n");
    CHECK_CONTAINS(r.out, "\"model\":\t\"qwen2.5:7b\"");
    CHECK_CONTAINS(r.out, "\"keep_alive\":\t\"5m\"");
    CHECK_CONTAINS(r.out, "\"num_predict\":\t8");       /* the suite's max_tokens wins */
    CHECK_CONTAINS(r.out, "\"temperature\":\t0.2");     /* the backend's default fills in */
    CHECK(strstr(r.out, "not-needed") == NULL);
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--config", cfg, "--backend", "oa", NULL);
    CHECK_MSG(r.status == 0, "%s", r.err);
    CHECK_CONTAINS(r.out, "--- request: POST https://api.openai.com/v1/chat/completions (streaming) ---\n");
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--config", cfg, "--backend", "nope", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "run.json: no backend named \"nope\" (there are: local, oa)");
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--config", cfg, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "--config needs --backend NAME");
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--config", cfg, "--backend", "local",
              "--backend-type", "openai", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "is of type ollama");
    proc_result_free(&r);
    free(cfg);
    free(tmp);
}

static void errors(void)
{
    struct proc_result r;
    run_assay(&r, "suites", "show", "nope", "--dir", data_dir, NULL);
    CHECK_INT_EQ(r.status, 2);
    char *want = xasprintf("assay: error: no suite named \"nope\" in %s (there are: csvqa, mini)\n", data_dir);
    CHECK_STR_EQ(r.err, want);
    free(want);
    proc_result_free(&r);

    run_assay(&r, "suites", "show", "csvqa", "--dir", data_dir, "--item", "zz", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "csv_suite.json: no item \"zz\" in ");
    proc_result_free(&r);

    run_assay(&r, "suites", "show", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "assay suites: show needs a suite name");
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "a", "b", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "show takes one suite name, got 'b' too");
    proc_result_free(&r);
    run_assay(&r, "suites", "frob", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown argument 'frob' (expected show NAME)");
    proc_result_free(&r);
    run_assay(&r, "suites", "--json", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "go with show NAME");
    proc_result_free(&r);
    run_assay(&r, "suites", "--config", "x.json", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "go with show NAME");
    proc_result_free(&r);
    run_assay(&r, "suites", "--dir", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "flag '--dir' needs a value");
    proc_result_free(&r);

    /* A broken suite among good ones: the good ones are listed, every
     * error is printed with file and JSON path or line, exit 2. */
    char *tmp = test_tmpdir("suites-cmd");
    if (chdir(tmp) < 0)
        exit(1);
    write_file("data.jsonl", "{\"id\":\"a\",\"q\":\"x\",\"ans\":\"y\"}\n{\"id\":\"a\",\"q\":\"z\",\"ans\":\"w\"}\n");
    write_file("good.jsonl", "{\"id\":\"a\",\"q\":\"x\",\"ans\":\"y\"}\n");
    write_file("1good.json", "{\"name\":\"good\",\"task\":\"qa\",\"dataset\":{\"path\":\"good.jsonl\",\"references\":\"ans\"},"
                             "\"prompt\":{\"user\":\"{{q}}\"},\"scorers\":[{\"type\":\"squad\"}],\"primary_metric\":\"squad.f1\"}");
    write_file("2dup.json", "{\"name\":\"dup\",\"task\":\"qa\",\"dataset\":{\"path\":\"data.jsonl\",\"references\":\"ans\"},"
                            "\"prompt\":{\"user\":\"{{q}}\"}}");
    write_file("3scorer.json", "{\"name\":\"sc\",\"task\":\"qa\",\"dataset\":{\"path\":\"good.jsonl\",\"references\":\"ans\"},"
                               "\"prompt\":{\"user\":\"{{q}}\"},\"scorers\":[{\"type\":\"sqaud\"}],\"primary_metric\":\"sqaud.f1\"}");
    write_file("4tmpl.json", "{\"name\":\"tm\",\"task\":\"qa\",\"dataset\":{\"path\":\"good.jsonl\"},"
                             "\"prompt\":{\"user\":\"{{question}}\"}}");
    run_assay(&r, "suites", "--dir", ".", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.out, "good");
    CHECK(strstr(r.out, "dup") == NULL);
    CHECK_CONTAINS(r.err, "assay: error: data.jsonl:2: duplicate item id \"a\" (first at line 1)\n");
    CHECK_CONTAINS(r.err, "assay: error: ./3scorer.json: scorers[0].type: unknown scorer \"sqaud\" (known: ");
    CHECK_CONTAINS(r.err, "assay: error: ./4tmpl.json: prompt.user: {{question}}: item \"a\" (good.jsonl:1) "
                          "has no field \"question\"\n");
    CHECK_CONTAINS(r.err, "assay: 3 errors in .\n");
    proc_result_free(&r);
    /* show of the good suite still works, but the folder's errors exit 2. */
    run_assay(&r, "suites", "show", "good", "--dir", ".", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.out, "--- user ---\nx\n");
    proc_result_free(&r);
    /* show by path loads only that file. */
    run_assay(&r, "suites", "show", "./1good.json", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);
    run_assay(&r, "suites", "show", "./4tmpl.json", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "has no field \"question\"");
    proc_result_free(&r);
    free(tmp);
}

int main(void)
{
    data_dir = xasprintf("%s/tests/data", assay_src());
    list();
    show();
    request();
    errors();
    free(data_dir);
    return check_done();
}
