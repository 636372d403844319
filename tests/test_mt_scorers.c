/* test_mt_scorers.c -- the item scorers "bleu", "chrf" and "ter" behind
 * scorers/scorer.h: registration, option validation with located messages,
 * the output members and values (sacreBLEU 2.6.0's, from the public
 * vectors), the tokenizer picked by the item's language, missing
 * references, and the same numbers through the scorer as through the
 * library on every corpus item. */
#include "check.h"

#include "harness/util/jsonv.h"
#include "scorers/bleu.h"
#include "scorers/scorer.h"

static void *configure(const char *type, const char *options_json, struct diag *d)
{
    const struct scorer_ops *ops = scorer_find(type);
    CHECK(ops != NULL);
    if (!ops)
        return NULL;
    cJSON *options = options_json ? cJSON_Parse(options_json) : NULL;
    diag_init(d);
    void *st = ops->configure(options, "suites/t.json", "scorers[0].options", d);
    cJSON_Delete(options);
    return st;
}

static void expect_config_error(const char *type, const char *options_json, const char *msg)
{
    struct diag d;
    void *st = configure(type, options_json, &d);
    CHECK_MSG(st == NULL, "%s %s should be rejected", type, options_json);
    if (st)
        scorer_find(type)->release(st);
    char out[1024];
    diag_format(&d, out, sizeof(out));
    CHECK_CONTAINS(out, msg);
}

