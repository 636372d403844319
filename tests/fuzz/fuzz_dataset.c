/* fuzz_dataset.c -- JSONL datasets from any bytes: the file goes through
 * dataset_load with one of the bundled suites' mappings (nested field
 * paths, references as a list or several fields, gold JSON, tags, a
 * language, length tags, generated ids), and through the mock's own
 * corpus reader (corpus_load_jsonl), whose lookup then searches the file's
 * bytes. Byte 0 picks the mapping; the rest is the file. No crash, no
 * leak, a diag on every failure, and a dataset that loads is indexed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/dataset.h"
#include "harness/mock/corpus.h"

static const char *const mappings[] = {
    /* suites/extraction.json */
    ("{\"path\": \"x.jsonl\", \"format\": \"jsonl\", \"id\": \"id\", \"fields\": {\"kind\": \"kind\","
    " \"document\": \"document\", \"schema\": \"schema\"}, \"input\": \"document\", \"gold\": \"gold\","
    " \"tags\": {\"kind\": \"tags.kind\", \"difficulty\": \"tags.difficulty\"}}"),
    /* suites/multilingual.json */
    ("{\"path\": \"x.jsonl\", \"format\": \"jsonl\", \"id\": \"id\", \"fields\": {\"task\": \"task\","
    " \"src_lang\": \"src_lang\", \"tgt_lang\": \"tgt_lang\", \"instruction\": \"instruction\","
    " \"input\": \"input\"}, \"input\": \"input\", \"references\": \"references\","
    " \"language\": \"tgt_lang\", \"tags\": {\"pair\": \"tags.pair\", \"task\": \"task\"}}"),
    /* suites/summarization.json with length tags */
    ("{\"path\": \"x.jsonl\", \"id\": \"id\", \"fields\": {\"title\": \"title\", \"document\": \"document\","
    " \"summary_words\": \"summary_words\"}, \"input\": \"document\", \"references\": \"references\","
    " \"tags\": {\"domain\": \"tags.domain\"}, \"length_tags\": [{\"name\": \"length\","
    " \"field\": \"document\", \"bounds\": [5, 20], \"labels\": [\"short\", \"medium\", \"long\"]},"
    " {\"name\": \"size\", \"field\": \"title\", \"unit\": \"chars\", \"bounds\": [8]}]}"),
    /* every field, generated ids, references from several fields */
    ("{\"path\": \"x.jsonl\", \"id\": \"@line\", \"references\": [\"ref_a\", \"ref_b\"],"
    " \"gold\": \"answer\"}"),
};
#define NMAPPINGS (sizeof(mappings) / sizeof(mappings[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    char path[] = "/tmp/assay-fuzz-dataset-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);

    struct diag d;
    diag_init(&d);
    cJSON *block = cJSON_Parse(mappings[data[0] % NMAPPINGS]);
    struct dataset_spec spec;
    dataset_spec_init(&spec);
    if (dataset_spec_parse(block, "fuzz.json", "dataset", &spec, &d) < 0)
        abort();   /* the mappings above are valid */
    struct dataset ds;
    diag_init(&d);
    if (dataset_load(&spec, path, &ds, &d) < 0) {
        if (!d.set)
            abort();
    } else {
        for (size_t i = 0; i < ds.n; i++) {
            if (dataset_find(&ds, ds.items[i].id) != &ds.items[i])
                abort();   /* ids are unique and all indexed */
            char where[256];
            item_describe(&ds, &ds.items[i], where, sizeof(where));
        }
    }
    dataset_release(&ds);
    dataset_spec_release(&spec);
    cJSON_Delete(block);

    struct corpus *c = corpus_new();
    diag_init(&d);
    if (corpus_load_jsonl(c, path, &d) < 0 && !d.set)
        abort();
    for (size_t i = 0; i < corpus_count(c); i++)
        if (!corpus_item_at(c, i)->id)
            abort();
    (void)corpus_find(c, text, n);
    corpus_free(c);
    unlink(path);
    return 0;
}
