/* test_dataset.c -- loading items from JSONL, CSV and TSV through a
 * suite's field mapping (tests/data/ fixtures), and every loading error
 * with its exact message (files written into a temporary folder). */
#include "check.h"
#include "support/proc.h"

#include "harness/dataset.h"
#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *fixture(const char *name)
{
    return xasprintf("%s/tests/data/%s", assay_src(), name);
}

/* Parses a "dataset" block given as JSON text. */
static int spec_from(const char *json, struct dataset_spec *spec, struct diag *d)
{
    cJSON *block = cJSON_Parse(json);
    if (!block) {
        fprintf(stderr, "bad test JSON: %s\n", json);
        exit(1);
    }
    diag_init(d);
    int rc = dataset_spec_parse(block, "s.json", "dataset", spec, d);
    cJSON_Delete(block);
    return rc;
}

static const char *str(const struct item *it, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it->obj, key));
}

static const char *tag(const struct item *it, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it->tags, key));
}

static void write_file(const char *name, const char *text, size_t n)
{
    struct diag d;
    diag_init(&d);
    if (file_write_atomic(name, text, n, &d) < 0) {
        fprintf(stderr, "cannot write %s: %s\n", name, d.msg);
        exit(1);
    }
}

/* Writes `text` as data.<ext>, loads it with the block and expects the
 * formatted error `want`. */
static void expect_error(const char *block, const char *file, const char *text, size_t n,
                         const char *want)
{
    write_file(file, text, n);
    struct dataset_spec spec;
    struct diag d;
    if (spec_from(block, &spec, &d) < 0) {
        char line[2048];
        diag_format(&d, line, sizeof(line));
        CHECK_STR_EQ(line, want);
        dataset_spec_release(&spec);
        return;
    }
    struct dataset ds;
    int rc = dataset_load(&spec, file, &ds, &d);
    CHECK_MSG(rc == -1, "%s loaded", want);
    CHECK_INT_EQ(ds.n, 0);
    char line[2048];
    diag_format(&d, line, sizeof(line));
    CHECK_STR_EQ(line, want);
    dataset_release(&ds);
    dataset_spec_release(&spec);
}

#define ERR(block, file, text, want) expect_error(block, file, text, sizeof(text) - 1, want)

static void jsonl_mapping(void)
{
    struct dataset_spec spec;
    struct diag d;
    CHECK_INT_EQ(spec_from("{\"path\":\"mini.jsonl\",\"fields\":{\"doc\":\"document\",\"title\":\"title\","
                           "\"lang\":\"meta.lang\",\"bounds\":\"summary_words\"},"
                           "\"references\":\"references\",\"tags\":{\"domain\":\"meta.domain\"},"
                           "\"input\":\"doc\",\"language\":\"lang\"}", &spec, &d), 0);
    CHECK_INT_EQ(spec.format, DATASET_JSONL);
    char *path = fixture("mini.jsonl");
    struct dataset ds;
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    CHECK_INT_EQ(ds.n, 5);
    const struct item *it = dataset_find(&ds, "m-2");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->id, "m-2");
        CHECK_INT_EQ(it->line, 2);
        CHECK_STR_EQ(str(it, "doc"), "Zürich has 1,900 cafés; the oldest opened in 1842.");
        CHECK_STR_EQ(str(it, "lang"), "fr");
        CHECK_STR_EQ(it->lang, "fr");
        CHECK_INT_EQ(it->nrefs, 2);
        CHECK_STR_EQ(it->refs[1], "Zürich has about 1,900 cafés, the oldest from 1842.");
        CHECK_STR_EQ(tag(it, "domain"), "travel");
        CHECK(it->gold == NULL);
        /* Only mapped names: the file's own "document" and "meta" are gone. */
        CHECK(cJSON_GetObjectItemCaseSensitive(it->obj, "document") == NULL);
        CHECK(cJSON_GetObjectItemCaseSensitive(it->obj, "meta") == NULL);
        CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(it->obj, "bounds")));
        char desc[256];
        item_describe(&ds, it, desc, sizeof(desc));
        CHECK_CONTAINS(desc, "item \"m-2\" (");
        CHECK_CONTAINS(desc, "mini.jsonl:2)");
    }
    CHECK(dataset_find(&ds, "m-9") == NULL);
    CHECK_STR_EQ(ds.items[2].refs[0], "13路線。");
    dataset_release(&ds);
    dataset_spec_release(&spec);

    /* No "fields": every top-level field under its own name (reserved
     * names only through their own keys). Numeric tags become strings. */
    CHECK_INT_EQ(spec_from("{\"path\":\"x.jsonl\",\"references\":\"references\","
                           "\"tags\":[\"title\"]}", &spec, &d), 0);
    CHECK(spec.all_fields);
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    CHECK_INT_EQ(ds.n, 5);
    CHECK_STR_EQ(str(&ds.items[0], "document"), "The Rhine is 1,230 km long and flows through six countries.");
    CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(ds.items[0].obj, "meta")));
    CHECK_STR_EQ(tag(&ds.items[2], "title"), "東京の地下鉄");
    dataset_release(&ds);
    dataset_spec_release(&spec);

    /* "@line" ids. */
    CHECK_INT_EQ(spec_from("{\"path\":\"x.jsonl\",\"id\":\"@line\",\"fields\":[\"title\"]}", &spec, &d), 0);
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    CHECK_STR_EQ(ds.items[3].id, "line-4");
    CHECK(dataset_find(&ds, "line-1") == &ds.items[0]);
    dataset_release(&ds);
    dataset_spec_release(&spec);
    free(path);
}

