/* chrf.c -- sacreBLEU 2.6.0 chrF/chrF++ (metrics/chrf.py), see chrf.h.
 *
 * A segment: the hypothesis is decoded (and lowercased), its character
 * stream built (Python whitespace deleted unless `whitespace`), its word
 * pieces interned to ids; all its n-grams go into one hash table first
 * (counter c; the tag is the order, word orders after character orders),
 * so entries [0, hyp_entries) are exactly the hypothesis n-grams. Each
 * reference then counts its n-grams into the same table under its own
 * generation (counter b), and the matches are min(c, b) over the
 * hypothesis entries. The reference whose statistics give the highest
 * sentence score wins (strictly higher: the first on ties).
 *
 * The score is _compute_f_score operation by operation: per order
 * prec/rec (1e-16 when undefined), with eps smoothing the mean of the
 * per-order F-beta, otherwise precision and recall averaged over the
 * orders where both sides have n-grams, then one F-beta, times 100. */
#include "chrf.h"
#include "sacrebleu.h"
#include "scorer.h"
#include "seqtab.h"

#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

void chrf_opts_init(struct chrf_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->char_order = 6;
    o->word_order = 0;
    o->beta = 2;
}

const char *chrf_opts_check(const struct chrf_opts *o)
{
    if (o->char_order < 0 || o->word_order < 0)
        return "n-gram orders must not be negative";
    if (o->char_order + o->word_order < 1)
        return "char_order + word_order must be at least 1";
    if (o->char_order + o->word_order > CHRF_MAX_ORDERS)
        return "char_order + word_order must be at most 32";
    if (o->beta < 0)
        return "beta must not be negative";
    return NULL;
}

/* ===== word pieces ===== */

/* string.punctuation */
static int is_ascii_punct(int32_t c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

struct pieces_ctx {
    py_split_fn *fn;
    void *ud;
};

static void word_to_pieces(const int32_t *w, size_t n, void *ud)
{
    struct pieces_ctx *p = ud;
    if (n == 1) {
        p->fn(w, 1, p->ud);
    } else if (is_ascii_punct(w[n - 1])) {
        p->fn(w, n - 1, p->ud);
        p->fn(w + n - 1, 1, p->ud);
    } else if (is_ascii_punct(w[0])) {
        p->fn(w, 1, p->ud);
        p->fn(w + 1, n - 1, p->ud);
    } else {
        p->fn(w, n, p->ud);
    }
}

void chrf_word_pieces(const struct ustr *s, py_split_fn *fn, void *ud)
{
    struct pieces_ctx p = { fn, ud };
    py_split(s, word_to_pieces, &p);
}

/* ===== segment statistics ===== */

struct side {
    struct ustr text;     /* decoded, lowercased */
    int32_t *chars;       /* character stream: text without Python whitespace (unless it counts) */
    size_t nchars, chars_cap;
    int32_t *ids;         /* word piece ids */
    size_t nids, ids_cap;
};

struct chrf {
    struct chrf_opts o;
    struct side *sides;   /* [0] hypothesis, [1..] references */
    size_t nsides;
    struct ustr tmp;
    struct seqtab words;  /* piece -> id */
    struct seqtab grams;  /* c: hypothesis count, b: count in the current reference (gen) */
};

struct chrf *chrf_new(const struct chrf_opts *o)
{
    struct chrf *c = xcalloc(1, sizeof(*c));
    c->o = *o;
    ustr_init(&c->tmp);
    seqtab_init(&c->words);
    seqtab_init(&c->grams);
    return c;
}

void chrf_free(struct chrf *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nsides; i++) {
        ustr_release(&c->sides[i].text);
        free(c->sides[i].chars);
        free(c->sides[i].ids);
    }
    free(c->sides);
    ustr_release(&c->tmp);
    seqtab_release(&c->words);
    seqtab_release(&c->grams);
    free(c);
}

