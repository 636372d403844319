/* test_rouge.c -- ROUGE building blocks on hand cases: tokenizer rules,
 * LCS and rouge-score's back-tracking tie rule, the union LCS and hit
 * capping of ROUGE-Lsum, score_multi's tie rule, the checkpointed
 * back-tracking against a plain full-table one, and the "rouge" item
 * scorer (options, output keys, errors). The reference values themselves
 * are checked in test_vectors_rouge.c. */
#include "check.h"

#include "harness/util/rng.h"
#include "harness/util/xalloc.h"
#include "scorers/rouge.h"
#include "scorers/scorer.h"

#define EPS 1e-12

/* Tokens joined by '|' for compact expectations. */
static const char *toks(int stem, enum rouge_tokenizer tk, const char *text)
{
    static char out[1024];
    struct rouge_opts o = { 0, stem, tk };
    struct rouge_tokens t;
    rouge_tokens_init(&t);
    rouge_tokenize(&o, text, strlen(text), &t);
    out[0] = '\0';
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            strcat(out, "|");
        strcat(out, rouge_token(&t, i));
    }
    rouge_tokens_release(&t);
    return out;
}

static void test_default_tokenizer(void)
{
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "Don't stop"), "don|t|stop");
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "3.5 state-of-the-art"), "3|5|state|of|the|art");
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "Gr\xc3\xb6\xc3\x9f" "e"), "gr|e");
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "\xc4\xb0stanbul"), "i|stanbul");       /* U+0130 */
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "\xe2\x84\xaa" "elvin"), "kelvin");    /* U+212A */
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "\xe4\xb8\xad\xe6\x96\x87 2"), "2");   /* 中文 */
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, "ab\xff" "cd\xc4"), "ab|cd");          /* invalid UTF-8 */
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, ""), "");
    CHECK_STR_EQ(toks(0, ROUGE_TOK_DEFAULT, " \t\n "), "");
    /* stemming only for tokens longer than 3 characters */
    CHECK_STR_EQ(toks(1, ROUGE_TOK_DEFAULT, "Running dogs ran the flies"), "run|dog|ran|the|fli");
    CHECK_STR_EQ(toks(1, ROUGE_TOK_DEFAULT, "ties was"), "tie|was");
}

