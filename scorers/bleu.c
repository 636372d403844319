/* bleu.c -- sacreBLEU 2.6.0 BLEU (metrics/bleu.py), see bleu.h.
 *
 * A segment: every line is decoded, pre-processed (lowercase, rstrip,
 * tokenizer), split on Python whitespace, and each token interned to a
 * small integer (one table per segment), so n-grams are int sequences.
 * Reference n-grams go into one hash table with the maximum count over the
 * references (a generation marker per reference gives the running count
 * without a second table); the hypothesis n-grams then clip against it.
 * Nothing is allocated per segment once the buffers have grown.
 *
 * The score follows compute_bleu operation by operation in double
 * precision (METRICS.md §1.4, §6.17): the all-zero early exit before any
 * smoothing, add-k on orders 2..4, the exp factor doubling, log(0) =
 * -9999999999, the plain left-to-right sum of CPython 3.11, then
 * bp * exp(sum / order). */
#include "bleu.h"
#include "sacrebleu.h"
#include "scorer.h"
#include "seqtab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

const char bleu_smooth_names[] = "exp, floor, add-k, none";

static const char *const smooth_names[] = {
    [BLEU_SMOOTH_EXP] = "exp", [BLEU_SMOOTH_FLOOR] = "floor",
    [BLEU_SMOOTH_ADD_K] = "add-k", [BLEU_SMOOTH_NONE] = "none",
};

int bleu_smooth_from_name(const char *name, enum bleu_smooth *out)
{
    for (size_t i = 0; i < sizeof(smooth_names) / sizeof(smooth_names[0]); i++) {
        if (strcmp(name, smooth_names[i]) == 0) {
            *out = (enum bleu_smooth)i;
            return 0;
        }
    }
    return -1;
}

const char *bleu_smooth_name(enum bleu_smooth s)
{
    return smooth_names[s];
}

void bleu_opts_init(struct bleu_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->tokenize = BLEU_TOK_13A;
    o->smooth = BLEU_SMOOTH_EXP;
}

void bleu_opts_init_sentence(struct bleu_opts *o)
{
    bleu_opts_init(o);
    o->effective_order = 1;
}

/* The value sacreBLEU uses: the given one, else the method's default. */
static double smooth_value(const struct bleu_opts *o)
{
    if (o->smooth_value_set)
        return o->smooth_value;
    return o->smooth == BLEU_SMOOTH_FLOOR ? 0.1 : 1.0;
}

/* ===== segment statistics ===== */

/* One pre-processed line and its token ids. */
struct line {
    struct ustr text;
    int32_t *ids;
    size_t nids, cap;
};

struct bleu {
    struct bleu_opts o;
    struct line *lines;       /* [0] hypothesis, [1..] references */
    size_t nlines;
    struct ustr tmp;
    struct seqtab words;      /* token -> id (the entry index) */
    struct seqtab grams;      /* n-gram -> a: max ref count, b: running ref count, c: hyp count */
};

struct bleu *bleu_new(const struct bleu_opts *o)
{
    struct bleu *b = xcalloc(1, sizeof(*b));
    b->o = *o;
    ustr_init(&b->tmp);
    seqtab_init(&b->words);
    seqtab_init(&b->grams);
    return b;
}

void bleu_free(struct bleu *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nlines; i++) {
        ustr_release(&b->lines[i].text);
        free(b->lines[i].ids);
    }
    free(b->lines);
    ustr_release(&b->tmp);
    seqtab_release(&b->words);
    seqtab_release(&b->grams);
    free(b);
}

static struct line *line_at(struct bleu *b, size_t i)
{
    if (i >= b->nlines) {
        b->lines = xrealloc(b->lines, (i + 1) * sizeof(*b->lines));
        for (size_t k = b->nlines; k <= i; k++) {
            memset(&b->lines[k], 0, sizeof(b->lines[k]));
            ustr_init(&b->lines[k].text);
        }
        b->nlines = i + 1;
    }
    return &b->lines[i];
}

/* Decodes, pre-processes and interns one line. The words table must not
 * be cleared while the line's text is in use (keys point into it). */
