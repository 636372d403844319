/* dataset.c -- see dataset.h.
 *
 * Loading is two steps per record: the file's own record (a JSONL object,
 * or a CSV/TSV row turned into {column: text}) is read, then mapped onto
 * the suite's names by map_item(). Both formats meet in map_item, so every
 * rule about ids, references, gold and tags is written once. The id index
 * is a small open-addressing table keyed by hash64, built while loading so
 * a duplicate is reported at its own line with the line of the first. */
#include "dataset.h"

#include "csv.h"
#include "template.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *const reserved[] = { "id", "references", "gold", "tags", NULL };

static int is_reserved(const char *name)
{
    for (size_t i = 0; reserved[i]; i++)
        if (strcmp(reserved[i], name) == 0)
            return 1;
    return 0;
}

long utf8_invalid_at(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return (long)i;
        i += (size_t)k;
    }
    return -1;
}

/* Whitespace as Python's str.split() sees it: ASCII controls 9-13 and
 * 28-31, U+0085 and the Unicode space separators. */
static int is_space_cp(utf8proc_int32_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85)
        return 1;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

static size_t count_words(const char *s)
{
    size_t n = 0, len = strlen(s), i = 0;
    int in_word = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        i += k > 0 ? (size_t)k : 1;
        int sp = k > 0 && is_space_cp(cp);
        n += !sp && !in_word;
        in_word = !sp;
    }
    return n;
}

static size_t count_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* === the spec === */

void dataset_spec_init(struct dataset_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->quoting = 1;
}

static void free_maps(struct field_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].source);
    }
    free(m);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void dataset_spec_release(struct dataset_spec *spec)
{
    free(spec->path);
    free(spec->id);
    free_maps(spec->fields, spec->nfields);
    free_strv(spec->refs, spec->nrefs);
    free(spec->gold);
    free_maps(spec->tags, spec->ntags);
    free_strv(spec->inputs, spec->ninputs);
    free(spec->language);
    free(spec->suite_file);
    for (size_t i = 0; i < spec->nlength_tags; i++) {
        struct length_tag *lt = &spec->length_tags[i];
        free(lt->name);
        free(lt->field);
        free(lt->bounds);
        free_strv(lt->labels, lt->nbounds + 1);
    }
    free(spec->length_tags);
    dataset_spec_init(spec);
}

static int source_ok(const char *src, const char *file, const char *path, struct diag *d)
{
    if (!*src)
        return diag_fail_at(d, file, 0, path, "empty field name");
    return 0;
}

/* "fields"/"tags": {"name": "source"} or ["name", ...] (same name in the file). */
static int parse_map(const cJSON *v, const char *file, const char *path, int check_reserved,
                     struct field_map **out, size_t *nout, struct diag *d)
{
    int rc = 0;
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
        char got[96];
        json_brief(v, got, sizeof(got));
        return diag_fail_at(d, file, 0, path,
                            "expected an object {\"name\": \"source field\"} or a list of names, got %s", got);
    }
    size_t n = (size_t)cJSON_GetArraySize(v), k = 0;
    struct field_map *m = xcalloc(n ? n : 1, sizeof(*m));
    const cJSON *it;
    size_t i = 0;
    cJSON_ArrayForEach(it, v) {
        char p[256];
        const char *name, *source;
        if (cJSON_IsObject(v)) {
            jpath_key(p, sizeof(p), path, it->string);
            if (!cJSON_IsString(it)) {
                rc = diag_fail_at(d, file, 0, p, "expected a source field name (a string), got %s",
                                  json_kind(it));
                i++;
                continue;
            }
            name = it->string;
            source = it->valuestring;
        } else {
            jpath_index(p, sizeof(p), path, i);
            if (!cJSON_IsString(it)) {
                rc = diag_fail_at(d, file, 0, p, "expected a field name (a string), got %s",
                                  json_kind(it));
                i++;
                continue;
            }
            name = source = it->valuestring;
        }
        i++;
        if (!*name) {
            rc = diag_fail_at(d, file, 0, p, "empty name");
            continue;
        }
        if (check_reserved && is_reserved(name)) {
            rc = diag_fail_at(d, file, 0, p,
                              "\"%s\" is reserved (map it with dataset.%s instead)", name, name);
            continue;
        }
        if (source_ok(source, file, p, d) < 0) {
            rc = -1;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(m[j].name, name) == 0;
        if (dup) {
            rc = diag_fail_at(d, file, 0, p, "\"%s\" is mapped twice", name);
            continue;
        }
        m[k].name = xstrdup(name);
        m[k].source = xstrdup(source);
        k++;
    }
    *out = m;
    *nout = k;
    return rc;
}

