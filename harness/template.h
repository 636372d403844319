/* template.h -- prompt templates with {{field}} placeholders, and the field
 * path syntax that templates and dataset field mappings share.
 *
 * A template is compiled once (when its suite loads) and rendered per item
 * against the item's JSON object:
 *
 *   "Summarise this {{tags.domain}} text titled {{ title }}:\n{{document}}"
 *
 * Placeholder rules (docs/suites.md):
 * - {{name}} takes a field path: a key, then .key and [index] steps
 *   ("references[0]", "tags.domain"). A key that itself contains '.' or '['
 *   is found when the whole name is a key of the object. Spaces just inside
 *   the braces are ignored.
 * - Strings render as they are; numbers and booleans as JSON; null renders
 *   as nothing; objects and arrays as compact JSON.
 * - \{{ renders a literal "{{"; any other backslash and any single brace is
 *   literal. An unclosed "{{" or an empty name is a compile error.
 * - A field that the item lacks is a render (and check) error naming the
 *   template's file and JSON path, the field and the item. */
#ifndef ASSAY_TEMPLATE_H
#define ASSAY_TEMPLATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"

struct template;   /* opaque: compiled segments */

/* Compiles src (copied). file and path name the template in errors, e.g.
 * "suites/x.json" and "prompt.user". Returns owned template or NULL. */
struct template *template_compile(const char *src, const char *file, const char *path,
                                  struct diag *d);
void template_free(struct template *t);

/* The source text and where it came from (borrowed from t). */
const char *template_source(const struct template *t);
const char *template_path(const struct template *t);

/* Field paths the template names, in order of appearance (duplicates
 * kept); borrowed. */
size_t template_nfields(const struct template *t);
const char *template_field(const struct template *t, size_t i);

/* Appends the rendering for obj to out. item_desc says which item this is
 * in messages (e.g. "item \"sum-3\" (datasets/s.jsonl:12)"). */
int template_render(const struct template *t, const cJSON *obj, const char *item_desc,
                    struct buf *out, struct diag *d);
/* Same check as rendering, without output: every named field exists. */
int template_check(const struct template *t, const cJSON *obj, const char *item_desc,
                   struct diag *d);

/* Field path lookup (borrowed result, NULL if absent). Syntax as above. */
const cJSON *field_lookup(const cJSON *obj, const char *path);
/* 0 if path is well formed; -1 otherwise (why in *why, static string). */
int field_path_valid(const char *path, const char **why);

/* Appends v as a template renders it (see rules above). */
void field_render(const cJSON *v, struct buf *out);

#endif