static void test_unicode_tokenizer(void)
{
    enum rouge_tokenizer U = ROUGE_TOK_UNICODE;
    CHECK_STR_EQ(toks(0, U, "Gr\xc3\xb6\xc3\x9f" "e ist GROSS"), "gr\xc3\xb6\xc3\x9f" "e|ist|gross");
    /* NFC first: a + combining acute becomes one letter, still one token */
    CHECK_STR_EQ(toks(0, U, "A\xcc\x81rbol"), "\xc3\xa1rbol");
    /* Python lowercase: final sigma, U+0130 keeps its combining dot */
    CHECK_STR_EQ(toks(0, U, "\xce\x9f\xce\x94\xce\x9f\xce\xa3"), "\xce\xbf\xce\xb4\xce\xbf\xcf\x82");
    CHECK_STR_EQ(toks(0, U, "\xc4\xb0stanbul"), "i\xcc\x87stanbul");
    /* one token per Han ideograph, kana and Hangul syllable */
    CHECK_STR_EQ(toks(0, U, "\xe4\xb8\xad\xe6\x96\x87" "abc"), "\xe4\xb8\xad|\xe6\x96\x87|abc");
    CHECK_STR_EQ(toks(0, U, "\xe3\x82\xbf\xe3\x83\xaf\xe3\x83\xbc"), "\xe3\x82\xbf|\xe3\x83\xaf|\xe3\x83\xbc");
    CHECK_STR_EQ(toks(0, U, "\xed\x95\x9c\xea\xb5\xad ok"), "\xed\x95\x9c|\xea\xb5\xad|ok");
    CHECK_STR_EQ(toks(0, U, "\xf0\xa0\x80\x80x"), "\xf0\xa0\x80\x80|x");            /* Extension B */
    /* punctuation, symbols and emoji break; non-ASCII digits are kept */
    CHECK_STR_EQ(toks(0, U, "don't \xf0\x9f\x91\x8d \xd9\xa3\xd9\xab\xd9\xa5"), "don|t|\xd9\xa3|\xd9\xa5");
    CHECK_STR_EQ(toks(0, U, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xbc\xd0\xb8\xd1\x80!"),
                 "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82|\xd0\xbc\xd0\xb8\xd1\x80");
    /* invalid UTF-8 is a break, never a crash */
    CHECK_STR_EQ(toks(0, U, "ab\xff" "cd"), "ab|cd");
    /* the stemmer only touches ASCII tokens */
    CHECK_STR_EQ(toks(1, U, "Running gr\xc3\xb6\xc3\x9f" "eren"), "run|gr\xc3\xb6\xc3\x9f" "eren");

    /* Chinese scores 0 with the reference tokenizer, not with this one */
    struct rouge_opts o = { 0, 0, ROUGE_TOK_UNICODE };
    const char *ref = "\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94\xe5\xbe\x88\xe5\xa5\xbd";   /* 今天天气很好 */
    const char *hyp = "\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94\xe4\xb8\x8d\xe9\x94\x99";   /* 今天天气不错 */
    struct rouge_scores s;
    rouge_score(&o, ref, strlen(ref), hyp, strlen(hyp), &s);
    CHECK_NEAR(s.v[0].fmeasure, 4.0 / 6, 1e-12);
    CHECK_NEAR(s.v[1].fmeasure, 3.0 / 5, 1e-12);
    o.tokenizer = ROUGE_TOK_DEFAULT;
    rouge_score(&o, ref, strlen(ref), hyp, strlen(hyp), &s);
    CHECK(s.v[0].fmeasure == 0);
}

static size_t ids(const char *s, unsigned *out)
{
    size_t n = 0;
    for (; *s; s++)
        if (*s != ' ')
            out[n++] = (unsigned)(*s - 'a');
    return n;
}

static const char *marked(const char *ref, const char *cand)
{
    static char out[64];
    unsigned r[32], c[32];
    unsigned char mark[32] = { 0 };
    size_t nr = ids(ref, r), nc = ids(cand, c);
    rouge_lcs_mark(r, nr, c, nc, mark);
    size_t k = 0;
    for (size_t i = 0; i < nr; i++)
        if (mark[i])
            out[k++] = (char)('0' + i);
    out[k] = '\0';
    return out;
}

static void test_lcs(void)
{
    unsigned a[16], b[16];
    size_t na = ids("abcbdab", a), nb = ids("bdcaba", b);
    CHECK_INT_EQ(rouge_lcs_length(a, na, b, nb), 4);
    CHECK_INT_EQ(rouge_lcs_length(b, nb, a, na), 4);
    CHECK_INT_EQ(rouge_lcs_length(a, 0, b, nb), 0);
    /* ties step back in the reference: for ref "ab", cand "ba" the LCS
     * read back is "a" (position 0), not "b" */
    CHECK_STR_EQ(marked("ab", "ba"), "0");
    CHECK_STR_EQ(marked("abc", "abc"), "012");
    CHECK_STR_EQ(marked("abc", "xyz"), "");
    CHECK_STR_EQ(marked("aab", "ab"), "12");
}

/* Plain rouge-score back-tracking over the full table. */
static void naive_mark(const unsigned *r, size_t nr, const unsigned *c, size_t nc,
                       unsigned char *mark)
{
    size_t *t = xcalloc((nr + 1) * (nc + 1), sizeof(*t));
#define T(i, j) t[(i) * (nc + 1) + (j)]
    for (size_t i = 1; i <= nr; i++)
        for (size_t j = 1; j <= nc; j++)
            T(i, j) = r[i - 1] == c[j - 1] ? T(i - 1, j - 1) + 1
                    : (T(i - 1, j) > T(i, j - 1) ? T(i - 1, j) : T(i, j - 1));
    size_t i = nr, j = nc;
    while (i > 0 && j > 0) {
        if (r[i - 1] == c[j - 1]) {
            mark[i - 1] = 1;
            i--;
            j--;
        } else if (T(i, j - 1) > T(i - 1, j)) {
            j--;
        } else {
            i--;
        }
    }
#undef T
    free(t);
}

static size_t naive_lcs(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
    size_t *t = xcalloc((na + 1) * (nb + 1), sizeof(*t));
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++)
            t[i * (nb + 1) + j] = a[i - 1] == b[j - 1] ? t[(i - 1) * (nb + 1) + j - 1] + 1
                : (t[(i - 1) * (nb + 1) + j] > t[i * (nb + 1) + j - 1] ? t[(i - 1) * (nb + 1) + j]
                                                                      : t[i * (nb + 1) + j - 1]);
    size_t len = t[na * (nb + 1) + nb];
    free(t);
    return len;
}

/* The bit-parallel LCS (multi-word carries at 64, 128, 192 tokens) against
 * the plain table. */
