/* test_vectors_bleu.c -- every run and every per-item entry of
 * ../shared/metric-vectors/bleu.json: corpus runs compare the per-segment
 * statistics and the corpus score record, sentence runs the full score
 * record of every item; both compare the long and short signatures and,
 * for corpus runs, sacreBLEU's printed line byte for byte. */
#include "vectors.h"

#include "scorers/bleu.h"

static const char *const known_options[] = {
    "tokenize", "smooth_method", "smooth_value", "lowercase", "effective_order", NULL,
};

static int run_opts(const char *id, const cJSON *options, struct bleu_opts *o)
{
    bleu_opts_init(o);
    if (!vec_options_known(id, options, known_options))
        return -1;
    const char *tok = vec_string(options, "tokenize");
    if (tok && bleu_tokenizer_from_name(tok, &o->tokenize) < 0) {
        vec_fail(id, NULL, "options.tokenize", "unknown tokenizer %s", tok);
        return -1;
    }
    const char *sm = vec_string(options, "smooth_method");
    if (sm && bleu_smooth_from_name(sm, &o->smooth) < 0) {
        vec_fail(id, NULL, "options.smooth_method", "unknown method %s", sm);
        return -1;
    }
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(options, "smooth_value");
    if (cJSON_IsNumber(sv)) {
        o->smooth_value = sv->valuedouble;
        o->smooth_value_set = 1;
    }
    o->lowercase = vec_bool(options, "lowercase", 0);
    o->effective_order = vec_bool(options, "effective_order", 0);
    return 0;
}

static void compare_record(const char *id, const char *item, const struct bleu_score *s,
                           const cJSON *want)
{
    vec_float(id, item, "score", s->score, vec_num(want, "score"));
    for (int n = 0; n < BLEU_MAX_ORDER; n++) {
        char f[32];
        snprintf(f, sizeof(f), "counts[%d]", n);
        vec_int(id, item, f, s->counts[n], vec_at(want, "counts", n));
        snprintf(f, sizeof(f), "totals[%d]", n);
        vec_int(id, item, f, s->totals[n], vec_at(want, "totals", n));
        snprintf(f, sizeof(f), "precisions[%d]", n);
        vec_float(id, item, f, s->precisions[n], vec_at(want, "precisions", n));
    }
    vec_float(id, item, "bp", s->bp, vec_num(want, "bp"));
    vec_int(id, item, "sys_len", (double)s->sys_len, vec_num(want, "sys_len"));
    vec_int(id, item, "ref_len", (double)s->ref_len, vec_num(want, "ref_len"));
    vec_float(id, item, "ratio", s->ratio, vec_num(want, "ratio"));
}

static void check_run(const cJSON *run)
{
    const char *id = vec_string(run, "id");
    const char *level = vec_string(run, "level");
    struct bleu_opts o;
    if (run_opts(id, cJSON_GetObjectItemCaseSensitive(run, "options"), &o) < 0)
        return;
    struct vcorpus c;
    vec_load_corpus(vec_string(run, "corpus"), "hyp", "refs", &c);
    const cJSON *per_item = cJSON_GetObjectItemCaseSensitive(run, "per_item");
    CHECK_MSG(cJSON_GetArraySize(per_item) == (int)c.n, "run %s: %d per-item entries for %zu items",
              id, cJSON_GetArraySize(per_item), c.n);

    struct bleu *b = bleu_new(&o);
    struct bleu_stats sum = { 0 };
    struct diag d;
    diag_init(&d);
    for (size_t i = 0; i < c.n; i++) {
        const struct vitem *it = &c.items[i];
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(per_item, it->id);
        if (!want) {
            vec_fail(id, it->id, "per_item", "missing");
            continue;
        }
        struct bleu_stats s;
        if (bleu_segment(b, it->hyp, it->refs, c.max_refs, &s, &d) < 0) {
            vec_fail(id, it->id, "segment", "%s", d.msg);
            continue;
        }
        bleu_stats_add(&sum, &s);
        if (strcmp(level, "corpus") == 0) {
            vec_int(id, it->id, "sys_len", (double)s.sys_len, vec_num(want, "sys_len"));
            vec_int(id, it->id, "ref_len", (double)s.ref_len, vec_num(want, "ref_len"));
            for (int n = 0; n < BLEU_MAX_ORDER; n++) {
                char f[32];
                snprintf(f, sizeof(f), "counts[%d]", n);
                vec_int(id, it->id, f, (double)s.counts[n], vec_at(want, "counts", n));
                snprintf(f, sizeof(f), "totals[%d]", n);
                vec_int(id, it->id, f, (double)s.totals[n], vec_at(want, "totals", n));
            }
        } else {
            struct bleu_score sc;
            bleu_score(&o, &s, &sc);
            compare_record(id, it->id, &sc, want);
        }
    }
    bleu_free(b);

    struct buf sig = BUF_INIT, sig_short = BUF_INIT;
    bleu_signature(&o, c.nrefs_sig, 0, &sig);
    bleu_signature(&o, c.nrefs_sig, 1, &sig_short);
    vec_str(id, NULL, "signature", sig.ptr, vec_string(run, "signature"));
    vec_str(id, NULL, "signature_short", sig_short.ptr, vec_string(run, "signature_short"));

    const cJSON *corpus = cJSON_GetObjectItemCaseSensitive(run, "corpus_score");
    if (strcmp(level, "corpus") == 0) {
        struct bleu_score sc;
        bleu_score(&o, &sum, &sc);
        compare_record(id, NULL, &sc, corpus);
        struct buf line = BUF_INIT;
        bleu_format(&sc, sig.ptr, 2, &line);
        vec_str(id, NULL, "formatted", line.ptr, vec_string(run, "formatted"));
        buf_release(&line);
    } else {
        CHECK_MSG(cJSON_IsNull(corpus), "run %s: sentence run with a corpus score", id);
    }
    buf_release(&sig);
    buf_release(&sig_short);
    vec_free_corpus(&c);
}

int main(void)
{
    require_shared();
    cJSON *root = vec_load_json("bleu.json");
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "runs");
    int nruns = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, runs) {
        check_run(run);   /* no BLEU run is optional: all are implemented */
        nruns++;
    }
    CHECK(nruns > 0);
    printf("%d BLEU runs checked\n", nruns);
    cJSON_Delete(root);
    return check_done();
}
