/* test_mock_quality.c -- what the mock answers.
 *
 * Unit: the corpus lookup (the last item whose input the prompt contains
 * wins, so few-shot examples do not fool it; items sharing an input are
 * told apart by their other fields; short inputs; the JSONL fixture
 * format and its errors) and the degradation (level 1 is the reference
 * verbatim; extraction answers stay valid JSON most of the time).
 *
 * Integration: every item of the bundled suites, rendered as the run
 * engine renders it, sent to the default profile's models. The mock must
 * recognise each item (its ground-truth log names it), and the strong
 * model must be closer to the references than the fast one (word F1 for
 * texts, field accuracy for extraction), the specialist best at extraction
 * only. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include <ctype.h>

#include "harness/mock/corpus.h"
#include "harness/mock/quality.h"
#include "harness/suite.h"

/* === unit ================================================================== */

static void test_corpus(void)
{
    struct corpus *c = corpus_new();
    const char *a[] = { "The quick brown fox jumps over the lazy dog near the river bank today." };
    const char *b[] = { "A completely different document about quarterly revenue and costs." };
    const char *de[] = { "Good morning, how are you?", "Translate into German.", "de" };
    const char *fr[] = { "Good morning, how are you?", "Translate into French.", "fr" };
    const char *tiny[] = { "Hi!!" };
    CHECK_INT_EQ(corpus_add(c, "a", "summarization", a, 1, 0, "fox summary", NULL), 0);
    CHECK_INT_EQ(corpus_add(c, "b", "summarization", b, 1, 0, "revenue summary", NULL), 0);
    CHECK_INT_EQ(corpus_add(c, "de", "multilingual", de, 3, 1, "Guten Morgen", NULL), 0);
    CHECK_INT_EQ(corpus_add(c, "fr", "multilingual", fr, 3, 1, "Bonjour", NULL), 0);
    CHECK_INT_EQ(corpus_add(c, "tiny", "qa", tiny, 1, 0, "hello", NULL), 0);
    const char *none[] = { "ab" };
    CHECK_INT_EQ(corpus_add(c, "none", "qa", none, 1, 0, "x", NULL), -1);
    CHECK_INT_EQ(corpus_count(c), 5);

    const char *p1 = "Summarize:\n  The quick brown fox jumps over the lazy dog near the river bank today.  ";
    const struct corpus_item *it = corpus_find(c, p1, strlen(p1));
    CHECK(it && strcmp(it->id, "a") == 0);
    /* Few-shot: example a first, then the question about b. */
    char p2[600];
    snprintf(p2, sizeof(p2), "Example: %s\nSummary: fox summary\nNow: %s", a[0], b[0]);
    it = corpus_find(c, p2, strlen(p2));
    CHECK(it && strcmp(it->id, "b") == 0);
    const char *p3 = "Translate into French.\n\nGood morning, how are you?";
    it = corpus_find(c, p3, strlen(p3));
    CHECK(it && strcmp(it->id, "fr") == 0);
    const char *p4 = "Translate into German.\n\nGood morning, how are you?";
    it = corpus_find(c, p4, strlen(p4));
    CHECK(it && strcmp(it->id, "de") == 0);
    it = corpus_find(c, "say Hi!! now", 12);
    CHECK(it && strcmp(it->id, "tiny") == 0);
    CHECK(corpus_find(c, "nothing known here at all", 25) == NULL);
    CHECK(corpus_find(c, "", 0) == NULL);
    /* A prefix of an input is not the input. */
    CHECK(corpus_find(c, a[0], 30) == NULL);
    corpus_free(c);

    /* The fixture format. */
    char *dir = test_tmpdir("quality");
    char path[600];
    snprintf(path, sizeof(path), "%s/c.jsonl", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"id\":\"x1\",\"family\":\"extraction\",\"input\":\"Invoice 42 from ACME\",\"gold\":{\"n\":42}}\n"
          "\n"
          "{\"id\":\"x2\",\"inputs\":[\"Some longer text here\",\"other\"],\"reference\":\"Short.\"}\n", f);
    fclose(f);
    c = corpus_new();
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(corpus_load_jsonl(c, path, &d), 0);
    CHECK_INT_EQ(corpus_count(c), 2);
    it = corpus_find(c, "Read: Invoice 42 from ACME.", 27);
    CHECK(it && it->gold && strcmp(it->family, "extraction") == 0);
    corpus_free(c);
    f = fopen(path, "a");
    fputs("{\"id\":\"x3\",\"input\":\"no reference given\"}\n", f);
    fclose(f);
    c = corpus_new();
    diag_init(&d);
    CHECK_INT_EQ(corpus_load_jsonl(c, path, &d), -1);
    char msg[1200];
    diag_format(&d, msg, sizeof(msg));
    CHECK_CONTAINS(msg, "c.jsonl:4");
    CHECK_CONTAINS(msg, "\"reference\" or \"gold\"");
    corpus_free(c);
    free(dir);
}