/* A string or a list of strings. */
static int parse_strv(const cJSON *v, const char *file, const char *path, char ***out,
                      size_t *nout, struct diag *d)
{
    if (cJSON_IsString(v)) {
        if (source_ok(v->valuestring, file, path, d) < 0)
            return -1;
        *out = xmalloc(sizeof(char *));
        (*out)[0] = xstrdup(v->valuestring);
        *nout = 1;
        return 0;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
        char got[96];
        json_brief(v, got, sizeof(got));
        return diag_fail_at(d, file, 0, path, "expected a field name or a non-empty list of them, got %s", got);
    }
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    char **sv = xcalloc(n, sizeof(char *));
    const cJSON *it;
    int rc = 0;
    cJSON_ArrayForEach(it, v) {
        char p[256];
        jpath_index(p, sizeof(p), path, i);
        if (!cJSON_IsString(it) || source_ok(it->valuestring, file, p, d) < 0) {
            if (!cJSON_IsString(it))
                diag_fail_at(d, file, 0, p, "expected a field name (a string), got %s", json_kind(it));
            rc = -1;
            sv[i++] = xstrdup("");
            continue;
        }
        sv[i++] = xstrdup(it->valuestring);
    }
    *out = sv;
    *nout = n;
    return rc;
}

static int format_from_path(const char *p, enum dataset_format *f)
{
    const char *dot = strrchr(p, '.');
    if (!dot)
        return -1;
    if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0)
        *f = DATASET_JSONL;
    else if (strcmp(dot, ".csv") == 0)
        *f = DATASET_CSV;
    else if (strcmp(dot, ".tsv") == 0 || strcmp(dot, ".tab") == 0)
        *f = DATASET_TSV;
    else
        return -1;
    return 0;
}

/* "length_tags": [{"name": "length", "field": "document", "unit": "words",
 *                  "bounds": [350, 600], "labels": ["short", "medium", "long"]}]
 * Labels default to "<350", "350-599", ">=600". */
