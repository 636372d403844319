/* corpus.c -- see corpus.h.
 *
 * Index: for every distinct window length w (min(anchor length, 32)), a
 * Rabin-Karp pass over the prompt; the rolling hash of each w-byte window
 * is looked up in one open-addressing table keyed by (hash, w). Short
 * anchors are rare (a handful of lengths under 32), so the work is a small
 * constant times the prompt length whatever the number of items. */
#define _GNU_SOURCE
#include "corpus.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#define RH_BASE 0x100000001b3ULL

struct slot {
    uint64_t key;      /* 0 = empty */
    size_t head;       /* first entry + 1 */
};

struct corpus {
    struct corpus_item *items;
    size_t n, cap;
    /* index */
    int dirty;
    size_t *next;                  /* per item: next item with the same key + 1 */
    struct slot *tab;
    size_t tab_cap;
    unsigned char lens[CORPUS_WINDOW + 1]; /* which window lengths exist */
};

struct corpus *corpus_new(void)
{
    return xcalloc(1, sizeof(struct corpus));
}

void corpus_free(struct corpus *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        struct corpus_item *it = &c->items[i];
        free(it->id);
        free(it->family);
        for (size_t k = 0; k < it->n_inputs; k++)
            free(it->inputs[k]);
        free(it->inputs);
        free(it->reference);
        cJSON_Delete(it->gold);
    }
    free(c->items);
    free(c->next);
    free(c->tab);
    free(c);
}

size_t corpus_count(const struct corpus *c)
{
    return c ? c->n : 0;
}

const struct corpus_item *corpus_item_at(const struct corpus *c, size_t i)
{
    return i < c->n ? &c->items[i] : NULL;
}

/* Trims ASCII whitespace at both ends: templates often do. */
static char *trimmed_copy(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return xstrndup(s, n);
}

int corpus_add(struct corpus *c, const char *id, const char *family, const char *const *inputs,
               size_t n_inputs, size_t n_main, const char *reference, const cJSON *gold)
{
    struct corpus_item it;
    memset(&it, 0, sizeof(it));
    size_t best = 0;
    if (n_main == 0 || n_main > n_inputs)
        n_main = n_inputs;
    for (size_t k = 0; k < n_inputs; k++) {
        if (!inputs[k])
            continue;
        char *t = trimmed_copy(inputs[k]);
        size_t len = strlen(t);
        if (len < (k < n_main ? 4u : 2u)) {
            free(t);
            continue;
        }
        it.inputs = xrealloc(it.inputs, (it.n_inputs + 1) * sizeof(char *));
        if (k < n_main && len > best) {
            best = len;
            it.anchor = it.n_inputs;
        }
        it.inputs[it.n_inputs++] = t;
    }
    if (!best) {
        for (size_t k = 0; k < it.n_inputs; k++)
            free(it.inputs[k]);
        free(it.inputs);
        return -1;
    }
    it.id = xstrdup(id ? id : "");
    it.family = xstrdup(family ? family : "");
    it.reference = reference ? xstrdup(reference) : NULL;
    it.gold = gold ? cJSON_Duplicate(gold, 1) : NULL;
    XGROW(c->items, c->cap, c->n + 1);
    c->items[c->n++] = it;
    c->dirty = 1;
    return 0;
}

static uint64_t window_hash(const unsigned char *p, size_t w)
{
    uint64_t h = 0;
    for (size_t i = 0; i < w; i++)
        h = h * RH_BASE + p[i];
    return h;
}

static uint64_t slot_key(uint64_t h, size_t w)
{
    uint64_t k = (h ^ ((uint64_t)w << 56)) * 0x9e3779b97f4a7c15ULL;
    return k ? k : 1;
}

static struct slot *slot_find(const struct corpus *c, uint64_t key)
{
    size_t mask = c->tab_cap - 1;
    for (size_t i = (size_t)(key >> 7) & mask;; i = (i + 1) & mask) {
        struct slot *s = &c->tab[i];
        if (s->key == key || s->key == 0)
            return s;
    }
}

static void build_index(struct corpus *c)
{
    free(c->tab);
    free(c->next);
    c->tab_cap = 16;
    while (c->tab_cap < c->n * 2 + 2)
        c->tab_cap *= 2;
    c->tab = xcalloc(c->tab_cap, sizeof(*c->tab));
    c->next = xcalloc(c->n ? c->n : 1, sizeof(size_t));
    memset(c->lens, 0, sizeof(c->lens));
    /* Inserted back to front, so a chain lists items in the order added. */
    for (size_t i = c->n; i-- > 0;) {
        const char *a = c->items[i].inputs[c->items[i].anchor];
        size_t len = strlen(a), w = len < CORPUS_WINDOW ? len : CORPUS_WINDOW;
        c->lens[w] = 1;
        uint64_t key = slot_key(window_hash((const unsigned char *)a, w), w);
        struct slot *s = slot_find(c, key);
        s->key = key;
        c->next[i] = s->head;
        s->head = i + 1;
    }
    c->dirty = 0;
}