static void load_line(struct bleu *b, struct line *l, const char *s)
{
    l->text.len = 0;
    ustr_from_utf8(&l->text, s, strlen(s));
    bleu_preprocess(b->o.tokenize, b->o.lowercase, &l->text, &b->tmp);
    l->nids = 0;
    const int32_t *t = l->text.cp;
    size_t n = l->text.len;
    for (size_t i = 0; i < n;) {
        while (i < n && py_isspace(t[i]))
            i++;
        size_t start = i;
        while (i < n && !py_isspace(t[i]))
            i++;
        if (i > start) {
            if (l->nids == l->cap)
                XGROW(l->ids, l->cap, l->nids + 1);
            l->ids[l->nids++] = (int32_t)seqtab_get(&b->words, 0, t + start, (uint32_t)(i - start));
        }
    }
}

int bleu_segment(struct bleu *b, const char *hyp, const char *const *refs, size_t nrefs,
                 struct bleu_stats *out, struct diag *d)
{
    memset(out, 0, sizeof(*out));
    seqtab_clear(&b->words);
    seqtab_clear(&b->grams);

    /* References: n-gram counts, max over references. */
    size_t used = 0;
    long closest_diff = -1, closest_len = -1;
    for (size_t r = 0; r < nrefs; r++) {
        if (!refs[r])
            continue;
        used++;
        struct line *l = line_at(b, used);
        load_line(b, l, refs[r]);
        for (size_t i = 0; i < l->nids; i++) {
            uint64_t state = SEQTAB_HASH_INIT;
            for (uint32_t n = 1; n <= BLEU_MAX_ORDER && i + n <= l->nids; n++) {
                state = seqtab_hash_step(state, l->ids[i + n - 1]);
                size_t k = seqtab_get_hashed(&b->grams, 0, l->ids + i, n,
                                             seqtab_hash_final(state, 0, n));
                struct seqtab_entry *e = &b->grams.e[k];
                if (e->gen != (long)used) {
                    e->gen = (long)used;
                    e->b = 0;
                }
                if (++e->b > e->a)
                    e->a = e->b;
            }
        }
    }
    if (used == 0)
        return diag_fail(d, "no reference for this segment");

    /* The hypothesis. */
    struct line *h = line_at(b, 0);
    load_line(b, h, hyp);
    long hyp_len = (long)h->nids;
    for (size_t i = 0; i < h->nids; i++) {
        uint64_t state = SEQTAB_HASH_INIT;
        for (uint32_t n = 1; n <= BLEU_MAX_ORDER && i + n <= h->nids; n++) {
            state = seqtab_hash_step(state, h->ids[i + n - 1]);
            size_t k = seqtab_get_hashed(&b->grams, 0, h->ids + i, n, seqtab_hash_final(state, 0, n));
            b->grams.e[k].c++;
        }
    }
    for (size_t i = 0; i < b->grams.count; i++) {
        const struct seqtab_entry *e = &b->grams.e[i];
        if (e->c > 0) {
            out->totals[e->len - 1] += e->c;
            out->counts[e->len - 1] += e->c < e->a ? e->c : e->a;
        }
    }

    /* Closest reference length; ties go to the shorter one. */
    for (size_t r = 1; r <= used; r++) {
        long len = (long)b->lines[r].nids;
        long diff = labs(hyp_len - len);
        if (closest_diff == -1 || diff < closest_diff) {
            closest_diff = diff;
            closest_len = len;
        } else if (diff == closest_diff && len < closest_len) {
            closest_len = len;
        }
    }
    out->sys_len = hyp_len;
    out->ref_len = closest_len;
    return 0;
}

void bleu_stats_add(struct bleu_stats *sum, const struct bleu_stats *s)
{
    sum->sys_len += s->sys_len;
    sum->ref_len += s->ref_len;
    for (int n = 0; n < BLEU_MAX_ORDER; n++) {
        sum->counts[n] += s->counts[n];
        sum->totals[n] += s->totals[n];
    }
}

/* ===== score ===== */

