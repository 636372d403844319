/* rouge.c -- ROUGE as Google's rouge-score computes it (METRICS.md §4).
 *
 * Pipeline for one (target, prediction) pair:
 *   1. tokenize both texts once, remembering each token's line (ROUGE-Lsum
 *      sentences are the '\n'-separated lines; both tokenizers treat '\n'
 *      as a break, so the line tokens concatenated are the text's tokens);
 *   2. intern tokens to small integers, so every comparison below is an
 *      integer compare;
 *   3. ROUGE-N: n-grams are interned too, order by order, as pairs
 *      (id of the (n-1)-gram, id of the next token) -> id, which is exact
 *      (no hashing of n-grams into lossy keys); overlap = sum of min counts;
 *   4. ROUGE-L: LCS length, bit-parallel (64 cells per machine word) or,
 *      for huge vocabularies, with two DP rows;
 *   5. ROUGE-Lsum: for each target sentence, one LCS per prediction
 *      sentence read back with rouge-score's tie rule, the union of the
 *      picked target positions, then hits capped by the token counts left
 *      over the whole summary (rouge-score's _summary_level_lcs).
 *
 * Back-tracking needs the DP table, but only one bit per cell: whether the
 * cell to the left is strictly greater than the cell above (matches are
 * re-tested from the tokens). The bits are kept for a block of rows at a
 * time (at most LCS_BITS_BUDGET); longer inputs keep checkpoint rows and
 * recompute each block as the back-tracking reaches it, so a one-line
 * 100k-token summary costs megabytes, not gigabytes.
 *
 * F = 2PR/(P+R), or 0 when P + R = 0, in that order of operations. */
#include "rouge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "porter.h"
#include "pyunicode.h"
#include "scorer.h"
#include "textnorm.h"

#define LCS_BITS_BUDGET ((size_t)1 << 27)   /* 16 MiB of direction bits at once */

static const char *const type_names[ROUGE_NTYPES] = {
    "rouge1", "rouge2", "rouge3", "rouge4", "rouge5", "rouge6", "rouge7", "rouge8", "rouge9",
    "rougeL", "rougeLsum",
};

const char *rouge_type_name(int k)
{
    return k >= 0 && k < ROUGE_NTYPES ? type_names[k] : NULL;
}

unsigned rouge_type_bit(const char *name)
{
    for (int k = 0; k < ROUGE_NTYPES; k++)
        if (strcmp(name, type_names[k]) == 0)
            return 1u << k;
    return 0;
}

/* ==== tokens ================================================================ */

void rouge_tokens_init(struct rouge_tokens *t)
{
    memset(t, 0, sizeof(*t));
}

void rouge_tokens_release(struct rouge_tokens *t)
{
    free(t->text);
    free(t->start);
    free(t->line);
    rouge_tokens_init(t);
}

static void tok_reset(struct rouge_tokens *t)
{
    t->text_len = 0;
    t->n = 0;
}

static void tok_add_bytes(struct rouge_tokens *t, const char *p, size_t n)
{
    if (t->text_len + n + 1 > t->text_cap)
        XGROW(t->text, t->text_cap, t->text_len + n + 1);
    memcpy(t->text + t->text_len, p, n);
    t->text_len += n;
}

/* Ends the token that began at text offset `from`, if it is not empty:
 * stems it when asked (ASCII tokens longer than 3 characters) and records
 * it with its line. */
static void tok_end(struct rouge_tokens *t, const struct rouge_opts *o, size_t from,
                    int ascii, size_t nchars, size_t line)
{
    if (t->text_len == from)
        return;
    size_t len = t->text_len - from;
    if (o->use_stemmer && ascii && nchars > 3)
        len = porter_stem(t->text + from, len, t->text + from);
    t->text_len = from + len;
    XGROW(t->text, t->text_cap, t->text_len + 1);
    t->text[t->text_len++] = '\0';
    if (t->n == t->cap) {
        size_t cap = t->cap;
        XGROW(t->start, cap, t->n + 1);
        XGROW(t->line, t->cap, t->n + 1);
    }
    t->start[t->n] = from;
    t->line[t->n] = line;
    t->n++;
}

