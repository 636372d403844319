/* test_suite.c -- suite files: loading the tests/data/mini_suite.json
 * fixture, rendering prompts (system, few-shot turns, user, raw input,
 * generation parameters, response format, backend parameters) with and
 * without per-backend overrides, deterministic few-shot selection, and
 * every suite error with its exact message. */
#include "check.h"
#include "support/proc.h"

#include "harness/suite.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/scorer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *fixture(const char *name)
{
    return xasprintf("%s/tests/data/%s", assay_src(), name);
}

static void write_file(const char *name, const char *text)
{
    struct diag d;
    diag_init(&d);
    if (file_write_atomic(name, text, strlen(text), &d) < 0) {
        fprintf(stderr, "cannot write %s: %s\n", name, d.msg);
        exit(1);
    }
}

static const struct item *find(const struct suite *s, const char *id)
{
    const struct item *it = dataset_find(&s->data, id);
    if (!it) {
        fprintf(stderr, "no item %s\n", id);
        exit(1);
    }
    return it;
}

static void load_and_render(void)
{
    char *path = fixture("mini_suite.json");
    struct suite s;
    struct diag d;
    diag_init(&d);
    int rc = suite_load(path, SUITE_NO_SCORER_CHECK, &s, &d);
    CHECK_MSG(rc == 0, "%s: %s: %s", d.file, d.path, d.msg);
    if (rc < 0)
        exit(1);
    CHECK_STR_EQ(s.name, "mini");
    CHECK_STR_EQ(s.task, "summarization");
    CHECK_STR_EQ(s.description, "Five tiny items for the suite loader's tests.");
    CHECK_INT_EQ(s.data.n, 5);
    CHECK_CONTAINS(s.dataset_file, "tests/data/mini.jsonl");
    CHECK_INT_EQ(s.nscorers, 2);
    CHECK_STR_EQ(s.scorers[0].name, "rouge");     /* name defaults to the type */
    CHECK_STR_EQ(s.scorers[1].name, "qa");
    CHECK_STR_EQ(s.scorers[1].type, "squad");
    CHECK(s.scorers[0].ops == NULL);              /* not looked up */
    struct suite strict;
    CHECK_MSG(suite_load(path, 0, &strict, &d) == 0, "%s: %s", d.path, d.msg);
    CHECK(strict.scorers[0].ops == scorer_find("rouge"));
    suite_release(&strict);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetArrayItem(
                     cJSON_GetObjectItem(s.scorers[0].options, "types"), 1)), "rougeLsum");
    CHECK_STR_EQ(s.primary_metric, "rouge.rougeLsum");
    CHECK_STR_EQ(s.primary_scorer, "rouge");
    CHECK_STR_EQ(s.primary_key, "rougeLsum");
    CHECK(s.higher_is_better);
    CHECK(suite_scorer(&s, "qa") == &s.scorers[1]);
    CHECK(suite_scorer(&s, "nope") == NULL);
    CHECK_INT_EQ(s.noverrides, 2);

    /* Accessors the mock and the scorers use. */
    const struct item *m2 = find(&s, "m-2");
    const char *inputs[4];
    size_t n = suite_item_inputs(&s, m2, inputs, 4);
    CHECK_INT_EQ(n, 2);                           /* the user template's strings: title, document */
    CHECK_STR_EQ(inputs[0], "Cafés in Zürich");
    CHECK_STR_EQ(inputs[1], "Zürich has 1,900 cafés; the oldest opened in 1842.");
    CHECK_STR_EQ(m2->lang, "fr");
    CHECK_INT_EQ(m2->nrefs, 2);
    CHECK(suite_item_schema(&s, m2) == NULL);
    CHECK_INT_EQ(suite_item_index(&s, m2), 1);

    /* A chat backend: system, two few-shot turns, the user turn. */
    struct prompt p;
    CHECK_MSG(suite_render(&s, m2, "strong", "openai", &p, &d) == 0, "%s", d.msg);
    CHECK_STR_EQ(p.system, "You write short summaries in fr.");
    CHECK_INT_EQ(p.nshots, 2);
    CHECK_INT_EQ(p.nmsgs, 5);
    CHECK_STR_EQ(p.msgs[0].role, "user");
    CHECK_STR_EQ(p.msgs[1].role, "assistant");
    CHECK_STR_EQ(p.msgs[4].role, "user");
    CHECK(p.user == p.msgs[4].content);
    CHECK_STR_EQ(p.user, "Title: Cafés in Zürich\n\nZürich has 1,900 cafés; the oldest opened in 1842.\n\n"
                         "Summarise in 3 to 12 words.");
    CHECK(p.raw == NULL);                         /* no raw template for chat backends */
    for (size_t i = 0; i < 4; i += 2) {
        CHECK(strstr(p.msgs[i].content, "Zürich has 1,900") == NULL);   /* never the item itself */
        CHECK_CONTAINS(p.msgs[i].content, "Title: ");
    }
    CHECK_INT_EQ(p.gen.max_tokens, 120);
    CHECK_NEAR(p.gen.temperature, 0, 0);
    CHECK(isnan(p.gen.top_p));
    CHECK(p.gen.has_seed);
    CHECK_INT_EQ(p.gen.seed, 42);
    CHECK_INT_EQ(p.gen.nstop, 1);
    CHECK_STR_EQ(p.gen.stop[0], "\n\n\n");
    CHECK_INT_EQ(p.response, RESPONSE_TEXT);
    CHECK(p.schema == NULL);
    char *params = cJSON_PrintUnformatted(p.backend_params);
    CHECK_STR_EQ(params, "{\"labels\":[\"travel\"],\"fixed\":3}");
    cJSON_free(params);
    CHECK_INT_EQ(p.napplied, 0);
    /* The assistant turns are the examples' first references. */
    const struct item *ex = NULL;
    for (size_t i = 0; i < s.data.n; i++)
        if (strstr(p.msgs[0].content, s.data.items[i].refs[0]) == NULL &&
            strstr(p.msgs[0].content, cJSON_GetStringValue(cJSON_GetObjectItem(s.data.items[i].obj, "document"))))
            ex = &s.data.items[i];
    CHECK(ex != NULL);
    if (ex)
        CHECK_STR_EQ(p.msgs[1].content, ex->refs[0]);
    char *first = xstrdup(p.msgs[0].content);
    prompt_release(&p);

    /* Same item, same examples: deterministic. */
    CHECK_INT_EQ(suite_render(&s, m2, "strong", "openai", &p, &d), 0);
    CHECK_STR_EQ(p.msgs[0].content, first);
    prompt_release(&p);
    free(first);

    /* A task-pipeline type: raw input, no few-shot, its own parameters. */
    CHECK_INT_EQ(suite_render(&s, m2, "bart", "hf-inference", &p, &d), 0);
    CHECK_STR_EQ(p.raw, "Zürich has 1,900 cafés; the oldest opened in 1842.");
    CHECK_INT_EQ(p.nmsgs, 1);
    CHECK_INT_EQ(p.nshots, 0);
    CHECK_INT_EQ(p.gen.max_tokens, 60);
    CHECK_INT_EQ(p.gen.seed, 42);                 /* not overridden: inherited */
    params = cJSON_PrintUnformatted(p.backend_params);
    CHECK_STR_EQ(params, "{\"task\":\"summarization\"}");
    cJSON_free(params);
    CHECK_INT_EQ(p.napplied, 1);
    CHECK(p.applied[0] == &s.overrides[0]);
    prompt_release(&p);

    /* A name override clears the stop list and replaces the system text. */
    CHECK_INT_EQ(suite_render(&s, m2, "tiny", "openai", &p, &d), 0);
    CHECK_STR_EQ(p.system, "Be brief.");
    CHECK_INT_EQ(p.gen.max_tokens, 30);
    CHECK_INT_EQ(p.gen.nstop, 0);
    CHECK_INT_EQ(p.nshots, 2);
    prompt_release(&p);

    /* Both match: type first, then name (the more specific wins). */
    CHECK_INT_EQ(suite_render(&s, m2, "tiny", "hf-inference", &p, &d), 0);
    CHECK_INT_EQ(p.napplied, 2);
    CHECK_INT_EQ(p.gen.max_tokens, 30);
    CHECK_STR_EQ(p.raw, "Zürich has 1,900 cafés; the oldest opened in 1842.");
    CHECK_INT_EQ(p.nshots, 0);
    prompt_release(&p);

    /* No backend at all: the suite as written. */
    CHECK_INT_EQ(suite_render(&s, find(&s, "m-3"), NULL, NULL, &p, &d), 0);
    CHECK_STR_EQ(p.system, "You write short summaries in ja.");
    CHECK_CONTAINS(p.user, "東京の地下鉄は13路線あります。");
    CHECK_CONTAINS(p.user, "Summarise in 1 to 5 words.");
    prompt_release(&p);

    /* Few-shot selection: k distinct items, never the item, stable. */
    for (size_t i = 0; i < s.data.n; i++) {
        size_t a[8], b[8];
        size_t na = suite_few_shot(&s, i, a, 8), nb = suite_few_shot(&s, i, b, 8);
        CHECK_INT_EQ(na, 2);
        CHECK_INT_EQ(nb, 2);
        CHECK(memcmp(a, b, sizeof(size_t) * 2) == 0);
        CHECK(a[0] != i && a[1] != i && a[0] != a[1]);
        CHECK(a[0] < s.data.n && a[1] < s.data.n);
        CHECK_INT_EQ(suite_few_shot(&s, i, a, 1), 1);
    }
    /* Different items draw different examples somewhere (seeded by id). */
    int differ = 0;
    size_t prev[2] = { 0, 0 };
    for (size_t i = 0; i < s.data.n; i++) {
        size_t a[2];
        suite_few_shot(&s, i, a, 2);
        if (i && (a[0] != prev[0] || a[1] != prev[1]))
            differ = 1;
        memcpy(prev, a, sizeof(prev));
    }
    CHECK(differ);
    /* k larger than the pool: everything else. */
    s.few_shot.k = 10;
    size_t all[16];
    CHECK_INT_EQ(suite_few_shot(&s, 0, all, 16), 4);
    suite_release(&s);

    /* same_tag: only items sharing the tag's value (m-1 and m-4 are "de"). */
    cJSON *json = json_load_file(path, &d);
    cJSON *fs = cJSON_GetObjectItem(json, "few_shot");
    cJSON_ReplaceItemInObject(fs, "k", cJSON_CreateNumber(10));
    cJSON_AddStringToObject(fs, "same_tag", "lang");
    char *text = cJSON_PrintUnformatted(json);
    CHECK_MSG(suite_load_text(text, strlen(text), path, SUITE_NO_SCORER_CHECK, &s, &d) == 0, "%s", d.msg);
    CHECK_INT_EQ(suite_few_shot(&s, 0, all, 16), 1);
    CHECK_INT_EQ(all[0], 3);
    CHECK_INT_EQ(suite_few_shot(&s, 3, all, 16), 1);
    CHECK_INT_EQ(all[0], 0);
    CHECK_INT_EQ(suite_few_shot(&s, 2, all, 16), 0);   /* the only "ja" item */
    CHECK_INT_EQ(suite_render(&s, find(&s, "m-3"), NULL, NULL, &p, &d), 0);
    CHECK_INT_EQ(p.nshots, 0);
    prompt_release(&p);
    suite_release(&s);
    cJSON_free(text);
    cJSON_Delete(json);
    free(path);
}

