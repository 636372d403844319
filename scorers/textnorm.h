/* textnorm.h -- Unicode text normalisation shared by the scorers that
 * compare text loosely (json_fields, the assertions, language detection,
 * ROUGE's Unicode tokenizer). Reference metrics do not use it: they follow
 * their Python originals through pyunicode.h.
 *
 * Invalid UTF-8 never fails and never reads past the input: such bytes
 * become U+FFFD first. Every function returns owned, NUL-terminated UTF-8
 * (free). */
#ifndef ASSAY_TEXTNORM_H
#define ASSAY_TEXTNORM_H

#include <stddef.h>

/* NFC of s[0..n); with casefold, full Unicode case folding as well
 * (utf8proc: "Straße" and "STRASSE" both become "strasse"). Length in
 * *out_n (may be NULL). */
char *text_nfc(const char *s, size_t n, int casefold, size_t *out_n);

/* Trims and collapses every run of Python whitespace (str.isspace()) to
 * one space. */
char *text_collapse_ws(const char *s, size_t n);

/* Number of code points (invalid bytes count one each). */
size_t text_codepoints(const char *s, size_t n);

#endif
