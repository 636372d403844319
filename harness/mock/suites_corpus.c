/* suites_corpus.c -- see suites_corpus.h. Each item becomes a corpus item:
 * its inputs are the suite's input fields (what the prompt is about: the
 * anchor), then every other string field of the item (instruction,
 * languages, title) to tell apart items that share an input; its family is
 * the suite's task; its reference the first reference, or its gold JSON. */
#include "suites_corpus.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/dataset.h"
#include "harness/suite.h"
#include "harness/util/xalloc.h"

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_suite(struct corpus *c, const struct suite *s, const struct dataset *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        const struct item *it = &ds->items[i];
        const char *inputs[64];
        size_t n_main = suite_item_inputs(s, it, inputs, 32), n = n_main;
        for (const cJSON *f = it->obj ? it->obj->child : NULL; f && n < 64; f = f->next) {
            if (!cJSON_IsString(f) || strcmp(f->string, "id") == 0)
                continue;
            int dup = 0;
            for (size_t k = 0; k < n; k++)
                dup |= inputs[k] == f->valuestring;
            if (!dup)
                inputs[n++] = f->valuestring;
        }
        corpus_add(c, it->id, s->task, inputs, n, n_main, it->nrefs ? it->refs[0] : NULL, it->gold);
    }
}

int suites_corpus_load(struct corpus *c, const char *suites_dir, const char *datasets_dir,
                       struct diag *d)
{
    if (!datasets_dir) {
        const char *env = getenv("ASSAY_DATASETS_DIR");
        datasets_dir = env && *env ? env : NULL;
    }
    if (!suites_dir) {
        suites_dir = suites_default_dir();
        if (!is_dir(suites_dir))
            return 0;   /* an installed binary without its source tree */
    }
    struct suite_set set;
    unsigned flags = SUITE_NO_SCORER_CHECK | (datasets_dir ? SUITE_NO_DATASET : 0);
    if (suites_load_dir(suites_dir, flags, &set, d) < 0) {
        suite_set_release(&set);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < set.n && rc == 0; i++) {
        const struct suite *s = &set.v[i];
        if (!datasets_dir) {
            add_suite(c, s, &s->data);
            continue;
        }
        /* The dataset's file name, looked up in datasets_dir. */
        const char *base = strrchr(s->dspec.path, '/');
        char *path = xasprintf("%s/%s", datasets_dir, base ? base + 1 : s->dspec.path);
        struct dataset ds;
        dataset_init(&ds);
        if (dataset_load(&s->dspec, path, &ds, d) < 0)
            rc = -1;
        else
            add_suite(c, s, &ds);
        dataset_release(&ds);
        free(path);
    }
    suite_set_release(&set);
    return rc;
}
