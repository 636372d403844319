/* test_vectors_ter.c -- every run of ../shared/metric-vectors/ter.json
 * (no_punct and asian_support included: both are implemented): per item
 * the sentence score, edits and average reference length; the corpus
 * score and sums; both signatures and the printed line. */
#include "vectors.h"

#include "scorers/ter.h"

static const char *const known_options[] = {
    "normalized", "no_punct", "asian_support", "case_sensitive", NULL,
};

static void compare(const char *id, const char *item, const struct ter_stats *s,
                    const cJSON *want)
{
    vec_float(id, item, "score", ter_score(s), vec_num(want, "score"));
    vec_int(id, item, "num_edits", (double)s->num_edits, vec_num(want, "num_edits"));
    vec_float(id, item, "ref_length", s->ref_length, vec_num(want, "ref_length"));
}

static void check_run(const cJSON *run)
{
    const char *id = vec_string(run, "id");
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(run, "options");
    if (!vec_options_known(id, options, known_options))
        return;
    struct ter_opts o = {
        .normalized = vec_bool(options, "normalized", 0),
        .no_punct = vec_bool(options, "no_punct", 0),
        .asian_support = vec_bool(options, "asian_support", 0),
        .case_sensitive = vec_bool(options, "case_sensitive", 0),
    };
    struct vcorpus c;
    vec_load_corpus(vec_string(run, "corpus"), "hyp", "refs", &c);
    const cJSON *per_item = cJSON_GetObjectItemCaseSensitive(run, "per_item");
    CHECK_MSG(cJSON_GetArraySize(per_item) == (int)c.n, "run %s: %d per-item entries for %zu items",
              id, cJSON_GetArraySize(per_item), c.n);

    struct ter *t = ter_new(&o);
    struct ter_stats sum = { 0, 0.0 };
    struct diag d;
    diag_init(&d);
    for (size_t i = 0; i < c.n; i++) {
        const struct vitem *it = &c.items[i];
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(per_item, it->id);
        if (!want) {
            vec_fail(id, it->id, "per_item", "missing");
            continue;
        }
        struct ter_stats s;
        if (ter_segment(t, it->hyp, it->refs, c.max_refs, &s, &d) < 0) {
            vec_fail(id, it->id, "segment", "%s", d.msg);
            continue;
        }
        ter_stats_add(&sum, &s);
        compare(id, it->id, &s, want);
    }
    ter_free(t);

    compare(id, NULL, &sum, cJSON_GetObjectItemCaseSensitive(run, "corpus_score"));
    struct buf sig = BUF_INIT, sig_short = BUF_INIT, line = BUF_INIT;
    ter_signature(&o, c.nrefs_sig, 0, &sig);
    ter_signature(&o, c.nrefs_sig, 1, &sig_short);
    vec_str(id, NULL, "signature", sig.ptr, vec_string(run, "signature"));
    vec_str(id, NULL, "signature_short", sig_short.ptr, vec_string(run, "signature_short"));
    ter_format(ter_score(&sum), sig.ptr, 2, &line);
    vec_str(id, NULL, "formatted", line.ptr, vec_string(run, "formatted"));
    buf_release(&sig);
    buf_release(&sig_short);
    buf_release(&line);
    vec_free_corpus(&c);
}

int main(void)
{
    require_shared();
    cJSON *root = vec_load_json("ter.json");
    int nruns = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, cJSON_GetObjectItemCaseSensitive(root, "runs")) {
        check_run(run);
        nruns++;
    }
    CHECK(nruns > 0);
    printf("%d TER runs checked\n", nruns);
    cJSON_Delete(root);
    return check_done();
}