static void test_degrade(void)
{
    const char *ref = "First sentence of the summary.\nSecond sentence, with 12 numbers.";
    struct rng r;
    rng_seed(&r, 1);
    struct buf out = BUF_INIT;
    quality_degrade_text(ref, 1.0, &r, &out);
    CHECK_STR_EQ(out.ptr, ref);
    buf_reset(&out);
    quality_degrade_text(ref, 0.2, &r, &out);
    CHECK(strcmp(out.ptr, ref) != 0);
    CHECK(strchr(out.ptr, '\n') != NULL);   /* lines are kept */
    buf_reset(&out);
    quality_degrade_text("日本語の文章はスペースを使いません。", 0.3, &r, &out);
    CHECK(out.len > 10);   /* per character, not one dropped "word" */
    buf_reset(&out);

    cJSON *gold = cJSON_Parse("{\"id\":\"INV-1\",\"total\":120.5,\"paid\":false,\"po\":null,"
                              "\"lines\":[{\"sku\":\"A\",\"qty\":2},{\"sku\":\"B\",\"qty\":1}]}");
    quality_degrade_json(gold, 1.0, &r, &out);
    cJSON *back = cJSON_Parse(out.ptr);
    CHECK(cJSON_Compare(back, gold, 1));
    cJSON_Delete(back);
    int valid = 0, differs = 0;
    for (int i = 0; i < 200; i++) {
        buf_reset(&out);
        quality_degrade_json(gold, 0.5, &r, &out);
        back = cJSON_Parse(out.ptr);
        valid += back != NULL;
        differs += !back || !cJSON_Compare(back, gold, 1);
        cJSON_Delete(back);
    }
    CHECK_MSG(valid > 120 && valid < 200, "%d of 200 valid at level 0.5", valid);
    CHECK(differs > 100);
    cJSON_Delete(gold);

    buf_reset(&out);
    quality_generic(&r, 50, &out);
    CHECK(out.len > 100);
    buf_release(&out);
}

/* === against the bundled suites ============================================== */