/* A large dataset: examples are drawn by rejection from the item's group,
 * still distinct, never the item, in its group, and reproducible. */
static void few_shot_large(void)
{
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 3000; i++)
        buf_addf(&b, "{\"id\":\"i%d\",\"t\":\"text %d\",\"r\":\"%d\",\"g\":\"%s\"}\n", i, i, i,
                 i % 3 == 0 ? "x" : "y");
    write_file("big.jsonl", b.ptr);
    buf_release(&b);
    const char *json = "{\"name\":\"big\",\"task\":\"qa\",\"dataset\":{\"path\":\"big.jsonl\",\"fields\":[\"t\"],"
                       "\"references\":\"r\",\"tags\":[\"g\"]},\"prompt\":{\"user\":\"{{t}}\"},"
                       "\"few_shot\":{\"k\":5,\"seed\":3,\"same_tag\":\"g\"}}";
    struct suite s, again;
    struct diag d;
    diag_init(&d);
    CHECK_MSG(suite_load_text(json, strlen(json), "big.json", 0, &s, &d) == 0, "%s", d.msg);
    CHECK_MSG(suite_load_text(json, strlen(json), "big.json", 0, &again, &d) == 0, "%s", d.msg);
    size_t counts[3000] = { 0 };
    for (size_t i = 0; i < s.data.n; i++) {
        size_t a[8], b2[8];
        size_t n = suite_few_shot(&s, i, a, 8);
        CHECK_INT_EQ(n, 5);
        CHECK_INT_EQ(suite_few_shot(&again, i, b2, 8), 5);
        CHECK(memcmp(a, b2, 5 * sizeof(size_t)) == 0);
        for (size_t k = 0; k < n; k++) {
            CHECK(a[k] != i && (a[k] % 3 == 0) == (i % 3 == 0));
            for (size_t q = 0; q < k; q++)
                CHECK(a[q] != a[k]);
            counts[a[k]]++;
        }
    }
    /* Draws spread like Poisson(5) over the items: about e^-5 = 0.7% are
     * never drawn, none is drawn 20 times (p < 1e-6 each). */
    size_t never = 0, hi = 0;
    for (size_t i = 0; i < 3000; i++) {
        never += counts[i] == 0;
        hi = counts[i] > hi ? counts[i] : hi;
    }
    CHECK_MSG(never < 60 && hi < 20, "%zu items never drawn, one drawn %zu times", never, hi);
    suite_release(&s);
    suite_release(&again);
}