static void test_lcs_length_random(void)
{
    struct rng g;
    rng_seed(&g, 7);
    unsigned a[300], b[300];
    int same = 1;
    for (int round = 0; round < 400 && same; round++) {
        size_t na = rng_below(&g, 300), nb = rng_below(&g, 300);
        unsigned alpha = 1 + (unsigned)rng_below(&g, round % 2 ? 4 : 60);
        for (size_t i = 0; i < na; i++)
            a[i] = (unsigned)rng_below(&g, alpha);
        for (size_t i = 0; i < nb; i++)
            b[i] = (unsigned)rng_below(&g, alpha);
        size_t want = naive_lcs(a, na, b, nb);
        same = rouge_lcs_length(a, na, b, nb) == want && rouge_lcs_length(b, nb, a, na) == want;
        CHECK_MSG(same, "round %d: %zu x %zu over %u symbols", round, na, nb, alpha);
    }
}

static void test_checkpointed_backtracking(void)
{
    struct rng g;
    rng_seed(&g, 42);
    unsigned r[300], c[300];
    unsigned char m1[300], m2[300], m3[300];
    int same = 1;
    for (int round = 0; round < 300 && same; round++) {
        size_t nr = 1 + rng_below(&g, 299), nc = 1 + rng_below(&g, 299);
        unsigned alpha = 2 + (unsigned)rng_below(&g, 4);    /* few symbols: many ties */
        for (size_t i = 0; i < nr; i++)
            r[i] = (unsigned)rng_below(&g, alpha);
        for (size_t i = 0; i < nc; i++)
            c[i] = (unsigned)rng_below(&g, alpha);
        memset(m1, 0, sizeof(m1));
        memset(m2, 0, sizeof(m2));
        memset(m3, 0, sizeof(m3));
        naive_mark(r, nr, c, nc, m1);
        rouge_lcs_mark(r, nr, c, nc, m2);
        rouge_lcs_mark_budget(r, nr, c, nc, m3, 1 + rng_below(&g, 2000));  /* many blocks */
        same = memcmp(m1, m2, nr) == 0 && memcmp(m1, m3, nr) == 0;
        CHECK_MSG(same, "round %d: %zu x %zu over %u symbols", round, nr, nc, alpha);
    }
}

static void score(const char *target, const char *pred, struct rouge_scores *s)
{
    struct rouge_opts o = { 0 };
    rouge_score(&o, target, strlen(target), pred, strlen(pred), s);
}

static void test_scores(void)
{
    struct rouge_scores s;
    enum { R1 = 0, R2 = 1, RL = ROUGE_N_MAX, RLSUM = ROUGE_N_MAX + 1 };

    /* ROUGE-N counts clipped n-grams; precision against the prediction */
    score("the cat sat on the mat", "the cat the cat", &s);
    CHECK_NEAR(s.v[R1].precision, 3.0 / 4, EPS);       /* the x2 (clipped at 2), cat x1 */
    CHECK_NEAR(s.v[R1].recall, 3.0 / 6, EPS);
    CHECK_NEAR(s.v[R1].fmeasure, 2 * 0.75 * 0.5 / 1.25, EPS);
    CHECK_NEAR(s.v[R2].precision, 1.0 / 3, EPS);       /* "the cat" once in the target */
    CHECK_NEAR(s.v[R2].recall, 1.0 / 5, EPS);

    /* the union LCS example of Lin (2004): r = w1..w5, c1 = w1 w2 w6 w7 w8,
     * c2 = w1 w3 w8 w9 w5: union = w1 w2 w3 w5 */
    score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", &s);
    CHECK_NEAR(s.v[RLSUM].recall, 4.0 / 5, EPS);
    CHECK_NEAR(s.v[RLSUM].precision, 4.0 / 10, EPS);
    CHECK_NEAR(s.v[RL].recall, 4.0 / 5, EPS);          /* w1 w2 .. w3 .. w5 across lines */

    /* hits are capped by the tokens left over the whole summary */
    score("a a a\na a a", "a", &s);
    CHECK_NEAR(s.v[RLSUM].precision, 1.0, EPS);
    CHECK_NEAR(s.v[RLSUM].recall, 1.0 / 6, EPS);

    /* only LF separates sentences; blank and whitespace lines are harmless */
    score("b a", "a\r\n\n  \nb", &s);
    CHECK_NEAR(s.v[RLSUM].fmeasure, 1.0, EPS);
    CHECK_NEAR(s.v[RL].fmeasure, 0.5, EPS);

    /* empty sides score 0, not NaN */
    score("", "something", &s);
    for (int k = 0; k < ROUGE_NTYPES; k++)
        CHECK(s.v[k].fmeasure == 0 && s.v[k].precision == 0 && s.v[k].recall == 0);
    score("\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87", &s);   /* non-ASCII: no tokens */
    CHECK(s.v[R1].fmeasure == 0);

    /* score_multi: best F per type, the first target on ties */
    const char *targets[] = { "x y", "a b c d", "a b c d" };
    struct rouge_opts o = { 0 };
    rouge_score_multi(&o, targets, 3, "a b", &s);
    CHECK_NEAR(s.v[R1].recall, 0.5, EPS);
    CHECK_NEAR(s.v[R1].precision, 1.0, EPS);

    /* rouge3 on request */
    o.types = ROUGE_BIT_N(3);
    rouge_score(&o, "a b c d", 7, "a b c", 5, &s);
    CHECK_NEAR(s.v[2].precision, 1.0, EPS);
    CHECK_NEAR(s.v[2].recall, 0.5, EPS);
    CHECK(s.v[0].fmeasure == 0);                       /* not asked for */

    struct rouge_mean m;
    rouge_mean_init(&m);
    score("a b", "a b", &s);
    rouge_mean_add(&m, &s);
    score("a b", "c d", &s);
    rouge_mean_add(&m, &s);
    rouge_mean_get(&m, &s);
    CHECK_NEAR(s.v[R1].fmeasure, 0.5, EPS);
}

