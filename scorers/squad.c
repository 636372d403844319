/* squad.c -- SQuAD evaluate.py: normalize_answer, exact match, token F1,
 * the max over gold answers, totals; v1.1 and v2.0 (METRICS.md §5).
 *
 * normalize_answer is lower -> remove_punc -> remove_articles ->
 * white_space_fix, on code points with Python's semantics (pyunicode.h).
 * remove_articles is re.sub(r'\b(a|an|the)\b', ' ', text): one left-to-
 * right pass over the text as it was before the pass, trying a, an, the in
 * that order at each position where a word starts; \b is a change between
 * word characters (str.isalnum() or '_') and anything else, so combining
 * marks, ZWSP and curly quotes are boundaries.
 *
 * F1 counts common tokens as a multiset intersection (Counter & Counter)
 * by sorting both token lists and merging. Arithmetic follows the script:
 * P = same/len(pred), R = same/len(gold), F1 = (2*P*R)/(P+R). */
#include "squad.h"

#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "pyunicode.h"
#include "scorer.h"

static int is_ascii_punct(int32_t c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`')
        || (c >= '{' && c <= '~');
}

static int is_word(int32_t c)
{
    return c == '_' || py_isalnum(c);
}

/* Length of the article starting at s[i] (a word start), 0 if none. */
static size_t article_at(const int32_t *s, size_t n, size_t i)
{
    static const char *const articles[] = { "a", "an", "the" };
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(articles[k]);
        if (i + len > n)
            continue;
        size_t j = 0;
        while (j < len && s[i + j] == (int32_t)articles[k][j])
            j++;
        if (j == len && (i + len == n || !is_word(s[i + len])))
            return len;
    }
    return 0;
}

struct joiner {
    struct ustr *out;
};

static void join_piece(const int32_t *piece, size_t len, void *ud)
{
    struct joiner *j = ud;
    if (j->out->len)
        ustr_push(j->out, ' ');
    for (size_t i = 0; i < len; i++)
        ustr_push(j->out, piece[i]);
}

char *squad_normalize(const char *s, size_t n, size_t *out_n)
{
    struct ustr raw, low, a, b;
    ustr_init(&raw);
    ustr_init(&low);
    ustr_init(&a);
    ustr_init(&b);
    ustr_from_utf8(&raw, s, n);
    py_lower(&raw, &low);

    for (size_t i = 0; i < low.len; i++)               /* remove_punc */
        if (!is_ascii_punct(low.cp[i]))
            ustr_push(&a, low.cp[i]);

    for (size_t i = 0; i < a.len;) {                   /* remove_articles */
        size_t len = 0;
        if ((i == 0 || !is_word(a.cp[i - 1])) && is_word(a.cp[i]))
            len = article_at(a.cp, a.len, i);
        if (len) {
            ustr_push(&b, ' ');
            i += len;
        } else {
            ustr_push(&b, a.cp[i++]);
        }
    }

    raw.len = 0;                                       /* white_space_fix */
    struct joiner j = { &raw };
    py_split(&b, join_piece, &j);
    size_t len;
    char *res = ustr_to_utf8(&raw, &len);
    if (out_n)
        *out_n = len;
    ustr_release(&raw);
    ustr_release(&low);
    ustr_release(&a);
    ustr_release(&b);
    return res;
}

int squad_exact(const char *prediction, const char *gold)
{
    char *p = squad_normalize(prediction, strlen(prediction), NULL);
    char *g = squad_normalize(gold, strlen(gold), NULL);
    int same = strcmp(p, g) == 0;
    free(p);
    free(g);
    return same;
}

/* Splits a normalized string (single spaces, no edges) in place. */
static size_t split_tokens(char *s, char ***out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    for (char *p = s; *p;) {
        char *e = strchr(p, ' ');
        XGROW(*out, cap, n + 1);
        (*out)[n++] = p;
        if (!e)
            break;
        *e = '\0';
        p = e + 1;
    }
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

double squad_f1(enum squad_version v, const char *prediction, const char *gold)
{
    char *p = squad_normalize(prediction, strlen(prediction), NULL);
    char *g = squad_normalize(gold, strlen(gold), NULL);
    char **pt, **gt;
    size_t np = split_tokens(p, &pt), ng = split_tokens(g, &gt);
    double f1 = 0;
    if (v == SQUAD_V20 && (np == 0 || ng == 0)) {
        f1 = np == ng;              /* no-answer agrees only with no-answer */
    } else {
        if (np > 1)
            qsort(pt, np, sizeof(*pt), cmp_str);
        if (ng > 1)
            qsort(gt, ng, sizeof(*gt), cmp_str);
        size_t same = 0;
        for (size_t i = 0, k = 0; i < np && k < ng;) {
            int c = strcmp(pt[i], gt[k]);
            if (c == 0) {
                same++;
                i++;
                k++;
            } else if (c < 0) {
                i++;
            } else {
                k++;
            }
        }
        if (same) {
            double precision = 1.0 * (double)same / (double)np;
            double recall = 1.0 * (double)same / (double)ng;
            f1 = (2 * precision * recall) / (precision + recall);
        }
    }
    free(pt);
    free(gt);
    free(p);
    free(g);
    return f1;
}

int squad_score(enum squad_version v, const char *prediction, const char *const *golds,
                size_t ngolds, struct squad_result *out)
{
    out->exact_match = 0;
    out->f1 = 0;
    if (v == SQUAD_V11 && ngolds == 0)
        return -1;
    /* v2.0 drops golds that normalize to ""; none left -> the gold is [""] */
    size_t kept = 0;
    for (size_t i = 0; i < ngolds; i++) {
        if (v == SQUAD_V20) {
            size_t len;
            free(squad_normalize(golds[i], strlen(golds[i]), &len));
            if (len == 0)
                continue;
        }
        int em = squad_exact(prediction, golds[i]);
        double f1 = squad_f1(v, prediction, golds[i]);
        if (em > out->exact_match)
            out->exact_match = em;
        if (kept++ == 0 || f1 > out->f1)
            out->f1 = f1;
    }
    if (kept == 0) {
        out->exact_match = squad_exact(prediction, "");
        out->f1 = squad_f1(v, prediction, "");
    }
    return 0;
}

void squad_total_init(struct squad_total *t)
{
    memset(t, 0, sizeof(*t));
}

void squad_total_add(struct squad_total *t, const struct squad_result *r)
{
    t->exact_sum += r->exact_match;
    t->f1_sum += r->f1;
    t->n++;
}

void squad_total_get(const struct squad_total *t, double *exact_match, double *f1)
{
    *exact_match = t->n ? 100.0 * t->exact_sum / (double)t->n : 0;
    *f1 = t->n ? 100.0 * t->f1_sum / (double)t->n : 0;
}

/* ==== the "squad" item scorer ========================================================= */

struct squad_scorer {
    enum squad_version version;
};

static void *squad_configure(const cJSON *options, const char *file, const char *path,
                             struct diag *d)
{
    static const char *const keys[] = { "version", NULL };
    struct squad_scorer *s = xcalloc(1, sizeof(*s));
    s->version = SQUAD_V11;
    if (!options)
        return s;
    const char *ver = NULL;
    if (!cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options, got %s",
                     json_kind(options));
        goto fail;
    }
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_string(options, "version", file, path, 0, &ver, d) < 0)
        goto fail;
    if (ver && strcmp(ver, "2.0") == 0) {
        s->version = SQUAD_V20;
    } else if (ver && strcmp(ver, "1.1") != 0) {
        char p[256];
        jpath_key(p, sizeof(p), path, "version");
        diag_fail_at(d, file, 0, p, "expected \"1.1\" or \"2.0\", got \"%s\"", ver);
        goto fail;
    }
    return s;
fail:
    free(s);
    return NULL;
}

static int squad_item(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct squad_scorer *s = state;
    struct squad_result r;
    if (squad_score(s->version, it->hyp ? it->hyp : "", it->refs, it->nrefs, &r) < 0)
        return diag_fail(d, "squad (v1.1) needs at least one gold answer; the item has none");
    cJSON_AddNumberToObject(out, "exact_match", r.exact_match);
    cJSON_AddNumberToObject(out, "f1", r.f1);
    return 0;
}

static void squad_release(void *state)
{
    free(state);
}

const struct scorer_ops scorer_squad = {
    .type = "squad",
    .summary = "SQuAD exact match (0/1) and token F1 (0-1), official evaluate.py normalisation",
    .configure = squad_configure,
    .score = squad_item,
    .release = squad_release,
};
