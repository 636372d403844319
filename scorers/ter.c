/* ter.c -- sacreBLEU 2.6.0 TER (metrics/ter.py, metrics/lib_ter.py), see
 * ter.h. Words are interned to ids per segment, so comparing two words is
 * comparing two ints.
 *
 * The edit distance is lib_ter's BeamEditDistance: row i (i hypothesis
 * words consumed) is only computed for reference positions j in
 * [floor(i * nref/nhyp) - beam, floor(i * nref/nhyp) + beam), the last row
 * in full; cells outside stay at the "infinity" 1e16, and a cell takes the
 * first of (diagonal match/substitution, deletion of a hypothesis word,
 * insertion of a reference word) that is strictly cheaper, so ties prefer
 * them in that order. Rows are stored with their ranges only, so memory is
 * O(hyp words * beam), not O(hyp * ref).
 *
 * Shifts (_shift): the alignment read back from that table marks which
 * hypothesis and reference words are errors and where each reference word
 * is aligned; candidate blocks (1..10 words, start positions at most 50
 * apart, equal in both) are tried in lib_ter's order, ranked by (distance
 * reduction, length, -start, -target) and the best is applied while it
 * reduces the distance; at most 1000 candidates are evaluated per pair
 * (counted across rounds, the round that reaches the cap is not applied).
 * lib_ter caches rows by hypothesis prefix; a shifted hypothesis equals
 * the current one before min(start, target), so a candidate's distance is
 * computed from that row of the current table on, which gives the same
 * numbers (rows depend only on the prefix and the constant lengths). */
#include "ter.h"
#include "sacrebleu.h"
#include "scorer.h"
#include "seqtab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#define MAX_SHIFT_SIZE 10
#define MAX_SHIFT_DIST 50
#define BEAM_WIDTH 25
#define MAX_SHIFT_CANDIDATES 1000
#define INF_COST 10000000000000000L   /* lib_ter's _INT_INFINITY, 1e16 */

enum { OP_NOP, OP_SUB, OP_INS, OP_DEL, OP_UNDEF };

/* ===== per-segment scratch ===== */

struct words {
    struct ustr text;
    int32_t *ids;
    size_t n, cap;
};

struct ter {
    struct ter_opts o;
    struct words *lines;      /* [0] hypothesis, [1..] references */
    size_t nlines;
    struct ustr tmp;
    struct seqtab vocab;

    /* The current table: row i holds cells [lo[i], hi[i]) at cost + off[i]. */
    long *cost;
    unsigned char *op;
    size_t cells_cap;
    size_t *off;
    long *lo, *hi;
    size_t rows_cap;
    /* Rolling rows for a candidate's distance. */
    long *ra, *rb;
    size_t roll_cap;
    /* The hypothesis being shifted, a candidate, the best candidate. */
    int32_t *cur, *cand, *best;
    size_t words_cap;
    /* Alignment of the current hypothesis. */
    long *align;              /* reference position -> hypothesis position (-1 before any) */
    unsigned char *herr, *rerr;
    unsigned char *trace;
    size_t align_cap, trace_cap;
};

struct ter *ter_new(const struct ter_opts *o)
{
    struct ter *t = xcalloc(1, sizeof(*t));
    t->o = *o;
    ustr_init(&t->tmp);
    seqtab_init(&t->vocab);
    return t;
}

void ter_free(struct ter *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nlines; i++) {
        ustr_release(&t->lines[i].text);
        free(t->lines[i].ids);
    }
    free(t->lines);
    ustr_release(&t->tmp);
    seqtab_release(&t->vocab);
    free(t->cost);
    free(t->op);
    free(t->off);
    free(t->lo);
    free(t->hi);
    free(t->ra);
    free(t->rb);
    free(t->cur);
    free(t->cand);
    free(t->best);
    free(t->align);
    free(t->herr);
    free(t->rerr);
    free(t->trace);
    free(t);
}

/* ===== beam edit distance ===== */

struct beam {
    size_t nh, nr;
    double ratio;
    long width;
};

static void beam_init(struct beam *b, size_t nh, size_t nr)
{
    b->nh = nh;
    b->nr = nr;
    b->ratio = nh ? (double)nr / (double)nh : 1.0;
    if (BEAM_WIDTH < b->ratio / 2)
        b->width = (long)ceil(b->ratio / 2 + BEAM_WIDTH);
    else
        b->width = BEAM_WIDTH;
}

