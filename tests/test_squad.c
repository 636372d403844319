/* test_squad.c -- SQuAD normalisation rules and scores on hand cases (the
 * traps of METRICS.md §6.16), v1.1 vs v2.0, totals, and the "squad" item
 * scorer. The reference values are checked in test_vectors_squad.c. */
#include "check.h"

#include "scorers/scorer.h"
#include "scorers/squad.h"

static const char *norm(const char *s)
{
    static char out[512];
    char *n = squad_normalize(s, strlen(s), NULL);
    snprintf(out, sizeof(out), "%s", n);
    free(n);
    return out;
}

static void test_normalize(void)
{
    CHECK_STR_EQ(norm("The  Eiffel Tower!"), "eiffel tower");
    CHECK_STR_EQ(norm("An apple, a pear and the theatre"), "apple pear and theatre");
    CHECK_STR_EQ(norm("1,000"), "1000");
    CHECK_STR_EQ(norm("rock-and-roll"), "rockandroll");
    CHECK_STR_EQ(norm("a_b"), "ab");                      /* '_' is punctuation, removed first */
    CHECK_STR_EQ(norm("\xe2\x80\x9cHamlet\xe2\x80\x9d"), "\xe2\x80\x9chamlet\xe2\x80\x9d");  /* “ ” kept */
    CHECK_STR_EQ(norm("don\xe2\x80\x99t"), "don\xe2\x80\x99t");     /* ’ is not ASCII punctuation */
    /* \b: a combining mark is not a word character, so NFD loses the a */
    CHECK_STR_EQ(norm("a\xcc\x81rbol"), "\xcc\x81rbol");
    CHECK_STR_EQ(norm("\xc3\xa1rbol"), "\xc3\xa1rbol");             /* NFC keeps it */
    CHECK_STR_EQ(norm("a\xe2\x80\x8b" "b"), "\xe2\x80\x8b" "b");    /* ZWSP is a boundary */
    CHECK_STR_EQ(norm("a a a"), "");
    CHECK_STR_EQ(norm("THE\xc2\xa0" "END"), "end");                  /* NBSP is whitespace */
    /* U+0130 lowercases to i + U+0307; the mark is a boundary, so the a goes */
    CHECK_STR_EQ(norm("\xc4\xb0" "a"), "i\xcc\x87");
    CHECK_STR_EQ(norm("the\xe2\x80\xa8" "x"), "x");                 /* U+2028 splits */
    CHECK_STR_EQ(norm(""), "");
}

static void test_scores(void)
{
    /* both empty after normalisation: EM 1, F1 0 in v1.1, F1 1 in v2.0 */
    CHECK_INT_EQ(squad_exact("the", "a"), 1);
    CHECK(squad_f1(SQUAD_V11, "the", "a") == 0);
    CHECK(squad_f1(SQUAD_V20, "the", "a") == 1);
    CHECK(squad_f1(SQUAD_V20, "x", "a") == 0);
    /* token F1 with a multiset intersection */
    CHECK_NEAR(squad_f1(SQUAD_V11, "paris paris france", "paris"), 2 * (1.0 / 3) / (1.0 / 3 + 1), 1e-15);
    CHECK_NEAR(squad_f1(SQUAD_V11, "b x c", "c b d"), 2.0 / 3, 1e-15);

    /* EM and F1 are maximised over the golds independently */
    const char *golds[] = { "New York City", "NYC" };
    struct squad_result r;
    CHECK_INT_EQ(squad_score(SQUAD_V11, "new york", golds, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 0);
    CHECK_NEAR(r.f1, 0.8, 1e-15);
    CHECK_INT_EQ(squad_score(SQUAD_V11, "nyc.", golds, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 1);
    CHECK_NEAR(r.f1, 1.0, 1e-15);
    CHECK_INT_EQ(squad_score(SQUAD_V11, "x", golds, 0, &r), -1);

    /* v2.0: golds that normalize to "" are dropped; none left = unanswerable */
    const char *unans[] = { "the", "" };
    CHECK_INT_EQ(squad_score(SQUAD_V20, "", unans, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 1);
    CHECK_NEAR(r.f1, 1.0, 0);
    CHECK_INT_EQ(squad_score(SQUAD_V20, "Paris", unans, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 0);
    CHECK_NEAR(r.f1, 0.0, 0);
    const char *mixed[] = { "a", "Paris" };
    CHECK_INT_EQ(squad_score(SQUAD_V20, "", mixed, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 0);                       /* "a" was dropped */
    CHECK_INT_EQ(squad_score(SQUAD_V11, "", mixed, 2, &r), 0);
    CHECK_INT_EQ(r.exact_match, 1);                       /* v1.1 keeps it */
    CHECK_INT_EQ(squad_score(SQUAD_V20, "", NULL, 0, &r), 0);
    CHECK_INT_EQ(r.exact_match, 1);

    struct squad_total t;
    double em, f1;
    squad_total_init(&t);
    squad_total_get(&t, &em, &f1);
    CHECK(em == 0 && f1 == 0);
    struct squad_result a = { 1, 1.0 }, b = { 0, 0.5 }, c = { 0, 0.0 };
    squad_total_add(&t, &a);
    squad_total_add(&t, &b);
    squad_total_add(&t, &c);
    squad_total_get(&t, &em, &f1);
    CHECK_NEAR(em, 100.0 / 3, 1e-12);
    CHECK_NEAR(f1, 50.0, 1e-12);
}

static void test_scorer(void)
{
    const struct scorer_ops *ops = scorer_find("squad");
    CHECK(ops != NULL);
    if (!ops)
        return;
    struct diag d;
    diag_init(&d);
    cJSON *bad = cJSON_Parse("{\"version\": \"3\"}");
    CHECK(ops->configure(bad, "s.json", "scorers[2].options", &d) == NULL);
    CHECK_STR_EQ(d.path, "scorers[2].options.version");
    cJSON_Delete(bad);

    diag_init(&d);
    void *st = ops->configure(NULL, "s.json", "scorers[2].options", &d);
    const char *golds[] = { "The Beatles" };
    struct score_item it = { "beatles", golds, 1, NULL, NULL };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    CHECK(cJSON_GetObjectItem(out, "exact_match")->valuedouble == 1);
    CHECK(cJSON_GetObjectItem(out, "f1")->valuedouble == 1);
    cJSON_Delete(out);
    it.nrefs = 0;
    out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), -1);
    cJSON_Delete(out);
    ops->release(st);

    diag_init(&d);
    cJSON *v2 = cJSON_Parse("{\"version\": \"2.0\"}");
    st = ops->configure(v2, "s.json", "scorers[2].options", &d);
    cJSON_Delete(v2);
    struct score_item none = { "", NULL, 0, NULL, NULL };
    out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &none, out, &d), 0);
    CHECK(cJSON_GetObjectItem(out, "f1")->valuedouble == 1);
    cJSON_Delete(out);
    ops->release(st);
}

int main(void)
{
    test_normalize();
    test_scores();
    test_scorer();
    return check_done();
}