static double my_log(double x)
{
    return x == 0.0 ? -9999999999.0 : log(x);
}

void bleu_score(const struct bleu_opts *o, const struct bleu_stats *s, struct bleu_score *out)
{
    memset(out, 0, sizeof(*out));
    out->sys_len = s->sys_len;
    out->ref_len = s->ref_len;
    out->ratio = s->ref_len ? (double)s->sys_len / (double)s->ref_len : 0.0;
    if (s->sys_len < s->ref_len)
        out->bp = s->sys_len > 0 ? exp(1.0 - (double)s->ref_len / (double)s->sys_len) : 0.0;
    else
        out->bp = 1.0;

    int any = 0;
    for (int n = 0; n < BLEU_MAX_ORDER; n++) {
        out->counts[n] = (double)s->counts[n];
        out->totals[n] = (double)s->totals[n];
        any |= s->counts[n] != 0;
    }
    if (!any) {
        out->score = 0.0;   /* #141: no match at all, whatever the smoothing */
        return;
    }

    double k = smooth_value(o);
    double factor = 1.0;
    int eff_order = BLEU_MAX_ORDER;
    for (int n = 1; n <= BLEU_MAX_ORDER; n++) {
        double *c = &out->counts[n - 1], *t = &out->totals[n - 1];
        if (o->smooth == BLEU_SMOOTH_ADD_K && n > 1) {
            *c += k;
            *t += k;
        }
        if (*t == 0)
            break;
        if (o->effective_order)
            eff_order = n;
        if (*c == 0) {
            if (o->smooth == BLEU_SMOOTH_EXP) {
                factor *= 2;
                out->precisions[n - 1] = 100.0 / (factor * *t);
            } else if (o->smooth == BLEU_SMOOTH_FLOOR) {
                out->precisions[n - 1] = 100.0 * k / *t;
            }
        } else {
            out->precisions[n - 1] = 100.0 * *c / *t;
        }
    }
    double sum = 0.0;
    for (int n = 0; n < eff_order; n++)
        sum += my_log(out->precisions[n]);
    out->score = out->bp * exp(sum / eff_order);
}

/* ===== signature and text ===== */

void bleu_signature(const struct bleu_opts *o, int nrefs, int short_form, struct buf *out)
{
    sacrebleu_sig_nrefs(out, nrefs, short_form);
    buf_addf(out, "|%s:%s", short_form ? "c" : "case", o->lowercase ? "lc" : "mixed");
    buf_addf(out, "|%s:%s", short_form ? "e" : "eff", o->effective_order ? "yes" : "no");
    buf_addf(out, "|tok:%s", bleu_tokenizer_name(o->tokenize));
    buf_addf(out, "|%s:%s", short_form ? "s" : "smooth", bleu_smooth_name(o->smooth));
    if (o->smooth == BLEU_SMOOTH_FLOOR || o->smooth == BLEU_SMOOTH_ADD_K)
        buf_addf(out, "[%.2f]", smooth_value(o));
    sacrebleu_sig_version(out, short_form);
}

void bleu_format(const struct bleu_score *s, const char *sig, int width, struct buf *out)
{
    buf_adds(out, "BLEU");
    if (sig && *sig)
        buf_addf(out, "|%s", sig);
    buf_addf(out, " = %.*f ", width, s->score);
    for (int n = 0; n < BLEU_MAX_ORDER; n++)
        buf_addf(out, "%s%.1f", n ? "/" : "", s->precisions[n]);
    buf_addf(out, " (BP = %.3f ratio = %.3f hyp_len = %ld ref_len = %ld)", s->bp, s->ratio,
             s->sys_len, s->ref_len);
}