/* The j range of row i >= 1. */
static void beam_range(const struct beam *b, size_t i, long *lo, long *hi)
{
    long diag = (long)floor((double)i * b->ratio);
    *lo = diag - b->width > 0 ? diag - b->width : 0;
    *hi = diag + b->width < (long)b->nr + 1 ? diag + b->width : (long)b->nr + 1;
    if (i == b->nh)
        *hi = (long)b->nr + 1;
}

/* One row of the table: prev is row i-1 (cells [plo, phi)), row i is
 * written to cur (cells [lo, hi)); ops optional. */
static void beam_row(const long *prev, long plo, long phi, long *cur, unsigned char *ops, long lo,
                     long hi, int32_t hword, const int32_t *ref)
{
#define PREV(j) ((j) >= plo && (j) < phi ? prev[(j) - plo] : INF_COST)
    for (long j = lo; j < hi; j++) {
        long c;
        unsigned char o;
        if (j == 0) {
            c = PREV(0) + 1;
            o = OP_DEL;
        } else {
            c = INF_COST;
            o = OP_UNDEF;
            int match = hword == ref[j - 1];
            long sub = PREV(j - 1) + (match ? 0 : 1);
            long del = PREV(j) + 1;
            long ins = (j - 1 >= lo ? cur[j - 1 - lo] : INF_COST) + 1;
            if (c > sub) {
                c = sub;
                o = match ? OP_NOP : OP_SUB;
            }
            if (c > del) {
                c = del;
                o = OP_DEL;
            }
            if (c > ins) {
                c = ins;
                o = OP_INS;
            }
        }
        cur[j - lo] = c;
        if (ops)
            ops[j - lo] = o;
    }
#undef PREV
}

/* Fills the full table for hyp (t->cost/op/off/lo/hi); returns the distance. */
static long table_fill(struct ter *t, const struct beam *b, const int32_t *hyp, const int32_t *ref)
{
    size_t nh = b->nh, nr = b->nr;
    if (nh + 1 > t->rows_cap) {
        t->rows_cap = nh + 1;
        t->off = xrealloc(t->off, t->rows_cap * sizeof(*t->off));
        t->lo = xrealloc(t->lo, t->rows_cap * sizeof(*t->lo));
        t->hi = xrealloc(t->hi, t->rows_cap * sizeof(*t->hi));
    }
    size_t cells = nr + 1;
    for (size_t i = 1; i <= nh; i++) {
        long lo, hi;
        beam_range(b, i, &lo, &hi);
        cells += (size_t)(hi - lo);
    }
    if (cells > t->cells_cap) {
        t->cost = xrealloc(t->cost, cells * sizeof(*t->cost));
        t->op = xrealloc(t->op, cells);
        t->cells_cap = cells;
    }
    /* Row 0: the reference inserted word by word. */
    t->off[0] = 0;
    t->lo[0] = 0;
    t->hi[0] = (long)nr + 1;
    for (size_t j = 0; j <= nr; j++) {
        t->cost[j] = (long)j;
        t->op[j] = OP_INS;
    }
    size_t at = nr + 1;
    for (size_t i = 1; i <= nh; i++) {
        beam_range(b, i, &t->lo[i], &t->hi[i]);
        t->off[i] = at;
        beam_row(t->cost + t->off[i - 1], t->lo[i - 1], t->hi[i - 1], t->cost + at, t->op + at,
                 t->lo[i], t->hi[i], hyp[i - 1], ref);
        at += (size_t)(t->hi[i] - t->lo[i]);
    }
    return t->cost[t->off[nh] + nr - t->lo[nh]];
}

/* Distance of cand, equal to the table's hypothesis before position p:
 * rows 0..p are the table's, the rest is computed in two rolling rows. */
static long candidate_distance(struct ter *t, const struct beam *b, const int32_t *cand, size_t p,
                               const int32_t *ref)
{
    size_t nh = b->nh, nr = b->nr;
    if (p >= nh)
        return t->cost[t->off[nh] + nr - t->lo[nh]];
    if (t->roll_cap < nr + 1) {
        t->ra = xrealloc(t->ra, (nr + 1) * sizeof(*t->ra));
        t->rb = xrealloc(t->rb, (nr + 1) * sizeof(*t->rb));
        t->roll_cap = nr + 1;
    }
    const long *prev = t->cost + t->off[p];
    long plo = t->lo[p], phi = t->hi[p];
    long *bufs[2] = { t->ra, t->rb };
    int k = 0;
    long lo = 0, hi = 0;
    for (size_t i = p + 1; i <= nh; i++) {
        beam_range(b, i, &lo, &hi);
        long *cur = bufs[k];
        beam_row(prev, plo, phi, cur, NULL, lo, hi, cand[i - 1], ref);
        prev = cur;
        plo = lo;
        phi = hi;
        k ^= 1;
    }
    return prev[(long)nr - plo];
}