/* Loads the suite text written as x.json (next to data.jsonl) and returns
 * the formatted first error, or "" when it loads. */
static char *load_error(const char *suite_json, unsigned flags)
{
    write_file("x.json", suite_json);
    struct suite s;
    struct diag d;
    diag_init(&d);
    if (suite_load("x.json", flags, &s, &d) == 0) {
        suite_release(&s);
        return xstrdup("");
    }
    char line[2048];
    diag_format(&d, line, sizeof(line));
    return xstrdup(line);
}

static void expect_error(const char *suite_json, const char *want)
{
    char *got = load_error(suite_json, SUITE_NO_SCORER_CHECK);
    CHECK_STR_EQ(got, want);
    free(got);
}

#define HEAD "{\"name\":\"x\",\"task\":\"generic\",\"dataset\":{\"path\":\"data.jsonl\",\"fields\":[\"text\",\"schema\"],\"references\":\"ref\"},"
#define OK_PROMPT "\"prompt\":{\"user\":\"{{text}}\"}"

static void errors(void)
{
    write_file("data.jsonl",
               "{\"id\":\"a\",\"text\":\"alpha\",\"ref\":\"A\",\"schema\":{\"type\":\"object\"}}\n"
               "{\"id\":\"b\",\"text\":\"beta\",\"ref\":\"B\",\"schema\":{\"type\":\"object\"}}\n"
               "{\"id\":\"c\",\"text\":\"gamma\",\"ref\":\"C\",\"schema\":\"oops\"}\n");
    char *ok = load_error(HEAD OK_PROMPT "}", SUITE_NO_SCORER_CHECK);
    CHECK_STR_EQ(ok, "");
    free(ok);

    /* JSON syntax, top-level keys and types. */
    expect_error("{\"name\":\"x\",\n \"task\":}", "x.json:2: column 9: unexpected closing bracket (trailing comma?)");
    expect_error("[1]", "x.json: expected a suite object, got an array");
    expect_error(HEAD OK_PROMPT ",\"scorer\":[]}", "x.json: scorer: unknown key (did you mean \"scorers\"?)");
    expect_error("{\"task\":\"generic\",\"dataset\":{\"path\":\"data.jsonl\"}," OK_PROMPT "}",
                 "x.json: name: missing, required");
    expect_error("{\"name\":\"a b\",\"task\":\"generic\",\"dataset\":{\"path\":\"data.jsonl\"}," OK_PROMPT "}",
                 "x.json: name: \"a b\": use letters, digits, '_' and '-'");
    expect_error("{\"name\":\"x\",\"task\":\"poetry\",\"dataset\":{\"path\":\"data.jsonl\"}," OK_PROMPT "}",
                 "x.json: task: expected one of summarization, extraction, translation, multilingual, "
                 "classification, qa, generic; got \"poetry\"");
    expect_error(HEAD "\"prompt\":{\"system\":\"hi\"}}", "x.json: prompt.user: missing, required (the item's user message)");
    expect_error(HEAD "\"prompt\":{\"user\":[\"a\",3]}}", "x.json: prompt.user[1]: expected a string, got a number");
    /* Templates: bad placeholder; a field missing in some item names the
     * suite file, the template, the item and the dataset line. */
    expect_error(HEAD "\"prompt\":{\"user\":\"{{text\"}}",
                 "x.json: prompt.user: unclosed \"{{\" (write \\{{ for literal braces) at template line 1, column 1");
    expect_error(HEAD "\"prompt\":{\"user\":[\"line one\",\"{{ te xt.}}\"]}}",
                 "x.json: prompt.user: bad placeholder \"{{ te xt.}}\": field path ends with '.' at template line 2, column 1");
    expect_error(HEAD "\"prompt\":{\"user\":\"{{text}}\",\"system\":\"{{title}}\"}}",
                 "x.json: prompt.system: {{title}}: item \"a\" (data.jsonl:1) has no field \"title\"");
    expect_error(HEAD OK_PROMPT ",\"overrides\":[{\"backend\":\"b\",\"prompt\":{\"raw\":\"{{ref}}\"}}]}",
                 "x.json: overrides[0].prompt.raw: {{ref}}: item \"a\" (data.jsonl:1) has no field \"ref\"");
    expect_error(HEAD OK_PROMPT ",\"backend_params\":{\"p\":[\"{{nope}}\"]}}",
                 "x.json: backend_params.p[0]: {{nope}}: item \"a\" (data.jsonl:1) has no field \"nope\"");
    /* The dataset. */
    expect_error("{\"name\":\"x\",\"task\":\"generic\",\"dataset\":{\"path\":\"../none.jsonl\"}," OK_PROMPT "}",
                 "x.json: dataset.path: no such file \"../none.jsonl\" (looked for ../none.jsonl)");
    expect_error("{\"name\":\"x\",\"task\":\"generic\",\"dataset\":{\"path\":\"none.jsonl\"}," OK_PROMPT "}",
                 "x.json: dataset.path: no such file \"none.jsonl\" (looked for none.jsonl and ../none.jsonl)");
    expect_error("{\"name\":\"x\",\"task\":\"generic\",\"dataset\":{\"path\":\"data.jsonl\",\"fields\":[\"txt\"]}," OK_PROMPT "}",
                 "data.jsonl:1: item \"a\": no field \"txt\" (dataset.fields.txt in x.json)");
    /* Generation. */
    expect_error(HEAD OK_PROMPT ",\"generation\":{\"max_tokens\":0}}",
                 "x.json: generation.max_tokens: expected an integer from 1 to 10000000, got 0");
    expect_error(HEAD OK_PROMPT ",\"generation\":{\"temperature\":\"0.5\"}}",
                 "x.json: generation.temperature: expected a number, got \"0.5\"");
    expect_error(HEAD OK_PROMPT ",\"generation\":{\"stop\":[\"\"]}}",
                 "x.json: generation.stop[0]: expected a non-empty string, got a string");
    expect_error(HEAD OK_PROMPT ",\"generation\":{\"top_k\":5}}",
                 "x.json: generation.top_k: unknown key (did you mean \"top_p\"?)");
    /* Response format. */
    expect_error(HEAD OK_PROMPT ",\"response_format\":{\"type\":\"json_schema\"}}",
                 "x.json: response_format: json_schema needs exactly one of \"schema\" (the schema) or "
                 "\"schema_field\" (the item field holding it)");
    expect_error(HEAD OK_PROMPT ",\"response_format\":{\"type\":\"yaml\"}}",
                 "x.json: response_format.type: expected \"text\", \"json_object\" or \"json_schema\", got \"yaml\"");
    expect_error(HEAD OK_PROMPT ",\"response_format\":{\"type\":\"json_schema\",\"schema_field\":\"schema\"}}",
                 "x.json: response_format: schema_field \"schema\": item \"c\" (data.jsonl:3) has a string there, "
                 "expected a JSON schema object");
    /* Few-shot. */
    expect_error(HEAD OK_PROMPT ",\"few_shot\":{\"ids\":[\"a\",\"zz\"]}}",
                 "x.json: few_shot.ids[1]: no item \"zz\" in data.jsonl");
    expect_error(HEAD OK_PROMPT ",\"few_shot\":{\"k\":1,\"same_tag\":\"domain\"}}",
                 "x.json: few_shot.same_tag: \"domain\" is not one of dataset.tags or dataset.length_tags");
    expect_error(HEAD OK_PROMPT ",\"few_shot\":{\"k\":1,\"ids\":[\"a\"]}}",
                 "x.json: few_shot: give either \"ids\" or \"k\" (with \"seed\", \"same_tag\"), not both");
    expect_error("{\"name\":\"x\",\"task\":\"generic\",\"dataset\":{\"path\":\"data.jsonl\",\"fields\":[\"text\"]},"
                 OK_PROMPT ",\"few_shot\":{\"k\":1}}",
                 "x.json: few_shot: examples need an answer: set prompt.assistant (the items have no gold and no references)");
    expect_error(HEAD OK_PROMPT ",\"few_shot\":{\"k\":65}}",
                 "x.json: few_shot.k: expected an integer from 0 to 64, got 65");
    {
        struct buf b;
        buf_init(&b, 0);
        buf_adds(&b, HEAD OK_PROMPT ",\"overrides\":[");
        for (int i = 0; i < 65; i++)
            buf_addf(&b, "%s{\"backend\":\"b%d\"}", i ? "," : "", i);
        buf_adds(&b, "]}");
        expect_error(b.ptr, "x.json: overrides: 65 overrides, at most 64");
        buf_reset(&b);
        buf_adds(&b, HEAD OK_PROMPT ",\"few_shot\":{\"ids\":[");
        for (int i = 0; i < 65; i++)
            buf_addf(&b, "%s\"a\"", i ? "," : "");
        buf_adds(&b, "]}}");
        expect_error(b.ptr, "x.json: few_shot.ids: 65 examples, at most 64");
        buf_release(&b);
    }
    /* Scorers and the primary metric. */
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\"}]}",
                 "x.json: primary_metric: missing, required when there are scorers (\"scorer.metric\", e.g. \"rouge.rougeLsum\")");
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\"}],\"primary_metric\":\"rougeL\"}",
                 "x.json: primary_metric: expected \"scorer.metric\" (e.g. \"rouge.rougeLsum\"), got \"rougeL\"");
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\"}],\"primary_metric\":\"bleu.score\"}",
                 "x.json: primary_metric: \"bleu\" is not one of this suite's scorers");
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\"},{\"type\":\"rouge\"}],\"primary_metric\":\"rouge.f\"}",
                 "x.json: scorers[1].type: scorer name \"rouge\" is used twice (give one a \"name\")");
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\",\"name\":\"a.b\"}],\"primary_metric\":\"a.b\"}",
                 "x.json: scorers[0].name: \"a.b\": use letters, digits, '_' and '-' (the name keys the record's scores)");
    expect_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rouge\",\"options\":[]}],\"primary_metric\":\"rouge.f\"}",
                 "x.json: scorers[0].options: expected an object, got an array");
    /* Overrides. */
    expect_error(HEAD OK_PROMPT ",\"overrides\":[{\"backend\":\"a\",\"backend_type\":\"b\"}]}",
                 "x.json: overrides[0]: give exactly one of \"backend\" (a backend name) or \"backend_type\"");
    expect_error(HEAD OK_PROMPT ",\"overrides\":[{\"backend\":\"a\",\"few_shot\":true}]}",
                 "x.json: overrides[0].few_shot: only false is allowed here (turns few-shot examples off)");

    /* Unknown scorer types, against the real registry. */
    char *got = load_error(HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"rogue\"}],\"primary_metric\":\"rogue.f\"}", 0);
    CHECK_CONTAINS(got, "x.json: scorers[0].type: unknown scorer \"rogue\" (known: ");
    free(got);
    if (scorer_table[0]) {
        /* A registered type loads (its default options are valid). */
        char json[1024];
        snprintf(json, sizeof(json), HEAD OK_PROMPT ",\"scorers\":[{\"type\":\"%s\"}],\"primary_metric\":\"%s.x\"}",
                 scorer_table[0]->type, scorer_table[0]->type);
        got = load_error(json, 0);
        CHECK_STR_EQ(got, "");
        free(got);
    } else {
        printf("note: the scorer registry is empty in this tree; only the unknown-scorer path is tested\n");
    }
}

