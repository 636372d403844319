/* porter.h -- the Porter stemmer exactly as NLTK 3.8's PorterStemmer in
 * its default NLTK_EXTENSIONS mode computes it (METRICS.md §4.5), which
 * is what rouge-score's use_stemmer=True calls.
 *
 * Input is one lowercase ASCII word (rouge-score only ever stems
 * [a-z0-9]+ tokens; digits count as consonants, as in NLTK). Bytes outside
 * ASCII are not letters of this algorithm: callers stem ASCII words only. */
#ifndef ASSAY_PORTER_H
#define ASSAY_PORTER_H

#include <stddef.h>

/* Writes the stem of word[0..n) into out (room for n + 1 bytes: a stem is
 * never longer than its word), NUL-terminated; returns its length. out may
 * be word itself. */
size_t porter_stem(const char *word, size_t n, char *out);

#endif