/* rouge-score: text.lower(), then [^a-z0-9]+ -> " ", split. Only three
 * kinds of characters lowercase into [a-z0-9]: ASCII letters and digits,
 * U+0130 (-> "i" + U+0307, so the token ends after the i) and U+212A
 * KELVIN SIGN (-> "k"). Everything else is a break. */
static void tokenize_default(const struct rouge_opts *o, const char *s, size_t n,
                             struct rouge_tokens *t)
{
    size_t from = 0, line = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                char ch = (char)c;
                tok_add_bytes(t, &ch, 1);
                continue;
            }
            tok_end(t, o, from, 1, t->text_len - from, line);
            from = t->text_len;
            if (c == '\n')
                line++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        i += k > 0 ? (size_t)k : 1;
        if (k > 0 && cp == 0x212A) {          /* KELVIN SIGN lowercases to 'k' */
            tok_add_bytes(t, "k", 1);
            continue;
        }
        if (k > 0 && cp == 0x0130)            /* 'i' then a combining dot: a break */
            tok_add_bytes(t, "i", 1);
        tok_end(t, o, from, 1, t->text_len - from, line);
        from = t->text_len;
    }
    tok_end(t, o, from, 1, t->text_len - from, line);
}

/* ---- the Unicode-aware tokenizer (opt-in) ----------------------------------- */

static int is_cjk_single(int32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF)   /* Han */
        || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF)
        || (cp >= 0xFF66 && cp <= 0xFF9D) || (cp >= 0x1B000 && cp <= 0x1B16F)  /* kana */
        || (cp >= 0xAC00 && cp <= 0xD7A3);                                      /* Hangul */
}

static int is_word_char(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return 1;
    default:
        return 0;
    }
}

static int is_mark(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* NFC, Python lowercase of the whole text (final sigma sees its real
 * neighbours), then letter/digit/mark runs; a CJK character is a token by
 * itself (with the marks that follow it). */
static void tokenize_unicode(const struct rouge_opts *o, const char *s, size_t n,
                             struct rouge_tokens *t)
{
    struct ustr raw, low;
    ustr_init(&raw);
    ustr_init(&low);
    size_t nfc_n;
    char *nfc = text_nfc(s, n, 0, &nfc_n);
    ustr_from_utf8(&raw, nfc, nfc_n);
    free(nfc);
    py_lower(&raw, &low);

    size_t from = 0, line = 0, nchars = 0;
    int ascii = 1, prev_cjk = 0;
    for (size_t i = 0; i < low.len; i++) {
        int32_t cp = low.cp[i];
        char enc[4];
        utf8proc_ssize_t k;
        if (prev_cjk && is_mark(cp)) {        /* a mark stays with its ideograph */
            k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)enc);
            tok_add_bytes(t, enc, (size_t)k);
            continue;
        }
        if (prev_cjk) {
            tok_end(t, o, from, 0, nchars, line);
            from = t->text_len;
            nchars = 0;
            ascii = 1;
            prev_cjk = 0;
        }
        if (is_cjk_single(cp)) {
            tok_end(t, o, from, ascii, nchars, line);
            from = t->text_len;
            k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)enc);
            tok_add_bytes(t, enc, (size_t)k);
            nchars = 1;
            prev_cjk = 1;
            continue;
        }
        if (is_word_char(cp)) {
            k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)enc);
            tok_add_bytes(t, enc, (size_t)k);
            nchars++;
            if (cp >= 0x80)
                ascii = 0;
            continue;
        }
        tok_end(t, o, from, ascii, nchars, line);
        from = t->text_len;
        nchars = 0;
        ascii = 1;
        if (cp == '\n')
            line++;
    }
    tok_end(t, o, from, ascii && !prev_cjk, nchars, line);
    ustr_release(&raw);
    ustr_release(&low);
}

void rouge_tokenize(const struct rouge_opts *o, const char *text, size_t n,
                    struct rouge_tokens *t)
{
    tok_reset(t);
    if (o->tokenizer == ROUGE_TOK_UNICODE)
        tokenize_unicode(o, text, n, t);
    else
        tokenize_default(o, text, n, t);
}

/* ==== interning ================================================================ */

