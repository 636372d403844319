/* strmap.c -- see strmap.h. Load factor kept under 1/2; no deletion
 * (nothing in assay removes keys), which keeps probing simple. */
#include "strmap.h"
#include "rng.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void strmap_init(struct strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

void strmap_release(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static size_t find(const struct strmap *m, const char *key, size_t klen)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)hash64(key, klen, 0) & mask;
    while (m->slots[i].key &&
           (m->slots[i].klen != klen || memcmp(m->slots[i].key, key, klen) != 0))
        i = (i + 1) & mask;
    return i;
}

static void grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.slots[i].key)
            continue;
        size_t j = find(m, old.slots[i].key, old.slots[i].klen);
        m->slots[j] = old.slots[i];
    }
    free(old.slots);
}

void *strmap_put(struct strmap *m, const char *key, size_t klen, void *value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t i = find(m, key, klen);
    if (m->slots[i].key) {
        void *prev = m->slots[i].value;
        m->slots[i].value = value;
        return prev;
    }
    m->slots[i].key = xmalloc(klen + 1);
    memcpy(m->slots[i].key, key, klen);   /* keys may hold NUL separators */
    m->slots[i].key[klen] = '\0';
    m->slots[i].klen = klen;
    m->slots[i].value = value;
    m->len++;
    return NULL;
}

void *strmap_get(const struct strmap *m, const char *key, size_t klen)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key, klen);
    return m->slots[i].key ? m->slots[i].value : NULL;
}

int strmap_has(const struct strmap *m, const char *key, size_t klen)
{
    if (!m->cap)
        return 0;
    return m->slots[find(m, key, klen)].key != NULL;
}