/* ===== item scorer "bleu" =====
 *
 * Sentence BLEU per item, as sacrebleu.sentence_bleu (effective order on
 * unless the options turn it off). Options: tokenize, smooth_method,
 * smooth_value, lowercase, effective_order, and tokenize_by_lang +
 * lang_field: the tokenizer picked by the item's target-language field
 * (exact code first, then the part before '-' or '_': "zh-Hans" -> "zh"),
 * e.g. {"tokenize_by_lang": {"zh": "zh", "ja": "char", "ko": "char"},
 * "lang_field": "tgt_lang"}. sacreBLEU's ja-mecab and ko-mecab need MeCab,
 * which assay does not ship: "char" is the documented substitute for
 * Japanese and Korean (scores are then not comparable with MeCab-tokenized
 * published numbers, and the signature says tok:char).
 *
 * Output: score, precisions, bp, ratio, sys_len, ref_len, counts and totals
 * (the raw segment statistics, before add-k: summing them over items gives
 * corpus BLEU), tokenize and the signature. */

struct lang_tok {
    char *lang;
    enum bleu_tokenizer tok;
};

struct bleu_scorer {
    struct bleu_opts o;
    char *lang_field;                  /* owned; NULL without tokenize_by_lang */
    struct lang_tok *by_lang;
    size_t nby_lang;
    struct bleu *ctx[BLEU_TOK_NONE + 1];   /* one per tokenizer, made on first use */
};

static void bleu_scorer_release(void *state)
{
    struct bleu_scorer *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->nby_lang; i++)
        free(s->by_lang[i].lang);
    free(s->by_lang);
    free(s->lang_field);
    for (size_t i = 0; i <= BLEU_TOK_NONE; i++)
        bleu_free(s->ctx[i]);
    free(s);
}

static int tokenizer_option(const cJSON *v, const char *file, const char *path,
                            enum bleu_tokenizer *out, struct diag *d)
{
    if (!cJSON_IsString(v) || bleu_tokenizer_from_name(v->valuestring, out) < 0) {
        char got[96];
        json_brief(v, got, sizeof(got));
        return diag_fail_at(d, file, 0, path, "expected a tokenizer (%s), got %s%s",
                            bleu_tokenizer_names, got,
                            cJSON_IsString(v) && strncmp(v->valuestring, "ja", 2) == 0
                                ? " (MeCab is not available: use \"char\" for Japanese and Korean)"
                                : "");
    }
    return 0;
}

static void *bleu_scorer_configure(const cJSON *options, const char *file, const char *path,
                                   struct diag *d)
{
    static const char *const keys[] = {
        "tokenize", "smooth_method", "smooth_value", "lowercase", "effective_order",
        "tokenize_by_lang", "lang_field", NULL,
    };
    if (options && !cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options");
        return NULL;
    }
    if (jv_known_keys(options, keys, file, path, d) < 0)
        return NULL;
    struct bleu_scorer *s = xcalloc(1, sizeof(*s));
    bleu_opts_init_sentence(&s->o);
    char p[256];
    const char *str;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(options, "tokenize"))) {
        jpath_key(p, sizeof(p), path, "tokenize");
        if (tokenizer_option(v, file, p, &s->o.tokenize, d) < 0)
            goto fail;
    }
    str = NULL;
    if (jv_string(options, "smooth_method", file, path, 0, &str, d) < 0)
        goto fail;
    if (str && bleu_smooth_from_name(str, &s->o.smooth) < 0) {
        jpath_key(p, sizeof(p), path, "smooth_method");
        diag_fail_at(d, file, 0, p, "expected one of %s, got \"%s\"", bleu_smooth_names, str);
        goto fail;
    }
    if (cJSON_GetObjectItemCaseSensitive(options, "smooth_value")) {
        if (jv_number(options, "smooth_value", file, path, 1, 0, 1e9, &s->o.smooth_value, d) < 0)
            goto fail;
        s->o.smooth_value_set = 1;
    }
    if (jv_bool(options, "lowercase", file, path, 0, &s->o.lowercase, d) < 0 ||
        jv_bool(options, "effective_order", file, path, 0, &s->o.effective_order, d) < 0)
        goto fail;
    const cJSON *map = NULL;
    if (jv_object(options, "tokenize_by_lang", file, path, 0, &map, d) < 0)
        goto fail;
    str = NULL;
    if (jv_string(options, "lang_field", file, path, 0, &str, d) < 0)
        goto fail;
    if (str && !map) {
        jpath_key(p, sizeof(p), path, "lang_field");
        diag_fail_at(d, file, 0, p, "only meaningful with tokenize_by_lang");
        goto fail;
    }
    if (map) {
        s->lang_field = xstrdup(str ? str : "lang");
        char mpath[256];
        jpath_key(mpath, sizeof(mpath), path, "tokenize_by_lang");
        cJSON_ArrayForEach(v, map) {
            s->by_lang = xrealloc(s->by_lang, (s->nby_lang + 1) * sizeof(*s->by_lang));
            struct lang_tok *lt = &s->by_lang[s->nby_lang];
            jpath_key(p, sizeof(p), mpath, v->string);
            if (tokenizer_option(v, file, p, &lt->tok, d) < 0)
                goto fail;
            lt->lang = xstrdup(v->string);
            s->nby_lang++;
        }
    }
    return s;
