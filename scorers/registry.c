/* registry.c -- every scorer, one line each (jq's builtins table). A linear
 * search is enough for a few dozen entries looked up once per suite. */
#include "scorer.h"

#include <string.h>

extern const struct scorer_ops scorer_rouge;
extern const struct scorer_ops scorer_squad;
extern const struct scorer_ops scorer_json_fields;

const struct scorer_ops *const scorer_table[] = {
    &scorer_rouge,
    &scorer_squad,
    &scorer_json_fields,
    NULL,
};

const struct scorer_ops *scorer_find(const char *type)
{
    for (size_t i = 0; scorer_table[i]; i++)
        if (strcmp(scorer_table[i]->type, type) == 0)
            return scorer_table[i];
    return NULL;
}