static int parse_length_tags(const cJSON *v, const char *file, const char *path,
                             struct dataset_spec *spec, struct diag *d)
{
    static const char *const keys[] = { "name", "field", "unit", "bounds", "labels", NULL };
    if (!cJSON_IsArray(v))
        return diag_fail_at(d, file, 0, path, "expected a list of length tags, got %s", json_kind(v));
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    spec->length_tags = xcalloc(n ? n : 1, sizeof(*spec->length_tags));
    const cJSON *o;
    int rc = 0;
    cJSON_ArrayForEach(o, v) {
        char p[256], pk[256];
        jpath_index(p, sizeof(p), path, i++);
        if (!cJSON_IsObject(o)) {
            rc = diag_fail_at(d, file, 0, p, "expected an object, got %s", json_kind(o));
            continue;
        }
        if (jv_known_keys(o, keys, file, p, d) < 0)
            rc = -1;
        const char *name = NULL, *field = NULL, *unit = "words";
        const cJSON *bounds = NULL, *labels = NULL;
        if (jv_string(o, "name", file, p, 1, &name, d) < 0 || jv_string(o, "field", file, p, 1, &field, d) < 0 ||
            jv_string(o, "unit", file, p, 0, &unit, d) < 0 || jv_array(o, "bounds", file, p, 1, &bounds, d) < 0 ||
            jv_array(o, "labels", file, p, 0, &labels, d) < 0) {
            rc = -1;
            continue;
        }
        struct length_tag *lt = &spec->length_tags[spec->nlength_tags++];
        lt->name = xstrdup(name);
        lt->field = xstrdup(field);
        jpath_key(pk, sizeof(pk), p, "unit");
        if (strcmp(unit, "words") != 0 && strcmp(unit, "chars") != 0)
            rc = diag_fail_at(d, file, 0, pk, "expected \"words\" or \"chars\", got \"%s\"", unit);
        lt->chars = strcmp(unit, "chars") == 0;
        lt->nbounds = (size_t)cJSON_GetArraySize(bounds);
        lt->bounds = xcalloc(lt->nbounds + 1, sizeof(long));
        lt->labels = xcalloc(lt->nbounds + 1, sizeof(char *));
        jpath_key(pk, sizeof(pk), p, "bounds");
        if (lt->nbounds == 0)
            rc = diag_fail_at(d, file, 0, pk, "expected at least one bound");
        const cJSON *b;
        size_t k = 0;
        cJSON_ArrayForEach(b, bounds) {
            double x = cJSON_GetNumberValue(b);
            if (!cJSON_IsNumber(b) || x != floor(x) || x < 0 || x > 1e9 || (k && (long)x <= lt->bounds[k - 1])) {
                char pb[256];
                jpath_index(pb, sizeof(pb), pk, k);
                rc = diag_fail_at(d, file, 0, pb, "expected ascending whole numbers");
            }
            lt->bounds[k++] = (long)x;
        }
        jpath_key(pk, sizeof(pk), p, "labels");
        if (labels && (size_t)cJSON_GetArraySize(labels) != lt->nbounds + 1)
            rc = diag_fail_at(d, file, 0, pk, "expected %zu labels (one more than bounds), got %d",
                              lt->nbounds + 1, cJSON_GetArraySize(labels));
        for (k = 0; k <= lt->nbounds; k++) {
            const cJSON *l = labels ? cJSON_GetArrayItem(labels, (int)k) : NULL;
            if (labels && !cJSON_IsString(l)) {
                char pl[256];
                jpath_index(pl, sizeof(pl), pk, k);
                rc = diag_fail_at(d, file, 0, pl, "expected a label (a string), got %s", json_kind(l));
            }
            if (cJSON_IsString(l))
                lt->labels[k] = xstrdup(l->valuestring);
            else if (k == 0)
                lt->labels[k] = xasprintf("<%ld", lt->bounds[0]);
            else if (k == lt->nbounds)
                lt->labels[k] = xasprintf(">=%ld", lt->bounds[k - 1]);
            else
                lt->labels[k] = xasprintf("%ld-%ld", lt->bounds[k - 1], lt->bounds[k] - 1);
        }
        for (size_t t = 0; t < spec->ntags; t++) {
            if (strcmp(spec->tags[t].name, name) == 0) {
                jpath_key(pk, sizeof(pk), p, "name");
                rc = diag_fail_at(d, file, 0, pk, "tag \"%s\" is also mapped in dataset.tags", name);
            }
        }
    }
    return rc;
}

int dataset_spec_parse(const cJSON *block, const char *file, const char *path,
                       struct dataset_spec *spec, struct diag *d)
{
    static const char *const keys[] = { "path", "format", "quoting", "id", "fields", "references",
                                        "gold", "tags", "input", "language", "length_tags", NULL };
    dataset_spec_init(spec);
    spec->suite_file = xstrdup(file);
    if (!cJSON_IsObject(block))
        return diag_fail_at(d, file, 0, path, "expected an object, got %s", json_kind(block));
    int rc = jv_known_keys(block, keys, file, path, d);
    const char *s;
    char p[256];

    if (jv_string(block, "path", file, path, 1, &s, d) == 0) {
        if (!*s) {
            jpath_key(p, sizeof(p), path, "path");
            rc = diag_fail_at(d, file, 0, p, "empty path");
        }
        spec->path = xstrdup(s);
    } else {
        rc = -1;
    }

    const char *fmt = NULL;
    if (jv_string(block, "format", file, path, 0, &fmt, d) < 0) {
        rc = -1;
    } else if (fmt) {
        jpath_key(p, sizeof(p), path, "format");
        if (strcmp(fmt, "jsonl") == 0)
            spec->format = DATASET_JSONL;
        else if (strcmp(fmt, "csv") == 0)
            spec->format = DATASET_CSV;
        else if (strcmp(fmt, "tsv") == 0)
            spec->format = DATASET_TSV;
        else
            rc = diag_fail_at(d, file, 0, p, "expected \"jsonl\", \"csv\" or \"tsv\", got \"%s\"", fmt);
    } else if (spec->path && format_from_path(spec->path, &spec->format) < 0) {
        jpath_key(p, sizeof(p), path, "format");
        rc = diag_fail_at(d, file, 0, p,
                          "missing, and the path does not end in .jsonl, .ndjson, .csv or .tsv");
    }

