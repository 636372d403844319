/* test_score_cmd.c -- `assay score` run as a binary: sacreBLEU's printed
 * lines and signatures (against the public vectors when ../shared is
 * there), JSON with every component, sentence level, several reference
 * files, the output options, and every input error with its message and
 * exit code 2. */
#include "vectors.h"

#include <sys/stat.h>

#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

static char *dir;

static char *path_of(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static char *write_file(const char *name, const char *data, size_t n)
{
    char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
    return p;
}

static char *write_str(const char *name, const char *data)
{
    return write_file(name, data, strlen(data));
}

/* args[] = "score" and the NULL-terminated variable arguments. */
static void collect(char **args, va_list ap)
{
    int n = 0;
    args[n++] = "score";
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && n < 63)
        args[n++] = a;
    args[n] = NULL;
}

/* Runs assay score with the NULL-terminated arguments. */
static void score(struct proc_result *r, ...)
{
    char *args[64];
    va_list ap;
    va_start(ap, r);
    collect(args, ap);
    va_end(ap);
    CHECK_INT_EQ(run_assayv(r, args), 0);
}

static void expect_error(const char *msg, ...)
{
    char *args[64];
    va_list ap;
    va_start(ap, msg);
    collect(args, ap);
    va_end(ap);
    struct proc_result r;
    CHECK_INT_EQ(run_assayv(&r, args), 0);
    CHECK_MSG(r.status == 2, "exit %d for an error expecting \"%s\"", r.status, msg);
    CHECK_CONTAINS(r.err, msg);
    CHECK_STR_EQ(r.out, "");
    proc_result_free(&r);
}

