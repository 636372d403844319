/* suite.h -- suite definitions (suites/NAME.json): what to ask, of which
 * items, with which generation parameters, and how to score the answers.
 *
 * suite_load reads one suite file, checks every key (unknown keys, types,
 * scorer types against scorers/scorer.h's registry, the primary metric),
 * loads its dataset (dataset.h) and checks that every template renders for
 * every item, so a bad suite fails before any request is sent. Errors name
 * the suite file and JSON path, or the dataset file and line:
 *
 *   suites/x.json: scorers[1].type: unknown scorer "rogue" (did you mean "rouge"?)
 *   suites/x.json: prompt.user: {{title}}: item "s-3" (datasets/s.jsonl:3) has no field "title"
 *
 * suite_render turns (suite, item, backend) into the prompt that backend
 * is sent: system text, chat messages (few-shot turns, then the item's user
 * turn), the raw input for task-pipeline backends, generation parameters,
 * the response format, after applying the suite's overrides for that
 * backend's name or type. docs/suites.md documents the format.
 *
 * Ownership: a struct suite owns everything it points to (suite_release);
 * items are borrowed from s->data; a struct prompt owns its contents
 * (prompt_release). */
#ifndef ASSAY_SUITE_H
#define ASSAY_SUITE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "template.h"
#include "harness/util/diag.h"

struct scorer_ops;

#define SUITE_MAX_SHOTS 64       /* few-shot examples per prompt */
#define SUITE_MAX_OVERRIDES 64   /* overrides per suite */

enum response_kind {
    RESPONSE_TEXT = 0,     /* plain text (default) */
    RESPONSE_JSON_OBJECT,  /* any JSON object ("json mode") */
    RESPONSE_JSON_SCHEMA,  /* JSON valid against a schema */
};

/* Generation parameters; "unset" lets the backend use its default. */
struct gen_params {
    long max_tokens;       /* -1 = unset */
    double temperature;    /* NAN = unset */
    double top_p;          /* NAN = unset */
    long long seed;
    int has_seed;
    char **stop;           /* owned strings */
    size_t nstop;
    int has_stop;          /* "stop" given (possibly empty: clears an inherited list) */
};

struct prompt_spec {       /* compiled templates; NULL = not set (inherit) */
    struct template *system;
    struct template *user;
    struct template *raw;        /* the raw input for task pipelines */
    struct template *assistant;  /* a few-shot example's answer */
};

struct response_spec {
    int set;                     /* given in this block (overrides inherit otherwise) */
    enum response_kind kind;
    char *name;                  /* schema name sent to backends that want one */
    cJSON *schema;               /* owned literal schema, or NULL */
    char *schema_field;          /* or: the item field holding its schema */
    int strict;                  /* ask for strict schema adherence (default 1) */
};

struct few_shot {
    size_t k;                    /* examples per prompt (0 = none) */
    uint64_t seed;               /* drawing is deterministic per item and seed */
    char **ids;                  /* or: these items, in this order */
    size_t nids;
    char *same_tag;              /* draw only among items sharing this tag's value */
    /* Private, built at load for same_tag: item numbers grouped by the
     * tag's value; item i draws from pool[start[i] .. start[i] + len[i]). */
    size_t *pool, *start, *len;
};

struct scorer_spec {
    char *name;                  /* instance name: the record's scores member */
    char *type;                  /* registry type: "rouge", "bleu", ... */
    cJSON *options;              /* owned, NULL = defaults */
    const struct scorer_ops *ops;/* from the registry; NULL under SUITE_NO_SCORER_CHECK */
};

struct override {
    char *backend;               /* matches a backend name, or NULL */
    char *backend_type;          /* matches a backend type, or NULL */
    struct prompt_spec prompt;   /* set members replace the suite's */
    struct gen_params gen;       /* set members replace the suite's */
    struct response_spec response;
    cJSON *backend_params;       /* replaces the suite's when non-NULL */
    int no_few_shot;             /* "few_shot": false */
};