    if (jv_bool(block, "quoting", file, path, 0, &spec->quoting, d) < 0)
        rc = -1;

    const char *id = "id";
    if (jv_string(block, "id", file, path, 0, &id, d) < 0)
        rc = -1;
    jpath_key(p, sizeof(p), path, "id");
    if (source_ok(id, file, p, d) < 0)
        rc = -1;
    spec->id = xstrdup(id);

    const cJSON *v = cJSON_GetObjectItemCaseSensitive(block, "fields");
    if (v) {
        jpath_key(p, sizeof(p), path, "fields");
        if (parse_map(v, file, p, 1, &spec->fields, &spec->nfields, d) < 0)
            rc = -1;
    } else {
        spec->all_fields = 1;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(block, "references"))) {
        jpath_key(p, sizeof(p), path, "references");
        if (parse_strv(v, file, p, &spec->refs, &spec->nrefs, d) < 0)
            rc = -1;
    }
    const char *gold = NULL;
    if (jv_string(block, "gold", file, path, 0, &gold, d) < 0)
        rc = -1;
    if (gold)
        spec->gold = xstrdup(gold);
    if ((v = cJSON_GetObjectItemCaseSensitive(block, "tags"))) {
        jpath_key(p, sizeof(p), path, "tags");
        if (parse_map(v, file, p, 0, &spec->tags, &spec->ntags, d) < 0)
            rc = -1;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(block, "input"))) {
        jpath_key(p, sizeof(p), path, "input");
        if (parse_strv(v, file, p, &spec->inputs, &spec->ninputs, d) < 0)
            rc = -1;
    }
    const char *lang = NULL;
    if (jv_string(block, "language", file, path, 0, &lang, d) < 0)
        rc = -1;
    if (lang)
        spec->language = xstrdup(lang);

    if ((v = cJSON_GetObjectItemCaseSensitive(block, "length_tags"))) {
        jpath_key(p, sizeof(p), path, "length_tags");
        if (parse_length_tags(v, file, p, spec, d) < 0)
            rc = -1;
    }

    /* input and language name the suite's fields: with an explicit map
     * they must be among them. */
    if (!spec->all_fields) {
        for (size_t i = 0; i < spec->ninputs; i++) {
            int found = 0;
            for (size_t j = 0; j < spec->nfields; j++)
                found |= strcmp(spec->fields[j].name, spec->inputs[i]) == 0;
            if (!found && *spec->inputs[i]) {
                jpath_key(p, sizeof(p), path, "input");
                rc = diag_fail_at(d, file, 0, p, "\"%s\" is not one of dataset.fields",
                                  spec->inputs[i]);
            }
        }
        if (spec->language) {
            int found = 0;
            for (size_t j = 0; j < spec->nfields; j++)
                found |= strcmp(spec->fields[j].name, spec->language) == 0;
            if (!found) {
                jpath_key(p, sizeof(p), path, "language");
                rc = diag_fail_at(d, file, 0, p, "\"%s\" is not one of dataset.fields",
                                  spec->language);
            }
        }
    }
    return rc;
}

/* === items === */

void dataset_init(struct dataset *ds)
{
    memset(ds, 0, sizeof(*ds));
}

static void item_release(struct item *it)
{
    free(it->id);
    cJSON_Delete(it->obj);
    free(it->refs);
}

void dataset_release(struct dataset *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        item_release(&ds->items[i]);
    free(ds->items);
    free(ds->index);
    free(ds->path);
    dataset_init(ds);
}

void item_describe(const struct dataset *ds, const struct item *it, char *out, size_t n)
{
    snprintf(out, n, "item \"%s\" (%s:%ld)", it->id, ds && ds->path ? ds->path : "?", it->line);
}