static struct side *side_at(struct chrf *c, size_t i)
{
    if (i >= c->nsides) {
        c->sides = xrealloc(c->sides, (i + 1) * sizeof(*c->sides));
        memset(c->sides + c->nsides, 0, (i + 1 - c->nsides) * sizeof(*c->sides));
        c->nsides = i + 1;
    }
    return &c->sides[i];
}

struct intern_ctx {
    struct chrf *c;
    struct side *s;
};

static void intern_piece(const int32_t *p, size_t n, void *ud)
{
    struct intern_ctx *ic = ud;
    struct side *s = ic->s;
    if (s->nids == s->ids_cap)
        XGROW(s->ids, s->ids_cap, s->nids + 1);
    s->ids[s->nids++] = (int32_t)seqtab_get(&ic->c->words, 0, p, (uint32_t)n);
}

static void load_side(struct chrf *c, struct side *s, const char *text)
{
    s->text.len = 0;
    ustr_from_utf8(&s->text, text, strlen(text));
    if (c->o.lowercase) {
        c->tmp.len = 0;
        py_lower(&s->text, &c->tmp);
        struct ustr t = s->text;
        s->text = c->tmp;
        c->tmp = t;
    }
    s->nchars = 0;
    if (c->o.char_order > 0) {
        XGROW(s->chars, s->chars_cap, s->text.len + 1);
        for (size_t i = 0; i < s->text.len; i++)
            if (c->o.whitespace || !py_isspace(s->text.cp[i]))
                s->chars[s->nchars++] = s->text.cp[i];
    }
    s->nids = 0;
    if (c->o.word_order > 0) {
        struct intern_ctx ic = { c, s };
        chrf_word_pieces(&s->text, intern_piece, &ic);
    }
}

/* Counts the n-grams of orders 1..maxn of seq, order n under tag
 * first_tag + n - 1: into c (the hypothesis, gen 0) or into b under
 * generation gen (a reference). Each start position extends one hash
 * state through the orders. per_order[n - 1] = how many of order n. */
static void count_orders(struct chrf *c, uint32_t first_tag, const int32_t *seq, size_t len,
                         int maxn, long gen, long per_order[])
{
    for (int n = 1; n <= maxn; n++)
        per_order[n - 1] = len >= (size_t)n ? (long)(len - n + 1) : 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t state = SEQTAB_HASH_INIT;
        for (int n = 1; n <= maxn && i + n <= len; n++) {
            state = seqtab_hash_step(state, seq[i + n - 1]);
            uint32_t tag = first_tag + (uint32_t)n - 1;
            size_t e = seqtab_get_hashed(&c->grams, tag, seq + i, (uint32_t)n,
                                         seqtab_hash_final(state, tag, (uint32_t)n));
            struct seqtab_entry *x = &c->grams.e[e];
            if (gen == 0) {
                x->c++;
            } else {
                if (x->gen != gen) {
                    x->gen = gen;
                    x->b = 0;
                }
                x->b++;
            }
        }
    }
}

/* All orders of one side; per_order[k] = its n-grams of order k. */
static void count_side(struct chrf *c, const struct side *s, long gen, long per_order[])
{
    count_orders(c, 0, s->chars, s->nchars, c->o.char_order, gen, per_order);
    count_orders(c, (uint32_t)c->o.char_order, s->ids, s->nids, c->o.word_order, gen,
                 per_order + c->o.char_order);
}

int chrf_segment(struct chrf *c, const char *hyp, const char *const *refs, size_t nrefs,
                 struct chrf_stats *out, struct diag *d)
{
    int norders = c->o.char_order + c->o.word_order;
    memset(out, 0, sizeof(*out));
    seqtab_clear(&c->words);
    seqtab_clear(&c->grams);