/* Open-addressing map from byte strings or id pairs to dense ids 0..n-1. */
struct idmap {
    uint64_t *keys;       /* pair maps: the key; string maps: unused */
    const char **strs;    /* string maps: the key (borrowed) */
    uint32_t *vals;       /* id + 1; 0 = empty slot */
    size_t mask;
    uint32_t n;
};

static void idmap_init(struct idmap *m, size_t expected, int strings)
{
    size_t size = 16;
    while (size < expected * 2)
        size *= 2;
    m->mask = size - 1;
    m->n = 0;
    m->vals = xcalloc(size, sizeof(*m->vals));
    m->keys = strings ? NULL : xmalloc(size * sizeof(*m->keys));
    m->strs = strings ? xmalloc(size * sizeof(*m->strs)) : NULL;
}

static void idmap_release(struct idmap *m)
{
    free(m->keys);
    free(m->strs);
    free(m->vals);
}

static uint64_t hash_bytes(const char *s)
{
    uint64_t h = 1469598103934665603ull;          /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;                                  /* murmur3 finaliser */
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* Tables are sized for every key they can receive, so they never fill. */
static unsigned idmap_str(struct idmap *m, const char *s)
{
    size_t i = hash_bytes(s) & m->mask;
    while (m->vals[i]) {
        if (strcmp(m->strs[i], s) == 0)
            return m->vals[i] - 1;
        i = (i + 1) & m->mask;
    }
    m->strs[i] = s;
    m->vals[i] = ++m->n;
    return m->n - 1;
}

static unsigned idmap_pair(struct idmap *m, unsigned a, unsigned b)
{
    uint64_t key = (uint64_t)a << 32 | b;
    size_t i = hash_u64(key) & m->mask;
    while (m->vals[i]) {
        if (m->keys[i] == key)
            return m->vals[i] - 1;
        i = (i + 1) & m->mask;
    }
    m->keys[i] = key;
    m->vals[i] = ++m->n;
    return m->n - 1;
}

/* ==== LCS ======================================================================= */

/* Bit-parallel LCS length (Allison-Dix / Hyyrö): one bit per position of
 * a, a column of the DP table per token of b in ceil(na/64) word
 * operations: V' = (V + (V & M[t])) | (V & ~M[t]), and the LCS is the
 * number of zero bits left in V. match[id] holds the positions of id in a;
 * ids are dense (interned), below nids. */
static size_t lcs_bits(const unsigned *a, size_t na, const unsigned *b, size_t nb, unsigned nids)
{
    size_t words = (na + 63) / 64;
    uint64_t *match = xcalloc((size_t)nids * words, sizeof(*match));
    uint64_t *v = xmalloc(words * sizeof(*v));
    for (size_t i = 0; i < na; i++)
        match[(size_t)a[i] * words + i / 64] |= (uint64_t)1 << (i % 64);
    memset(v, 0xff, words * sizeof(*v));
    for (size_t j = 0; j < nb; j++) {
        if (b[j] >= nids)
            continue;
        const uint64_t *m = match + (size_t)b[j] * words;
        uint64_t carry = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t u = v[w] & m[w];
            uint64_t t = v[w] + carry;
            uint64_t c1 = t < carry;
            uint64_t sum = t + u;
            carry = c1 | (sum < u);
            v[w] = sum | (v[w] & ~m[w]);
        }
    }
    size_t ones = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = v[w];
        if (w == words - 1 && na % 64)
            x &= ((uint64_t)1 << (na % 64)) - 1;
        ones += (size_t)__builtin_popcountll(x);
    }
    free(match);
    free(v);
    return na - ones;
}

