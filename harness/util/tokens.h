/* tokens.h -- the documented token estimate, used where a provider reports
 * no usage (records flag it "estimated") and by the mock provider to report
 * usage deterministically.
 *
 * Per whitespace-separated word: max(1, ceil((a + 3u) / 4)) where a is the
 * number of ASCII characters and u the number of non-ASCII code points.
 * English prose comes out near 1.3 tokens per word (BPE tokenizers give
 * 1.2-1.4); CJK text near 0.75 per character. It is an estimate and says
 * so: never compare it with reported counts as if it were one. */
#ifndef ASSAY_TOKENS_H
#define ASSAY_TOKENS_H

#include <stddef.h>

size_t token_estimate(const char *utf8, size_t n);

#endif