    long hyp_total[CHRF_MAX_ORDERS], ref_total[CHRF_MAX_ORDERS];
    load_side(c, side_at(c, 0), hyp);
    count_side(c, &c->sides[0], 0, hyp_total);
    size_t hyp_entries = c->grams.count;

    double best = -1.0;
    size_t used = 0;
    for (size_t r = 0; r < nrefs; r++) {
        if (!refs[r])
            continue;
        used++;
        struct side *s = side_at(c, used);
        load_side(c, s, refs[r]);
        count_side(c, s, (long)used, ref_total);

        struct chrf_stats st;
        memset(&st, 0, sizeof(st));
        for (size_t i = 0; i < hyp_entries; i++) {
            const struct seqtab_entry *x = &c->grams.e[i];
            if (x->gen == (long)used)
                st.v[x->tag][2] += x->c < x->b ? x->c : x->b;
        }
        for (int k = 0; k < norders; k++) {
            st.v[k][0] = ref_total[k] > 0 ? hyp_total[k] : 0;
            st.v[k][1] = ref_total[k];
        }
        double f = chrf_score(&c->o, &st);
        if (f > best) {
            best = f;
            *out = st;
        }
    }
    if (used == 0)
        return diag_fail(d, "no reference for this segment");
    return 0;
}

void chrf_stats_add(const struct chrf_opts *o, struct chrf_stats *sum, const struct chrf_stats *s)
{
    for (int k = 0; k < o->char_order + o->word_order; k++)
        for (int j = 0; j < 3; j++)
            sum->v[k][j] += s->v[k][j];
}

/* ===== score ===== */

double chrf_score(const struct chrf_opts *o, const struct chrf_stats *s)
{
    const double eps = 1e-16;
    int order = o->char_order + o->word_order;
    long factor = (long)o->beta * o->beta;
    double score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
    int effective = 0;
    for (int k = 0; k < order; k++) {
        long n_hyp = s->v[k][0], n_ref = s->v[k][1], n_match = s->v[k][2];
        double prec = n_hyp > 0 ? (double)n_match / (double)n_hyp : eps;
        double rec = n_ref > 0 ? (double)n_match / (double)n_ref : eps;
        double denom = (double)factor * prec + rec;
        score += denom > 0 ? (double)(1 + factor) * prec * rec / denom : eps;
        if (n_hyp > 0 && n_ref > 0) {
            avg_prec += prec;
            avg_rec += rec;
            effective++;
        }
    }
    if (o->eps_smoothing)
        return 100 * score / order;
    if (effective == 0) {
        avg_prec = avg_rec = 0.0;
    } else {
        avg_prec /= effective;
        avg_rec /= effective;
    }
    if (avg_prec + avg_rec == 0)
        return 0.0;
    score = (double)(1 + factor) * avg_prec * avg_rec;
    score /= (double)factor * avg_prec + avg_rec;
    return 100 * score;
}

/* ===== signature and text ===== */

void chrf_name(const struct chrf_opts *o, struct buf *out)
{
    buf_addf(out, "chrF%d", o->beta);
    for (int i = 0; i < o->word_order; i++)
        buf_addc(out, '+');
}

void chrf_signature(const struct chrf_opts *o, int nrefs, int short_form, struct buf *out)
{
    sacrebleu_sig_nrefs(out, nrefs, short_form);
    buf_addf(out, "|%s:%s", short_form ? "c" : "case", o->lowercase ? "lc" : "mixed");
    buf_addf(out, "|%s:%s", short_form ? "e" : "eff", o->eps_smoothing ? "no" : "yes");
    buf_addf(out, "|nc:%d|nw:%d", o->char_order, o->word_order);
    buf_addf(out, "|%s:%s", short_form ? "s" : "space", o->whitespace ? "yes" : "no");
    sacrebleu_sig_version(out, short_form);
}

void chrf_format(const struct chrf_opts *o, double score, const char *sig, int width,
                 struct buf *out)
{
    chrf_name(o, out);
    if (sig && *sig)
        buf_addf(out, "|%s", sig);
    buf_addf(out, " = %.*f", width, score);
}

