/* jsonv.h -- JSON from files with located errors, and typed validation.
 *
 * Every loader of outside JSON (config, suites, profiles, datasets, records)
 * goes through here so that every message has the same shape: file, line
 * and column for syntax errors; file and JSON path for wrong content:
 *
 *   assay: error: demo.json:7: column 12: expected ',' or '}' in an object
 *   assay: error: demo.json: backends[2].pricing.input: expected a number, got "0.5"
 *
 * Paths are plain strings built by the caller with jpath_key/jpath_index.
 * The jv_* getters return 0 when the value is present and of the right
 * type (or absent and optional: *out untouched), -1 with a diag otherwise.
 * cJSON trees returned here are owned by the caller (cJSON_Delete). */
#ifndef ASSAY_JSONV_H
#define ASSAY_JSONV_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "diag.h"

/* Parses n bytes; on error the diag names file, line (base_line + lines
 * before the error) and column. Trailing non-space bytes are an error. */
cJSON *json_parse_located(const char *text, size_t n, const char *file, long base_line,
                          struct diag *d);
cJSON *json_load_file(const char *path, struct diag *d);

/* Reads a JSONL file: one object per '\n'-terminated line, blank lines
 * skipped, CR before LF tolerated. fn takes ownership of obj and returns 0
 * to go on, -1 to stop (with the diag filled). */
typedef int jsonl_fn(cJSON *obj, long line, void *ud, struct diag *d);
int jsonl_read(const char *path, jsonl_fn *fn, void *ud, struct diag *d);

/* Path composition: writes "parent.key" / "parent[i]" into out. */
void jpath_key(char *out, size_t n, const char *parent, const char *key);
void jpath_index(char *out, size_t n, const char *parent, size_t i);

/* "a string", "a number", "an object", ... for messages. */
const char *json_kind(const cJSON *v);
/* Short rendering of a value for messages: "0.5" (quoted string), 12, true,
 * an object, ... (at most n bytes). */
void json_brief(const cJSON *v, char *out, size_t n);
/* A number from outside data (a token count, a repeat) as a long: the
 * value truncated toward zero when v is a number that fits, else dflt.
 * Never cast valuedouble yourself: cJSON holds any double, and converting
 * one out of range (1e300, -1e30) is undefined behaviour. */
long json_long_or(const cJSON *v, long dflt);

/* Typed getters. file is the input's name for the message; parent the JSON
 * path of obj. */
int jv_string(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, const char **out, struct diag *d);
int jv_number(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, double min, double max, double *out, struct diag *d);
int jv_int(const cJSON *obj, const char *key, const char *file, const char *parent,
           int required, long min, long max, long *out, struct diag *d);
int jv_bool(const cJSON *obj, const char *key, const char *file, const char *parent,
            int required, int *out, struct diag *d);
int jv_object(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, const cJSON **out, struct diag *d);
int jv_array(const cJSON *obj, const char *key, const char *file, const char *parent,
             int required, const cJSON **out, struct diag *d);

/* Every key of obj must be in keys (NULL-terminated) and appear once;
 * reports each offender (with a "did you mean" when one is close). Returns
 * 0 or -1 after reporting all of them. */
int jv_known_keys(const cJSON *obj, const char *const *keys, const char *file,
                  const char *parent, struct diag *d);

#endif