static void load_dir(void)
{
    /* suites_load_dir: sorted, bad ones reported and skipped, duplicates named. */
    if (file_mkdirs("dir", NULL) < 0)
        exit(1);
    write_file("dir/b.json", HEAD OK_PROMPT "}");
    write_file("dir/a.json", "{\"name\":\"first\",\"task\":\"qa\",\"dataset\":{\"path\":\"../data.jsonl\"}," OK_PROMPT "}");
    write_file("dir/c.json", "{\"name\":\"x\",\"task\":\"qa\",\"dataset\":{\"path\":\"../data.jsonl\"}," OK_PROMPT "}");
    write_file("dir/d.json", "{\"name\":\"broken\"");
    write_file("dir/notes.txt", "not a suite");
    struct suite_set set;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(suites_load_dir("dir", SUITE_NO_SCORER_CHECK, &set, &d), -1);
    CHECK_INT_EQ(set.n, 2);
    CHECK_INT_EQ(d.count, 2);
    CHECK_STR_EQ(d.file, "dir/c.json");
    CHECK_STR_EQ(d.msg, "suite \"x\" is also defined in dir/b.json");
    CHECK(suite_set_find(&set, "first") == &set.v[0]);
    CHECK(suite_set_find(&set, "x") == &set.v[1]);
    CHECK(suite_set_find(&set, "broken") == NULL);
    CHECK_INT_EQ(set.v[0].data.n, 3);
    suite_set_release(&set);
    CHECK_INT_EQ(suites_load_dir("nodir", 0, &set, &d), -1);

    /* ASSAY_SUITES_DIR wins over the baked-in source tree. */
    unsetenv("ASSAY_SUITES_DIR");
    CHECK_CONTAINS(suites_default_dir(), "/suites");
    setenv("ASSAY_SUITES_DIR", "/elsewhere", 1);
    CHECK_STR_EQ(suites_default_dir(), "/elsewhere");
    unsetenv("ASSAY_SUITES_DIR");
}

int main(void)
{
    load_and_render();
    char *tmp = test_tmpdir("suite");
    if (chdir(tmp) < 0) {
        perror(tmp);
        return 1;
    }
    errors();
    load_dir();
    few_shot_large();
    free(tmp);
    return check_done();
}
