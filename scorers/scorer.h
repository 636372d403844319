/* scorer.h -- what every item scorer provides, and the registry.
 *
 * A suite lists scorer instances: {"name": "rouge", "type": "rouge",
 * "options": {...}}. The run engine configures each once, then calls
 * score() for every finished request; each instance fills its own member
 * of the record's "scores" object (docs/records.md):
 *
 *   "scores": {"rouge": {"rouge1": 0.51, "rougeLsum": 0.47},
 *              "length": {"pass": true, "reason": "58 words, within 30..90"}}
 *
 * Conventions: metric values are numbers on the reference implementation's
 * own scale (sacreBLEU 0-100, rouge-score 0-1, SQuAD per item 0/1 and 0-1);
 * pass/fail scorers set "pass" (bool) and always a "reason" (string);
 * anything that cannot be scored (unparseable JSON) scores 0 / fails with
 * the reason kept, never an error: a diag from score() means a bug or bad
 * options, not a bad model answer.
 *
 * Adding a scorer: write scorers/NAME.c defining
 * `const struct scorer_ops scorer_NAME`, add one line to scorer_table[] in
 * scorers/registry.c, add tests/test_NAME.c. */
#ifndef ASSAY_SCORER_H
#define ASSAY_SCORER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/diag.h"

/* One item to score. Everything is borrowed for the duration of the call. */
struct score_item {
    const char *hyp;               /* the model's answer text, UTF-8 (may be empty) */
    const char *const *refs;       /* reference texts (may be 0 of them) */
    size_t nrefs;
    const cJSON *gold;             /* gold JSON value (extraction), or NULL */
    const cJSON *item;             /* the whole dataset item: language, tags, ... */
};

struct scorer_ops {
    const char *type;              /* the suite's "type": "rouge", "bleu", "json_fields", ... */
    const char *summary;           /* one line for docs and `assay suites` */
    /* MUST: check options (NULL = defaults) and return owned state, or
     * NULL with a diag naming file and path (e.g. suites/x.json,
     * scorers[1].options.tokenize). */
    void *(*configure)(const cJSON *options, const char *file, const char *path,
                       struct diag *d);
    /* MUST: score one item into out (an empty object this scorer owns). */
    int (*score)(void *state, const struct score_item *it, cJSON *out, struct diag *d);
    /* MUST: free the state. */
    void (*release)(void *state);
};

/* The registry: NULL if no scorer has that type. */
const struct scorer_ops *scorer_find(const char *type);
/* NULL-terminated list of every registered scorer, for help and docs. */
extern const struct scorer_ops *const scorer_table[];

#endif
