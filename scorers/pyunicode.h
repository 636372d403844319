/* pyunicode.h -- the Python string primitives every reference metric
 * depends on (METRICS.md §0), over UTF-8 and code points.
 *
 * sacreBLEU, rouge-score and the SQuAD script are Python: "whitespace" means
 * str.isspace(), "lowercase" means str.lower() (full mapping: U+0130 gives
 * two code points, final sigma), "word character" for re's \b means
 * str.isalnum() or '_'. utf8proc supplies the character data (categories,
 * simple case mappings); the special cases are implemented on top.
 *
 * Invalid UTF-8 never reads past the buffer: each invalid byte decodes to
 * U+FFFD. All returned buffers are owned by the caller (free). */
#ifndef ASSAY_PYUNICODE_H
#define ASSAY_PYUNICODE_H

#include <stddef.h>
#include <stdint.h>

/* A code-point string. */
struct ustr {
    int32_t *cp;
    size_t len;
    size_t cap;
};

void ustr_init(struct ustr *u);
void ustr_release(struct ustr *u);
void ustr_push(struct ustr *u, int32_t cp);
/* Makes room for extra more code points (then u->cp[u->len++] = c needs
 * no check): what tokenizer passes use to write without ustr_push. */
void ustr_reserve(struct ustr *u, size_t extra);
/* Decodes n bytes of UTF-8, appending to u. */
void ustr_from_utf8(struct ustr *u, const char *s, size_t n);
/* Encodes u as NUL-terminated UTF-8; returns owned bytes, length in *n. */
char *ustr_to_utf8(const struct ustr *u, size_t *n);

int py_isspace(int32_t cp);      /* Python str.isspace() (METRICS.md §0.1) */
int py_isalnum(int32_t cp);      /* Python str.isalnum() */
int py_isdigit_ascii(int32_t cp);/* [0-9] */

/* Python str.lower() of u into out (appended). */
void py_lower(const struct ustr *u, struct ustr *out);
/* Convenience: UTF-8 in, UTF-8 out (owned). */
char *py_lower_utf8(const char *s, size_t n, size_t *out_n);

/* Python str.rstrip() / str.strip() on u, in place. */
void py_rstrip(struct ustr *u);
void py_strip(struct ustr *u);

/* Python str.split() with no arguments: calls fn for each piece (start
 * index and length in code points); pieces never empty. */
typedef void py_split_fn(const int32_t *piece, size_t len, void *ud);
void py_split(const struct ustr *u, py_split_fn *fn, void *ud);

#endif
