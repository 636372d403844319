/* langid.h -- which language is a text in? The method behind the
 * "language" scorer (docs/scorers.md has the full description).
 *
 *  1. Letters are counted per Unicode script with PCRE2 script properties
 *     (\p{Latin}, \p{Han}, \p{Hiragana}, \p{Cyrillic}, ...). The script
 *     with most letters is the text's script; its share is reported.
 *  2. Non-Latin scripts decide the language directly, refined by letters
 *     only some languages use: Han + kana = ja (kana at least 5% of the
 *     CJK letters), Han alone = zh, Hangul = ko; Cyrillic is ru unless
 *     uk/be/bg/sr/mk/kk letters say otherwise; Arabic script is ar unless
 *     Persian or Urdu letters say otherwise; Devanagari is reported as hi
 *     (mr and ne are not told apart from it).
 *  3. Latin-script text is scored against stop-word lists of 17 languages
 *     (en de fr es it pt nl tr pl sv da fi cs ro hu id vi): each word in k
 *     lists adds 1/k to each; each letter that only some languages use
 *     (ß ñ ã ı ğ ł ř ő ø å é ...) adds 0.3/k. The best score wins;
 *     confidence is its share of all the evidence. Below 1.5 points of
 *     evidence the language is "und" (too little text to tell). */
#ifndef ASSAY_LANGID_H
#define ASSAY_LANGID_H

#include <stddef.h>

struct langid;   /* compiled script patterns; one per user, read-only after creation */

struct langid_result {
    char lang[8];            /* ISO 639-1 code, or "und" */
    const char *script;      /* dominant script name ("Latin", "Han", ...), "none" if no letters */
    double script_share;     /* that script's share of all letters, 0-1 */
    double confidence;       /* 0-1 */
    size_t letters;          /* letters counted */
};

/* Returns owned state, NULL only if PCRE2 lacks script support. */
struct langid *langid_new(void);
void langid_free(struct langid *l);

/* Detects the language of text[0..n) (any bytes; invalid UTF-8 is skipped). */
void langid_detect(const struct langid *l, const char *text, size_t n, struct langid_result *out);

/* The code langid reports for a language name or code: "de", "deu",
 * "ger", "de-AT", "German", "zho-CN", "zh_Hant", "arb" ... NULL if the
 * language is not one langid knows. */
const char *langid_code(const char *name);

/* The script a language code is written in ("Latin", "Cyrillic", ...). */
const char *langid_script_of(const char *code);

/* Languages of one script that langid does not tell apart (hi, mr, ne). */
int langid_same_group(const char *a, const char *b);

#endif