static void length_tags(void)
{
    /* Computed tags: words (Unicode whitespace) or characters (code points). */
    struct dataset_spec spec;
    struct diag d;
    CHECK_INT_EQ(spec_from("{\"path\":\"mini.jsonl\",\"fields\":[\"document\"],"
                           "\"length_tags\":[{\"name\":\"len\",\"field\":\"document\",\"bounds\":[8,11],"
                           "\"labels\":[\"short\",\"mid\",\"long\"]},"
                           "{\"name\":\"chars\",\"field\":\"document\",\"unit\":\"chars\",\"bounds\":[20,50]}]}",
                           &spec, &d), 0);
    char *path = fixture("mini.jsonl");
    struct dataset ds;
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    /* m-1: 11 words, 59 chars; m-2: 9 words, 50; m-3: 1 word, 16; m-5: 47 chars. */
    CHECK_STR_EQ(tag(&ds.items[0], "len"), "long");
    CHECK_STR_EQ(tag(&ds.items[0], "chars"), ">=50");
    CHECK_STR_EQ(tag(&ds.items[1], "len"), "mid");
    CHECK_STR_EQ(tag(&ds.items[1], "chars"), ">=50");        /* exactly 50 */
    CHECK_STR_EQ(tag(&ds.items[4], "chars"), "20-49");
    CHECK_STR_EQ(tag(&ds.items[2], "len"), "short");
    CHECK_STR_EQ(tag(&ds.items[2], "chars"), "<20");
    dataset_release(&ds);
    dataset_spec_release(&spec);
    free(path);
}