/* How many of the item's inputs (besides the anchor) the text contains. */
static size_t others_present(const struct corpus_item *it, const char *text, size_t n)
{
    size_t count = 0;
    for (size_t k = 0; k < it->n_inputs; k++)
        if (k != it->anchor && memmem(text, n, it->inputs[k], strlen(it->inputs[k])))
            count++;
    return count;
}

const struct corpus_item *corpus_find(struct corpus *c, const char *text, size_t n)
{
    if (!c || !c->n)
        return NULL;
    if (c->dirty)
        build_index(c);
    const unsigned char *t = (const unsigned char *)text;
    const struct corpus_item *best = NULL;
    size_t best_pos = 0, best_len = 0;
    long best_others = -1;   /* computed only when a tie needs it */
    for (size_t w = 1; w <= CORPUS_WINDOW; w++) {
        if (!c->lens[w] || w > n)
            continue;
        uint64_t pow = 1;   /* RH_BASE^(w-1) */
        for (size_t i = 1; i < w; i++)
            pow *= RH_BASE;
        uint64_t h = window_hash(t, w);
        for (size_t pos = 0;; pos++) {
            struct slot *s = slot_find(c, slot_key(h, w));
            for (size_t e = s->key ? s->head : 0; e; e = c->next[e - 1]) {
                const struct corpus_item *it = &c->items[e - 1];
                const char *a = it->inputs[it->anchor];
                size_t len = strlen(a);
                if (pos + len > n || memcmp(text + pos, a, len) != 0)
                    continue;
                if (!best || pos > best_pos || (pos == best_pos && len > best_len)) {
                    best = it;
                    best_pos = pos;
                    best_len = len;
                    best_others = -1;
                } else if (pos == best_pos && len == best_len) {
                    if (best_others < 0)
                        best_others = (long)others_present(best, text, n);
                    long o = (long)others_present(it, text, n);
                    if (o > best_others) {
                        best = it;
                        best_others = o;
                    }
                }
            }
            if (pos + w >= n)
                break;
            h = (h - t[pos] * pow) * RH_BASE + t[pos + w];
        }
    }
    return best;
}

/* --- the mock's own JSONL format ----------------------------------------- */

struct jsonl_ctx {
    struct corpus *c;
    const char *path;
};

static int add_line(cJSON *obj, long line, void *ud, struct diag *d)
{
    struct jsonl_ctx *ctx = ud;
    static const char *const keys[] = { "id", "family", "input", "inputs", "reference", "gold",
                                        NULL };
    char file[600];   /* "path:line", so the getters' messages carry the line */
    snprintf(file, sizeof(file), "%s:%ld", ctx->path, line);
    int rc = 0;
    const char *id = NULL, *family = NULL, *ref = NULL, *input = NULL;
    const cJSON *arr = NULL;
    if (jv_known_keys(obj, keys, file, "", d) < 0 ||
        jv_string(obj, "id", file, "", 1, &id, d) < 0 ||
        jv_string(obj, "family", file, "", 0, &family, d) < 0 ||
        jv_string(obj, "input", file, "", 0, &input, d) < 0 ||
        jv_array(obj, "inputs", file, "", 0, &arr, d) < 0 ||
        jv_string(obj, "reference", file, "", 0, &ref, d) < 0) {
        rc = -1;
        goto out;
    }
    const cJSON *gold = cJSON_GetObjectItemCaseSensitive(obj, "gold");
    const char *inputs[64];
    size_t n = 0;
    if (input)
        inputs[n++] = input;
    for (const cJSON *it = arr ? arr->child : NULL; it && n < 64; it = it->next)
        if (cJSON_IsString(it))
            inputs[n++] = it->valuestring;
    if (!ref && !gold) {
        rc = diag_fail_at(d, file, 0, NULL, "an item needs \"reference\" or \"gold\"");
        goto out;
    }
    if (corpus_add(ctx->c, id, family ? family : (gold ? "extraction" : "summarization"), inputs,
                   n, 0, ref, gold) < 0)
        rc = diag_fail_at(d, file, 0, "inputs", "no input of at least 4 characters");
out:
    cJSON_Delete(obj);
    return rc;
}

int corpus_load_jsonl(struct corpus *c, const char *path, struct diag *d)
{
    struct jsonl_ctx ctx = { c, path };
    return jsonl_read(path, add_line, &ctx, d);
}
