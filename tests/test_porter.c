/* test_porter.c -- NLTK 3.8 Porter stemmer (NLTK_EXTENSIONS): hand cases
 * for each departure from the 1980 algorithm, then all 783 stems that
 * NLTK produced for ../shared/metric-vectors/tokenize.json. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/jsonv.h"
#include "scorers/porter.h"

static const char *stem(const char *w)
{
    static char out[256];
    size_t n = porter_stem(w, strlen(w), out);
    if (n != strlen(out))
        return "(length mismatch)";
    return out;
}

static void test_hand_cases(void)
{
    static const struct { const char *word, *stem; } cases[] = {
        /* irregular forms and short words */
        { "sky", "sky" }, { "skies", "sky" }, { "dying", "die" }, { "news", "news" }, { "innings", "inning" },
        { "succeed", "succeed" }, { "is", "is" }, { "a", "a" }, { "", "" },
        /* step 1a with the four-letter -ies rule */
        { "caresses", "caress" }, { "ponies", "poni" }, { "ties", "tie" }, { "dies", "die" },
        { "flies", "fli" }, { "ies", "i" }, { "cats", "cat" }, { "caress", "caress" },
        /* step 1b: -ied, -eed, -ed/-ing and the tidying rules */
        { "died", "die" }, { "spied", "spi" }, { "feed", "feed" }, { "agreed", "agre" },
        { "hopping", "hop" }, { "running", "run" }, { "filing", "file" }, { "failing", "fail" },
        { "oed", "o" }, { "falling", "fall" }, { "hissing", "hiss" }, { "sized", "size" },
        /* step 1c */
        { "happy", "happi" }, { "enjoy", "enjoy" }, { "cry", "cri" }, { "by", "by" },
        /* steps 2-5 */
        { "relational", "relat" }, { "conditional", "condit" }, { "generously", "gener" },
        { "geology", "geolog" }, { "triplicate", "triplic" }, { "electrical", "electr" },
        { "adoption", "adopt" }, { "allowance", "allow" }, { "cease", "ceas" },
        { "controll", "control" }, { "roll", "roll" },
        /* digits are consonants */
        { "1990s", "1990" }, { "2nd", "2nd" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_STR_EQ(stem(cases[i].word), cases[i].stem);

    /* a long token does not overflow the work buffer */
    char big[5000];
    memset(big, 'a', sizeof(big) - 5);
    memcpy(big + sizeof(big) - 5, "ting", 5);
    char out[5000];
    CHECK(porter_stem(big, strlen(big), out) <= strlen(big));
}

static void test_nltk_stems(void)
{
    const char *shared = require_shared();
    char path[1024];
    snprintf(path, sizeof(path), "%s/metric-vectors/tokenize.json", shared);
    struct diag d;
    diag_init(&d);
    cJSON *root = json_load_file(path, &d);
    CHECK_MSG(root != NULL, "%s", d.msg);
    if (!root)
        return;
    const cJSON *stems = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "porter_stems"), "stems");
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, stems) {
        CHECK_MSG(strcmp(stem(e->string), e->valuestring) == 0, "stem(%s) = %s, NLTK says %s",
                  e->string, stem(e->string), e->valuestring);
        n++;
    }
    CHECK_INT_EQ(n, 783);
    cJSON_Delete(root);
}

int main(void)
{
    test_hand_cases();
    test_nltk_stems();
    return check_done();
}
