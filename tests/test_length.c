/* test_length.c -- the length assertion: the documented sentence rule on
 * hand cases (abbreviations, initials, decimals, quotes, CJK, Devanagari,
 * line breaks), word and character counts (NFC, Unicode whitespace), the
 * reason text and option errors. */
#include "check.h"

#include "scorers/scorer.h"

size_t length_sentences(const char *s, size_t n);

static size_t sentences(const char *s)
{
    return length_sentences(s, strlen(s));
}

static void test_sentence_rule(void)
{
    CHECK_INT_EQ(sentences(""), 0);
    CHECK_INT_EQ(sentences("   "), 0);
    CHECK_INT_EQ(sentences("..."), 0);                        /* no letter or digit */
    CHECK_INT_EQ(sentences("One. Two! Three?"), 3);
    CHECK_INT_EQ(sentences("No terminator at the end"), 1);
    CHECK_INT_EQ(sentences("Wait... what?! Really."), 3);
    CHECK_INT_EQ(sentences("It costs 3.5 dollars. Cheap."), 2);
    CHECK_INT_EQ(sentences("Dr. Smith met Mr. Jones. They talked."), 2);
    CHECK_INT_EQ(sentences("J. R. R. Tolkien wrote it."), 1);
    CHECK_INT_EQ(sentences("Fruit, e.g. apples, is good. Yes."), 2);
    CHECK_INT_EQ(sentences("Bring pens, paper, etc. and a bag. Then go."), 2);
    CHECK_INT_EQ(sentences("We sold pens, paper, etc. Then we left."), 2);
    CHECK_INT_EQ(sentences("See No. 5 in the list. Done."), 2);
    CHECK_INT_EQ(sentences("I said no. Then I left."), 2);
    CHECK_INT_EQ(sentences("He said \"Stop.\" Then he left."), 2);
    CHECK_INT_EQ(sentences("(This is one.) This is two."), 2);
    CHECK_INT_EQ(sentences("line one\nline two\n\nline three"), 3);
    CHECK_INT_EQ(sentences("Visit example.com today. OK"), 2);    /* no space after the dot */
    CHECK_INT_EQ(sentences("\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xbe\x88\xe5\xa5\xbd\xe3\x80\x82"
                           "\xe6\x98\x8e\xe5\xa4\xa9\xe5\x91\xa2\xef\xbc\x9f"), 2);   /* 今天很好。明天呢？ */
    CHECK_INT_EQ(sentences("\xe0\xa4\xaf\xe0\xa4\xb9 \xe0\xa4\x85\xe0\xa4\x9a\xe0\xa5\x8d\xe0\xa4\x9b"
                           "\xe0\xa4\xbe \xe0\xa4\xb9\xe0\xa5\x88\xe0\xa5\xa4 \xe0\xa4\xb9\xe0\xa4\xbe\xe0\xa4\x81\xe0\xa5\xa4"), 2);
    CHECK_INT_EQ(sentences("\xd9\x87\xd9\x84 \xd8\xaa\xd8\xb9\xd8\xb1\xd9\x81\xd8\x9f \xd9\x86\xd8\xb9\xd9\x85."), 2);
}

static cJSON *run(const char *options, const char *reply, int *pass)
{
    const struct scorer_ops *ops = scorer_find("length");
    struct diag d;
    diag_init(&d);
    cJSON *o = cJSON_Parse(options);
    void *st = ops->configure(o, "s.json", "scorers[1].options", &d);
    cJSON_Delete(o);
    CHECK_MSG(st != NULL, "%s", d.msg);
    struct score_item it = { reply, NULL, 0, NULL, NULL };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    *pass = cJSON_IsTrue(cJSON_GetObjectItem(out, "pass"));
    ops->release(st);
    return out;
}

static void test_scorer(void)
{
    int pass;
    cJSON *out = run("{\"min_words\": 3, \"max_words\": 5}", "one two\xc2\xa0three four", &pass);
    CHECK(pass);
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "4 words, within 3..5");
    CHECK(cJSON_GetObjectItem(out, "words")->valuedouble == 4);
    CHECK(cJSON_GetObjectItem(out, "chars")->valuedouble == 18);
    CHECK(cJSON_GetObjectItem(out, "sentences")->valuedouble == 1);
    cJSON_Delete(out);

    out = run("{\"max_chars\": 4, \"min_sentences\": 2}", "cafe\xcc\x81!", &pass);
    CHECK(!pass);                                   /* NFC: 5 characters, 1 sentence */
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring,
                 "5 characters, above the maximum 4; 1 sentence, below the minimum 2");
    cJSON_Delete(out);

    out = run("{\"min_words\": 1}", "", &pass);
    CHECK(!pass);
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "0 words, below the minimum 1");
    cJSON_Delete(out);

    out = run("{\"max_sentences\": 1}", "Short.", &pass);
    CHECK(pass);
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "1 sentence, at most 1");
    cJSON_Delete(out);

    const struct scorer_ops *ops = scorer_find("length");
    static const struct { const char *opts, *path, *msg; } bad[] = {
        { "{}", "scorers[1].options", "at least one bound" },
        { "{\"min_words\": 10, \"max_words\": 5}", "scorers[1].options.max_words",
          "5 is below min_words 10" },
        { "{\"min_words\": -1}", "scorers[1].options.min_words", "an integer from 0" },
        { "{\"max_tokens\": 5}", "scorers[1].options.max_tokens", "unknown key" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct diag d;
        diag_init(&d);
        cJSON *o = cJSON_Parse(bad[i].opts);
        CHECK(ops->configure(o, "s.json", "scorers[1].options", &d) == NULL);
        CHECK_STR_EQ(d.path, bad[i].path);
        CHECK_CONTAINS(d.msg, bad[i].msg);
        cJSON_Delete(o);
    }
}

/* Per-item bounds: the item's field holds [min, max]. */
static void test_item_bounds(void)
{
    const struct scorer_ops *ops = scorer_find("length");
    struct diag d;
    diag_init(&d);
    cJSON *opts = cJSON_Parse("{\"words_field\": \"summary_words\"}");
    void *st = ops->configure(opts, "s.json", "scorers[1].options", &d);
    CHECK(st != NULL);
    cJSON *item = cJSON_Parse("{\"summary_words\": [3, 5]}");
    struct score_item it = { "one two three four", NULL, 0, NULL, item };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(out, "pass")));
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "4 words, within 3..5");
    cJSON_Delete(out);
    it.hyp = "one two";
    out = cJSON_CreateObject();
    ops->score(st, &it, out, &d);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(out, "pass")));
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "2 words, below the minimum 3");
    cJSON_Delete(out);
    /* An item without the field is a dataset error, not a silent pass. */
    cJSON *bare = cJSON_Parse("{\"other\": 1}");
    it.item = bare;
    out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), -1);
    CHECK_CONTAINS(d.msg, "\"summary_words\" field must be [min, max]");
    cJSON_Delete(out);
    cJSON_Delete(bare);
    cJSON_Delete(item);
    cJSON_Delete(opts);
    ops->release(st);
}

int main(void)
{
    test_item_bounds();
    test_sentence_rule();
    test_scorer();
    return check_done();
}