static void csv_mapping(void)
{
    struct dataset_spec spec;
    struct diag d;
    CHECK_INT_EQ(spec_from("{\"path\":\"quoted.csv\",\"id\":\"key\",\"fields\":{\"text\":\"text\"},"
                           "\"references\":[\"ref_a\",\"ref_b\"],\"gold\":\"gold\","
                           "\"tags\":{\"domain\":\"domain\"}}", &spec, &d), 0);
    CHECK_INT_EQ(spec.format, DATASET_CSV);
    char *path = fixture("quoted.csv");
    struct dataset ds;
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    CHECK_INT_EQ(ds.n, 4);
    CHECK_STR_EQ(ds.items[0].id, "c1");
    CHECK_INT_EQ(ds.items[0].nrefs, 1);     /* the empty ref_b cell is no reference */
    CHECK_INT_EQ(ds.items[1].nrefs, 2);
    CHECK_STR_EQ(str(&ds.items[1], "text"), "has, commas");
    CHECK_STR_EQ(ds.items[1].refs[1], "second ref");
    CHECK_STR_EQ(str(&ds.items[2], "text"), "say \"hi\"\nover two lines");
    CHECK_INT_EQ(ds.items[2].line, 4);
    CHECK_INT_EQ(ds.items[3].line, 6);      /* after the two-line record */
    CHECK_STR_EQ(str(&ds.items[3], "text"), "ünïcödé ✓ 中文");
    /* Gold cells are JSON text. */
    CHECK(cJSON_IsObject(ds.items[1].gold));
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ds.items[1].gold, "tags")), 2);
    CHECK(cJSON_IsNull(ds.items[2].gold));
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ds.items[3].gold, "s")), "x,y");
    CHECK_STR_EQ(tag(&ds.items[3], "domain"), "legal");
    dataset_release(&ds);
    dataset_spec_release(&spec);
    free(path);

    /* TSV, last line without a newline, a quoted tab; explicit format. */
    CHECK_INT_EQ(spec_from("{\"path\":\"mini.tsv\",\"format\":\"tsv\",\"fields\":{\"source\":\"src\",\"lang\":\"lang\"},"
                           "\"references\":\"tgt\",\"language\":\"lang\"}", &spec, &d), 0);
    path = fixture("mini.tsv");
    CHECK_MSG(dataset_load(&spec, path, &ds, &d) == 0, "%s", d.msg);
    CHECK_INT_EQ(ds.n, 3);
    CHECK_STR_EQ(str(&ds.items[1], "source"), "tab\tinside");
    CHECK_STR_EQ(ds.items[2].refs[0], "ありがとう");
    CHECK_STR_EQ(ds.items[2].lang, "ja");
    dataset_release(&ds);
    dataset_spec_release(&spec);

    /* The same file with quoting off: the quote is data, the tab splits. */
    CHECK_INT_EQ(spec_from("{\"path\":\"mini.tsv\",\"quoting\":false,\"references\":\"tgt\"}", &spec, &d), 0);
    CHECK_INT_EQ(dataset_load(&spec, path, &ds, &d), -1);
    CHECK_CONTAINS(d.msg, "expected 4 fields (as in the header), got 5");
    CHECK_INT_EQ(d.line, 3);
    dataset_release(&ds);
    dataset_spec_release(&spec);
    free(path);
}

