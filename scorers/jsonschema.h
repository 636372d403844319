/* jsonschema.h -- a small JSON Schema validator for the subset suites use.
 *
 * Keywords enforced: type (a name or an array of names: object, array,
 * string, number, integer, boolean, null), properties, required,
 * additionalProperties (false or a schema), items (one schema), enum,
 * const, anyOf, minimum, maximum, exclusiveMinimum, exclusiveMaximum
 * (numbers), minItems, maxItems, minLength, maxLength (code points), and
 * format "date" (YYYY-MM-DD, a real calendar day) and "date-time"
 * (RFC 3339). Annotations are accepted and ignored: title, description,
 * default, examples, $schema, $id, $comment. Any other keyword (pattern,
 * $ref, oneOf...) is refused by jsonschema_check rather than silently not
 * enforced.
 *
 * Instance paths use assay's JSON path form: vendor.name,
 * line_items[2].qty; the root is "" (printed as "(root)").
 *
 * Typical use (a suite loader checking its gold objects):
 *
 *   if (jsonschema_check(schema, "suites/x.json", "schema", d) < 0) ...
 *   struct jsonschema_result r;
 *   jsonschema_result_init(&r);
 *   if (jsonschema_validate(schema, gold, &r) > 0)
 *       for (size_t i = 0; i < r.n; i++)
 *           printf("%s: %s\n", r.v[i].path, r.v[i].msg);
 *   jsonschema_result_release(&r);
 *
 * Everything is borrowed; nothing here keeps a pointer into the schema. */
#ifndef ASSAY_JSONSCHEMA_H
#define ASSAY_JSONSCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/diag.h"

/* Checks the schema itself: known keywords with well-formed values.
 * Reports every problem (diag_fail_at with file and the schema's JSON
 * path under `path`); returns 0 or -1. */
int jsonschema_check(const cJSON *schema, const char *file, const char *path, struct diag *d);

struct jsonschema_violation {
    char path[256];    /* where in the instance: "", "vendor.name", "items[2]" */
    char msg[256];     /* what is wrong: "expected a string, got 12" */
};

struct jsonschema_result {
    struct jsonschema_violation *v;
    size_t n, cap;
};

void jsonschema_result_init(struct jsonschema_result *r);
void jsonschema_result_release(struct jsonschema_result *r);

/* Validates instance against a schema that passed jsonschema_check;
 * appends every violation to r (in document order) and returns how many
 * were added. */
size_t jsonschema_validate(const cJSON *schema, const cJSON *instance,
                           struct jsonschema_result *r);

/* The same, reporting each violation as a diag (file, path_prefix + the
 * instance path); returns 0 if valid, -1 otherwise. */
int jsonschema_validate_diag(const cJSON *schema, const cJSON *instance, const char *file,
                             const char *path_prefix, struct diag *d);

/* True if s is a date YYYY-MM-DD that exists in the proleptic Gregorian
 * calendar. */
int jsonschema_is_date(const char *s);

#endif