/* Reads the table back from (nh, nr) and builds the alignment the way
 * lib_ter does from the flipped trace. Returns -1 if the path hits an
 * undefined cell (lib_ter would raise; it cannot happen with its beam). */
static int table_align(struct ter *t, const struct beam *b)
{
    size_t nh = b->nh, nr = b->nr;
    XGROW(t->trace, t->trace_cap, nh + nr + 1);
    size_t need = (nh > nr ? nh : nr) + 1;
    if (need > t->align_cap) {
        t->align = xrealloc(t->align, need * sizeof(*t->align));
        t->herr = xrealloc(t->herr, need);
        t->rerr = xrealloc(t->rerr, need);
        t->align_cap = need;
    }
    size_t n = 0;
    long i = (long)nh, j = (long)nr;
    while (i > 0 || j > 0) {
        if (j < t->lo[i] || j >= t->hi[i])
            return -1;
        unsigned char o = t->op[t->off[i] + (size_t)(j - t->lo[i])];
        t->trace[n++] = o;
        if (o == OP_NOP || o == OP_SUB) {
            i--;
            j--;
        } else if (o == OP_INS) {
            j--;
        } else if (o == OP_DEL) {
            i--;
        } else {
            return -1;
        }
    }
    /* Forward over the trace (it was read backwards). A deletion of a
     * hypothesis word is lib_ter's flipped "insertion" and vice versa. */
    long ph = -1, pr = -1;
    while (n > 0) {
        unsigned char o = t->trace[--n];
        if (o == OP_NOP || o == OP_SUB) {
            ph++;
            pr++;
            t->align[pr] = ph;
            t->herr[ph] = o == OP_SUB;
            t->rerr[pr] = o == OP_SUB;
        } else if (o == OP_DEL) {
            ph++;
            t->herr[ph] = 1;
        } else {
            pr++;
            t->align[pr] = ph;
            t->rerr[pr] = 1;
        }
    }
    return 0;
}

/* lib_ter._perform_shift with Python's clamped slices. */
static void perform_shift(const int32_t *w, size_t n, size_t start, size_t len, size_t target,
                          int32_t *out)
{
#define SLICE(a, b)                                                   \
    do {                                                              \
        size_t a_ = (a) < n ? (a) : n, b_ = (b) < n ? (b) : n;        \
        if (b_ > a_) {                                                \
            memcpy(out + k, w + a_, (b_ - a_) * sizeof(*w));          \
            k += b_ - a_;                                             \
        }                                                             \
    } while (0)
    size_t k = 0;
    if (target < start) {
        SLICE(0, target);
        SLICE(start, start + len);
        SLICE(target, start);
        SLICE(start + len, n);
    } else if (target > start + len) {
        SLICE(0, start);
        SLICE(start + len, target);
        SLICE(start, start + len);
        SLICE(target, n);
    } else {
        SLICE(0, start);
        SLICE(start + len, len + target);
        SLICE(start, start + len);
        SLICE(len + target, n);
    }
#undef SLICE
}

static int any_set(const unsigned char *v, size_t from, size_t len)
{
    for (size_t i = from; i < from + len; i++)
        if (v[i])
            return 1;
    return 0;
}

/* One round of lib_ter._shift on t->cur: returns the best reduction (0 if
 * there is no candidate) and leaves that shifted hypothesis in t->best.
 * *checked counts the evaluated candidates; the search stops as soon as a
 * candidate block brings it to the cap, as lib_ter's does. */