/* Scores one item; returns the output object (owned). */
static cJSON *score(const char *type, void *st, const char *hyp, const char *const *refs,
                    size_t nrefs, const char *item_json)
{
    cJSON *item = item_json ? cJSON_Parse(item_json) : NULL;
    struct score_item it = { hyp, refs, nrefs, NULL, item };
    cJSON *out = cJSON_CreateObject();
    struct diag d;
    diag_init(&d);
    int rc = scorer_find(type)->score(st, &it, out, &d);
    CHECK_MSG(rc == 0, "%s: %s", type, d.msg);
    cJSON_Delete(item);
    return out;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *const en_ref[] = {
    "The committee approved the new budget on Tuesday, after a three-hour debate.",
};
static const char *en_hyp = "The committee approved the new budget on Tuesday after a debate of three hours.";
static const char *const zh_ref[] = {
    "\xe5\xa7\x94\xe5\x91\x98\xe4\xbc\x9a\xe5\x9c\xa8\xe7\xbb\x8f\xe8\xbf\x87\xe4\xb8\x89\xe4\xb8\xaa"
    "\xe5\xb0\x8f\xe6\x97\xb6\xe7\x9a\x84\xe8\xbe\xa9\xe8\xae\xba\xe5\x90\x8e\xe4\xba\x8e\xe5\x91\xa8"
    "\xe4\xba\x8c\xe6\x89\xb9\xe5\x87\x86\xe4\xba\x86\xe6\x96\xb0\xe9\xa2\x84\xe7\xae\x97\xe3\x80\x82",
};
static const char *zh_hyp =
    "\xe7\xbb\x8f\xe8\xbf\x87\xe4\xb8\x89\xe5\xb0\x8f\xe6\x97\xb6\xe8\xbe\xa9\xe8\xae\xba\xef\xbc\x8c"
    "\xe5\xa7\x94\xe5\x91\x98\xe4\xbc\x9a\xe5\x91\xa8\xe4\xba\x8c\xe9\x80\x9a\xe8\xbf\x87\xe4\xba\x86"
    "\xe6\x96\xb0\xe9\xa2\x84\xe7\xae\x97\xe3\x80\x82";

static void test_registry(void)
{
    CHECK(scorer_find("bleu") && scorer_find("chrf") && scorer_find("ter"));
    CHECK(scorer_find("BLEU") == NULL);
    int n = 0;
    for (size_t i = 0; scorer_table[i]; i++)
        n += scorer_table[i]->summary && *scorer_table[i]->summary;
    CHECK(n >= 3);
}

static void test_bleu(void)
{
    struct diag d;
    void *st = configure("bleu", NULL, &d);
    CHECK(st != NULL);
    cJSON *o = score("bleu", st, en_hyp, en_ref, 1, NULL);
    CHECK_NEAR(num(o, "score"), 54.451788461394045, 1e-9);
    CHECK_NEAR(num(o, "bp"), 1.0, 1e-12);
    CHECK_INT_EQ(num(o, "sys_len"), 15);
    CHECK_INT_EQ(num(o, "ref_len"), 14);
    CHECK_INT_EQ(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "counts"), 3)->valuedouble, 5);
    CHECK_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "precisions"), 1)->valuedouble,
               57.142857142857146, 1e-9);
    CHECK_STR_EQ(str(o, "signature"), "nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0");
    CHECK_STR_EQ(str(o, "tokenize"), "13a");
    cJSON_Delete(o);
    /* Chinese with 13a: one token each, no match. */
    o = score("bleu", st, zh_hyp, zh_ref, 1, NULL);
    CHECK_NEAR(num(o, "score"), 0.0, 1e-12);
    CHECK_INT_EQ(num(o, "sys_len"), 1);
    cJSON_Delete(o);
    /* No reference: a diag, not a silent 0. */
    struct score_item none = { en_hyp, NULL, 0, NULL, NULL };
    cJSON *out = cJSON_CreateObject();
    diag_init(&d);
    CHECK_INT_EQ(scorer_find("bleu")->score(st, &none, out, &d), -1);
    CHECK_CONTAINS(d.msg, "no reference");
    cJSON_Delete(out);
    scorer_find("bleu")->release(st);

    /* The tokenizer chosen by the item's language. */
    st = configure("bleu",
                   "{\"tokenize_by_lang\": {\"zh\": \"zh\", \"ja\": \"char\", \"ko\": \"char\"},"
                   " \"lang_field\": \"tgt_lang\"}", &d);
    CHECK(st != NULL);
    o = score("bleu", st, zh_hyp, zh_ref, 1, "{\"tgt_lang\": \"zh\"}");
    CHECK_NEAR(num(o, "score"), 29.155819270157362, 1e-9);
    CHECK_NEAR(num(o, "bp"), 0.8187307530779819, 1e-12);
    CHECK_STR_EQ(str(o, "tokenize"), "zh");
    CHECK_STR_EQ(str(o, "signature"), "nrefs:1|case:mixed|eff:yes|tok:zh|smooth:exp|version:2.6.0");
    cJSON_Delete(o);
    o = score("bleu", st, zh_hyp, zh_ref, 1, "{\"tgt_lang\": \"zh-Hans\"}");
    CHECK_STR_EQ(str(o, "tokenize"), "zh");
    cJSON_Delete(o);
    o = score("bleu", st, zh_hyp, zh_ref, 1, "{\"tgt_lang\": \"ja\"}");
    CHECK_STR_EQ(str(o, "tokenize"), "char");
    cJSON_Delete(o);
    o = score("bleu", st, en_hyp, en_ref, 1, "{\"tgt_lang\": \"en\"}");
    CHECK_STR_EQ(str(o, "tokenize"), "13a");
    CHECK_NEAR(num(o, "score"), 54.451788461394045, 1e-9);
    cJSON_Delete(o);
    o = score("bleu", st, en_hyp, en_ref, 1, "{\"lang\": \"zh\"}");   /* other field: default */
    CHECK_STR_EQ(str(o, "tokenize"), "13a");
    cJSON_Delete(o);
    scorer_find("bleu")->release(st);

    /* Options change the numbers: effective order off, add-k. */
    st = configure("bleu", "{\"effective_order\": false, \"smooth_method\": \"add-k\","
                           " \"smooth_value\": 1, \"lowercase\": true}", &d);
    CHECK(st != NULL);
    static const char *const one_ref[] = { "Hello there" };
    o = score("bleu", st, "hello", one_ref, 1, NULL);
    /* add-k gives orders without n-grams precision 100 (k/k). */
    CHECK_NEAR(num(o, "score"), 100.0 * exp(1.0 - 2.0), 1e-9);
    CHECK_STR_EQ(str(o, "signature"), "nrefs:1|case:lc|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0");
    cJSON_Delete(o);
    scorer_find("bleu")->release(st);

    expect_config_error("bleu", "{\"tokenize\": \"ja-mecab\"}",
                        "suites/t.json: scorers[0].options.tokenize: expected a tokenizer");
    expect_config_error("bleu", "{\"tokenize\": \"ja-mecab\"}", "MeCab is not available");
    expect_config_error("bleu", "{\"smooth_method\": \"floorr\"}", "expected one of exp, floor, add-k, none");
    expect_config_error("bleu", "{\"smooth_value\": \"0.1\"}", "scorers[0].options.smooth_value");
    expect_config_error("bleu", "{\"tokenise\": \"13a\"}", "tokenise");
    expect_config_error("bleu", "{\"lang_field\": \"x\"}", "only meaningful with tokenize_by_lang");
    expect_config_error("bleu", "{\"tokenize_by_lang\": {\"zh\": \"chinese\"}}",
                        "scorers[0].options.tokenize_by_lang.zh");
    expect_config_error("bleu", "[1]", "expected an object of options");
}