/* Self-contained: small files, exact expectations from sacreBLEU. */
static void test_basic(void)
{
    char *hyp = write_str("hyp.txt", "The cat sat on the mat.\nHello world\n");
    char *ref = write_str("ref.txt", "The cat sat on the mat.\nHello there world  \n");
    struct proc_result r;

    score(&r, "--hyp", hyp, "--ref", ref, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.out, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 86.10 "
                        "100.0/85.7/100.0/100.0 (BP = 0.895 ratio = 0.900 hyp_len = 9 ref_len = 10)\n");
    proc_result_free(&r);

    score(&r, "--hyp", hyp, "--ref", ref, "--short", "--width", "4", NULL);
    CHECK_STR_EQ(r.out, "BLEU|#:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0 = 86.1010 "
                        "100.0/85.7/100.0/100.0 (BP = 0.895 ratio = 0.900 hyp_len = 9 ref_len = 10)\n");
    proc_result_free(&r);

    score(&r, "--hyp", hyp, "--ref", ref, "--score-only", "--metric", "bleu,chrf", NULL);
    CHECK_STR_EQ(r.out, "86.10\n74.71\n");
    proc_result_free(&r);

    /* Sentence level: one line each, effective order on (eff:yes). */
    score(&r, "--hyp", hyp, "--ref", ref, "--sentence-level", NULL);
    CHECK_STR_EQ(r.out,
                 "BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 100.00 "
                 "100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)\n"
                 "BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 42.89 "
                 "100.0/50.0/0.0/0.0 (BP = 0.607 ratio = 0.667 hyp_len = 2 ref_len = 3)\n");
    proc_result_free(&r);

    /* TER and chrF lines; lines are right-stripped as sacreBLEU's CLI does. */
    score(&r, "--hyp", hyp, "--ref", ref, "--metric", "ter", "--metric", "chrf",
          "--chrf-word-order", "2", "--chrf-whitespace", NULL);
    CHECK_STR_EQ(r.out, "TER|nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0 = 11.11\n"
                        "chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:yes|version:2.6.0 = 81.27\n");
    proc_result_free(&r);

    /* JSON: every component, exact numbers. */
    score(&r, "--hyp", hyp, "--ref", ref, "--format", "json", "--metric", "bleu,chrf,ter", NULL);
    CHECK_INT_EQ(r.status, 0);
    char *save = NULL;
    char *line = strtok_r(r.out, "\n", &save);
    cJSON *b = line ? cJSON_Parse(line) : NULL;
    line = strtok_r(NULL, "\n", &save);
    cJSON *c = line ? cJSON_Parse(line) : NULL;
    line = strtok_r(NULL, "\n", &save);
    cJSON *t = line ? cJSON_Parse(line) : NULL;
    CHECK(b && c && t && strtok_r(NULL, "\n", &save) == NULL);
    if (b && c && t) {
        CHECK_STR_EQ(vec_string(b, "metric"), "bleu");
        CHECK_NEAR(vec_num(b, "score"), 86.10103264537845, 1e-9);
        CHECK_INT_EQ(vec_at(b, "counts", 3), 4);
        CHECK_INT_EQ(vec_at(b, "totals", 0), 9);
        CHECK_NEAR(vec_at(b, "precisions", 1), 100.0 * 6 / 7, 1e-12);
        CHECK_NEAR(vec_num(b, "bp"), exp(1.0 - 10.0 / 9.0), 1e-15);
        CHECK_INT_EQ(vec_num(b, "sys_len"), 9);
        CHECK_INT_EQ(vec_num(b, "ref_len"), 10);
        CHECK_INT_EQ(vec_num(b, "segments"), 2);
        CHECK_STR_EQ(vec_string(b, "signature"), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
        CHECK_STR_EQ(vec_string(c, "name"), "chrF2");
        CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(c, "stats")), 6);
        CHECK_STR_EQ(vec_string(t, "name"), "TER");
        CHECK_INT_EQ(vec_num(t, "num_edits"), 1);
        CHECK_NEAR(vec_num(t, "ref_length"), 9.0, 1e-12);
    }
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(t);
    proc_result_free(&r);

    /* ROUGE and SQuAD from line files: each reference file is one target/gold. */
    score(&r, "--hyp", hyp, "--ref", ref, "--metric", "rouge", "--rouge-types", "rouge1,rougeL",
          "--sentence-level", NULL);
    CHECK_STR_EQ(r.out,
                 "rouge1|nrefs:1|stem:no|tok:default|agg:mean|impl:rouge-score = 1.0000 (P = 1.0000 R = 1.0000)\n"
                 "rougeL|nrefs:1|stem:no|tok:default|agg:mean|impl:rouge-score = 1.0000 (P = 1.0000 R = 1.0000)\n"
                 "rouge1|nrefs:1|stem:no|tok:default|agg:mean|impl:rouge-score = 0.8000 (P = 1.0000 R = 0.6667)\n"
                 "rougeL|nrefs:1|stem:no|tok:default|agg:mean|impl:rouge-score = 0.8000 (P = 1.0000 R = 0.6667)\n");
    proc_result_free(&r);
    score(&r, "--hyp", hyp, "--ref", ref, "--metric", "squad", NULL);
    CHECK_STR_EQ(r.out, "SQuAD|version:1.1|impl:evaluate-v1.1 = EM 50.00 F1 90.00\n");
    proc_result_free(&r);

    /* stdin as the hypothesis file */
    struct proc_result r2;
    char *args[] = { (char *)assay_bin(), "score", "--hyp", "-", "--ref", ref, "--score-only", NULL };
    CHECK_INT_EQ(proc_run(args, "The cat sat on the mat.\nHello world\n", 30, &r2), 0);
    CHECK_STR_EQ(r2.out, "86.10\n");
    proc_result_free(&r2);

    score(&r, "--help", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "--chrf-word-order");
    CHECK_CONTAINS(r.out, "--ter-asian-support");
    proc_result_free(&r);
    free(hyp);
    free(ref);
}