static void test_type_names(void)
{
    CHECK_INT_EQ(rouge_type_bit("rouge1"), ROUGE_BIT_N(1));
    CHECK_INT_EQ(rouge_type_bit("rougeLsum"), ROUGE_BIT_LSUM);
    CHECK_INT_EQ(rouge_type_bit("rouge0"), 0);
    CHECK_INT_EQ(rouge_type_bit("rougel"), 0);
    CHECK_STR_EQ(rouge_type_name(ROUGE_N_MAX), "rougeL");
}

static void test_scorer(void)
{
    const struct scorer_ops *ops = scorer_find("rouge");
    CHECK(ops != NULL);
    if (!ops)
        return;
    struct diag d;
    char msg[1024];

    diag_init(&d);
    cJSON *bad = cJSON_Parse("{\"types\": [\"rouge1\", \"rougeX\"]}");
    CHECK(ops->configure(bad, "suites/s.json", "scorers[0].options", &d) == NULL);
    diag_format(&d, msg, sizeof(msg));
    CHECK_CONTAINS(msg, "suites/s.json: scorers[0].options.types[1]: expected a ROUGE type");
    cJSON_Delete(bad);

    diag_init(&d);
    bad = cJSON_Parse("{\"tokeniser\": \"unicode\"}");
    CHECK(ops->configure(bad, "s.json", "scorers[0].options", &d) == NULL);
    diag_format(&d, msg, sizeof(msg));
    CHECK_CONTAINS(msg, "did you mean \"tokenizer\"");
    cJSON_Delete(bad);

    diag_init(&d);
    cJSON *opt = cJSON_Parse("{\"types\": [\"rouge1\", \"rougeL\"], \"use_stemmer\": true,"
                             " \"precision_recall\": true}");
    void *st = ops->configure(opt, "s.json", "scorers[0].options", &d);
    CHECK(st != NULL);
    cJSON_Delete(opt);
    const char *refs[] = { "The cats were running" };
    struct score_item it = { "a cat runs", refs, 1, NULL, NULL };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    CHECK_NEAR(cJSON_GetObjectItem(out, "rouge1")->valuedouble, 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), EPS);
    CHECK_NEAR(cJSON_GetObjectItem(out, "rouge1_precision")->valuedouble, 2.0 / 3, EPS);
    CHECK_NEAR(cJSON_GetObjectItem(out, "rouge1_recall")->valuedouble, 0.5, EPS);
    CHECK(cJSON_GetObjectItem(out, "rougeL") != NULL);
    CHECK(cJSON_GetObjectItem(out, "rouge2") == NULL);
    cJSON_Delete(out);

    it.nrefs = 0;
    out = cJSON_CreateObject();
    diag_init(&d);
    CHECK_INT_EQ(ops->score(st, &it, out, &d), -1);
    CHECK_CONTAINS(d.msg, "reference");
    cJSON_Delete(out);
    ops->release(st);

    /* defaults: the four standard types, F only */
    diag_init(&d);
    st = ops->configure(NULL, "s.json", "scorers[0].options", &d);
    it.nrefs = 1;
    out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    CHECK_INT_EQ(cJSON_GetArraySize(out), 4);
    CHECK(cJSON_GetObjectItem(out, "rougeLsum") != NULL);
    cJSON_Delete(out);
    ops->release(st);
}

int main(void)
{
    test_default_tokenizer();
    test_unicode_tokenizer();
    test_lcs();
    test_lcs_length_random();
    test_checkpointed_backtracking();
    test_scores();
    test_type_names();
    test_scorer();
    return check_done();
}
