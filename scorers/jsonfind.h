/* jsonfind.h -- find the JSON value in a model's reply.
 *
 * Models answer "return JSON" in three shapes; they are tried in order:
 *   bare      the whole reply, after trimming whitespace, is one JSON value;
 *   fenced    a Markdown code fence (```json, ```JSON, ```jsonc or ```
 *             without a language; ~~~ fences too), the first whose body
 *             parses; an unterminated fence (reply cut off) runs to the end;
 *   embedded  the first balanced {...} or [...] in the prose that parses,
 *             balanced with strings and escapes respected, so braces inside
 *             JSON strings never count.
 * Parsing is strict JSON (cJSON, nothing but whitespace after the value):
 * single quotes, comments and trailing commas are not repaired, the reason
 * says what was wrong and where. Work is bounded for adversarial input (a
 * megabyte of '[' gives up with a reason rather than going quadratic). */
#ifndef ASSAY_JSONFIND_H
#define ASSAY_JSONFIND_H

#include <cjson/cJSON.h>
#include <stddef.h>

enum jsonfind_how {
    JSONFIND_NONE,        /* nothing parseable: see reason */
    JSONFIND_BARE,
    JSONFIND_FENCED,
    JSONFIND_EMBEDDED,
};

/* What an embedded candidate must be (bare and fenced values are taken as
 * they are; the caller's schema check judges their type). */
enum jsonfind_want {
    JSONFIND_ANY,         /* object or array */
    JSONFIND_OBJECT,
    JSONFIND_ARRAY,
};

struct jsonfind {
    cJSON *value;         /* returned owned (cJSON_Delete); NULL if not found */
    enum jsonfind_how how;
    size_t start, end;    /* byte range of the JSON text in the reply */
    char reason[512];     /* why nothing was found; "" when found */
};

/* Looks for JSON in reply[0..n) (any bytes). Returns 0 when found, -1
 * with out->reason set otherwise; never fails for any other cause. */
int jsonfind(const char *reply, size_t n, enum jsonfind_want want, struct jsonfind *out);

/* "bare", "fenced", "embedded" or "none". */
const char *jsonfind_how_name(enum jsonfind_how how);

#endif
