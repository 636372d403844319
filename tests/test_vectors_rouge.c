/* test_vectors_rouge.c -- every run and every item of
 * ../shared/metric-vectors/rouge.json (rouge-score's own values, incl. the
 * optional score_multi runs) to 1e-9, the corpus means, and rouge-score's
 * tokenizer output (with and without the stemmer) for every string of
 * tokenize.json, byte-exact. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/rouge.h"

#define EPS 1e-9

/* Loads ../shared/metric-vectors/NAME; NULL (and a failed check) if it cannot. */
static cJSON *load_vectors(const char *vecdir, const char *name)
{
    char *path = xasprintf("%s/%s", vecdir, name);
    struct diag d;
    diag_init(&d);
    cJSON *root = json_load_file(path, &d);
    CHECK_MSG(root != NULL, "%s: %s", path, d.msg);
    free(path);
    return root;
}

struct corpus {
    cJSON *items;   /* array of the JSONL objects, in file order */
};

static int add_item(cJSON *obj, long line, void *ud, struct diag *d)
{
    struct corpus *c = ud;
    cJSON_AddItemToArray(c->items, obj);
    return 0;
}

static int load_corpus(const char *dir, const char *file, struct corpus *c)
{
    char *path = xasprintf("%s/%s", dir, file);
    struct diag d;
    diag_init(&d);
    c->items = cJSON_CreateArray();
    int rc = jsonl_read(path, add_item, c, &d);
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", path, d.msg);
    free(path);
    return rc;
}

static int check_prf(const char *run, const char *item, const char *type,
                     const struct rouge_prf *got, const cJSON *want)
{
    static const char *const names[] = { "precision", "recall", "fmeasure" };
    double vals[] = { got->precision, got->recall, got->fmeasure };
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(want, names[i]);
        CHECK_MSG(cJSON_IsNumber(w) && fabs(w->valuedouble - vals[i]) <= EPS,
                  "run %s item %s %s.%s: got %.17g, want %.17g", run, item, type, names[i],
                  vals[i], cJSON_IsNumber(w) ? w->valuedouble : -1.0);
        if (!cJSON_IsNumber(w) || fabs(w->valuedouble - vals[i]) > EPS)
            bad = 1;
    }
    return bad;
}

static void check_run(const char *vecdir, const cJSON *run)
{
    const char *id = cJSON_GetObjectItemCaseSensitive(run, "id")->valuestring;
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(run, "options");
    const char *call = cJSON_GetObjectItemCaseSensitive(run, "call")->valuestring;
    const char *file = cJSON_GetObjectItemCaseSensitive(run, "corpus")->valuestring;
    const cJSON *per_item = cJSON_GetObjectItemCaseSensitive(run, "per_item");
    int multi = strstr(call, "score_multi") != NULL;

    struct rouge_opts o = { 0 };
    o.use_stemmer = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "use_stemmer"));
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(opts, "rouge_types");
    const cJSON *t;
    cJSON_ArrayForEach(t, types)
        o.types |= rouge_type_bit(t->valuestring);
    CHECK_INT_EQ(o.types, ROUGE_DEFAULT_TYPES);

    struct corpus c;
    if (load_corpus(vecdir, file, &c) < 0) {
        CHECK_MSG(0, "cannot load %s", file);
        return;
    }
    struct rouge_mean mean;
    rouge_mean_init(&mean);
    int n = 0, first_bad = 1;
    const cJSON *item;
    cJSON_ArrayForEach(item, c.items) {
        const char *iid = cJSON_GetObjectItemCaseSensitive(item, "id")->valuestring;
        const char *hyp = cJSON_GetObjectItemCaseSensitive(item, "hyp")->valuestring;
        const cJSON *refs = cJSON_GetObjectItemCaseSensitive(item, "refs");
        struct rouge_scores s;
        if (multi) {
            const char *targets[8];
            size_t nt = 0;
            const cJSON *r;
            cJSON_ArrayForEach(r, refs)
                if (nt < 8)
                    targets[nt++] = r->valuestring;
            rouge_score_multi(&o, targets, nt, hyp, &s);
        } else {
            const char *ref = cJSON_GetArrayItem(refs, 0)->valuestring;
            rouge_score(&o, ref, strlen(ref), hyp, strlen(hyp), &s);
        }
        rouge_mean_add(&mean, &s);
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(per_item, iid);
        CHECK_MSG(want != NULL, "run %s: no expected values for item %s", id, iid);
        if (!want)
            continue;
        for (int k = 0; k < ROUGE_NTYPES; k++) {
            if (!(o.types & (1u << k)))
                continue;
            const char *tn = rouge_type_name(k);
            int bad = check_prf(id, iid, tn, &s.v[k],
                                cJSON_GetObjectItemCaseSensitive(want, tn));
            if (bad && first_bad) {
                fprintf(stderr, "  first mismatch in run %s: item %s, %s\n", id, iid, tn);
                first_bad = 0;
            }
        }
        n++;
    }
    CHECK_INT_EQ(n, cJSON_GetArraySize(per_item));

    struct rouge_scores avg;
    rouge_mean_get(&mean, &avg);
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(run, "corpus_score"), "mean_over_items");
    for (int k = 0; k < ROUGE_NTYPES; k++)
        if (o.types & (1u << k))
            check_prf(id, "(corpus mean)", rouge_type_name(k), &avg.v[k],
                      cJSON_GetObjectItemCaseSensitive(cs, rouge_type_name(k)));
    cJSON_Delete(c.items);
}

static void test_rouge_vectors(const char *vecdir)
{
    cJSON *root = load_vectors(vecdir, "rouge.json");
    if (!root)
        return;
    int runs = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, cJSON_GetObjectItemCaseSensitive(root, "runs")) {
        check_run(vecdir, run);
        runs++;
    }
    CHECK_INT_EQ(runs, 8);
    cJSON_Delete(root);
}

static void check_tokens(const char *fn, int stem, const cJSON *strings, const cJSON *outputs)
{
    struct rouge_opts o = { 0 };
    o.use_stemmer = stem;
    struct rouge_tokens t;
    rouge_tokens_init(&t);
    const cJSON *want_all = cJSON_GetObjectItemCaseSensitive(outputs, fn);
    int n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, strings) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(want_all, s->string);
        rouge_tokenize(&o, s->valuestring, strlen(s->valuestring), &t);
        int same = cJSON_IsArray(want) && (size_t)cJSON_GetArraySize(want) == t.n;
        for (size_t i = 0; same && i < t.n; i++)
            same = strcmp(cJSON_GetArrayItem(want, (int)i)->valuestring, rouge_token(&t, i)) == 0;
        CHECK_MSG(same, "%s: tokens of %s differ (%zu tokens)", fn, s->string, t.n);
        n++;
    }
    CHECK_INT_EQ(n, 288);
    rouge_tokens_release(&t);
}

static void test_tokenizer_vectors(const char *vecdir)
{
    cJSON *root = load_vectors(vecdir, "tokenize.json");
    if (!root)
        return;
    const cJSON *strings = cJSON_GetObjectItemCaseSensitive(root, "strings");
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(root, "outputs");
    check_tokens("rouge", 0, strings, outputs);
    check_tokens("rouge:stem", 1, strings, outputs);
    cJSON_Delete(root);
}

int main(void)
{
    const char *shared = require_shared();
    char *vecdir = xasprintf("%s/metric-vectors", shared);
    test_tokenizer_vectors(vecdir);
    test_rouge_vectors(vecdir);
    free(vecdir);
    return check_done();
}