/* ===== item scorer "chrf" =====
 *
 * Sentence chrF per item (sacreBLEU's CHRF(...).sentence_score). Options:
 * char_order, word_order (2 = chrF++), beta, lowercase, whitespace,
 * eps_smoothing. Output: score (0-100), stats (per order [hyp, ref,
 * match] of the chosen reference: summing them over items gives corpus
 * chrF), name ("chrF2++") and the signature. */

struct chrf_scorer {
    struct chrf_opts o;
    struct chrf *ctx;
};

static void chrf_scorer_release(void *state)
{
    struct chrf_scorer *s = state;
    if (s) {
        chrf_free(s->ctx);
        free(s);
    }
}

static void *chrf_scorer_configure(const cJSON *options, const char *file, const char *path,
                                   struct diag *d)
{
    static const char *const keys[] = {
        "char_order", "word_order", "beta", "lowercase", "whitespace", "eps_smoothing", NULL,
    };
    if (options && !cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options");
        return NULL;
    }
    if (jv_known_keys(options, keys, file, path, d) < 0)
        return NULL;
    struct chrf_opts o;
    chrf_opts_init(&o);
    long co = o.char_order, wo = o.word_order, beta = o.beta;
    if (jv_int(options, "char_order", file, path, 0, 0, CHRF_MAX_ORDERS, &co, d) < 0 ||
        jv_int(options, "word_order", file, path, 0, 0, CHRF_MAX_ORDERS, &wo, d) < 0 ||
        jv_int(options, "beta", file, path, 0, 0, 1000, &beta, d) < 0 ||
        jv_bool(options, "lowercase", file, path, 0, &o.lowercase, d) < 0 ||
        jv_bool(options, "whitespace", file, path, 0, &o.whitespace, d) < 0 ||
        jv_bool(options, "eps_smoothing", file, path, 0, &o.eps_smoothing, d) < 0)
        return NULL;
    o.char_order = (int)co;
    o.word_order = (int)wo;
    o.beta = (int)beta;
    const char *why = chrf_opts_check(&o);
    if (why) {
        diag_fail_at(d, file, 0, path, "%s", why);
        return NULL;
    }
    struct chrf_scorer *s = xcalloc(1, sizeof(*s));
    s->o = o;
    s->ctx = chrf_new(&o);
    return s;
}

static int chrf_scorer_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct chrf_scorer *s = state;
    struct chrf_stats st;
    if (chrf_segment(s->ctx, it->hyp, it->refs, it->nrefs, &st, d) < 0)
        return -1;
    int nrefs = 0;
    for (size_t i = 0; i < it->nrefs; i++)
        nrefs += it->refs[i] != NULL;
    cJSON_AddNumberToObject(out, "score", chrf_score(&s->o, &st));
    cJSON *stats = cJSON_AddArrayToObject(out, "stats");
    for (int k = 0; k < s->o.char_order + s->o.word_order; k++) {
        double row[3] = { (double)st.v[k][0], (double)st.v[k][1], (double)st.v[k][2] };
        cJSON_AddItemToArray(stats, cJSON_CreateDoubleArray(row, 3));
    }
    struct buf b = BUF_INIT;
    chrf_name(&s->o, &b);
    cJSON_AddStringToObject(out, "name", b.ptr);
    buf_reset(&b);
    chrf_signature(&s->o, nrefs, 0, &b);
    cJSON_AddStringToObject(out, "signature", b.ptr);
    buf_release(&b);
    return 0;
}

const struct scorer_ops scorer_chrf = {
    .type = "chrf",
    .summary = "sentence chrF / chrF++ as sacreBLEU 2.6.0 (0-100)",
    .configure = chrf_scorer_configure,
    .score = chrf_scorer_score,
    .release = chrf_scorer_release,
};
