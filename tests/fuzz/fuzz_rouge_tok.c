/* fuzz_rouge_tok.c -- rouge-score's tokenizer, the Porter stemmer and the
 * Unicode tokenizer on any bytes (invalid UTF-8 included): no crash, no
 * read past the buffer, every token non-empty; then a full ROUGE score of
 * the input against itself split in two, which must stay within 0..1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/rouge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (size)
        memcpy(buf, data, size);
    struct rouge_tokens t;
    rouge_tokens_init(&t);
    for (int tk = ROUGE_TOK_DEFAULT; tk <= ROUGE_TOK_UNICODE; tk++) {
        for (int stem = 0; stem <= 1; stem++) {
            struct rouge_opts o = { 0, stem, (enum rouge_tokenizer)tk };
            rouge_tokenize(&o, buf, size, &t);
            for (size_t i = 0; i < t.n; i++)
                if (rouge_token(&t, i)[0] == '\0')
                    abort();
            size_t half = size / 2;
            struct rouge_scores s;
            o.types = ROUGE_DEFAULT_TYPES | ROUGE_BIT_N(3);
            rouge_score(&o, buf, half, buf + half, size - half, &s);
            for (int k = 0; k < ROUGE_NTYPES; k++)
                if (!(s.v[k].fmeasure >= 0 && s.v[k].fmeasure <= 1 && s.v[k].precision <= 1
                      && s.v[k].recall <= 1))
                    abort();
        }
    }
    rouge_tokens_release(&t);
    free(buf);
    return 0;
}