static long shift_round(struct ter *t, const struct beam *b, const int32_t *ref, long *checked)
{
    size_t nh = b->nh, nr = b->nr;
    const int32_t *h = t->cur;
    long pre = table_fill(t, b, h, ref);
    if (table_align(t, b) < 0)
        return 0;

    int have = 0;
    long best_red = 0, best_len = 0, best_start = 0, best_idx = 0;
    for (size_t sh = 0; sh < nh; sh++) {
        for (size_t sr = 0; sr < nr; sr++) {
            if ((sh > sr ? sh - sr : sr - sh) > MAX_SHIFT_DIST)
                continue;
            size_t len = 0;
            while (len < MAX_SHIFT_SIZE && h[sh + len] == ref[sr + len]) {
                len++;
                /* (sh, sr, len) is a candidate pair */
                if (any_set(t->herr, sh, len) && any_set(t->rerr, sr, len) &&
                    !((long)sh <= t->align[sr] && t->align[sr] < (long)(sh + len))) {
                    long prev_idx = -1;
                    for (long off = -1; off < (long)len; off++) {
                        long idx = (long)sr + off == -1 ? 0 : t->align[(long)sr + off] + 1;
                        if (idx == prev_idx)
                            continue;
                        prev_idx = idx;
                        perform_shift(h, nh, sh, len, (size_t)idx, t->cand);
                        size_t p = (size_t)idx < sh ? (size_t)idx : sh;
                        long red = pre - candidate_distance(t, b, t->cand, p, ref);
                        (*checked)++;
                        int better = !have || red > best_red ||
                                     (red == best_red &&
                                      ((long)len > best_len ||
                                       ((long)len == best_len &&
                                        ((long)sh < best_start ||
                                         ((long)sh == best_start && idx < best_idx)))));
                        if (better) {
                            have = 1;
                            best_red = red;
                            best_len = (long)len;
                            best_start = (long)sh;
                            best_idx = idx;
                            memcpy(t->best, t->cand, nh * sizeof(*t->best));
                        }
                    }
                    if (*checked >= MAX_SHIFT_CANDIDATES)
                        return best_red;
                }
                if (nh == sh + len || nr == sr + len)
                    break;
            }
        }
    }
    return best_red;
}

long ter_edits(struct ter *t, const int32_t *hyp, size_t nhyp, const int32_t *ref, size_t nref)
{
    if (nref == 0)
        return (long)nhyp;
    if (nhyp + 1 > t->words_cap) {
        t->cur = xrealloc(t->cur, (nhyp + 1) * sizeof(*t->cur));
        t->cand = xrealloc(t->cand, (nhyp + 1) * sizeof(*t->cand));
        t->best = xrealloc(t->best, (nhyp + 1) * sizeof(*t->best));
        t->words_cap = nhyp + 1;
    }
    if (nhyp)
        memcpy(t->cur, hyp, nhyp * sizeof(*hyp));
    struct beam b;
    beam_init(&b, nhyp, nref);
    long shifts = 0, checked = 0;
    for (;;) {
        long delta = shift_round(t, &b, ref, &checked);
        if (checked >= MAX_SHIFT_CANDIDATES || delta <= 0)
            break;
        shifts++;
        memcpy(t->cur, t->best, nhyp * sizeof(*t->best));
    }
    return shifts + table_fill(t, &b, t->cur, ref);
}

/* ===== segments and corpus ===== */

static struct words *line_at(struct ter *t, size_t i)
{
    if (i >= t->nlines) {
        t->lines = xrealloc(t->lines, (i + 1) * sizeof(*t->lines));
        memset(t->lines + t->nlines, 0, (i + 1 - t->nlines) * sizeof(*t->lines));
        t->nlines = i + 1;
    }
    return &t->lines[i];
}

/* Tokenizes s (twice for a reference, see ter_segment) and interns its words. */
static void load_line(struct ter *t, struct words *w, const char *s, int is_ref)
{
    w->text.len = 0;
    ustr_from_utf8(&w->text, s, strlen(s));
    ter_preprocess(&t->o, &w->text, &t->tmp);
    if (is_ref)
        ter_preprocess(&t->o, &w->text, &t->tmp);
    w->n = 0;
    const int32_t *c = w->text.cp;
    size_t n = w->text.len;
    for (size_t i = 0; i < n;) {
        while (i < n && py_isspace(c[i]))
            i++;
        size_t start = i;
        while (i < n && !py_isspace(c[i]))
            i++;
        if (i > start) {
            if (w->n == w->cap)
                XGROW(w->ids, w->cap, w->n + 1);
            w->ids[w->n++] = (int32_t)seqtab_get(&t->vocab, 0, c + start, (uint32_t)(i - start));
        }
    }
}

/* sacreBLEU 2.6.0 tokenizes every reference twice: Metric._cache_references
 * pre-processes the references, then TER._extract_reference_info runs
 * _preprocess_segment on them again. The tokenizer is not idempotent with
 * `normalized` ("year's." -> "year's ." -> "year 's ."), so neither is
 * this. Hypotheses are tokenized once. */