static void test_errors(void)
{
    char *hyp = write_str("e_hyp.txt", "a b c d\ne f g h\n");
    char *ref = write_str("e_ref.txt", "a b c\n");
    char *bad = write_file("e_bad.txt", "a \xff b\nx\n", 8);
    char *nul = write_file("e_nul.txt", "ok\nx\0y\n", 7);
    char *empty = write_str("e_empty.txt", "");
    char *jl = write_str("e.jsonl", "{\"hyp\": \"a\", \"refs\": [\"a\"]}\n{\"hyp\": 1, \"refs\": [\"a\"]}\n");
    char *jl2 = write_str("e2.jsonl", "{\"hyp\": \"a\", \"refs\": [\"a\"]}\n{\"hyp\": \"a\", \"refs\": []}\n");
    char *jl3 = write_str("e3.jsonl", "{\"hyp\": \"a\", \"refs\": [\"a\",]}\n");
    char *missing = path_of("does-not-exist.txt");

    expect_error("e_ref.txt: has 1 lines but the hypotheses", "--hyp", hyp, "--ref", ref, NULL);
    expect_error("does-not-exist.txt: cannot open", "--hyp", missing, "--ref", ref, NULL);
    expect_error("e_bad.txt:1: column 3: invalid UTF-8 (byte 0xFF)", "--hyp", bad, "--ref", hyp, NULL);
    expect_error("e_nul.txt:2: column 2: NUL byte", "--hyp", nul, "--ref", hyp, NULL);
    expect_error("no segments to score", "--hyp", empty, "--ref", empty, NULL);
    expect_error("e.jsonl:2: hyp: expected a string, got 1", "--jsonl", jl, NULL);
    expect_error("e2.jsonl:2: no reference for this segment", "--jsonl", jl2, NULL);
    expect_error("e3.jsonl:1:", "--jsonl", jl3, NULL);
    expect_error("unknown metric 'blue'", "--metric", "blue", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--tokenize expects one of 13a, intl, zh, char, none, got 'ja-mecab'",
                 "--tokenize", "ja-mecab", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--smooth-method expects one of", "--smooth-method", "laplace", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--smooth-value expects a non-negative number", "--smooth-value", "x", "--hyp", hyp,
                 "--ref", hyp, NULL);
    expect_error("--chrf-char-order expects an integer", "--chrf-char-order", "-1", "--hyp", hyp,
                 "--ref", hyp, NULL);
    expect_error("at least 1", "--metric", "chrf", "--chrf-char-order", "0", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--format expects text or json", "--format", "latex", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--hyp needs at least one --ref", "--hyp", hyp, NULL);
    expect_error("nothing to score", NULL);
    expect_error("either --jsonl or --hyp", "--jsonl", jl, "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("unknown flag '--bogus'", "--bogus", NULL);
    expect_error("unexpected argument 'extra'", "--hyp", hyp, "--ref", hyp, "extra", NULL);
    expect_error("--rouge-types: unknown type 'rouge0'", "--metric", "rouge", "--rouge-types",
                 "rouge1,rouge0", "--hyp", hyp, "--ref", hyp, NULL);
    expect_error("--rouge-tokenizer expects default or unicode", "--rouge-tokenizer", "icu", "--hyp",
                 hyp, "--ref", hyp, NULL);
    expect_error("--squad-version expects 1.1 or 2.0", "--squad-version", "3", "--hyp", hyp, "--ref",
                 hyp, NULL);

    /* A metric option for a metric not selected: scored, with a warning. */
    struct proc_result r;
    score(&r, "--hyp", hyp, "--ref", hyp, "--chrf-word-order", "2", "--score-only", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_STR_EQ(r.out, "100.00\n");
    CHECK_CONTAINS(r.err, "warning: chrf options given");
    proc_result_free(&r);

    free(hyp);
    free(ref);
    free(bad);
    free(nul);
    free(empty);
    free(jl);
    free(jl2);
    free(jl3);
    free(missing);
}

static const cJSON *find_run(const cJSON *root, const char *id)
{
    const cJSON *run;
    cJSON_ArrayForEach(run, cJSON_GetObjectItemCaseSensitive(root, "runs"))
        if (strcmp(vec_string(run, "id"), id) == 0)
            return run;
    return NULL;
}

/* The printed lines of the public vectors, through --jsonl and through
 * one file per reference. */
static void test_vectors(void)
{
    const char *shared = require_shared();
    cJSON *bleu = vec_load_json("bleu.json");
    cJSON *chrf = vec_load_json("chrf.json");
    cJSON *ter = vec_load_json("ter.json");
    char *tr = xasprintf("%s/metric-vectors/translation.jsonl", shared);
    struct proc_result r;

    score(&r, "--jsonl", tr, "--metric", "bleu,chrf,ter", NULL);
    CHECK_INT_EQ(r.status, 0);
    char *want = xasprintf("%s\n%s\n%s\n",
                           vec_string(find_run(bleu, "translation/corpus/defaults"), "formatted"),
                           vec_string(find_run(chrf, "translation/chrF"), "formatted"),
                           vec_string(find_run(ter, "translation/default"), "formatted"));
    CHECK_STR_EQ(r.out, want);
    free(want);
    proc_result_free(&r);

    score(&r, "--jsonl", tr, "--tokenize", "zh", "--smooth-method", "floor", "--smooth-value", "0.1",
          "--lowercase", "--format", "json", NULL);
    cJSON *j = cJSON_Parse(r.out);
    const cJSON *run = find_run(bleu, "translation/corpus/tok=zh/smooth=floor/lowercase=yes");
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(run, "corpus_score");
    CHECK_NEAR(vec_num(j, "score"), vec_num(cs, "score"), VEC_EPS);
    CHECK_NEAR(vec_num(j, "bp"), vec_num(cs, "bp"), VEC_EPS);
    for (int n = 0; n < 4; n++)
        CHECK_INT_EQ(vec_at(j, "counts", n), vec_at(cs, "counts", n));
    CHECK_STR_EQ(vec_string(j, "formatted"), vec_string(run, "formatted"));
    cJSON_Delete(j);
    proc_result_free(&r);

    score(&r, "--jsonl", tr, "--metric", "ter", "--ter-normalized", "--ter-case-sensitive", NULL);
    CHECK_CONTAINS(r.out, vec_string(find_run(ter, "translation/normalized+case_sensitive"), "formatted"));
    proc_result_free(&r);

    /* Two reference files built from multiref.jsonl. */
    struct vcorpus c;
    vec_load_corpus("multiref.jsonl", "hyp", "refs", &c);
    struct buf h = BUF_INIT, r0 = BUF_INIT, r1 = BUF_INIT;
    for (size_t i = 0; i < c.n; i++) {
        buf_addf(&h, "%s\n", c.items[i].hyp);
        buf_addf(&r0, "%s\n", c.items[i].refs[0]);
        buf_addf(&r1, "%s\n", c.items[i].refs[1]);
    }
    char *hp = write_file("mr_hyp.txt", h.ptr, h.len);
    char *p0 = write_file("mr_ref0.txt", r0.ptr, r0.len);
    char *p1 = write_file("mr_ref1.txt", r1.ptr, r1.len);
    score(&r, "--hyp", hp, "--ref", p0, "--ref", p1, "--metric", "bleu,chrf,ter", NULL);
    want = xasprintf("%s\n%s\n%s\n",
                     vec_string(find_run(bleu, "multiref/corpus/defaults"), "formatted"),
                     vec_string(find_run(chrf, "multiref/chrF"), "formatted"),
                     vec_string(find_run(ter, "multiref/default"), "formatted"));
    CHECK_STR_EQ(r.out, want);
    free(want);
    proc_result_free(&r);

    /* Sentence level equals the per-item vectors, in order. */
    score(&r, "--hyp", hp, "--ref", p0, "--ref", p1, "--sentence-level", "--format", "json", NULL);
    const cJSON *per = cJSON_GetObjectItemCaseSensitive(find_run(bleu, "multiref/sentence/defaults"),
                                                       "per_item");
    char *save = NULL;
    size_t i = 0;
    for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
        cJSON *o = cJSON_Parse(line);
        const cJSON *w = i < c.n ? cJSON_GetObjectItemCaseSensitive(per, c.items[i].id) : NULL;
        CHECK(o && w);
        if (o && w)
            vec_float("multiref/sentence/defaults", c.items[i].id, "score", vec_num(o, "score"),
                      vec_num(w, "score"));
        cJSON_Delete(o);
    }
    CHECK_INT_EQ(i, c.n);
    proc_result_free(&r);

    /* ROUGE: the mean over items; several references use score_multi. */
    const char *const rouge_runs[][3] = {
        { "summarization/use_stemmer=yes", "summarization.jsonl", "--rouge-stemmer" },
        { "translation/use_stemmer=no", "translation.jsonl", NULL },
        { "multiref/score_multi/use_stemmer=no", "multiref.jsonl", NULL },
    };
    cJSON *rouge = vec_load_json("rouge.json");
    for (size_t k = 0; k < sizeof(rouge_runs) / sizeof(rouge_runs[0]); k++) {
        char *file = xasprintf("%s/metric-vectors/%s", shared, rouge_runs[k][1]);
        if (rouge_runs[k][2])
            score(&r, "--metric", "rouge", "--jsonl", file, "--format", "json", rouge_runs[k][2], NULL);
        else
            score(&r, "--metric", "rouge", "--jsonl", file, "--format", "json", NULL);
        cJSON *o = cJSON_Parse(r.out);
        const cJSON *mean = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(find_run(rouge, rouge_runs[k][0]), "corpus_score"),
            "mean_over_items");
        CHECK(o && mean);
        const cJSON *type;
        cJSON_ArrayForEach(type, mean) {
            const cJSON *got = cJSON_GetObjectItemCaseSensitive(o, type->string);
            vec_float(rouge_runs[k][0], NULL, type->string, vec_num(got, "fmeasure"),
                      vec_num(type, "fmeasure"));
            vec_float(rouge_runs[k][0], NULL, type->string, vec_num(got, "precision"),
                      vec_num(type, "precision"));
            vec_float(rouge_runs[k][0], NULL, type->string, vec_num(got, "recall"),
                      vec_num(type, "recall"));
        }
        cJSON_Delete(o);
        proc_result_free(&r);
        free(file);
    }
    cJSON_Delete(rouge);

    /* SQuAD v1.1 and v2.0 totals; prediction/answers are read from JSONL. */
    cJSON *squad = vec_load_json("squad.json");
    char *qa = xasprintf("%s/metric-vectors/qa.jsonl", shared);
    score(&r, "--metric", "squad", "--jsonl", qa, "--format", "json", NULL);
    cJSON *o = cJSON_Parse(r.out);
    const cJSON *cs1 = cJSON_GetObjectItemCaseSensitive(find_run(squad, "qa/v1.1"), "corpus_score");
    CHECK_NEAR(vec_num(o, "exact_match"), vec_num(cs1, "exact_match"), VEC_EPS);
    CHECK_NEAR(vec_num(o, "f1"), vec_num(cs1, "f1"), VEC_EPS);
    CHECK_INT_EQ(vec_num(o, "segments"), vec_num(cs1, "total"));
    cJSON_Delete(o);
    proc_result_free(&r);
    score(&r, "--metric", "squad", "--jsonl", qa, "--squad-version", "2.0", "--format", "json", NULL);
    o = cJSON_Parse(r.out);
    const cJSON *cs2 = cJSON_GetObjectItemCaseSensitive(find_run(squad, "qa/v2.0-optional"), "corpus_score");
    CHECK_NEAR(vec_num(o, "exact_match"), vec_num(cs2, "exact"), VEC_EPS);
    CHECK_NEAR(vec_num(o, "f1"), vec_num(cs2, "f1"), VEC_EPS);
    cJSON_Delete(o);
    proc_result_free(&r);
    free(qa);
    cJSON_Delete(squad);

    buf_release(&h);
    buf_release(&r0);
    buf_release(&r1);
    free(hp);
    free(p0);
    free(p1);
    vec_free_corpus(&c);
    free(tr);
    cJSON_Delete(bleu);
    cJSON_Delete(chrf);
    cJSON_Delete(ter);
}

int main(void)
{
    dir = test_tmpdir("score_cmd");
    test_basic();
    test_errors();
    if (assay_shared())
        test_vectors();
    else
        printf("../shared absent: vector comparisons skipped\n");
    free(dir);
    return check_done();
}
