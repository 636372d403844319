/* tokens.c -- see tokens.h. */
#include "tokens.h"

static size_t word_tokens(size_t ascii, size_t other)
{
    size_t t = (ascii + 3 * other + 3) / 4;
    return t ? t : 1;
}

size_t token_estimate(const char *utf8, size_t n)
{
    size_t total = 0, ascii = 0, other = 0;
    int in_word = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)utf8[i];
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (space) {
            if (in_word)
                total += word_tokens(ascii, other);
            in_word = 0;
            ascii = other = 0;
            continue;
        }
        in_word = 1;
        if (c < 0x80)
            ascii++;
        else if ((c & 0xC0) != 0x80)
            other++;   /* a lead byte starts one code point */
    }
    if (in_word)
        total += word_tokens(ascii, other);
    return total;
}