static size_t slot_of(const struct dataset *ds, const char *id)
{
    size_t mask = ds->index_cap - 1;
    size_t h = (size_t)hash64(id, strlen(id), 0) & mask;
    while (ds->index[h] && strcmp(ds->items[ds->index[h] - 1].id, id) != 0)
        h = (h + 1) & mask;
    return h;
}

static void index_grow(struct dataset *ds)
{
    size_t ncap = ds->index_cap ? ds->index_cap * 2 : 64;
    free(ds->index);
    ds->index = xcalloc(ncap, sizeof(*ds->index));
    ds->index_cap = ncap;
    /* Items after a duplicate were never added; re-add the indexed ones. */
    for (size_t i = 0; i < ds->n; i++) {
        size_t h = slot_of(ds, ds->items[i].id);
        if (!ds->index[h])
            ds->index[h] = i + 1;
    }
}

const struct item *dataset_find(const struct dataset *ds, const char *id)
{
    if (!ds->index_cap)
        return NULL;
    size_t h = slot_of(ds, id);
    return ds->index[h] ? &ds->items[ds->index[h] - 1] : NULL;
}

struct loader {
    const struct dataset_spec *spec;
    struct dataset *ds;
    size_t cap;
    const char *file;
    int csv;                 /* cells are strings; gold is JSON text */
    char **header;           /* CSV column names */
    size_t ncols;
    const struct csv_record *rec;  /* the CSV row being mapped (for cell positions) */
};

static int fail_missing(struct loader *L, long line, const char *id, const char *source,
                        const char *role, struct diag *d)
{
    const char *what = L->csv ? "column" : "field";
    if (id)
        return diag_fail_at(d, L->file, line, NULL, "item \"%s\": no %s \"%s\" (dataset.%s in %s)",
                            id, what, source, role, L->spec->suite_file);
    return diag_fail_at(d, L->file, line, NULL, "no %s \"%s\" (dataset.%s in %s)", what,
                        source, role, L->spec->suite_file);
}

static long cell_col(struct loader *L, const char *column)
{
    if (!L->rec)
        return 0;
    for (size_t i = 0; i < L->ncols && i < L->rec->n; i++)
        if (strcmp(L->header[i], column) == 0)
            return L->rec->cols[i];
    return 0;
}

static char *id_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
        return xasprintf("%.0f", v->valuedouble);
    return NULL;
}

