/* seqtab.h -- a hash table from int32 sequences (code points or token
 * ids) to a few counters: the token interner and the n-gram counter of
 * BLEU, chrF and TER.
 *
 * Entries live in one dense array in insertion order (iterate 0..count-1;
 * indices are stable, pointers are not: seqtab_get may move them), and the
 * open-addressing index is rebuilt only when it grows. seqtab_clear forgets
 * every entry in O(entries) and keeps the memory, so scoring segment after
 * segment allocates nothing once the table has grown to the largest one.
 * Keys are borrowed: each sequence must stay alive and unchanged until the
 * table is cleared. */
#ifndef ASSAY_SEQTAB_H
#define ASSAY_SEQTAB_H

#include <stddef.h>
#include <stdint.h>

struct seqtab_entry {
    const int32_t *key;   /* borrowed */
    uint32_t len;
    uint32_t tag;         /* caller's namespace: same key, other tag = other entry */
    uint64_t hash;
    uint32_t slot;        /* position in the index, for seqtab_clear */
    long gen;             /* caller's marker, 0 when inserted */
    long a, b, c;         /* caller's counters, 0 when inserted */
};

struct seqtab {
    struct seqtab_entry *e;   /* dense, e[0..count) */
    size_t count, ecap;
    uint32_t *index;          /* entry number + 1; 0 = empty */
    size_t icap;              /* power of two */
};

void seqtab_init(struct seqtab *t);
void seqtab_release(struct seqtab *t);
void seqtab_clear(struct seqtab *t);
/* Index of the entry for (tag, key[0..len)), inserted if new. */
size_t seqtab_get(struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len);

/* The key hash, built element by element so that callers counting every
 * n-gram of every order from one start position extend the previous
 * order's state instead of rehashing: hash = seqtab_hash_final(state after
 * seqtab_hash_step over key[0..len), tag, len). */
#define SEQTAB_HASH_INIT 0x9E3779B97F4A7C15ULL
static inline uint64_t seqtab_hash_step(uint64_t state, int32_t x)
{
    state ^= (uint32_t)x;
    state *= 0xFF51AFD7ED558CCDULL;
    return state ^ (state >> 29);
}
uint64_t seqtab_hash_final(uint64_t state, uint32_t tag, uint32_t len);
/* seqtab_get with the hash already computed as above. */
size_t seqtab_get_hashed(struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len,
                         uint64_t hash);
/* Index of the entry, or (size_t)-1 if absent. */
size_t seqtab_find(const struct seqtab *t, uint32_t tag, const int32_t *key, uint32_t len);

#endif