fail:
    bleu_scorer_release(s);
    return NULL;
}

/* The tokenizer for this item: by its language if the options map it. */
static enum bleu_tokenizer item_tokenizer(const struct bleu_scorer *s, const cJSON *item)
{
    if (!s->nby_lang)
        return s->o.tokenize;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, s->lang_field);
    if (!cJSON_IsString(v))
        return s->o.tokenize;
    const char *lang = v->valuestring;
    for (size_t i = 0; i < s->nby_lang; i++)
        if (strcmp(s->by_lang[i].lang, lang) == 0)
            return s->by_lang[i].tok;
    size_t base = strcspn(lang, "-_");
    for (size_t i = 0; i < s->nby_lang; i++)
        if (strlen(s->by_lang[i].lang) == base && strncmp(s->by_lang[i].lang, lang, base) == 0)
            return s->by_lang[i].tok;
    return s->o.tokenize;
}

static int bleu_scorer_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct bleu_scorer *s = state;
    struct bleu_opts o = s->o;
    o.tokenize = item_tokenizer(s, it->item);
    if (!s->ctx[o.tokenize])
        s->ctx[o.tokenize] = bleu_new(&o);
    struct bleu_stats st;
    if (bleu_segment(s->ctx[o.tokenize], it->hyp, it->refs, it->nrefs, &st, d) < 0)
        return -1;
    struct bleu_score sc;
    bleu_score(&o, &st, &sc);
    double counts[BLEU_MAX_ORDER], totals[BLEU_MAX_ORDER];
    for (int n = 0; n < BLEU_MAX_ORDER; n++) {
        counts[n] = (double)st.counts[n];
        totals[n] = (double)st.totals[n];
    }
    int nrefs = 0;
    for (size_t i = 0; i < it->nrefs; i++)
        nrefs += it->refs[i] != NULL;
    struct buf sig = BUF_INIT;
    bleu_signature(&o, nrefs, 0, &sig);
    cJSON_AddNumberToObject(out, "score", sc.score);
    cJSON_AddItemToObject(out, "precisions", cJSON_CreateDoubleArray(sc.precisions, BLEU_MAX_ORDER));
    cJSON_AddNumberToObject(out, "bp", sc.bp);
    cJSON_AddNumberToObject(out, "ratio", sc.ratio);
    cJSON_AddNumberToObject(out, "sys_len", (double)sc.sys_len);
    cJSON_AddNumberToObject(out, "ref_len", (double)sc.ref_len);
    cJSON_AddItemToObject(out, "counts", cJSON_CreateDoubleArray(counts, BLEU_MAX_ORDER));
    cJSON_AddItemToObject(out, "totals", cJSON_CreateDoubleArray(totals, BLEU_MAX_ORDER));
    cJSON_AddStringToObject(out, "tokenize", bleu_tokenizer_name(o.tokenize));
    cJSON_AddStringToObject(out, "signature", sig.ptr);
    buf_release(&sig);
    return 0;
}

const struct scorer_ops scorer_bleu = {
    .type = "bleu",
    .summary = "sentence BLEU as sacreBLEU 2.6.0 (0-100); tokenizer per target language",
    .configure = bleu_scorer_configure,
    .score = bleu_scorer_score,
    .release = bleu_scorer_release,
};