int ter_segment(struct ter *t, const char *hyp, const char *const *refs, size_t nrefs,
                struct ter_stats *out, struct diag *d)
{
    memset(out, 0, sizeof(*out));
    seqtab_clear(&t->vocab);
    load_line(t, line_at(t, 0), hyp, 0);
    long best = 0;
    long lengths = 0;
    size_t used = 0;
    for (size_t r = 0; r < nrefs; r++) {
        if (!refs[r])
            continue;
        used++;
        struct words *w = line_at(t, used);
        load_line(t, w, refs[r], 1);
        const struct words *h = &t->lines[0];
        long e = ter_edits(t, h->ids, h->n, w->ids, w->n);
        lengths += (long)w->n;
        if (used == 1 || e < best)
            best = e;
    }
    if (used == 0)
        return diag_fail(d, "no reference for this segment");
    out->num_edits = best;
    out->ref_length = (double)lengths / (double)used;
    return 0;
}

void ter_stats_add(struct ter_stats *sum, const struct ter_stats *s)
{
    sum->num_edits += s->num_edits;
    sum->ref_length += s->ref_length;
}

double ter_score(const struct ter_stats *s)
{
    double score;
    if (s->ref_length > 0)
        score = (double)s->num_edits / s->ref_length;
    else if (s->num_edits > 0)
        score = 1.0;
    else
        score = 0.0;
    return 100 * score;
}

void ter_signature(const struct ter_opts *o, int nrefs, int short_form, struct buf *out)
{
    sacrebleu_sig_nrefs(out, nrefs, short_form);
    buf_addf(out, "|%s:%s", short_form ? "c" : "case", o->case_sensitive ? "mixed" : "lc");
    buf_addf(out, "|%s:tercom", short_form ? "t" : "tok");
    buf_addf(out, "|%s:%s", short_form ? "nr" : "norm", o->normalized ? "yes" : "no");
    buf_addf(out, "|%s:%s", short_form ? "pn" : "punct", o->no_punct ? "no" : "yes");
    buf_addf(out, "|%s:%s", short_form ? "as" : "asian", o->asian_support ? "yes" : "no");
    sacrebleu_sig_version(out, short_form);
}

void ter_format(double score, const char *sig, int width, struct buf *out)
{
    buf_adds(out, "TER");
    if (sig && *sig)
        buf_addf(out, "|%s", sig);
    buf_addf(out, " = %.*f", width, score);
}

/* ===== item scorer "ter" =====
 *
 * Sentence TER per item (sacreBLEU's TER(...).sentence_score; lower is
 * better, may exceed 100). Options: normalized, no_punct, asian_support,
 * case_sensitive. Output: score, num_edits, ref_length (summing both over
 * items gives corpus TER) and the signature. */

struct ter_scorer {
    struct ter_opts o;
    struct ter *ctx;
};

static void ter_scorer_release(void *state)
{
    struct ter_scorer *s = state;
    if (s) {
        ter_free(s->ctx);
        free(s);
    }
}

static void *ter_scorer_configure(const cJSON *options, const char *file, const char *path,
                                  struct diag *d)
{
    static const char *const keys[] = {
        "normalized", "no_punct", "asian_support", "case_sensitive", NULL,
    };
    if (options && !cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options");
        return NULL;
    }
    struct ter_opts o = { 0 };
    if (jv_known_keys(options, keys, file, path, d) < 0 ||
        jv_bool(options, "normalized", file, path, 0, &o.normalized, d) < 0 ||
        jv_bool(options, "no_punct", file, path, 0, &o.no_punct, d) < 0 ||
        jv_bool(options, "asian_support", file, path, 0, &o.asian_support, d) < 0 ||
        jv_bool(options, "case_sensitive", file, path, 0, &o.case_sensitive, d) < 0)
        return NULL;
    struct ter_scorer *s = xcalloc(1, sizeof(*s));
    s->o = o;
    s->ctx = ter_new(&o);
    return s;
}

static int ter_scorer_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct ter_scorer *s = state;
    struct ter_stats st;
    if (ter_segment(s->ctx, it->hyp, it->refs, it->nrefs, &st, d) < 0)
        return -1;
    int nrefs = 0;
    for (size_t i = 0; i < it->nrefs; i++)
        nrefs += it->refs[i] != NULL;
    struct buf sig = BUF_INIT;
    ter_signature(&s->o, nrefs, 0, &sig);
    cJSON_AddNumberToObject(out, "score", ter_score(&st));
    cJSON_AddNumberToObject(out, "num_edits", (double)st.num_edits);
    cJSON_AddNumberToObject(out, "ref_length", st.ref_length);
    cJSON_AddStringToObject(out, "signature", sig.ptr);
    buf_release(&sig);
    return 0;
}

const struct scorer_ops scorer_ter = {
    .type = "ter",
    .summary = "sentence TER as sacreBLEU 2.6.0 (0-100+, lower is better)",
    .configure = ter_scorer_configure,
    .score = ter_scorer_score,
    .release = ter_scorer_release,
};