static void errors(void)
{
    const char *J = "{\"path\":\"data.jsonl\",\"fields\":[\"text\"]}";
    const char *JR = "{\"path\":\"data.jsonl\",\"fields\":[\"text\"],\"references\":\"refs\"}";
    const char *C = "{\"path\":\"data.csv\",\"fields\":[\"text\"]}";

    /* Malformed lines. */
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"\n",
        "data.jsonl:2: column 20: invalid string (bad escape or control character?) or missing ','");
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n[1,2]\n",
        "data.jsonl:2: expected a JSON object on each line, got an array");
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":'x'}\n",
        "data.jsonl:1: column 18: single quotes are not JSON; use double quotes");
    /* Missing mapped fields name the item, the field and the mapping. */
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"txt\":\"y\"}\n",
        "data.jsonl:2: item \"b\": no field \"text\" (dataset.fields.text in s.json)");
    ERR(J, "data.jsonl", "{\"key\":\"a\",\"text\":\"x\"}\n",
        "data.jsonl:1: no field \"id\" (dataset.id in s.json)");
    ERR(JR, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n",
        "data.jsonl:1: item \"a\": no field \"refs\" (dataset.references in s.json)");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"text\"],\"tags\":{\"d\":\"meta.domain\"}}", "data.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"meta\":{}}\n",
        "data.jsonl:1: item \"a\": no field \"meta.domain\" (dataset.tags.d in s.json)");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"text\"],\"gold\":\"answer\"}", "data.jsonl",
        "{\"id\":\"a\",\"text\":\"x\"}\n", "data.jsonl:1: item \"a\": no field \"answer\" (dataset.gold in s.json)");
    /* Wrong kinds. */
    ERR(J, "data.jsonl", "{\"id\":{\"n\":1},\"text\":\"x\"}\n",
        "data.jsonl:1: id field \"id\": expected a non-empty string or an integer, got an object");
    ERR(J, "data.jsonl", "{\"id\":\"\",\"text\":\"x\"}\n",
        "data.jsonl:1: id field \"id\": expected a non-empty string or an integer, got \"\"");
    ERR(JR, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\",\"refs\":5}\n",
        "data.jsonl:1: item \"a\": references field \"refs\": expected a string or a list of strings, got a number");
    ERR(JR, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\",\"refs\":[\"ok\",3]}\n",
        "data.jsonl:1: item \"a\": references field \"refs\"[1]: expected a string, got a number");
    ERR(JR, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\",\"refs\":[]}\n",
        "data.jsonl:1: item \"a\": no reference (all reference fields empty)");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"text\"],\"tags\":[\"t\"]}", "data.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"t\":[1]}\n",
        "data.jsonl:1: item \"a\": tag \"t\" (field \"t\"): expected a string, number or boolean, got an array");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"text\",\"lang\"],\"language\":\"lang\"}", "data.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"lang\":null}\n",
        "data.jsonl:1: item \"a\": language field \"lang\": expected a string, got null");
    /* Duplicates, numeric ids. */
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":7,\"text\":\"x\"}\n\n{\"id\":\"7\",\"text\":\"y\"}\n",
        "data.jsonl:4: duplicate item id \"7\" (first at line 2)");
    /* Empty datasets. */
    ERR(J, "data.jsonl", "\n  \n", "data.jsonl: no items");
    ERR(J, "data.jsonl", "", "data.jsonl: no items");
    ERR(C, "data.csv", "", "data.csv: empty file: expected a header row and items");
    ERR(C, "data.csv", "id,text\n", "data.csv: no items");
    /* Invalid UTF-8 (a lone continuation byte, an overlong form). */
    ERR(J, "data.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"é\x80\"}\n",
        "data.jsonl:2: column 20: invalid UTF-8 (byte 0x80)");
    ERR(C, "data.csv", "id,text\na,\xC0\xAF\n", "data.csv:2: column 3: invalid UTF-8 (byte 0xC0)");
    /* CSV structure. */
    ERR(C, "data.csv", "id,text\na,x\nb,y,z\n", "data.csv:3: expected 2 fields (as in the header), got 3");
    ERR(C, "data.csv", "id,text,id\na,x,y\n", "data.csv:1: column 9: column \"id\" appears twice in the header");
    ERR(C, "data.csv", "id,text\na,\"x\n", "data.csv:2: column 3: unterminated quoted field (it opens here)");
    ERR(C, "data.csv", "id,text\na,x\nb,\"y\"!\n",
        "data.csv:3: column 6: unexpected character after the closing quote of a field "
        "(quotes inside a quoted field are written \"\")");
    ERR(C, "data.csv", "id,txt\na,x\n", "data.csv:2: item \"a\": no column \"text\" (dataset.fields.text in s.json)");
    ERR("{\"path\":\"data.csv\",\"fields\":[\"text\"],\"gold\":\"g\"}", "data.csv", "id,text,g\na,x,\"{\"\"n\"\":}\"\n",
        "data.csv:2: column 5: item \"a\": gold column \"g\" is not JSON: unexpected closing bracket (trailing comma?)");
    /* A file that is not there. */
    struct dataset_spec spec;
    struct diag d;
    spec_from(J, &spec, &d);
    struct dataset ds;
    CHECK_INT_EQ(dataset_load(&spec, "nope.jsonl", &ds, &d), -1);
    CHECK_STR_EQ(d.file, "nope.jsonl");
    CHECK_CONTAINS(d.msg, "cannot open");
    dataset_spec_release(&spec);

    /* Spec errors name s.json and the JSON path. */
    ERR("{\"path\":\"data.jsonl\",\"feilds\":[\"text\"]}", "data.jsonl", "",
        "s.json: dataset.feilds: unknown key (did you mean \"fields\"?)");
    ERR("{\"path\":\"data.txt\"}", "data.jsonl", "",
        "s.json: dataset.format: missing, and the path does not end in .jsonl, .ndjson, .csv or .tsv");
    ERR("{\"path\":\"data.txt\",\"format\":\"xml\"}", "data.jsonl", "",
        "s.json: dataset.format: expected \"jsonl\", \"csv\" or \"tsv\", got \"xml\"");
    ERR("{\"path\":\"data.jsonl\",\"fields\":{\"references\":\"r\"}}", "data.jsonl", "",
        "s.json: dataset.fields.references: \"references\" is reserved (map it with dataset.references instead)");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"a\",\"a\"]}", "data.jsonl", "",
        "s.json: dataset.fields[1]: \"a\" is mapped twice");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"a\"],\"input\":\"b\"}", "data.jsonl", "",
        "s.json: dataset.input: \"b\" is not one of dataset.fields");
    ERR("{\"path\":\"data.jsonl\",\"fields\":[\"a\"],\"language\":\"lang\"}", "data.jsonl", "",
        "s.json: dataset.language: \"lang\" is not one of dataset.fields");
    ERR("{\"path\":\"data.jsonl\",\"references\":[]}", "data.jsonl", "",
        "s.json: dataset.references: expected a field name or a non-empty list of them, got an array");
    ERR("{\"path\":\"data.jsonl\",\"fields\":3}", "data.jsonl", "",
        "s.json: dataset.fields: expected an object {\"name\": \"source field\"} or a list of names, got 3");
    ERR("{\"path\":\"\"}", "data.jsonl", "", "s.json: dataset.path: empty path");
    ERR("{\"path\":\"data.jsonl\",\"length_tags\":[{\"name\":\"l\",\"field\":\"text\",\"bounds\":[5,5]}]}",
        "data.jsonl", "", "s.json: dataset.length_tags[0].bounds[1]: expected ascending whole numbers");
    ERR("{\"path\":\"data.jsonl\",\"length_tags\":[{\"name\":\"l\",\"field\":\"text\",\"bounds\":[5],\"labels\":[\"a\"]}]}",
        "data.jsonl", "", "s.json: dataset.length_tags[0].labels: expected 2 labels (one more than bounds), got 1");
    ERR("{\"path\":\"data.jsonl\",\"length_tags\":[{\"name\":\"l\",\"field\":\"text\",\"bounds\":[5],\"unit\":\"tokens\"}]}",
        "data.jsonl", "", "s.json: dataset.length_tags[0].unit: expected \"words\" or \"chars\", got \"tokens\"");
    ERR("{\"path\":\"data.jsonl\",\"tags\":[\"l\"],\"length_tags\":[{\"name\":\"l\",\"field\":\"text\",\"bounds\":[5]}]}",
        "data.jsonl", "", "s.json: dataset.length_tags[0].name: tag \"l\" is also mapped in dataset.tags");
    ERR("{\"path\":\"data.jsonl\",\"length_tags\":[{\"name\":\"l\",\"field\":\"n\",\"bounds\":[5]}]}",
        "data.jsonl", "{\"id\":\"a\",\"n\":3}\n",
        "data.jsonl:1: item \"a\": length tag \"l\" measures field \"n\": expected a string, got a number");
    ERR("{\"format\":\"csv\"}", "data.jsonl", "", "s.json: dataset.path: missing, required");
}

int main(void)
{
    jsonl_mapping();
    length_tags();
    csv_mapping();
    char *tmp = test_tmpdir("dataset");
    if (chdir(tmp) < 0) {
        perror(tmp);
        return 1;
    }
    errors();
    free(tmp);

    /* utf8_invalid_at on its own. */
    CHECK_INT_EQ(utf8_invalid_at("abc", 3), -1);
    CHECK_INT_EQ(utf8_invalid_at("a\xE2\x82", 3), 1);          /* truncated */
    CHECK_INT_EQ(utf8_invalid_at("\xED\xA0\x80", 3), 0);       /* a surrogate */
    CHECK_INT_EQ(utf8_invalid_at("日本", 6), -1);
    return check_done();
}
