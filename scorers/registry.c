/* registry.c -- every scorer, one line each (jq's builtins table). A linear
 * search is enough for a few dozen entries looked up once per suite. */
#include "scorer.h"

#include <string.h>

extern const struct scorer_ops scorer_bleu;
extern const struct scorer_ops scorer_chrf;
extern const struct scorer_ops scorer_ter;
extern const struct scorer_ops scorer_rouge;
extern const struct scorer_ops scorer_squad;
extern const struct scorer_ops scorer_json_fields;
extern const struct scorer_ops scorer_contains;
extern const struct scorer_ops scorer_not_contains;
extern const struct scorer_ops scorer_icontains;
extern const struct scorer_ops scorer_starts_with;
extern const struct scorer_ops scorer_regex;
extern const struct scorer_ops scorer_is_json;
extern const struct scorer_ops scorer_length;
extern const struct scorer_ops scorer_language;
extern const struct scorer_ops scorer_judge;

const struct scorer_ops *const scorer_table[] = {
    &scorer_bleu,
    &scorer_chrf,
    &scorer_ter,
    &scorer_rouge,
    &scorer_squad,
    &scorer_json_fields,
    &scorer_contains,
    &scorer_not_contains,
    &scorer_icontains,
    &scorer_starts_with,
    &scorer_regex,
    &scorer_is_json,
    &scorer_length,
    &scorer_language,
    &scorer_judge,
    NULL,
};

const struct scorer_ops *scorer_find(const char *type)
{
    for (size_t i = 0; scorer_table[i]; i++)
        if (strcmp(scorer_table[i]->type, type) == 0)
            return scorer_table[i];
    return NULL;
}
