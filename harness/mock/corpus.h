/* corpus.h -- the items the mock knows answers for, and the lookup that
 * finds which item a prompt is about.
 *
 * An item has an id, a task family, the input texts a prompt about it
 * contains (the fields the suite's template puts in the prompt), and its
 * reference: a text (summary, translation) or a gold JSON value
 * (extraction). corpus_find is O(prompt length): a rolling hash over the
 * first CORPUS_WINDOW bytes of each item's longest input ("anchor") is
 * looked up at every position, and a hit is confirmed by comparing the
 * whole anchor. The item whose anchor starts last wins (few-shot examples
 * come before the question); items sharing an anchor (one sentence
 * translated into several languages) are told apart by how many of their
 * other inputs the prompt contains. */
#ifndef ASSAY_MOCK_CORPUS_H
#define ASSAY_MOCK_CORPUS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/diag.h"

#define CORPUS_WINDOW 32

struct corpus_item {
    char *id;
    char *family;        /* task family: summarization, extraction, translation, ... */
    char **inputs;       /* texts a prompt about this item contains */
    size_t n_inputs;
    size_t anchor;       /* index of the longest input */
    char *reference;     /* reference text, or NULL */
    cJSON *gold;         /* gold JSON value, or NULL */
};

struct corpus;

struct corpus *corpus_new(void);
void corpus_free(struct corpus *c);
/* Copies everything it is given. The anchor is the longest of the first
 * n_main inputs (0 = all) of at least 4 bytes; the other inputs (at least
 * 2 bytes) only tell items with the same anchor apart. An item without an
 * anchor is not added (returns -1). */
int  corpus_add(struct corpus *c, const char *id, const char *family, const char *const *inputs,
                size_t n_inputs, size_t n_main, const char *reference, const cJSON *gold);
/* The mock's own JSONL format, one item a line:
 *   {"id":..., "family":..., "inputs":[...], "reference":"..." | "gold":{...}}
 * ("input": "..." for a single input). */
int  corpus_load_jsonl(struct corpus *c, const char *path, struct diag *d);
size_t corpus_count(const struct corpus *c);
const struct corpus_item *corpus_item_at(const struct corpus *c, size_t i);
/* The item the text is about, or NULL. Borrowed. The index is (re)built
 * lazily after corpus_add. */
const struct corpus_item *corpus_find(struct corpus *c, const char *text, size_t n);

#endif