static void test_chrf(void)
{
    struct diag d;
    void *st = configure("chrf", "{\"word_order\": 2}", &d);
    CHECK(st != NULL);
    cJSON *o = score("chrf", st, en_hyp, en_ref, 1, NULL);
    CHECK_NEAR(num(o, "score"), 77.52137267123109, 1e-9);
    CHECK_STR_EQ(str(o, "name"), "chrF2++");
    CHECK_STR_EQ(str(o, "signature"), "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0");
    const cJSON *stats = cJSON_GetObjectItem(o, "stats");
    CHECK_INT_EQ(cJSON_GetArraySize(stats), 8);
    CHECK_INT_EQ(cJSON_GetArrayItem(cJSON_GetArrayItem(stats, 7), 2)->valuedouble, 8);
    cJSON_Delete(o);
    scorer_find("chrf")->release(st);

    expect_config_error("chrf", "{\"char_order\": 0, \"word_order\": 0}", "at least 1");
    expect_config_error("chrf", "{\"beta\": 1.5}", "scorers[0].options.beta: expected an integer");
    expect_config_error("chrf", "{\"whitespace\": 1}", "expected true or false");
}

static void test_ter(void)
{
    struct diag d;
    void *st = configure("ter", "{}", &d);
    CHECK(st != NULL);
    cJSON *o = score("ter", st, en_hyp, en_ref, 1, NULL);
    CHECK_NEAR(num(o, "score"), 41.66666666666667, 1e-9);
    CHECK_INT_EQ(num(o, "num_edits"), 5);
    CHECK_NEAR(num(o, "ref_length"), 12.0, 1e-12);
    CHECK_STR_EQ(str(o, "signature"), "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0");
    cJSON_Delete(o);
    /* Several references: minimum edits, average length; NULL skipped. */
    static const char *const refs[] = { "a b c d", NULL, "a b c d e f" };
    o = score("ter", st, "a b c d", refs, 3, NULL);
    CHECK_INT_EQ(num(o, "num_edits"), 0);
    CHECK_NEAR(num(o, "ref_length"), 5.0, 1e-12);
    CHECK_STR_EQ(str(o, "signature"), "nrefs:2|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0");
    cJSON_Delete(o);
    scorer_find("ter")->release(st);
    expect_config_error("ter", "{\"normalised\": true}", "normalised");
}

int main(void)
{
    test_registry();
    test_bleu();
    test_chrf();
    test_ter();
    return check_done();
}