static int map_item(struct loader *L, const cJSON *src, long line, struct diag *d)
{
    const struct dataset_spec *spec = L->spec;
    char *id;
    if (strcmp(spec->id, "@line") == 0) {
        id = xasprintf("line-%ld", line);
    } else {
        const cJSON *v = field_lookup(src, spec->id);
        if (!v)
            return fail_missing(L, line, NULL, spec->id, "id", d);
        id = id_text(v);
        if (!id || !*id) {
            free(id);
            char got[96];
            json_brief(v, got, sizeof(got));
            return diag_fail_at(d, L->file, line, NULL,
                                "id field \"%s\": expected a non-empty string or an integer, got %s",
                                spec->id, got);
        }
    }

    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "id", id);
    struct item it = { id, line, obj, NULL, 0, NULL, NULL, NULL };
    char role[300];

    if (spec->all_fields) {
        const cJSON *f;
        cJSON_ArrayForEach(f, src) {
            if (!is_reserved(f->string))
                cJSON_AddItemToObject(obj, f->string, cJSON_Duplicate(f, 1));
        }
    }
    for (size_t i = 0; i < spec->nfields; i++) {
        const cJSON *v = field_lookup(src, spec->fields[i].source);
        if (!v) {
            snprintf(role, sizeof(role), "fields.%s", spec->fields[i].name);
            fail_missing(L, line, id, spec->fields[i].source, role, d);
            goto fail;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(obj, spec->fields[i].name);
        cJSON_AddItemToObject(obj, spec->fields[i].name, cJSON_Duplicate(v, 1));
    }

    if (spec->nrefs) {
        cJSON *refs = cJSON_AddArrayToObject(obj, "references");
        for (size_t i = 0; i < spec->nrefs; i++) {
            const cJSON *v = field_lookup(src, spec->refs[i]);
            if (!v) {
                fail_missing(L, line, id, spec->refs[i], "references", d);
                goto fail;
            }
            if (cJSON_IsString(v)) {
                /* Several columns: an empty cell is "no reference here". */
                if (spec->nrefs == 1 || *v->valuestring)
                    cJSON_AddItemToArray(refs, cJSON_CreateString(v->valuestring));
                continue;
            }
            if (cJSON_IsNull(v) && spec->nrefs > 1)
                continue;
            if (!cJSON_IsArray(v)) {
                diag_fail_at(d, L->file, line, NULL,
                             "item \"%s\": references field \"%s\": expected a string or a list of strings, got %s",
                             id, spec->refs[i], json_kind(v));
                goto fail;
            }
            const cJSON *r;
            size_t k = 0;
            cJSON_ArrayForEach(r, v) {
                if (!cJSON_IsString(r)) {
                    diag_fail_at(d, L->file, line, NULL,
                                 "item \"%s\": references field \"%s\"[%zu]: expected a string, got %s",
                                 id, spec->refs[i], k, json_kind(r));
                    goto fail;
                }
                cJSON_AddItemToArray(refs, cJSON_CreateString(r->valuestring));
                k++;
            }
        }
        int n = cJSON_GetArraySize(refs);
        if (n == 0) {
            diag_fail_at(d, L->file, line, NULL, "item \"%s\": no reference (all reference fields empty)", id);
            goto fail;
        }
        it.refs = xcalloc((size_t)n, sizeof(char *));
        const cJSON *r;
        cJSON_ArrayForEach(r, refs)
            it.refs[it.nrefs++] = r->valuestring;
    }

    if (spec->gold) {
        const cJSON *v = field_lookup(src, spec->gold);
        if (!v) {
            fail_missing(L, line, id, spec->gold, "gold", d);
            goto fail;
        }
        cJSON *g;
        if (L->csv) {
            struct diag sub;
            diag_init(&sub);
            g = json_parse_located(v->valuestring, strlen(v->valuestring), L->file, line, &sub);
            if (!g) {
                diag_fail_pos(d, L->file, line, cell_col(L, spec->gold), NULL,
                              "item \"%s\": gold column \"%s\" is not JSON: %s", id, spec->gold,
                              sub.msg);
                goto fail;
            }
        } else {
            g = cJSON_Duplicate(v, 1);
        }
        cJSON_AddItemToObject(obj, "gold", g);
        it.gold = g;
    }

    cJSON *tags = cJSON_AddObjectToObject(obj, "tags");
    it.tags = tags;
    for (size_t i = 0; i < spec->ntags; i++) {
        const cJSON *v = field_lookup(src, spec->tags[i].source);
        if (!v) {
            snprintf(role, sizeof(role), "tags.%s", spec->tags[i].name);
            fail_missing(L, line, id, spec->tags[i].source, role, d);
            goto fail;
        }
        if (cJSON_IsNull(v))
            continue;
        if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
            diag_fail_at(d, L->file, line, NULL,
                         "item \"%s\": tag \"%s\" (field \"%s\"): expected a string, number or boolean, got %s",
                         id, spec->tags[i].name, spec->tags[i].source, json_kind(v));
            goto fail;
        }
        struct buf b;
        buf_init(&b, 0);
        field_render(v, &b);
        cJSON_AddStringToObject(tags, spec->tags[i].name, b.ptr);
        buf_release(&b);
    }

    for (size_t i = 0; i < spec->nlength_tags; i++) {
        const struct length_tag *lt = &spec->length_tags[i];
        const cJSON *v = field_lookup(obj, lt->field);
        if (!cJSON_IsString(v)) {
            diag_fail_at(d, L->file, line, NULL,
                         "item \"%s\": length tag \"%s\" measures field \"%s\": expected a string, got %s",
                         id, lt->name, lt->field, json_kind(v));
            goto fail;
        }
        size_t len = lt->chars ? count_chars(v->valuestring) : count_words(v->valuestring);
        size_t k = 0;
        while (k < lt->nbounds && (long)len >= lt->bounds[k])
            k++;
        cJSON_AddStringToObject(tags, lt->name, lt->labels[k]);
    }

    if (spec->language) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, spec->language);
        if (!cJSON_IsString(v)) {
            diag_fail_at(d, L->file, line, NULL,
                         "item \"%s\": language field \"%s\": expected a string, got %s", id,
                         spec->language, json_kind(v));
            goto fail;
        }
        it.lang = v->valuestring;
    }

    /* Unique id, then keep the item. */
    struct dataset *ds = L->ds;
    if (ds->n + 1 > ds->index_cap / 2)
        index_grow(ds);
    size_t h = slot_of(ds, id);
    if (ds->index[h]) {
        diag_fail_at(d, L->file, line, NULL, "duplicate item id \"%s\" (first at line %ld)", id,
                     ds->items[ds->index[h] - 1].line);
        goto fail;
    }
    XGROW(ds->items, L->cap, ds->n + 1);
    ds->items[ds->n] = it;
    ds->index[h] = ++ds->n;
    return 0;