size_t rouge_lcs_length(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
    if (na < nb) {                       /* rows over the longer, columns over the shorter */
        const unsigned *tp = a; a = b; b = tp;
        size_t tn = na; na = nb; nb = tn;
    }
    if (nb == 0)
        return 0;
    /* The bit-parallel form needs a bit mask per distinct token of the
     * shorter side: use it while that stays small (it is ~64x faster). */
    unsigned nids = 0;
    for (size_t j = 0; j < nb; j++)
        if (b[j] >= nids)
            nids = b[j] + 1;
    size_t words = (nb + 63) / 64;
    if ((size_t)nids * words <= LCS_BITS_BUDGET / 64)
        return lcs_bits(b, nb, a, na, nids);
    uint32_t *prev = xcalloc(nb + 1, sizeof(*prev));
    uint32_t *cur = xcalloc(nb + 1, sizeof(*cur));
    for (size_t i = 1; i <= na; i++) {
        unsigned ai = a[i - 1];
        for (size_t j = 1; j <= nb; j++) {
            if (ai == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = cur[j - 1] > prev[j] ? cur[j - 1] : prev[j];
        }
        uint32_t *tp = prev; prev = cur; cur = tp;
    }
    size_t len = prev[nb];
    free(prev);
    free(cur);
    return len;
}

/* One DP row: cur from prev for ref token r; records in bits (row-local,
 * ncand bits) where the left cell is strictly greater than the one above. */
static void lcs_row(unsigned r, const unsigned *cand, size_t ncand, const uint32_t *prev,
                    uint32_t *cur, uint64_t *bits)
{
    cur[0] = 0;
    for (size_t j = 1; j <= ncand; j++) {
        if (r == cand[j - 1]) {
            cur[j] = prev[j - 1] + 1;
        } else if (cur[j - 1] > prev[j]) {
            cur[j] = cur[j - 1];
            if (bits)
                bits[(j - 1) >> 6] |= (uint64_t)1 << ((j - 1) & 63);
        } else {
            cur[j] = prev[j];
        }
    }
}

void rouge_lcs_mark(const unsigned *ref, size_t nref, const unsigned *cand, size_t ncand,
                    unsigned char *mark)
{
    rouge_lcs_mark_budget(ref, nref, cand, ncand, mark, LCS_BITS_BUDGET);
}

void rouge_lcs_mark_budget(const unsigned *ref, size_t nref, const unsigned *cand, size_t ncand,
                           unsigned char *mark, size_t bits_budget)
{
    if (nref == 0 || ncand == 0)
        return;
    size_t words = (ncand + 63) / 64;                /* bit words per row */
    size_t block = bits_budget / (words * 64);
    if (block < 1)
        block = 1;
    if (block > nref)
        block = nref;
    size_t nblocks = (nref + block - 1) / block;

    uint32_t *ck = xcalloc(nblocks * (ncand + 1), sizeof(*ck));  /* row k*block */
    uint32_t *prev = xcalloc(ncand + 1, sizeof(*prev));
    uint32_t *cur = xcalloc(ncand + 1, sizeof(*cur));
    if (nblocks > 1) {
        for (size_t i = 1; i <= nref; i++) {
            lcs_row(ref[i - 1], cand, ncand, prev, cur, NULL);
            uint32_t *tp = prev; prev = cur; cur = tp;
            if (i % block == 0 && i / block < nblocks)
                memcpy(ck + (i / block) * (ncand + 1), prev, (ncand + 1) * sizeof(*prev));
        }
    }

    uint64_t *bits = xcalloc(block * words, sizeof(*bits));
    size_t i = nref, j = ncand;
    for (size_t k = nblocks; k-- > 0 && i > 0 && j > 0;) {
        size_t s = k * block, e = s + block < nref ? s + block : nref;
        memset(bits, 0, block * words * sizeof(*bits));
        memcpy(prev, ck + k * (ncand + 1), (ncand + 1) * sizeof(*prev));
        for (size_t r = s + 1; r <= e; r++) {
            lcs_row(ref[r - 1], cand, ncand, prev, cur, bits + (r - s - 1) * words);
            uint32_t *tp = prev; prev = cur; cur = tp;
        }
        /* Read back this block: i is in (s, e]. */
        while (i > s && j > 0) {
            if (ref[i - 1] == cand[j - 1]) {
                mark[i - 1] = 1;
                i--;
                j--;
            } else if (bits[(i - s - 1) * words + ((j - 1) >> 6)] >> ((j - 1) & 63) & 1) {
                j--;
            } else {
                i--;
            }
        }
    }
    free(bits);
    free(ck);
    free(prev);
    free(cur);
}

/* ==== scores ====================================================================== */

static double fmeasure(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static struct rouge_prf prf(double p, double r)
{
    struct rouge_prf s = { p, r, fmeasure(p, r) };
    return s;
}

/* One scoring pass: both texts tokenized and interned. */
struct pair {
    struct rouge_tokens tt, pt;
    unsigned *tid, *pid;
    size_t nt, np;
    unsigned nids;
};

static void pair_prepare(struct pair *pr, const struct rouge_opts *o, const char *target,
                         size_t target_n, const char *pred, size_t pred_n)
{
    rouge_tokens_init(&pr->tt);
    rouge_tokens_init(&pr->pt);
    rouge_tokenize(o, target, target_n, &pr->tt);
    rouge_tokenize(o, pred, pred_n, &pr->pt);
    pr->nt = pr->tt.n;
    pr->np = pr->pt.n;
    pr->tid = xmalloc((pr->nt + 1) * sizeof(*pr->tid));
    pr->pid = xmalloc((pr->np + 1) * sizeof(*pr->pid));
    struct idmap m;
    idmap_init(&m, pr->nt + pr->np, 1);
    for (size_t i = 0; i < pr->nt; i++)
        pr->tid[i] = idmap_str(&m, rouge_token(&pr->tt, i));
    for (size_t i = 0; i < pr->np; i++)
        pr->pid[i] = idmap_str(&m, rouge_token(&pr->pt, i));
    pr->nids = m.n;
    idmap_release(&m);
}

static void pair_release(struct pair *pr)
{
    rouge_tokens_release(&pr->tt);
    rouge_tokens_release(&pr->pt);
    free(pr->tid);
    free(pr->pid);
}

/* Sum over distinct n-grams of min(target count, prediction count). */
static size_t overlap(const unsigned *t, size_t nt, const unsigned *p, size_t np, unsigned nids)
{
    uint32_t *ct = xcalloc(nids ? nids : 1, sizeof(*ct));
    uint32_t *cp = xcalloc(nids ? nids : 1, sizeof(*cp));
    for (size_t i = 0; i < nt; i++)
        ct[t[i]]++;
    for (size_t i = 0; i < np; i++)
        cp[p[i]]++;
    size_t hits = 0;
    for (unsigned k = 0; k < nids; k++)
        hits += ct[k] < cp[k] ? ct[k] : cp[k];
    free(ct);
    free(cp);
    return hits;
}

static void score_ngrams(const struct pair *pr, unsigned types, struct rouge_scores *out)
{
    int maxn = 0;
    for (int n = 1; n <= ROUGE_N_MAX; n++)
        if (types & ROUGE_BIT_N(n))
            maxn = n;
    if (!maxn)
        return;
    /* gt/gp: id of the n-gram starting at each position (order n). */
    unsigned *gt = xmalloc((pr->nt + 1) * sizeof(*gt));
    unsigned *gp = xmalloc((pr->np + 1) * sizeof(*gp));
    memcpy(gt, pr->tid, pr->nt * sizeof(*gt));
    memcpy(gp, pr->pid, pr->np * sizeof(*gp));
    unsigned nids = pr->nids;
    for (int n = 1; n <= maxn; n++) {
        size_t ct = pr->nt >= (size_t)n ? pr->nt - n + 1 : 0;
        size_t cp = pr->np >= (size_t)n ? pr->np - n + 1 : 0;
        if (n > 1) {                       /* extend the (n-1)-grams by one token */
            struct idmap m;
            idmap_init(&m, ct + cp, 0);
            for (size_t i = 0; i < ct; i++)
                gt[i] = idmap_pair(&m, gt[i], pr->tid[i + n - 1]);
            for (size_t i = 0; i < cp; i++)
                gp[i] = idmap_pair(&m, gp[i], pr->pid[i + n - 1]);
            nids = m.n;
            idmap_release(&m);
        }
        if (types & ROUGE_BIT_N(n)) {
            size_t hits = overlap(gt, ct, gp, cp, nids);
            out->v[n - 1] = prf((double)hits / (double)(cp > 1 ? cp : 1),
                                (double)hits / (double)(ct > 1 ? ct : 1));
        }
    }
    free(gt);
    free(gp);
}

static struct rouge_prf score_lcs(const struct pair *pr)
{
    struct rouge_prf zero = { 0, 0, 0 };
    if (pr->nt == 0 || pr->np == 0)
        return zero;
    size_t lcs = rouge_lcs_length(pr->tid, pr->nt, pr->pid, pr->np);
    return prf((double)lcs / (double)pr->np, (double)lcs / (double)pr->nt);
}

/* Sentence boundaries: the runs of tokens sharing a line. */
static size_t sentences(const struct rouge_tokens *t, size_t **bounds)
{
    size_t ns = 0;
    *bounds = xmalloc((t->n + 1) * sizeof(**bounds));
    for (size_t i = 0; i < t->n; i++)
        if (i == 0 || t->line[i] != t->line[i - 1])
            (*bounds)[ns++] = i;
    (*bounds)[ns] = t->n;
    return ns;
}

static struct rouge_prf score_lsum(const struct pair *pr)
{
    struct rouge_prf zero = { 0, 0, 0 };
    if (pr->nt == 0 || pr->np == 0)
        return zero;
    size_t *tb, *pb;
    size_t nts = sentences(&pr->tt, &tb), nps = sentences(&pr->pt, &pb);
    uint32_t *left_t = xcalloc(pr->nids, sizeof(*left_t));
    uint32_t *left_p = xcalloc(pr->nids, sizeof(*left_p));
    for (size_t i = 0; i < pr->nt; i++)
        left_t[pr->tid[i]]++;
    for (size_t i = 0; i < pr->np; i++)
        left_p[pr->pid[i]]++;
    unsigned char *mark = xmalloc(pr->nt);
    size_t hits = 0;
    for (size_t s = 0; s < nts; s++) {
        const unsigned *r = pr->tid + tb[s];
        size_t nr = tb[s + 1] - tb[s];
        memset(mark, 0, nr);
        for (size_t c = 0; c < nps; c++)
            rouge_lcs_mark(r, nr, pr->pid + pb[c], pb[c + 1] - pb[c], mark);
        for (size_t i = 0; i < nr; i++) {
            if (mark[i] && left_p[r[i]] > 0 && left_t[r[i]] > 0) {
                hits++;
                left_p[r[i]]--;
                left_t[r[i]]--;
            }
        }
    }
    free(mark);
    free(left_t);
    free(left_p);
    free(tb);
    free(pb);
    return prf((double)hits / (double)pr->np, (double)hits / (double)pr->nt);
}

void rouge_score(const struct rouge_opts *o, const char *target, size_t target_n,
                 const char *prediction, size_t prediction_n, struct rouge_scores *out)
{
    unsigned types = o->types ? o->types : ROUGE_DEFAULT_TYPES;
    memset(out, 0, sizeof(*out));
    struct pair pr;
    pair_prepare(&pr, o, target, target_n, prediction, prediction_n);
    score_ngrams(&pr, types, out);
    if (types & ROUGE_BIT_L)
        out->v[ROUGE_N_MAX] = score_lcs(&pr);
    if (types & ROUGE_BIT_LSUM)
        out->v[ROUGE_N_MAX + 1] = score_lsum(&pr);
    pair_release(&pr);
}

void rouge_score_multi(const struct rouge_opts *o, const char *const *targets, size_t ntargets,
                       const char *prediction, struct rouge_scores *out)
{
    memset(out, 0, sizeof(*out));
    size_t pn = strlen(prediction);
    for (size_t t = 0; t < ntargets; t++) {
        struct rouge_scores s;
        rouge_score(o, targets[t], strlen(targets[t]), prediction, pn, &s);
        for (int k = 0; k < ROUGE_NTYPES; k++)     /* numpy argmax: first maximum wins */
            if (t == 0 || s.v[k].fmeasure > out->v[k].fmeasure)
                out->v[k] = s.v[k];
    }
}

void rouge_mean_init(struct rouge_mean *m)
{
    memset(m, 0, sizeof(*m));
}

void rouge_mean_add(struct rouge_mean *m, const struct rouge_scores *s)
{
    for (int k = 0; k < ROUGE_NTYPES; k++) {
        m->sum.v[k].precision += s->v[k].precision;
        m->sum.v[k].recall += s->v[k].recall;
        m->sum.v[k].fmeasure += s->v[k].fmeasure;
    }
    m->n++;
}

void rouge_mean_get(const struct rouge_mean *m, struct rouge_scores *out)
{
    memset(out, 0, sizeof(*out));
    if (!m->n)
        return;
    double n = (double)m->n;
    for (int k = 0; k < ROUGE_NTYPES; k++) {
        out->v[k].precision = m->sum.v[k].precision / n;
        out->v[k].recall = m->sum.v[k].recall / n;
        out->v[k].fmeasure = m->sum.v[k].fmeasure / n;
    }
}

/* ==== the "rouge" item scorer ======================================================== */

struct rouge_scorer {
    struct rouge_opts o;
    int precision_recall;     /* also report <type>_precision and <type>_recall */
};

static void *rouge_configure(const cJSON *options, const char *file, const char *path,
                             struct diag *d)
{
    static const char *const keys[] = { "types", "use_stemmer", "tokenizer",
                                        "precision_recall", NULL };
    struct rouge_scorer *s = xcalloc(1, sizeof(*s));
    if (options && !cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options, got %s",
                     json_kind(options));
        goto fail;
    }
    if (!options)
        return s;
    const cJSON *types = NULL;
    const char *tok = NULL;
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_array(options, "types", file, path, 0, &types, d) < 0
        || jv_bool(options, "use_stemmer", file, path, 0, &s->o.use_stemmer, d) < 0
        || jv_bool(options, "precision_recall", file, path, 0, &s->precision_recall, d) < 0
        || jv_string(options, "tokenizer", file, path, 0, &tok, d) < 0)
        goto fail;
    if (tok && strcmp(tok, "default") == 0) {
        s->o.tokenizer = ROUGE_TOK_DEFAULT;
    } else if (tok && strcmp(tok, "unicode") == 0) {
        s->o.tokenizer = ROUGE_TOK_UNICODE;
    } else if (tok) {
        char p[256];
        jpath_key(p, sizeof(p), path, "tokenizer");
        diag_fail_at(d, file, 0, p, "expected \"default\" or \"unicode\", got \"%s\"", tok);
        goto fail;
    }
    if (types) {
        char tpath[256];
        jpath_key(tpath, sizeof(tpath), path, "types");
        size_t i = 0;
        const cJSON *t;
        cJSON_ArrayForEach(t, types) {
            char p[256];
            jpath_index(p, sizeof(p), tpath, i++);
            unsigned bit = cJSON_IsString(t) ? rouge_type_bit(t->valuestring) : 0;
            if (!bit) {
                char got[96];
                json_brief(t, got, sizeof(got));
                diag_fail_at(d, file, 0, p, "expected a ROUGE type (rouge1..rouge9, rougeL, "
                             "rougeLsum), got %s", got);
                goto fail;
            }
            s->o.types |= bit;
        }
        if (!s->o.types) {
            diag_fail_at(d, file, 0, tpath, "expected at least one ROUGE type");
            goto fail;
        }
    }
    return s;
fail:
    free(s);
    return NULL;
}