static void words(const char *s, char (*out)[48], size_t *n, size_t max)
{
    *n = 0;
    while (*s && *n < max) {
        while (*s && (isspace((unsigned char)*s) || ispunct((unsigned char)*s)))
            s++;
        size_t k = 0;
        while (*s && !isspace((unsigned char)*s) && !ispunct((unsigned char)*s)) {
            if (k < 47)
                out[*n][k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        if (k) {
            out[*n][k] = '\0';
            (*n)++;
        }
    }
}

/* Bag-of-words F1; for space-less scripts the "words" are long, so a
 * character-bigram F1 is used when there are few spaces. */
static double overlap(const char *hyp, const char *ref)
{
    static char h[4096][48], r[4096][48];
    size_t nh, nr;
    words(hyp, h, &nh, 4096);
    words(ref, r, &nr, 4096);
    if (nr < 4 || strlen(ref) / (nr + 1) > 20) {
        /* bytes bigrams */
        size_t lh = strlen(hyp), lr = strlen(ref), match = 0;
        if (lh < 2 || lr < 2)
            return 0;
        char *used = calloc(lh, 1);
        for (size_t i = 0; i + 1 < lr; i++)
            for (size_t j = 0; j + 1 < lh; j++)
                if (!used[j] && hyp[j] == ref[i] && hyp[j + 1] == ref[i + 1]) {
                    used[j] = 1;
                    match++;
                    break;
                }
        free(used);
        double p = (double)match / (double)(lh - 1), rc = (double)match / (double)(lr - 1);
        return p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
    }
    char *used = calloc(nh, 1);
    size_t match = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nh; j++)
            if (!used[j] && strcmp(h[j], r[i]) == 0) {
                used[j] = 1;
                match++;
                break;
            }
    free(used);
    if (!nh || !match)
        return 0;
    double p = (double)match / (double)nh, rc = (double)match / (double)nr;
    return 2 * p * rc / (p + rc);
}

static void leaves(const cJSON *v, const char *path, const cJSON *other, size_t *n, size_t *ok)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        size_t i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            char p[512];
            const cJSON *o = NULL;
            if (cJSON_IsObject(v)) {
                snprintf(p, sizeof(p), "%s.%s", path, c->string);
                o = cJSON_IsObject(other) ? cJSON_GetObjectItemCaseSensitive(other, c->string) : NULL;
            } else {
                snprintf(p, sizeof(p), "%s[%zu]", path, i);
                o = cJSON_IsArray(other) ? cJSON_GetArrayItem(other, (int)i) : NULL;
            }
            leaves(c, p, o, n, ok);
        }
        return;
    }
    (*n)++;
    if (other && cJSON_Compare(v, other, 1))
        (*ok)++;
}

/* Field accuracy: gold leaves found with the same value (0 if no JSON). */
static double json_score(const char *answer, const cJSON *gold)
{
    const char *open = strchr(answer, '{'), *close = strrchr(answer, '}');
    if (!open || !close || close < open)
        return 0;
    char *text = strndup(open, (size_t)(close - open + 1));
    cJSON *j = cJSON_Parse(text);
    free(text);
    size_t n = 0, ok = 0;
    leaves(gold, "", j, &n, &ok);
    cJSON_Delete(j);
    return n ? (double)ok / (double)n : 0;
}

static char *chat_body(const char *model, const struct prompt *p)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "model", model);
    cJSON *msgs = cJSON_AddArrayToObject(b, "messages");
    if (p->system) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", p->system);
        cJSON_AddItemToArray(msgs, m);
    }
    for (size_t i = 0; i < p->nmsgs; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", p->msgs[i].role);
        cJSON_AddStringToObject(m, "content", p->msgs[i].content);
        cJSON_AddItemToArray(msgs, m);
    }
    char *s = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return s;
}

static const char *const models[] = { "mock-strong", "mock-fast", "mock-specialist" };
#define NMODELS 3