fail:
    item_release(&it);
    return -1;
}

static int on_jsonl(cJSON *obj, long line, void *ud, struct diag *d)
{
    int rc = map_item(ud, obj, line, d);
    cJSON_Delete(obj);
    return rc;
}

static int on_csv(const struct csv_record *rec, void *ud, struct diag *d)
{
    struct loader *L = ud;
    if (!L->header) {
        L->header = xcalloc(rec->n, sizeof(char *));
        L->ncols = rec->n;
        for (size_t i = 0; i < rec->n; i++) {
            for (size_t j = 0; j < i; j++) {
                if (strcmp(L->header[j], rec->fields[i]) == 0)
                    return diag_fail_pos(d, L->file, rec->lines[i], rec->cols[i], NULL,
                                         "column \"%s\" appears twice in the header", rec->fields[i]);
            }
            L->header[i] = xstrdup(rec->fields[i]);
        }
        return 0;
    }
    if (rec->n != L->ncols)
        return diag_fail_at(d, L->file, rec->line, NULL,
                            "expected %zu fields (as in the header), got %zu", L->ncols, rec->n);
    cJSON *row = cJSON_CreateObject();
    for (size_t i = 0; i < rec->n; i++)
        cJSON_AddItemToObject(row, L->header[i], cJSON_CreateString(rec->fields[i]));
    L->rec = rec;
    int rc = map_item(L, row, rec->line, d);
    L->rec = NULL;
    cJSON_Delete(row);
    return rc;
}

int dataset_load(const struct dataset_spec *spec, const char *resolved, struct dataset *ds,
                 struct diag *d)
{
    dataset_init(ds);
    ds->path = xstrdup(resolved);
    struct buf text;
    buf_init(&text, 0);
    struct loader L = { spec, ds, 0, resolved, spec->format != DATASET_JSONL, NULL, 0, NULL };
    int rc = file_read(resolved, &text, 0, d);
    if (rc == 0) {
        long bad = utf8_invalid_at(text.ptr, text.len);
        if (bad >= 0) {
            long line = 1, col = 1;
            for (long i = 0; i < bad; i++) {
                if (text.ptr[i] == '\n') {
                    line++;
                    col = 1;
                } else if (((unsigned char)text.ptr[i] & 0xC0) != 0x80) {
                    col++;
                }
            }
            rc = diag_fail_pos(d, resolved, line, col, NULL, "invalid UTF-8 (byte 0x%02X)",
                               (unsigned char)text.ptr[bad]);
        }
    }
    if (rc == 0) {
        if (spec->format == DATASET_JSONL)
            rc = jsonl_read(resolved, on_jsonl, &L, d);
        else
            rc = csv_parse(text.ptr, text.len, spec->format == DATASET_TSV ? '\t' : ',',
                           spec->quoting, resolved, on_csv, &L, d);
    }
    if (rc == 0 && L.csv && !L.header)
        rc = diag_fail_at(d, resolved, 0, NULL, "empty file: expected a header row and items");
    if (rc == 0 && ds->n == 0)
        rc = diag_fail_at(d, resolved, 0, NULL, "no items");
    free_strv(L.header, L.ncols);
    buf_release(&text);
    if (rc < 0)
        dataset_release(ds);
    return rc;
}
