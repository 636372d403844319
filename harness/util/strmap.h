/* strmap.h -- string-keyed hash map (open addressing, linear probing).
 *
 * Keys are copied in (the map owns its copies); values are opaque
 * pointers the map never frees. Used for record keys (suite, item,
 * backend, repeat), item ids and name lookups. Not thread-safe. */
#ifndef ASSAY_STRMAP_H
#define ASSAY_STRMAP_H

#include <stddef.h>

struct strmap_slot {
    char *key;     /* NULL = empty */
    size_t klen;
    void *value;
};

struct strmap {
    struct strmap_slot *slots;
    size_t cap;    /* power of two, or 0 */
    size_t len;
};

void   strmap_init(struct strmap *m);
void   strmap_release(struct strmap *m);        /* frees keys and slots, not values */
/* Inserts or replaces; returns the previous value (NULL if none). */
void  *strmap_put(struct strmap *m, const char *key, size_t klen, void *value);
void  *strmap_get(const struct strmap *m, const char *key, size_t klen);  /* NULL if absent */
int    strmap_has(const struct strmap *m, const char *key, size_t klen);
/* Iteration: for (size_t i = 0; i < m->cap; i++) if (m->slots[i].key) ... */

#endif