static void test_suites(void)
{
    const char *dir = suites_default_dir();
    struct suite_set set;
    struct diag d;
    diag_init(&d);
    if (suites_load_dir(dir, SUITE_NO_SCORER_CHECK, &set, &d) < 0) {
        char msg[1200];
        diag_format(&d, msg, sizeof(msg));
        CHECK_MSG(0, "the bundled suites do not load: %s", msg);
        return;
    }
    char *tmp = test_tmpdir("quality-log");
    char log[600];
    snprintf(log, sizeof(log), "%s/truth.jsonl", tmp);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--log", log, NULL };
    if (mock_start(&m, extra) < 0) {
        CHECK_MSG(0, "cannot start the mock");
        return;
    }
    char chat[300], task[300];
    snprintf(chat, sizeof(chat), "%s/v1/chat/completions", m.base_url);
    const char *const hdrs[] = { "Authorization: Bearer k", NULL };
    size_t requests = 0;
    double strong_sum[8] = { 0 }, fast_sum[8] = { 0 }, spec_sum[8] = { 0 };
    CHECK(set.n >= 3);
    for (size_t si = 0; si < set.n && si < 8; si++) {
        const struct suite *s = &set.v[si];
        double sum[NMODELS] = { 0 };
        size_t n = 0;
        for (size_t i = 0; i < s->data.n; i++) {
            const struct item *it = &s->data.items[i];
            struct prompt p;
            prompt_init(&p);
            if (suite_render(s, it, "mock", "openai", &p, &d) < 0)
                continue;
            for (int k = 0; k < NMODELS; k++) {
                char *body = chat_body(models[k], &p);
                struct http_reply r;
                http_post(chat, hdrs, body, &r);
                free(body);
                requests++;
                CHECK_INT_EQ(r.status, 200);
                cJSON *j = cJSON_Parse(r.body.ptr);
                const char *ans = jstr(j, "choices.0.message.content");
                if (ans)
                    sum[k] += it->gold ? json_score(ans, it->gold)
                                       : overlap(ans, it->nrefs ? it->refs[0] : "");
                cJSON_Delete(j);
                http_reply_free(&r);
            }
            n++;
            prompt_release(&p);
        }
        CHECK(n > 0);
        if (!n)
            continue;
        strong_sum[si] = sum[0] / (double)n;
        fast_sum[si] = sum[1] / (double)n;
        spec_sum[si] = sum[2] / (double)n;
        printf("%-14s %3zu items: strong %.3f  fast %.3f  specialist %.3f\n", s->name, n,
               strong_sum[si], fast_sum[si], spec_sum[si]);
        CHECK_MSG(strong_sum[si] > fast_sum[si] + 0.1, "%s: strong %.3f, fast %.3f", s->name,
                  strong_sum[si], fast_sum[si]);
        if (strcmp(s->task, "extraction") == 0)
            CHECK_MSG(spec_sum[si] > fast_sum[si] + 0.2 && spec_sum[si] >= strong_sum[si] - 0.02,
                      "extraction: specialist %.3f", spec_sum[si]);
        else
            CHECK_MSG(spec_sum[si] < fast_sum[si], "%s: specialist %.3f", s->name, spec_sum[si]);
    }

    /* Task pipelines: the raw input of the hf-inference override. */
    size_t hf = 0;
    for (size_t si = 0; si < set.n; si++) {
        const struct suite *s = &set.v[si];
        if (strcmp(s->task, "extraction") == 0)
            continue;
        for (size_t i = 0; i < s->data.n && i < 10; i++) {
            struct prompt p;
            prompt_init(&p);
            if (suite_render(s, &s->data.items[i], "mock", "hf-inference", &p, &d) < 0)
                continue;
            cJSON *b = cJSON_CreateObject();
            cJSON_AddStringToObject(b, "inputs", p.raw ? p.raw : p.user);
            if (p.backend_params)
                cJSON_AddItemToObject(b, "parameters", cJSON_Duplicate(p.backend_params, 1));
            char *body = cJSON_PrintUnformatted(b);
            cJSON_Delete(b);
            snprintf(task, sizeof(task), "%s/models/mock-strong", m.base_url);
            struct http_reply r;
            http_post(task, hdrs, body, &r);
            requests++;
            hf++;
            CHECK_INT_EQ(r.status, 200);
            CHECK_CONTAINS(r.body.ptr, strcmp(s->task, "summarization") == 0 ? "[{\"summary_text\":"
                                                                              : "[{\"translation_text\":");
            free(body);
            http_reply_free(&r);
            prompt_release(&p);
        }
    }
    CHECK(hf > 0);
    CHECK_INT_EQ(mock_stop_status(&m), 0);

    /* Every request was about a known item: the log names it. */
    FILE *f = fopen(log, "r");
    char line[1 << 17];
    size_t lines = 0, known = 0;
    while (f && fgets(line, sizeof(line), f)) {
        cJSON *j = cJSON_Parse(line);
        lines++;
        known += jstr(j, "item") != NULL;
        cJSON_Delete(j);
    }
    if (f)
        fclose(f);
    CHECK_INT_EQ(lines, requests);
    CHECK_INT_EQ(known, requests);
    suite_set_release(&set);
    free(tmp);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    test_corpus();
    test_degrade();
    test_suites();
    curl_global_cleanup();
    return check_done();
}