static int rouge_item(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct rouge_scorer *s = state;
    if (it->nrefs == 0)
        return diag_fail(d, "rouge needs a reference text; the item has none");
    struct rouge_scores r;
    const char *hyp = it->hyp ? it->hyp : "";
    if (it->nrefs == 1)
        rouge_score(&s->o, it->refs[0], strlen(it->refs[0]), hyp, strlen(hyp), &r);
    else
        rouge_score_multi(&s->o, (const char *const *)it->refs, it->nrefs, hyp, &r);
    unsigned types = s->o.types ? s->o.types : ROUGE_DEFAULT_TYPES;
    for (int k = 0; k < ROUGE_NTYPES; k++) {
        if (!(types & (1u << k)))
            continue;
        const char *name = rouge_type_name(k);
        cJSON_AddNumberToObject(out, name, r.v[k].fmeasure);
        if (s->precision_recall) {
            char key[64];
            snprintf(key, sizeof(key), "%s_precision", name);
            cJSON_AddNumberToObject(out, key, r.v[k].precision);
            snprintf(key, sizeof(key), "%s_recall", name);
            cJSON_AddNumberToObject(out, key, r.v[k].recall);
        }
    }
    return 0;
}

static void rouge_release(void *state)
{
    free(state);
}

const struct scorer_ops scorer_rouge = {
    .type = "rouge",
    .summary = "ROUGE-1/2/L/Lsum F-measure as rouge-score computes it (0-1)",
    .configure = rouge_configure,
    .score = rouge_item,
    .release = rouge_release,
};
