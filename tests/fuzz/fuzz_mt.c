/* fuzz_mt.c -- the sacreBLEU family (BLEU with each tokenizer, chrF and
 * chrF++, TER with its normalisations) on any reply and references. Byte
 * 0 picks the scorer setup; the rest is the reply, then "\x01" and the
 * references separated by "\x02" (any of them may hold invalid UTF-8).
 * Each setup scores the item as a suite's scorer does (registry
 * configure/score), then the corpus-level statistics of the same segment
 * are summed twice and scored, as `assay score` does over a file. No
 * crash, no over-read, no leak, scores finite and within the metric's
 * range. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/bleu.h"
#include "scorers/chrf.h"
#include "scorers/scorer.h"
#include "scorers/ter.h"

static const struct { const char *type, *options; } setups[] = {
    { "bleu", NULL },
    { "bleu", "{\"tokenize\": \"intl\", \"lowercase\": true, \"smooth_method\": \"floor\"}" },
    { "bleu", "{\"tokenize\": \"zh\", \"smooth_method\": \"add-k\", \"smooth_value\": 2}" },
    { "bleu", "{\"tokenize\": \"char\", \"smooth_method\": \"none\", \"effective_order\": false}" },
    { "bleu", "{\"tokenize\": \"none\", \"tokenize_by_lang\": {\"zh\": \"zh\", \"ja\": \"char\"}}" },
    { "chrf", NULL },
    { "chrf", "{\"word_order\": 2, \"lowercase\": true, \"whitespace\": true}" },
    { "chrf", "{\"char_order\": 1, \"word_order\": 1, \"beta\": 0, \"eps_smoothing\": true}" },
    { "ter", NULL },
    { "ter", "{\"normalized\": true, \"no_punct\": true, \"asian_support\": true}" },
    { "ter", "{\"case_sensitive\": true, \"normalized\": true}" },
};
#define NSETUPS (sizeof(setups) / sizeof(setups[0]))

static void corpus_level(const char *type, const char *hyp, const char *const *refs,
                         size_t nrefs)
{
    struct diag d;
    diag_init(&d);
    if (strcmp(type, "bleu") == 0) {
        struct bleu_opts o;
        bleu_opts_init(&o);
        struct bleu *b = bleu_new(&o);
        struct bleu_stats sum, s;
        memset(&sum, 0, sizeof(sum));
        for (int k = 0; k < 2; k++) {
            if (bleu_segment(b, hyp, refs, nrefs, &s, &d) < 0)
                abort();
            bleu_stats_add(&sum, &s);
        }
        struct bleu_score sc;
        bleu_score(&o, &sum, &sc);
        if (!(sc.score >= 0 && sc.score <= 100.000001))
            abort();
        bleu_free(b);
    } else if (strcmp(type, "chrf") == 0) {
        struct chrf_opts o;
        chrf_opts_init(&o);
        struct chrf *c = chrf_new(&o);
        struct chrf_stats sum, s;
        memset(&sum, 0, sizeof(sum));
        for (int k = 0; k < 2; k++) {
            if (chrf_segment(c, hyp, refs, nrefs, &s, &d) < 0)
                abort();
            chrf_stats_add(&o, &sum, &s);
        }
        double sc = chrf_score(&o, &sum);
        if (!(sc >= 0 && sc <= 100.000001))
            abort();
        chrf_free(c);
    } else {
        struct ter_opts o = { 0 };
        struct ter *t = ter_new(&o);
        struct ter_stats sum, s;
        memset(&sum, 0, sizeof(sum));
        for (int k = 0; k < 2; k++) {
            if (ter_segment(t, hyp, refs, nrefs, &s, &d) < 0)
                abort();
            ter_stats_add(&sum, &s);
        }
        double sc = ter_score(&sum);
        if (!(sc >= 0) || isinf(sc))
            abort();
        ter_free(t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t which = data[0] % NSETUPS;
    char *buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';   /* scorers take C strings: stop at a NUL */
    const char *refs[8];
    size_t nrefs = 0;
    char *sep = strchr(buf, '\x01');
    if (sep) {
        *sep = '\0';
        for (char *r = sep + 1; r && nrefs < 8; ) {
            refs[nrefs++] = r;
            r = strchr(r, '\x02');
            if (r)
                *r++ = '\0';
        }
    } else {
        refs[nrefs++] = buf;
    }
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "lang", (data[0] & 16) ? "zh-Hant" : "ja");

    const struct scorer_ops *ops = scorer_find(setups[which].type);
    struct diag d;
    diag_init(&d);
    cJSON *o = setups[which].options ? cJSON_Parse(setups[which].options) : NULL;
    void *st = ops->configure(o, "fuzz", "options", &d);
    cJSON_Delete(o);
    if (!st)
        abort();   /* the options above are valid */
    struct score_item it = { buf, refs, nrefs, NULL, item };
    cJSON *out = cJSON_CreateObject();
    if (ops->score(st, &it, out, &d) < 0)
        abort();
    const cJSON *v;
    cJSON_ArrayForEach(v, out)
        if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
            abort();
    char *text = cJSON_PrintUnformatted(out);   /* the record must serialise */
    free(text);
    cJSON_Delete(out);
    ops->release(st);
    corpus_level(setups[which].type, buf, refs, nrefs);
    cJSON_Delete(item);
    free(buf);
    return 0;
}
