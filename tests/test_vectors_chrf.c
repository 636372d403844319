/* test_vectors_chrf.c -- every run of ../shared/metric-vectors/chrf.json
 * (eps_smoothing included: it is implemented): per item the sentence score
 * and the statistics of the chosen reference, the corpus score, name and
 * statistics, both signatures and the printed line; then chrF's character
 * stream and chrF++'s word pieces against tokenize.json. */
#include "vectors.h"

#include "scorers/chrf.h"

static const char *const known_options[] = {
    "char_order", "word_order", "beta", "lowercase", "whitespace", "eps_smoothing", NULL,
};

static int run_opts(const char *id, const cJSON *options, struct chrf_opts *o)
{
    chrf_opts_init(o);
    if (!vec_options_known(id, options, known_options))
        return -1;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(options, "char_order")))
        o->char_order = v->valueint;
    if ((v = cJSON_GetObjectItemCaseSensitive(options, "word_order")))
        o->word_order = v->valueint;
    if ((v = cJSON_GetObjectItemCaseSensitive(options, "beta")))
        o->beta = v->valueint;
    o->lowercase = vec_bool(options, "lowercase", 0);
    o->whitespace = vec_bool(options, "whitespace", 0);
    o->eps_smoothing = vec_bool(options, "eps_smoothing", 0);
    return 0;
}

static void compare_stats(const char *id, const char *item, const struct chrf_opts *o,
                          const struct chrf_stats *s, const cJSON *want)
{
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(want, "stats");
    int norders = o->char_order + o->word_order;
    if (cJSON_GetArraySize(ws) != norders) {
        vec_fail(id, item, "stats", "%d orders, expected %d", norders, cJSON_GetArraySize(ws));
        return;
    }
    for (int k = 0; k < norders; k++) {
        const cJSON *row = cJSON_GetArrayItem(ws, k);
        for (int j = 0; j < 3; j++) {
            char f[32];
            snprintf(f, sizeof(f), "stats[%d][%d]", k, j);
            vec_int(id, item, f, (double)s->v[k][j], cJSON_GetArrayItem(row, j)->valuedouble);
        }
    }
}

static void check_run(const cJSON *run)
{
    const char *id = vec_string(run, "id");
    struct chrf_opts o;
    if (run_opts(id, cJSON_GetObjectItemCaseSensitive(run, "options"), &o) < 0)
        return;
    struct vcorpus c;
    vec_load_corpus(vec_string(run, "corpus"), "hyp", "refs", &c);
    const cJSON *per_item = cJSON_GetObjectItemCaseSensitive(run, "per_item");
    CHECK_MSG(cJSON_GetArraySize(per_item) == (int)c.n, "run %s: %d per-item entries for %zu items",
              id, cJSON_GetArraySize(per_item), c.n);

    struct chrf *ch = chrf_new(&o);
    struct chrf_stats sum;
    memset(&sum, 0, sizeof(sum));
    struct diag d;
    diag_init(&d);
    for (size_t i = 0; i < c.n; i++) {
        const struct vitem *it = &c.items[i];
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(per_item, it->id);
        if (!want) {
            vec_fail(id, it->id, "per_item", "missing");
            continue;
        }
        struct chrf_stats s;
        if (chrf_segment(ch, it->hyp, it->refs, c.max_refs, &s, &d) < 0) {
            vec_fail(id, it->id, "segment", "%s", d.msg);
            continue;
        }
        chrf_stats_add(&o, &sum, &s);
        vec_float(id, it->id, "score", chrf_score(&o, &s), vec_num(want, "score"));
        compare_stats(id, it->id, &o, &s, want);
    }
    chrf_free(ch);

    const cJSON *corpus = cJSON_GetObjectItemCaseSensitive(run, "corpus_score");
    double score = chrf_score(&o, &sum);
    vec_float(id, NULL, "score", score, vec_num(corpus, "score"));
    compare_stats(id, NULL, &o, &sum, corpus);
    struct buf name = BUF_INIT, sig = BUF_INIT, sig_short = BUF_INIT, line = BUF_INIT;
    chrf_name(&o, &name);
    vec_str(id, NULL, "name", name.ptr, vec_string(corpus, "name"));
    chrf_signature(&o, c.nrefs_sig, 0, &sig);
    chrf_signature(&o, c.nrefs_sig, 1, &sig_short);
    vec_str(id, NULL, "signature", sig.ptr, vec_string(run, "signature"));
    vec_str(id, NULL, "signature_short", sig_short.ptr, vec_string(run, "signature_short"));
    chrf_format(&o, score, sig.ptr, 2, &line);
    vec_str(id, NULL, "formatted", line.ptr, vec_string(run, "formatted"));
    buf_release(&name);
    buf_release(&sig);
    buf_release(&sig_short);
    buf_release(&line);
    vec_free_corpus(&c);
}

static void add_piece(const int32_t *p, size_t n, void *ud)
{
    cJSON *arr = ud;
    struct ustr u = { (int32_t *)p, n, n };
    char *s = ustr_to_utf8(&u, NULL);
    cJSON_AddItemToArray(arr, cJSON_CreateString(s));
    free(s);
}

/* tokenize.json "chrf:chars" (''.join(s.split())) and "chrf++:words". */
static void check_tokenize(void)
{
    cJSON *root = vec_load_json("tokenize.json");
    const cJSON *strings = cJSON_GetObjectItemCaseSensitive(root, "strings");
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(root, "outputs");
    const cJSON *chars = cJSON_GetObjectItemCaseSensitive(outputs, "chrf:chars");
    const cJSON *words = cJSON_GetObjectItemCaseSensitive(outputs, "chrf++:words");
    CHECK(chars && words);
    const cJSON *s;
    cJSON_ArrayForEach(s, strings) {
        struct ustr u, kept;
        ustr_init(&u);
        ustr_init(&kept);
        ustr_from_utf8(&u, s->valuestring, strlen(s->valuestring));
        for (size_t i = 0; i < u.len; i++)
            if (!py_isspace(u.cp[i]))
                ustr_push(&kept, u.cp[i]);
        char *got = ustr_to_utf8(&kept, NULL);
        vec_str("chrf:chars", s->string, "output", got, vec_string(chars, s->string));
        free(got);

        cJSON *pieces = cJSON_CreateArray();
        chrf_word_pieces(&u, add_piece, pieces);
        char *got_words = cJSON_PrintUnformatted(pieces);
        char *want_words = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(words, s->string));
        vec_str("chrf++:words", s->string, "output", got_words, want_words);
        free(got_words);
        free(want_words);
        cJSON_Delete(pieces);
        ustr_release(&u);
        ustr_release(&kept);
    }
    cJSON_Delete(root);
}

int main(void)
{
    require_shared();
    cJSON *root = vec_load_json("chrf.json");
    int nruns = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, cJSON_GetObjectItemCaseSensitive(root, "runs")) {
        check_run(run);
        nruns++;
    }
    CHECK(nruns > 0);
    printf("%d chrF runs checked\n", nruns);
    cJSON_Delete(root);
    check_tokenize();
    return check_done();
}
