/* fuzz_tokenizers.c -- arbitrary bytes (invalid UTF-8 included) through
 * the Python string primitives, every BLEU tokenizer, every tercom option
 * combination and chrF++'s word split; then, split at the first LF into a
 * hypothesis and a reference, through BLEU, chrF++ and TER segments.
 * No crash, no read past the buffer (ASan), and the invariants below. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/bleu.h"
#include "scorers/chrf.h"
#include "scorers/pyunicode.h"
#include "scorers/ter.h"
#include "scorers/tok_bleu.h"
#include "scorers/tok_ter.h"

static void count_piece(const int32_t *p, size_t n, void *ud)
{
    (void)p;
    if (n == 0)
        abort();   /* pieces are never empty */
    ++*(size_t *)ud;
}

/* A collapsed line: no leading, trailing or doubled whitespace. */
static void check_collapsed(const struct ustr *u)
{
    for (size_t i = 0; i < u->len; i++)
        if (py_isspace(u->cp[i]) &&
            (u->cp[i] != ' ' || i == 0 || i + 1 == u->len || u->cp[i + 1] == ' '))
            abort();
}

static void check_valid(const struct ustr *u)
{
    for (size_t i = 0; i < u->len; i++)
        if (u->cp[i] < 0 || u->cp[i] > 0x10FFFF || (u->cp[i] >= 0xD800 && u->cp[i] <= 0xDFFF))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct ustr in, u, tmp;
    ustr_init(&in);
    ustr_init(&u);
    ustr_init(&tmp);

    ustr_from_utf8(&in, s, size);
    if (in.len > size)
        abort();
    check_valid(&in);
    size_t n;
    char *enc = ustr_to_utf8(&in, &n);
    if (strlen(enc) > n)
        abort();
    free(enc);

    py_lower(&in, &u);
    check_valid(&u);
    size_t pieces = 0;
    py_split(&u, count_piece, &pieces);
    chrf_word_pieces(&in, count_piece, &pieces);
    char *low = py_lower_utf8(s, size, &n);
    free(low);

    for (int t = BLEU_TOK_13A; t <= BLEU_TOK_NONE; t++) {
        for (int lc = 0; lc < 2; lc++) {
            u.len = 0;
            for (size_t i = 0; i < in.len; i++)
                ustr_push(&u, in.cp[i]);
            bleu_preprocess((enum bleu_tokenizer)t, lc, &u, &tmp);
            check_valid(&u);
            if (t == BLEU_TOK_13A || t == BLEU_TOK_INTL || t == BLEU_TOK_ZH)
                check_collapsed(&u);
        }
    }
    for (int m = 0; m < 16; m++) {
        struct ter_opts o = { m & 1, (m >> 1) & 1, (m >> 2) & 1, (m >> 3) & 1 };
        u.len = 0;
        for (size_t i = 0; i < in.len; i++)
            ustr_push(&u, in.cp[i]);
        ter_preprocess(&o, &u, &tmp);
        check_valid(&u);
        check_collapsed(&u);
    }

    /* Metrics on hypothesis LF reference (bounded: TER is quadratic). */
    if (size <= 4096) {
        char *text = malloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';
        char *nl = strchr(text, '\n');
        const char *hyp = text, *ref = "";
        if (nl) {
            *nl = '\0';
            ref = nl + 1;
        }
        const char *refs[2] = { ref, NULL };
        struct diag d;
        diag_init(&d);

        struct bleu_opts bo;
        bleu_opts_init_sentence(&bo);
        bo.tokenize = (enum bleu_tokenizer)(size % 5);
        bo.lowercase = (int)(size & 1);
        struct bleu *b = bleu_new(&bo);
        struct bleu_stats bs;
        if (bleu_segment(b, hyp, refs, 2, &bs, &d) == 0) {
            struct bleu_score sc;
            bleu_score(&bo, &bs, &sc);
            if (!(sc.score >= 0 && sc.score <= 100.0000001))
                abort();
            for (int k = 0; k < BLEU_MAX_ORDER; k++)
                if (bs.counts[k] > bs.totals[k])
                    abort();
        }
        bleu_free(b);

        struct chrf_opts co;
        chrf_opts_init(&co);
        co.word_order = 2;
        co.whitespace = (int)(size & 1);
        struct chrf *c = chrf_new(&co);
        struct chrf_stats cs;
        if (chrf_segment(c, hyp, refs, 2, &cs, &d) == 0) {
            double f = chrf_score(&co, &cs);
            if (!(f >= 0 && f <= 100.0000001))
                abort();
        }
        chrf_free(c);

        struct ter_opts to = { (int)(size & 1), 0, (int)((size >> 1) & 1), 0 };
        struct ter *t = ter_new(&to);
        struct ter_stats ts;
        if (ter_segment(t, hyp, refs, 2, &ts, &d) == 0 && (ts.num_edits < 0 || ts.ref_length < 0))
            abort();
        ter_free(t);
        free(text);
    }

    ustr_release(&in);
    ustr_release(&u);
    ustr_release(&tmp);
    return 0;
}
