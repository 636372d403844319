/* jsonw.h -- JSON text written straight into a struct buf, no tree.
 *
 * For output made thousands of times a second (results records): a cJSON
 * tree costs an allocation or two per member, a print that grows its
 * buffer by reallocation, a print-and-reparse per number and a free per
 * node; here a record is appends into one reused buffer.
 *
 * The writer only places commas and colons: the caller opens and closes
 * objects and arrays in order and, inside an object, gives every value a
 * key first (jsonw_key). Strings are escaped as cJSON escapes them, so
 * the text is what cJSON_PrintUnformatted would have printed. Nesting
 * deeper than JSONW_MAX_DEPTH is a programming error (asserted). The
 * buffer is borrowed; an append past its cap is dropped (buf.h), so give
 * it no cap or check its length. */
#ifndef ASSAY_JSONW_H
#define ASSAY_JSONW_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
    struct buf *b;           /* borrowed */
    unsigned depth;
    uint32_t has_member;     /* bit d: the container at depth d holds a value already */
    int after_key;           /* a key was written: the next value needs no comma */
};

void jsonw_init(struct jsonw *w, struct buf *b);   /* appends to b */

void jsonw_obj(struct jsonw *w);                   /* { */
void jsonw_obj_end(struct jsonw *w);               /* } */
void jsonw_arr(struct jsonw *w);                   /* [ */
void jsonw_arr_end(struct jsonw *w);               /* ] */
void jsonw_key(struct jsonw *w, const char *key);  /* "key": */

void jsonw_str(struct jsonw *w, const char *s);    /* a string; NULL writes null */
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_null(struct jsonw *w);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_int(struct jsonw *w, long long v);
/* v rounded to 3 decimals, trailing zeros dropped (milliseconds to the
 * microsecond); not finite -> null. */
void jsonw_fixed3(struct jsonw *w, double v);
/* v as cJSON prints a number: %.15g, or %.17g when that does not read
 * back as v; not finite -> null. */
void jsonw_double(struct jsonw *w, double v);
/* v with printf's %.<sig>g (money: 12 significant digits). */
void jsonw_sig(struct jsonw *w, double v, int sig);
/* A cJSON value (e.g. what a scorer filled), printed as cJSON would. */
void jsonw_cjson(struct jsonw *w, const cJSON *v);

/* Bare JSON text, for callers that lay out their own (the mock's replies
 * and log): s as a string literal, quotes included (cJSON's escapes); an
 * integer; a number as jsonw_fixed3 writes it. */
void json_escape(struct buf *b, const char *s, size_t n);
void json_int(struct buf *b, long long v);
void json_fixed3(struct buf *b, double v);

#endif