struct suite {
    char *name;
    char *task;                  /* summarization | extraction | translation | multilingual |
                                    classification | qa | generic */
    char *description;
    char *file;                  /* the suite file as given */
    char *dataset_file;          /* the dataset path as resolved */
    struct dataset_spec dspec;
    struct dataset data;
    struct prompt_spec prompt;
    struct few_shot few_shot;
    struct gen_params gen;
    struct response_spec response;
    cJSON *backend_params;       /* owned: extra request parameters; string values are templates */
    struct scorer_spec *scorers;
    size_t nscorers;
    char *primary_metric;        /* "instance.key", e.g. "rouge.rougeLsum" */
    char *primary_scorer;        /* "rouge" */
    char *primary_key;           /* "rougeLsum" */
    int higher_is_better;
    struct override *overrides;
    size_t noverrides;
};

enum {
    SUITE_NO_SCORER_CHECK = 1 << 0,  /* do not look scorer types up (the mock has no scorers) */
    SUITE_NO_DATASET = 1 << 1,       /* parse and check the suite only; s->data stays empty */
};

void suite_init(struct suite *s);
/* Loads path into s (s is initialised first). On error s is released. */
int  suite_load(const char *path, unsigned flags, struct suite *s, struct diag *d);
/* Same from n bytes of suite JSON; path names it in messages and anchors
 * the relative dataset path. */
int  suite_load_text(const char *text, size_t n, const char *path, unsigned flags,
                     struct suite *s, struct diag *d);
void suite_release(struct suite *s);

/* Every *.json in dir (sorted by file name). A suite that fails is
 * reported through d (set d->echo to see every one) and skipped; returns
 * -1 if any failed or two share a name. */
struct suite_set {
    struct suite *v;
    size_t n;
};
int  suites_load_dir(const char *dir, unsigned flags, struct suite_set *set, struct diag *d);
const struct suite *suite_set_find(const struct suite_set *set, const char *name);
void suite_set_release(struct suite_set *set);

/* $ASSAY_SUITES_DIR, else the source tree's suites/ (baked in at build
 * time). Borrowed. */
const char *suites_default_dir(void);

/* === rendering === */

struct message {
    const char *role;            /* "user" or "assistant" (static) */
    char *content;               /* owned */
};

struct prompt {
    char *system;                /* owned; NULL when the suite has no system prompt */
    struct message *msgs;        /* owned: few-shot turns, then the item's user turn (last) */
    size_t nmsgs;
    const char *user;            /* borrowed alias of the last message's content */
    char *raw;                   /* owned: the rendered prompt.raw for task-pipeline backends, or
                                    NULL when the suite sets none (adapters then flatten the
                                    system text and user turn themselves) */
    struct gen_params gen;       /* stop strings owned */
    enum response_kind response;
    char *response_name;         /* owned or NULL */
    cJSON *schema;               /* owned or NULL */
    int strict;
    cJSON *backend_params;       /* owned, rendered, or NULL */
    size_t nshots;               /* few-shot examples included */
    const struct override *applied[SUITE_MAX_OVERRIDES]; /* overrides applied, in order (borrowed) */
    size_t napplied;
};

void prompt_init(struct prompt *p);
void prompt_release(struct prompt *p);

/* backend_name / backend_type may be NULL (no override matches). Type
 * overrides apply first, then name overrides (the more specific wins). */
int suite_render(const struct suite *s, const struct item *it, const char *backend_name,
                 const char *backend_type, struct prompt *out, struct diag *d);

/* Few-shot examples for item number idx of s->data: writes up to max item
 * numbers into out, returns how many. Deterministic; never the item itself. */
size_t suite_few_shot(const struct suite *s, size_t idx, size_t *out, size_t max);

/* === what the mock and the scorers read about an item === */

/* The item's input texts (the text under test as it appears in the
 * prompt): dataset.input, else the string fields the user template names.
 * Borrowed; returns how many (at most max). */
size_t suite_item_inputs(const struct suite *s, const struct item *it, const char **out,
                         size_t max);
/* The JSON schema the answer must follow for this item (borrowed), or NULL. */
const cJSON *suite_item_schema(const struct suite *s, const struct item *it);
/* Item number of it within s->data. */
size_t suite_item_index(const struct suite *s, const struct item *it);

/* The names of the items' tags: dataset.tags, then dataset.length_tags.
 * Borrowed; returns how many (at most max). */
size_t suite_tag_names(const struct suite *s, const char **out, size_t max);

/* The scorer instance called name, or NULL. */
const struct scorer_spec *suite_scorer(const struct suite *s, const char *name);

#endif
