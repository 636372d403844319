/* dataset.h -- evaluation items from JSONL, CSV or TSV files, mapped by a
 * suite's "dataset" block onto the names the suite uses.
 *
 * The file keeps its own layout; the mapping says which of its fields (a
 * key, a dotted path into nested JSON such as "meta.lang", or a CSV column
 * name) becomes the item's id, its fields, references, gold answer and
 * tags. Every item becomes one JSON object with the suite's names:
 *
 *   {"id": "sum-news-001", "document": "...", "title": "...",
 *    "references": ["..."], "gold": {...}, "tags": {"domain": "news"}}
 *
 * id, references, gold and tags are reserved names; references is always
 * an array of strings and tags an object of strings when mapped. CSV/TSV
 * cells are strings (a gold cell is parsed as JSON text). docs/suites.md
 * documents every key of the block.
 *
 * Loading checks: valid UTF-8, each line/record well formed, every mapped
 * field present, ids unique, at least one item. Errors name file:line
 * (and column for syntax), e.g.
 *   datasets/s.jsonl:41: item "sum-7": no field "documnet" (dataset.fields.document)
 *   datasets/s.jsonl:9: duplicate item id "sum-3" (first at line 2) */
#ifndef ASSAY_DATASET_H
#define ASSAY_DATASET_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/diag.h"

enum dataset_format { DATASET_JSONL, DATASET_CSV, DATASET_TSV };

struct field_map {
    char *name;     /* the suite's name */
    char *source;   /* the file's field path or column name */
};

/* A tag computed from a text's length, for files without one: the item's
 * tag `name` is the label of the first bound the length is below. */
struct length_tag {
    char *name;                   /* the tag, e.g. "length" */
    char *field;                  /* the suite field measured */
    int chars;                    /* 1: code points; 0: whitespace-separated words */
    long *bounds;                 /* ascending; nbounds + 1 labels */
    size_t nbounds;
    char **labels;
};

/* The "dataset" block of a suite, parsed. All strings owned. */
struct dataset_spec {
    char *path;                   /* as written in the suite */
    enum dataset_format format;
    int quoting;                  /* CSV/TSV: honour "..." quoting (default on) */
    char *id;                     /* source of the id; "@line" = "line-N" */
    int all_fields;               /* no "fields" given: every top-level field/column */
    struct field_map *fields;
    size_t nfields;
    char **refs;                  /* reference sources: one field (string or list) or several */
    size_t nrefs;
    char *gold;                   /* gold source, or NULL */
    struct field_map *tags;
    size_t ntags;
    char **inputs;                /* suite fields holding the input text, or none (see suite.h) */
    size_t ninputs;
    char *language;               /* suite field holding the answer's language, or NULL */
    char *suite_file;             /* the suite that holds the block, for messages */
    struct length_tag *length_tags;
    size_t nlength_tags;
};

struct item {
    char *id;                     /* owned */
    long line;                    /* 1-based line in the file where the item starts */
    cJSON *obj;                   /* owned: the mapped object (above) */
    const char **refs;            /* owned array of strings borrowed from obj */
    size_t nrefs;
    const cJSON *gold;            /* borrowed from obj; NULL when no gold is mapped */
    const cJSON *tags;            /* borrowed from obj: an object, possibly empty */
    const char *lang;             /* borrowed from obj; NULL when no language is mapped */
};

struct dataset {
    char *path;                   /* the file as opened (resolved) */
    struct item *items;
    size_t n;
    size_t *index;                /* open-addressing id index: item number + 1, 0 = empty */
    size_t index_cap;
};

/* Parses the block at JSON path `path` of `file` (the suite). */
void dataset_spec_init(struct dataset_spec *spec);
int  dataset_spec_parse(const cJSON *block, const char *file, const char *path,
                        struct dataset_spec *spec, struct diag *d);
void dataset_spec_release(struct dataset_spec *spec);

/* Loads the file at `resolved` (the spec's path already resolved by the
 * caller) into ds. On error ds is left empty. */
void dataset_init(struct dataset *ds);
int  dataset_load(const struct dataset_spec *spec, const char *resolved, struct dataset *ds,
                  struct diag *d);
void dataset_release(struct dataset *ds);

/* The item with that id (borrowed), or NULL. */
const struct item *dataset_find(const struct dataset *ds, const char *id);

/* "item \"ID\" (FILE:LINE)" for messages, into out. */
void item_describe(const struct dataset *ds, const struct item *it, char *out, size_t n);

/* First invalid byte of UTF-8 text: -1 if valid, else its offset. */
long utf8_invalid_at(const char *s, size_t n);

#endif
