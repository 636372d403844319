/* fuzz_csv.c -- the CSV/TSV reader and the dataset mapping behind it: any
 * bytes, no crash, no read past the buffer, a diag on every failure. The
 * first byte picks the separator and quoting; the bytes then go through
 * csv_parse directly and, written to a temporary file, through
 * dataset_load with a mapping that uses an id, a text field, two
 * reference columns, a JSON gold column, a tag and a length tag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/csv.h"
#include "harness/dataset.h"

static int count_fields(const struct csv_record *rec, void *ud, struct diag *d)
{
    size_t *n = ud;
    for (size_t i = 0; i < rec->n; i++)
        *n += rec->lens[i] + (size_t)rec->lines[i] + (size_t)rec->cols[i];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char sep = (data[0] & 1) ? '\t' : ',';
    int quoting = !(data[0] & 2);
    const char *text = (const char *)data + 1;
    size_t n = size - 1;

    struct diag d;
    diag_init(&d);
    size_t total = 0;
    if (csv_parse(text, n, sep, quoting, "fuzz.csv", count_fields, &total, &d) < 0 && !d.set)
        abort();   /* a failure must always say why */

    char path[] = "/tmp/assay-fuzz-csv-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    struct dataset_spec spec;
    dataset_spec_init(&spec);
    spec.format = sep == '\t' ? DATASET_TSV : DATASET_CSV;
    spec.quoting = quoting;
    spec.suite_file = "fuzz.json";
    spec.id = (data[0] & 4) ? "@line" : "id";
    struct field_map fields[] = { { "text", "text" } };
    spec.fields = fields;
    spec.nfields = 1;
    char *refs[] = { "ref_a", "ref_b" };
    spec.refs = refs;
    spec.nrefs = 2;
    spec.gold = (data[0] & 8) ? "gold" : NULL;
    struct field_map tags[] = { { "domain", "domain" } };
    spec.tags = tags;
    spec.ntags = 1;
    long bounds[] = { 3, 10 };
    char *labels[] = { "short", "medium", "long" };
    struct length_tag lt = { "length", "text", (data[0] & 16) != 0, bounds, 2, labels };
    if (data[0] & 32) {
        spec.length_tags = &lt;
        spec.nlength_tags = 1;
    }
    struct dataset ds;
    diag_init(&d);
    if (dataset_load(&spec, path, &ds, &d) < 0) {
        if (!d.set)
            abort();
    } else {
        for (size_t i = 0; i < ds.n; i++)
            if (dataset_find(&ds, ds.items[i].id) != &ds.items[i])
                abort();   /* ids are unique and all indexed */
    }
    dataset_release(&ds);
    unlink(path);
    return 0;
}
