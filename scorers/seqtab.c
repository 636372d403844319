/* seqtab.c -- see seqtab.h. Linear probing over a power-of-two index kept
 * at most half full; keys compare by hash, length, tag, then content, so a
 * hash collision never merges two n-grams. */
#include "seqtab.h"

#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

void seqtab_init(struct seqtab *t)
{
    memset(t, 0, sizeof(*t));
}

void seqtab_release(struct seqtab *t)
{
    free(t->e);
    free(t->index);
    seqtab_init(t);
}

void seqtab_clear(struct seqtab *t)
{
    for (size_t i = 0; i < t->count; i++)
        t->index[t->e[i].slot] = 0;
    t->count = 0;
}

uint64_t seqtab_hash_final(uint64_t state, uint32_t tag, uint32_t len)
{
    uint64_t h = state ^ ((uint64_t)tag << 32 | len);
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 32;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 29;
    return h;
}

static uint64_t hash_seq(uint32_t tag, const int32_t *key, uint32_t len)
{
    uint64_t h = SEQTAB_HASH_INIT;
    for (uint32_t i = 0; i < len; i++)
        h = seqtab_hash_step(h, key[i]);
    return seqtab_hash_final(h, tag, len);
}

static int same(const struct seqtab_entry *e, uint64_t h, uint32_t tag, const int32_t *key,
                uint32_t len)
{
    return e->hash == h && e->len == len && e->tag == tag &&
           (e->key == key || memcmp(e->key, key, len * sizeof(*key)) == 0);
}

static void grow_index(struct seqtab *t)
{
    size_t ncap = t->icap ? t->icap * 2 : 64;
    free(t->index);
    t->index = xcalloc(ncap, sizeof(*t->index));
    t->icap = ncap;
    for (size_t i = 0; i < t->count; i++) {
        size_t s = t->e[i].hash & (ncap - 1);
        while (t->index[s])
            s = (s + 1) & (ncap - 1);
        t->index[s] = (uint32_t)(i + 1);
        t->e[i].slot = (uint32_t)s;
    }
}

size_t seqtab_find(const struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len)
{
    if (!t->icap)
        return (size_t)-1;
    uint64_t h = hash_seq(tag, key, len);
    for (size_t s = h & (t->icap - 1);; s = (s + 1) & (t->icap - 1)) {
        uint32_t k = t->index[s];
        if (!k)
            return (size_t)-1;
        if (same(&t->e[k - 1], h, tag, key, len))
            return k - 1;
    }
}

size_t seqtab_get(struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len)
{
    return seqtab_get_hashed(t, tag, key, len, hash_seq(tag, key, len));
}

size_t seqtab_get_hashed(struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len,
                         uint64_t h)
{
    if ((t->count + 1) * 2 > t->icap)
        grow_index(t);
    size_t s = h & (t->icap - 1);
    for (;; s = (s + 1) & (t->icap - 1)) {
        uint32_t k = t->index[s];
        if (!k)
            break;
        if (same(&t->e[k - 1], h, tag, key, len))
            return k - 1;
    }
    if (t->count == t->ecap)
        XGROW(t->e, t->ecap, t->count + 1);
    struct seqtab_entry *e = &t->e[t->count];
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->len = len;
    e->tag = tag;
    e->hash = h;
    e->slot = (uint32_t)s;
    t->index[s] = (uint32_t)(t->count + 1);
    return t->count++;
}
