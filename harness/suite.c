/* suite.c -- see suite.h; the format is documented in docs/suites.md.
 *
 * Loading runs in three passes so that one bad suite reports as much as it
 * can at once: (1) parse every block, collecting errors; (2) resolve and
 * load the dataset; (3) check the suite against its items: every template
 * of the suite and of every override must find its fields in every item,
 * schemas named by field must be objects, few-shot ids must exist.
 * Rendering then cannot fail on a loaded suite except for a bug, which is
 * why suite_render still returns a diag rather than asserting. */
#include "suite.h"

#include "version.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"
#include "scorers/scorer.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const task_families[] = {
    "summarization", "extraction", "translation", "multilingual", "classification", "qa",
    "generic", NULL,
};

/* === init and release === */

static void gen_init(struct gen_params *g)
{
    memset(g, 0, sizeof(*g));
    g->max_tokens = -1;
    g->temperature = NAN;
    g->top_p = NAN;
}

static void gen_release(struct gen_params *g)
{
    for (size_t i = 0; i < g->nstop; i++)
        free(g->stop[i]);
    free(g->stop);
    gen_init(g);
}

static void gen_set_stop(struct gen_params *g, char *const *stop, size_t n)
{
    for (size_t i = 0; i < g->nstop; i++)
        free(g->stop[i]);
    free(g->stop);
    g->stop = n ? xcalloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; i < n; i++)
        g->stop[i] = xstrdup(stop[i]);
    g->nstop = n;
    g->has_stop = 1;
}

/* Members set in `over` replace those in g. */
static void gen_apply(struct gen_params *g, const struct gen_params *over)
{
    if (over->max_tokens >= 0)
        g->max_tokens = over->max_tokens;
    if (!isnan(over->temperature))
        g->temperature = over->temperature;
    if (!isnan(over->top_p))
        g->top_p = over->top_p;
    if (over->has_seed) {
        g->seed = over->seed;
        g->has_seed = 1;
    }
    if (over->has_stop)
        gen_set_stop(g, over->stop, over->nstop);
}

static void prompt_spec_release(struct prompt_spec *p)
{
    template_free(p->system);
    template_free(p->user);
    template_free(p->raw);
    template_free(p->assistant);
    memset(p, 0, sizeof(*p));
}

static void response_release(struct response_spec *r)
{
    free(r->name);
    cJSON_Delete(r->schema);
    free(r->schema_field);
    memset(r, 0, sizeof(*r));
}

void suite_init(struct suite *s)
{
    memset(s, 0, sizeof(*s));
    dataset_spec_init(&s->dspec);
    dataset_init(&s->data);
    gen_init(&s->gen);
    s->higher_is_better = 1;
}

void suite_release(struct suite *s)
{
    free(s->name);
    free(s->task);
    free(s->description);
    free(s->file);
    free(s->dataset_file);
    dataset_spec_release(&s->dspec);
    dataset_release(&s->data);
    prompt_spec_release(&s->prompt);
    for (size_t i = 0; i < s->few_shot.nids; i++)
        free(s->few_shot.ids[i]);
    free(s->few_shot.ids);
    free(s->few_shot.same_tag);
    free(s->few_shot.pool);
    free(s->few_shot.start);
    free(s->few_shot.len);
    gen_release(&s->gen);
    response_release(&s->response);
    cJSON_Delete(s->backend_params);
    for (size_t i = 0; i < s->nscorers; i++) {
        free(s->scorers[i].name);
        free(s->scorers[i].type);
        cJSON_Delete(s->scorers[i].options);
    }
    free(s->scorers);
    free(s->primary_metric);
    free(s->primary_scorer);
    free(s->primary_key);
    for (size_t i = 0; i < s->noverrides; i++) {
        struct override *o = &s->overrides[i];
        free(o->backend);
        free(o->backend_type);
        prompt_spec_release(&o->prompt);
        gen_release(&o->gen);
        response_release(&o->response);
        cJSON_Delete(o->backend_params);
    }
    free(s->overrides);
    suite_init(s);
}

/* === parsing the blocks === */

struct ctx {
    const char *file;
    unsigned flags;
    struct diag *d;
    int rc;
};

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->rc = -1;
    return diag_fail_at(c->d, c->file, 0, path, "%s", msg);
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* A template is a string, or a list of strings joined with "\n" (long
 * prompts stay readable in JSON). */
static struct template *parse_template(struct ctx *c, const cJSON *v, const char *path)
{
    if (cJSON_IsString(v)) {
        struct template *t = template_compile(v->valuestring, c->file, path, c->d);
        if (!t)
            c->rc = -1;
        return t;
    }
    if (!cJSON_IsArray(v)) {
        fail(c, path, "expected a template string or a list of lines, got %s", json_kind(v));
        return NULL;
    }
    struct buf b;
    buf_init(&b, 0);
    const cJSON *line;
    size_t i = 0;
    cJSON_ArrayForEach(line, v) {
        if (!cJSON_IsString(line)) {
            char p[256];
            jpath_index(p, sizeof(p), path, i);
            fail(c, p, "expected a string, got %s", json_kind(line));
            buf_release(&b);
            return NULL;
        }
        if (i++)
            buf_addc(&b, '\n');
        buf_adds(&b, line->valuestring);
    }
    struct template *t = template_compile(b.ptr, c->file, path, c->d);
    if (!t)
        c->rc = -1;
    buf_release(&b);
    return t;
}

static void parse_prompt(struct ctx *c, const cJSON *v, const char *path, int need_user,
                         struct prompt_spec *p)
{
    static const char *const keys[] = { "system", "user", "raw", "assistant", NULL };
    if (!cJSON_IsObject(v)) {
        fail(c, path, "expected an object, got %s", json_kind(v));
        return;
    }
    if (jv_known_keys(v, keys, c->file, path, c->d) < 0)
        c->rc = -1;
    struct template **slots[] = { &p->system, &p->user, &p->raw, &p->assistant };
    for (size_t i = 0; i < 4; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, keys[i]);
        if (!t)
            continue;
        char p2[256];
        jpath_key(p2, sizeof(p2), path, keys[i]);
        *slots[i] = parse_template(c, t, p2);
    }
    if (need_user && !cJSON_GetObjectItemCaseSensitive(v, "user")) {
        char p2[256];
        jpath_key(p2, sizeof(p2), path, "user");
        fail(c, p2, "missing, required (the item's user message)");
    }
}

static void parse_gen(struct ctx *c, const cJSON *v, const char *path, struct gen_params *g)
{
    static const char *const keys[] = { "max_tokens", "temperature", "top_p", "stop", "seed", NULL };
    if (!cJSON_IsObject(v)) {
        fail(c, path, "expected an object, got %s", json_kind(v));
        return;
    }
    if (jv_known_keys(v, keys, c->file, path, c->d) < 0)
        c->rc = -1;
    if (jv_int(v, "max_tokens", c->file, path, 0, 1, 10000000, &g->max_tokens, c->d) < 0)
        c->rc = -1;
    if (jv_number(v, "temperature", c->file, path, 0, 0, 10, &g->temperature, c->d) < 0)
        c->rc = -1;
    if (jv_number(v, "top_p", c->file, path, 0, 0, 1, &g->top_p, c->d) < 0)
        c->rc = -1;
    long seed;
    if (cJSON_GetObjectItemCaseSensitive(v, "seed")) {
        if (jv_int(v, "seed", c->file, path, 1, 0, 9007199254740991L, &seed, c->d) < 0) {
            c->rc = -1;
        } else {
            g->seed = seed;
            g->has_seed = 1;
        }
    }
    const cJSON *stop = NULL;
    if (jv_array(v, "stop", c->file, path, 0, &stop, c->d) < 0) {
        c->rc = -1;
    } else if (stop) {
        char p[256];
        jpath_key(p, sizeof(p), path, "stop");
        size_t n = (size_t)cJSON_GetArraySize(stop), i = 0;
        char **sv = xcalloc(n ? n : 1, sizeof(char *));
        const cJSON *it;
        cJSON_ArrayForEach(it, stop) {
            char pi[256];
            jpath_index(pi, sizeof(pi), p, i);
            if (!cJSON_IsString(it) || !*it->valuestring)
                fail(c, pi, "expected a non-empty string, got %s", json_kind(it));
            sv[i++] = xstrdup(cJSON_IsString(it) ? it->valuestring : "");
        }
        gen_set_stop(g, sv, n);
        for (i = 0; i < n; i++)
            free(sv[i]);
        free(sv);
    }
}

static void parse_response(struct ctx *c, const cJSON *v, const char *path, struct response_spec *r)
{
    static const char *const keys[] = { "type", "name", "schema", "schema_field", "strict", NULL };
    r->set = 1;
    r->strict = 1;
    if (!cJSON_IsObject(v)) {
        fail(c, path, "expected an object, got %s", json_kind(v));
        return;
    }
    if (jv_known_keys(v, keys, c->file, path, c->d) < 0)
        c->rc = -1;
    const char *type = NULL, *name = NULL, *field = NULL;
    char p[256];
    jpath_key(p, sizeof(p), path, "type");
    if (jv_string(v, "type", c->file, path, 1, &type, c->d) < 0) {
        c->rc = -1;
    } else if (strcmp(type, "text") == 0) {
        r->kind = RESPONSE_TEXT;
    } else if (strcmp(type, "json_object") == 0) {
        r->kind = RESPONSE_JSON_OBJECT;
    } else if (strcmp(type, "json_schema") == 0) {
        r->kind = RESPONSE_JSON_SCHEMA;
    } else {
        fail(c, p, "expected \"text\", \"json_object\" or \"json_schema\", got \"%s\"", type);
    }
    if (jv_string(v, "name", c->file, path, 0, &name, c->d) < 0)
        c->rc = -1;
    if (name)
        r->name = xstrdup(name);
    if (jv_string(v, "schema_field", c->file, path, 0, &field, c->d) < 0)
        c->rc = -1;
    if (field)
        r->schema_field = xstrdup(field);
    const cJSON *schema = NULL;
    if (jv_object(v, "schema", c->file, path, 0, &schema, c->d) < 0)
        c->rc = -1;
    else if (schema)
        r->schema = cJSON_Duplicate(schema, 1);
    if (jv_bool(v, "strict", c->file, path, 0, &r->strict, c->d) < 0)
        c->rc = -1;
    if (r->kind == RESPONSE_JSON_SCHEMA && !!r->schema == !!r->schema_field)
        fail(c, path, "json_schema needs exactly one of \"schema\" (the schema) or "
                      "\"schema_field\" (the item field holding it)");
    if (r->kind != RESPONSE_JSON_SCHEMA && (r->schema || r->schema_field))
        fail(c, path, "\"schema\" and \"schema_field\" go with type \"json_schema\"");
}

static void parse_backend_params(struct ctx *c, const cJSON *v, const char *path, cJSON **out)
{
    if (!cJSON_IsObject(v)) {
        fail(c, path, "expected an object, got %s", json_kind(v));
        return;
    }
    *out = cJSON_Duplicate(v, 1);
}

static void parse_few_shot(struct ctx *c, const cJSON *v, const char *path, struct few_shot *f)
{
    static const char *const keys[] = { "k", "seed", "ids", "same_tag", NULL };
    if (!cJSON_IsObject(v)) {
        fail(c, path, "expected an object, got %s", json_kind(v));
        return;
    }
    if (jv_known_keys(v, keys, c->file, path, c->d) < 0)
        c->rc = -1;
    long k = 0, seed = 0;
    if (jv_int(v, "k", c->file, path, 0, 0, SUITE_MAX_SHOTS, &k, c->d) < 0)
        c->rc = -1;
    if (jv_int(v, "seed", c->file, path, 0, 0, 9007199254740991L, &seed, c->d) < 0)
        c->rc = -1;
    f->k = (size_t)k;
    f->seed = (uint64_t)seed;
    const cJSON *ids = NULL;
    if (jv_array(v, "ids", c->file, path, 0, &ids, c->d) < 0) {
        c->rc = -1;
    } else if (ids) {
        char p[256];
        jpath_key(p, sizeof(p), path, "ids");
        if (cJSON_GetObjectItemCaseSensitive(v, "k") || cJSON_GetObjectItemCaseSensitive(v, "same_tag"))
            fail(c, path, "give either \"ids\" or \"k\" (with \"seed\", \"same_tag\"), not both");
        size_t n = (size_t)cJSON_GetArraySize(ids), i = 0;
        if (n > SUITE_MAX_SHOTS) {
            fail(c, p, "%zu examples, at most %d", n, SUITE_MAX_SHOTS);
            return;
        }
        f->ids = xcalloc(n ? n : 1, sizeof(char *));
        const cJSON *it;
        cJSON_ArrayForEach(it, ids) {
            char pi[256];
            jpath_index(pi, sizeof(pi), p, i);
            if (!cJSON_IsString(it))
                fail(c, pi, "expected an item id (a string), got %s", json_kind(it));
            f->ids[i++] = xstrdup(cJSON_IsString(it) ? it->valuestring : "");
        }
        f->nids = n;
        f->k = n;
    }
    const char *tag = NULL;
    if (jv_string(v, "same_tag", c->file, path, 0, &tag, c->d) < 0)
        c->rc = -1;
    if (tag)
        f->same_tag = xstrdup(tag);
}

static void list_scorer_types(char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; scorer_table[i] && used + 2 < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", scorer_table[i]->type);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (!scorer_table[0])
        snprintf(out, n, "none are built in");
}

static void parse_scorers(struct ctx *c, const cJSON *v, struct suite *s)
{
    static const char *const keys[] = { "name", "type", "options", NULL };
    if (!cJSON_IsArray(v)) {
        fail(c, "scorers", "expected a list of scorers, got %s", json_kind(v));
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    s->scorers = xcalloc(n ? n : 1, sizeof(*s->scorers));
    const cJSON *sc;
    cJSON_ArrayForEach(sc, v) {
        char p[256], pt[256];
        jpath_index(p, sizeof(p), "scorers", i);
        struct scorer_spec *spec = &s->scorers[i++];
        s->nscorers = i;
        if (!cJSON_IsObject(sc)) {
            fail(c, p, "expected an object {\"type\": ..., \"name\": ..., \"options\": {...}}, got %s",
                 json_kind(sc));
            continue;
        }
        if (jv_known_keys(sc, keys, c->file, p, c->d) < 0)
            c->rc = -1;
        const char *type = NULL, *name = NULL;
        const cJSON *opts = NULL;
        if (jv_string(sc, "type", c->file, p, 1, &type, c->d) < 0)
            c->rc = -1;
        if (jv_string(sc, "name", c->file, p, 0, &name, c->d) < 0)
            c->rc = -1;
        if (jv_object(sc, "options", c->file, p, 0, &opts, c->d) < 0)
            c->rc = -1;
        if (!type)
            continue;
        spec->type = xstrdup(type);
        spec->name = xstrdup(name ? name : type);
        spec->options = opts ? cJSON_Duplicate(opts, 1) : NULL;
        if (!valid_name(spec->name)) {
            jpath_key(pt, sizeof(pt), p, "name");
            fail(c, pt, "\"%s\": use letters, digits, '_' and '-' (the name keys the record's scores)",
                 spec->name);
        }
        for (size_t j = 0; j + 1 < i; j++) {
            if (s->scorers[j].name && strcmp(s->scorers[j].name, spec->name) == 0) {
                jpath_key(pt, sizeof(pt), p, name ? "name" : "type");
                fail(c, pt, "scorer name \"%s\" is used twice (give one a \"name\")", spec->name);
            }
        }
        if (c->flags & SUITE_NO_SCORER_CHECK)
            continue;
        jpath_key(pt, sizeof(pt), p, "type");
        spec->ops = scorer_find(type);
        if (!spec->ops) {
            char known[512];
            list_scorer_types(known, sizeof(known));
            fail(c, pt, "unknown scorer \"%s\" (known: %s)", type, known);
            continue;
        }
        /* Configure once to check the options now, not mid-run. */
        char po[256];
        jpath_key(po, sizeof(po), p, "options");
        void *state = spec->ops->configure(spec->options, c->file, po, c->d);
        if (!state)
            c->rc = -1;
        else
            spec->ops->release(state);
    }
}

static void parse_overrides(struct ctx *c, const cJSON *v, struct suite *s)
{
    static const char *const keys[] = { "backend", "backend_type", "prompt", "generation",
                                        "response_format", "backend_params", "few_shot", NULL };
    if (!cJSON_IsArray(v)) {
        fail(c, "overrides", "expected a list of overrides, got %s", json_kind(v));
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    if (n > SUITE_MAX_OVERRIDES) {
        fail(c, "overrides", "%zu overrides, at most %d", n, SUITE_MAX_OVERRIDES);
        return;
    }
    s->overrides = xcalloc(n ? n : 1, sizeof(*s->overrides));
    const cJSON *ov;
    cJSON_ArrayForEach(ov, v) {
        char p[256], pk[256];
        jpath_index(p, sizeof(p), "overrides", i);
        struct override *o = &s->overrides[i++];
        gen_init(&o->gen);
        s->noverrides = i;
        if (!cJSON_IsObject(ov)) {
            fail(c, p, "expected an object, got %s", json_kind(ov));
            continue;
        }
        if (jv_known_keys(ov, keys, c->file, p, c->d) < 0)
            c->rc = -1;
        const char *name = NULL, *type = NULL;
        if (jv_string(ov, "backend", c->file, p, 0, &name, c->d) < 0)
            c->rc = -1;
        if (jv_string(ov, "backend_type", c->file, p, 0, &type, c->d) < 0)
            c->rc = -1;
        if (!!name == !!type)
            fail(c, p, "give exactly one of \"backend\" (a backend name) or \"backend_type\"");
        o->backend = name ? xstrdup(name) : NULL;
        o->backend_type = type ? xstrdup(type) : NULL;
        const cJSON *x;
        if ((x = cJSON_GetObjectItemCaseSensitive(ov, "prompt"))) {
            jpath_key(pk, sizeof(pk), p, "prompt");
            parse_prompt(c, x, pk, 0, &o->prompt);
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(ov, "generation"))) {
            jpath_key(pk, sizeof(pk), p, "generation");
            parse_gen(c, x, pk, &o->gen);
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(ov, "response_format"))) {
            jpath_key(pk, sizeof(pk), p, "response_format");
            parse_response(c, x, pk, &o->response);
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(ov, "backend_params"))) {
            jpath_key(pk, sizeof(pk), p, "backend_params");
            parse_backend_params(c, x, pk, &o->backend_params);
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(ov, "few_shot"))) {
            jpath_key(pk, sizeof(pk), p, "few_shot");
            if (!cJSON_IsFalse(x))
                fail(c, pk, "only false is allowed here (turns few-shot examples off)");
            o->no_few_shot = 1;
        }
    }
}

static void parse_primary(struct ctx *c, const cJSON *root, struct suite *s)
{
    const char *pm = NULL;
    if (jv_string(root, "primary_metric", c->file, "", 0, &pm, c->d) < 0) {
        c->rc = -1;
        return;
    }
    if (jv_bool(root, "higher_is_better", c->file, "", 0, &s->higher_is_better, c->d) < 0)
        c->rc = -1;
    if (!pm) {
        if (s->nscorers)
            fail(c, "primary_metric", "missing, required when there are scorers "
                                      "(\"scorer.metric\", e.g. \"rouge.rougeLsum\")");
        return;
    }
    s->primary_metric = xstrdup(pm);
    const char *dot = strchr(pm, '.');
    if (!dot || dot == pm || !dot[1]) {
        fail(c, "primary_metric", "expected \"scorer.metric\" (e.g. \"rouge.rougeLsum\"), got \"%s\"", pm);
        return;
    }
    s->primary_scorer = xstrndup(pm, (size_t)(dot - pm));
    s->primary_key = xstrdup(dot + 1);
    if (!suite_scorer(s, s->primary_scorer))
        fail(c, "primary_metric", "\"%s\" is not one of this suite's scorers", s->primary_scorer);
}

/* === the dataset and checks against its items === */

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/rel, cleaned lexically ("a/./b" -> "a/b", "suites/../datasets/x" ->
 * "datasets/x") so messages name the file as a user would. An empty dir
 * means the current folder. Returns owned. */
static char *join_clean(const char *dir, const char *rel)
{
    char *joined = *dir ? xasprintf("%s/%s", dir, rel) : xstrdup(rel);
    int absolute = joined[0] == '/';
    char **parts = NULL;
    size_t n = 0, cap = 0;
    for (char *tok = strtok(joined, "/"); tok; tok = strtok(NULL, "/")) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0 && n && strcmp(parts[n - 1], "..") != 0) {
            n--;
            continue;
        }
        if (strcmp(tok, "..") == 0 && absolute && n == 0)
            continue;   /* "/.." is "/" */
        XGROW(parts, cap, n + 1);
        parts[n++] = tok;
    }
    struct buf b;
    buf_init(&b, 0);
    if (absolute)
        buf_addc(&b, '/');
    for (size_t i = 0; i < n; i++)
        buf_addf(&b, "%s%s", i ? "/" : "", parts[i]);
    if (!b.len)
        buf_addc(&b, '.');
    free(parts);
    free(joined);
    return buf_take(&b, NULL);
}

/* Relative to the suite's folder; a plain relative path ("datasets/x")
 * not found there is tried from the folder above (the repo root for
 * suites/). */
static char *resolve_dataset(struct ctx *c, const char *suite_file, const char *path)
{
    if (path[0] == '/') {
        if (is_file(path))
            return xstrdup(path);
        fail(c, "dataset.path", "no such file \"%s\"", path);
        return NULL;
    }
    const char *slash = strrchr(suite_file, '/');
    char *dir = slash ? xstrndup(suite_file, (size_t)(slash - suite_file) + (slash == suite_file))
                      : xstrdup("");
    char *a = join_clean(dir, path);
    if (is_file(a)) {
        free(dir);
        return a;
    }
    char *b = NULL;
    if (strncmp(path, "./", 2) != 0 && strncmp(path, "../", 3) != 0) {
        char *up = join_clean(dir, "..");
        b = join_clean(up, path);
        free(up);
        if (is_file(b)) {
            free(dir);
            free(a);
            return b;
        }
    }
    if (b)
        fail(c, "dataset.path", "no such file \"%s\" (looked for %s and %s)", path, a, b);
    else
        fail(c, "dataset.path", "no such file \"%s\" (looked for %s)", path, a);
    free(dir);
    free(a);
    free(b);
    return NULL;
}

static int check_template(struct ctx *c, const struct template *t, const cJSON *obj,
                          const char *desc)
{
    if (t && template_check(t, obj, desc, c->d) < 0)
        return c->rc = -1;
    return 0;
}

/* Every string inside a backend_params value is a template. */
static int walk_params(struct ctx *c, const cJSON *v, const char *path, const cJSON *obj,
                       const char *desc, cJSON *out, struct diag *d)
{
    if (cJSON_IsString(v)) {
        struct template *t = template_compile(v->valuestring, c->file, path, d);
        if (!t)
            return -1;
        int rc;
        if (out) {
            struct buf b;
            buf_init(&b, 0);
            rc = template_render(t, obj, desc, &b, d);
            if (rc == 0)
                cJSON_SetValuestring(out, b.ptr);
            buf_release(&b);
        } else {
            rc = template_check(t, obj, desc, d);
        }
        template_free(t);
        return rc;
    }
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return 0;
    const cJSON *child;
    cJSON *ochild = out ? out->child : NULL;
    size_t i = 0;
    cJSON_ArrayForEach(child, v) {
        char p[256];
        if (cJSON_IsObject(v))
            jpath_key(p, sizeof(p), path, child->string);
        else
            jpath_index(p, sizeof(p), path, i);
        if (walk_params(c, child, p, obj, desc, ochild, d) < 0)
            return -1;
        if (ochild)
            ochild = ochild->next;
        i++;
    }
    return 0;
}

static int check_prompt_spec(struct ctx *c, const struct prompt_spec *p, const cJSON *obj,
                             const char *desc)
{
    if (check_template(c, p->system, obj, desc) < 0 || check_template(c, p->user, obj, desc) < 0 ||
        check_template(c, p->raw, obj, desc) < 0 || check_template(c, p->assistant, obj, desc) < 0)
        return -1;
    return 0;
}

static int check_schema_field(struct ctx *c, const struct response_spec *r, const char *path,
                              const struct item *it, const char *desc)
{
    if (!r->schema_field)
        return 0;
    const cJSON *v = field_lookup(it->obj, r->schema_field);
    if (!cJSON_IsObject(v))
        return fail(c, path, "schema_field \"%s\": %s has %s there, expected a JSON schema object",
                    r->schema_field, desc, v ? json_kind(v) : "no such field");
    return 0;
}

static int uses_few_shot(const struct suite *s)
{
    return s->few_shot.k > 0;
}

/* Every template of the suite and of its overrides against one item. */
static void check_item(struct ctx *c, const struct suite *s, const struct item *it, const char *desc)
{
    if (check_prompt_spec(c, &s->prompt, it->obj, desc) < 0 ||
        check_schema_field(c, &s->response, "response_format", it, desc) < 0)
        return;
    if (s->backend_params &&
        walk_params(c, s->backend_params, "backend_params", it->obj, desc, NULL, c->d) < 0) {
        c->rc = -1;
        return;
    }
    for (size_t k = 0; k < s->noverrides && c->rc == 0; k++) {
        const struct override *o = &s->overrides[k];
        char p[256], pp[256];
        jpath_index(p, sizeof(p), "overrides", k);
        jpath_key(pp, sizeof(pp), p, "response_format");
        check_prompt_spec(c, &o->prompt, it->obj, desc);
        if (c->rc == 0)
            check_schema_field(c, &o->response, pp, it, desc);
        jpath_key(pp, sizeof(pp), p, "backend_params");
        if (c->rc == 0 && o->backend_params &&
            walk_params(c, o->backend_params, pp, it->obj, desc, NULL, c->d) < 0)
            c->rc = -1;
    }
}

static void check_items(struct ctx *c, struct suite *s)
{
    /* Few-shot answers: prompt.assistant, else the gold, else the first reference. */
    if (uses_few_shot(s) && !s->prompt.assistant) {
        const char *def = s->dspec.gold ? "{{gold}}" : s->dspec.nrefs ? "{{references[0]}}" : NULL;
        if (!def)
            fail(c, "few_shot", "examples need an answer: set prompt.assistant (the items have "
                                "no gold and no references)");
        else
            s->prompt.assistant = template_compile(def, c->file, "prompt.assistant", c->d);
    }
    if (s->few_shot.same_tag) {
        const char *names[64];
        size_t n = suite_tag_names(s, names, 64);
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(names[i], s->few_shot.same_tag) == 0;
        if (!found)
            fail(c, "few_shot.same_tag", "\"%s\" is not one of dataset.tags or dataset.length_tags",
                 s->few_shot.same_tag);
    }
    for (size_t i = 0; i < s->few_shot.nids; i++) {
        if (!dataset_find(&s->data, s->few_shot.ids[i])) {
            char p[256];
            jpath_index(p, sizeof(p), "few_shot.ids", i);
            fail(c, p, "no item \"%s\" in %s", s->few_shot.ids[i], s->data.path);
        }
    }
    for (size_t i = 0; i < s->data.n && c->rc == 0; i++) {
        /* Check quietly first: describing the item for a message costs
         * more than the check, and almost every item passes. */
        const struct item *it = &s->data.items[i];
        struct diag scratch;
        diag_init(&scratch);
        struct ctx quiet = { c->file, c->flags, &scratch, 0 };
        check_item(&quiet, s, it, "");
        if (quiet.rc == 0)
            continue;
        char desc[600];
        item_describe(&s->data, it, desc, sizeof(desc));
        check_item(c, s, it, desc);
    }
}

/* === few-shot pools === */

static const char *tag_value(const struct item *it, const char *tag)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it->tags, tag));
}

static const struct suite *sort_suite;   /* qsort has no user pointer */

static int cmp_by_tag(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const char *tx = tag_value(&sort_suite->data.items[x], sort_suite->few_shot.same_tag);
    const char *ty = tag_value(&sort_suite->data.items[y], sort_suite->few_shot.same_tag);
    int c = strcmp(tx, ty);
    return c ? c : (x > y) - (x < y);
}

/* Groups the items that have the tag by its value, so a draw touches only
 * its own group: rendering every item stays linear in the dataset. */
static void build_pools(struct suite *s)
{
    struct few_shot *f = &s->few_shot;
    size_t n = s->data.n, m = 0;
    f->pool = xcalloc(n ? n : 1, sizeof(size_t));
    f->start = xcalloc(n ? n : 1, sizeof(size_t));
    f->len = xcalloc(n ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        if (tag_value(&s->data.items[i], f->same_tag))
            f->pool[m++] = i;
    sort_suite = s;
    qsort(f->pool, m, sizeof(size_t), cmp_by_tag);
    sort_suite = NULL;
    for (size_t a = 0, b; a < m; a = b) {
        const char *v = tag_value(&s->data.items[f->pool[a]], f->same_tag);
        for (b = a + 1; b < m && strcmp(tag_value(&s->data.items[f->pool[b]], f->same_tag), v) == 0; b++)
            ;
        for (size_t k = a; k < b; k++) {
            f->start[f->pool[k]] = a;
            f->len[f->pool[k]] = b - a;
        }
    }
}

/* === loading === */

int suite_load(const char *path, unsigned flags, struct suite *s, struct diag *d)
{
    suite_init(s);
    struct buf text;
    buf_init(&text, 0);
    if (file_read(path, &text, 0, d) < 0) {
        buf_release(&text);
        return -1;
    }
    int rc = suite_load_text(text.ptr, text.len, path, flags, s, d);
    buf_release(&text);
    return rc;
}

int suite_load_text(const char *text, size_t n, const char *path, unsigned flags, struct suite *s,
                    struct diag *d)
{
    static const char *const keys[] = {
        "name", "task", "description", "dataset", "prompt", "few_shot", "generation",
        "response_format", "backend_params", "scorers", "primary_metric", "higher_is_better",
        "overrides", NULL,
    };
    suite_init(s);
    s->file = xstrdup(path);
    struct ctx c = { path, flags, d, 0 };
    cJSON *root = json_parse_located(text, n, path, 1, d);
    if (!root) {
        suite_release(s);
        return -1;
    }
    if (!cJSON_IsObject(root)) {
        diag_fail_at(d, path, 0, NULL, "expected a suite object, got %s", json_kind(root));
        cJSON_Delete(root);
        suite_release(s);
        return -1;
    }
    if (jv_known_keys(root, keys, path, "", d) < 0)
        c.rc = -1;

    const char *str;
    if (jv_string(root, "name", path, "", 1, &str, d) < 0) {
        c.rc = -1;
    } else {
        s->name = xstrdup(str);
        if (!valid_name(str))
            fail(&c, "name", "\"%s\": use letters, digits, '_' and '-'", str);
    }
    if (jv_string(root, "task", path, "", 1, &str, d) < 0) {
        c.rc = -1;
    } else {
        s->task = xstrdup(str);
        int ok = 0;
        for (size_t i = 0; task_families[i]; i++)
            ok |= strcmp(task_families[i], str) == 0;
        if (!ok)
            fail(&c, "task", "expected one of summarization, extraction, translation, multilingual, "
                             "classification, qa, generic; got \"%s\"", str);
    }
    str = "";
    if (jv_string(root, "description", path, "", 0, &str, d) < 0)
        c.rc = -1;
    s->description = xstrdup(str);

    const cJSON *v;
    if (jv_object(root, "dataset", path, "", 1, &v, d) < 0)
        c.rc = -1;
    else if (dataset_spec_parse(v, path, "dataset", &s->dspec, d) < 0)
        c.rc = -1;
    if (jv_object(root, "prompt", path, "", 1, &v, d) < 0)
        c.rc = -1;
    else
        parse_prompt(&c, v, "prompt", 1, &s->prompt);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "few_shot")))
        parse_few_shot(&c, v, "few_shot", &s->few_shot);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "generation")))
        parse_gen(&c, v, "generation", &s->gen);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "response_format")))
        parse_response(&c, v, "response_format", &s->response);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "backend_params")))
        parse_backend_params(&c, v, "backend_params", &s->backend_params);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "scorers")))
        parse_scorers(&c, v, s);
    parse_primary(&c, root, s);
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "overrides")))
        parse_overrides(&c, v, s);
    cJSON_Delete(root);

    if (c.rc == 0 && !(flags & SUITE_NO_DATASET)) {
        s->dataset_file = resolve_dataset(&c, path, s->dspec.path);
        if (s->dataset_file && dataset_load(&s->dspec, s->dataset_file, &s->data, d) < 0)
            c.rc = -1;
        if (c.rc == 0)
            check_items(&c, s);
        if (c.rc == 0 && s->few_shot.k && s->few_shot.same_tag)
            build_pools(s);
    }
    if (c.rc < 0) {
        suite_release(s);
        return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int suites_load_dir(const char *dir, unsigned flags, struct suite_set *set, struct diag *d)
{
    memset(set, 0, sizeof(*set));
    DIR *dp = opendir(dir);
    if (!dp)
        return diag_fail_at(d, dir, 0, NULL, "cannot open the suites folder: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        XGROW(names, cap, n + 1);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof(char *), cmp_str);
    int rc = 0;
    size_t setcap = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        struct suite s;
        if (suite_load(path, flags, &s, d) < 0) {
            rc = -1;
        } else if (suite_set_find(set, s.name)) {
            rc = diag_fail_at(d, path, 0, "name", "suite \"%s\" is also defined in %s", s.name,
                              suite_set_find(set, s.name)->file);
            suite_release(&s);
        } else {
            XGROW(set->v, setcap, set->n + 1);
            set->v[set->n++] = s;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    if (n == 0)
        rc = diag_fail_at(d, dir, 0, NULL, "no suite files (*.json) in this folder");
    return rc;
}

const struct suite *suite_set_find(const struct suite_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i].name, name) == 0)
            return &set->v[i];
    return NULL;
}

void suite_set_release(struct suite_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        suite_release(&set->v[i]);
    free(set->v);
    memset(set, 0, sizeof(*set));
}

const char *suites_default_dir(void)
{
    const char *env = getenv("ASSAY_SUITES_DIR");
    if (env && *env)
        return env;
    return ASSAY_SOURCE_DIR "/suites";
}

/* === rendering === */

void prompt_init(struct prompt *p)
{
    memset(p, 0, sizeof(*p));
    gen_init(&p->gen);
}

void prompt_release(struct prompt *p)
{
    free(p->system);
    for (size_t i = 0; i < p->nmsgs; i++)
        free(p->msgs[i].content);
    free(p->msgs);
    free(p->raw);
    gen_release(&p->gen);
    free(p->response_name);
    cJSON_Delete(p->schema);
    cJSON_Delete(p->backend_params);
    prompt_init(p);
}

size_t suite_item_index(const struct suite *s, const struct item *it)
{
    return (size_t)(it - s->data.items);
}

size_t suite_few_shot(const struct suite *s, size_t idx, size_t *out, size_t max)
{
    const struct few_shot *f = &s->few_shot;
    const struct item *self = &s->data.items[idx];
    size_t n = 0;
    if (f->nids) {
        for (size_t i = 0; i < f->nids && n < max; i++) {
            const struct item *ex = dataset_find(&s->data, f->ids[i]);
            if (ex && ex != self)
                out[n++] = suite_item_index(s, ex);
        }
        return n;
    }
    if (!f->k || !max)
        return 0;
    /* The pool: the item's same_tag group, or the whole dataset. */
    const size_t *pool = NULL;
    size_t m = s->data.n;
    if (f->same_tag) {
        if (!f->pool)
            return 0;   /* loaded without the dataset */
        pool = f->pool + f->start[idx];
        m = f->len[idx];
    }
    size_t avail = m ? m - 1 : 0;   /* the item itself is in its pool */
    size_t k = f->k < avail ? f->k : avail;
    if (k > max)
        k = max;
    if (!k)
        return 0;
    /* Seeded by the item id: the same item gets the same examples in every
     * run, shard and backend. A large pool is sampled by rejection (k is
     * at most SUITE_MAX_SHOTS), a small one by a partial Fisher-Yates
     * shuffle of a copy. */
    struct rng r;
    rng_seed(&r, hash64(self->id, strlen(self->id), f->seed));
    if (m > 4 * k + 16) {
        while (n < k) {
            size_t j = (size_t)rng_below(&r, m);
            size_t cand = pool ? pool[j] : j;
            int dup = cand == idx;
            for (size_t q = 0; q < n && !dup; q++)
                dup = out[q] == cand;
            if (!dup)
                out[n++] = cand;
        }
        return n;
    }
    size_t copy[4 * SUITE_MAX_SHOTS + 16], c = 0;
    for (size_t j = 0; j < m; j++) {
        size_t cand = pool ? pool[j] : j;
        if (cand != idx)
            copy[c++] = cand;
    }
    for (size_t i = 0; i < k; i++) {
        size_t j = i + (size_t)rng_below(&r, c - i);
        size_t t = copy[i];
        copy[i] = copy[j];
        copy[j] = t;
        out[n++] = copy[i];
    }
    return n;
}

static void add_msg(struct prompt *p, size_t *cap, const char *role, char *content)
{
    XGROW(p->msgs, *cap, p->nmsgs + 1);
    p->msgs[p->nmsgs].role = role;
    p->msgs[p->nmsgs].content = content;
    p->nmsgs++;
}

static char *render(const struct template *t, const struct suite *s, const struct item *it,
                    struct diag *d, int *rc)
{
    struct buf b;
    buf_init(&b, 0);
    if (template_render(t, it->obj, NULL, &b, NULL) < 0) {
        /* Only now say which item: the check reports what rendering hit. */
        char desc[600];
        item_describe(&s->data, it, desc, sizeof(desc));
        template_check(t, it->obj, desc, d);
        *rc = -1;
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b, NULL);
}

int suite_render(const struct suite *s, const struct item *it, const char *backend_name,
                 const char *backend_type, struct prompt *out, struct diag *d)
{
    prompt_init(out);
    /* Type overrides first, then name overrides: the more specific wins. */
    const struct override *ov[SUITE_MAX_OVERRIDES];
    size_t nov = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->noverrides && nov < SUITE_MAX_OVERRIDES; i++) {
            const struct override *o = &s->overrides[i];
            if (pass == 0 && o->backend_type && backend_type && strcmp(o->backend_type, backend_type) == 0)
                ov[nov++] = o;
            if (pass == 1 && o->backend && backend_name && strcmp(o->backend, backend_name) == 0)
                ov[nov++] = o;
        }
    }
    struct prompt_spec eff = s->prompt;
    struct gen_params gen;
    gen_init(&gen);
    gen_apply(&gen, &s->gen);
    const struct response_spec *resp = &s->response;
    const cJSON *params = s->backend_params;
    int few = uses_few_shot(s) || s->few_shot.nids;
    for (size_t i = 0; i < nov; i++) {
        const struct override *o = ov[i];
        if (o->prompt.system) eff.system = o->prompt.system;
        if (o->prompt.user) eff.user = o->prompt.user;
        if (o->prompt.raw) eff.raw = o->prompt.raw;
        if (o->prompt.assistant) eff.assistant = o->prompt.assistant;
        gen_apply(&gen, &o->gen);
        if (o->response.set)
            resp = &o->response;
        if (o->backend_params)
            params = o->backend_params;
        if (o->no_few_shot)
            few = 0;
        if (out->napplied < sizeof(out->applied) / sizeof(out->applied[0]))
            out->applied[out->napplied++] = o;
    }
    out->gen = gen;

    int rc = 0;
    if (eff.system)
        out->system = render(eff.system, s, it, d, &rc);
    size_t cap = 0;
    if (few && eff.assistant && rc == 0) {
        size_t shots[SUITE_MAX_SHOTS];
        size_t n = suite_few_shot(s, suite_item_index(s, it), shots, SUITE_MAX_SHOTS);
        for (size_t i = 0; i < n && rc == 0; i++) {
            const struct item *ex = &s->data.items[shots[i]];
            char *u = render(eff.user, s, ex, d, &rc);
            char *a = u ? render(eff.assistant, s, ex, d, &rc) : NULL;
            if (!u || !a) {
                free(u);
                free(a);
                break;
            }
            add_msg(out, &cap, "user", u);
            add_msg(out, &cap, "assistant", a);
            out->nshots++;
        }
    }
    char *user = rc == 0 ? render(eff.user, s, it, d, &rc) : NULL;
    if (user) {
        add_msg(out, &cap, "user", user);
        out->user = user;
        if (eff.raw)
            out->raw = render(eff.raw, s, it, d, &rc);
    }
    if (rc == 0) {
        out->response = resp->kind;
        out->strict = resp->strict;
        out->response_name = resp->name ? xstrdup(resp->name) : NULL;
        if (resp->schema) {
            out->schema = cJSON_Duplicate(resp->schema, 1);
        } else if (resp->schema_field) {
            const cJSON *sch = field_lookup(it->obj, resp->schema_field);
            if (!cJSON_IsObject(sch))
                rc = diag_fail_at(d, s->file, 0, "response_format.schema_field",
                                  "item \"%s\" has no schema object in \"%s\"", it->id,
                                  resp->schema_field);
            else
                out->schema = cJSON_Duplicate(sch, 1);
        }
    }
    if (rc == 0 && params) {
        char desc[600];
        item_describe(&s->data, it, desc, sizeof(desc));
        out->backend_params = cJSON_Duplicate(params, 1);
        struct ctx c = { s->file, 0, d, 0 };
        if (walk_params(&c, params, "backend_params", it->obj, desc, out->backend_params, d) < 0)
            rc = -1;
    }
    if (rc < 0) {
        prompt_release(out);
        return -1;
    }
    return 0;
}

/* === item accessors === */

static int reserved_root(const char *path)
{
    static const char *const r[] = { "id", "references", "gold", "tags", NULL };
    size_t n = strcspn(path, ".[");
    for (size_t i = 0; r[i]; i++)
        if (strlen(r[i]) == n && strncmp(r[i], path, n) == 0)
            return 1;
    return 0;
}

size_t suite_item_inputs(const struct suite *s, const struct item *it, const char **out,
                         size_t max)
{
    size_t n = 0;
    if (s->dspec.ninputs) {
        for (size_t i = 0; i < s->dspec.ninputs && n < max; i++) {
            const cJSON *v = field_lookup(it->obj, s->dspec.inputs[i]);
            if (cJSON_IsString(v))
                out[n++] = v->valuestring;
        }
        return n;
    }
    const struct template *t = s->prompt.user;
    for (size_t i = 0; t && i < template_nfields(t) && n < max; i++) {
        const char *f = template_field(t, i);
        if (reserved_root(f))
            continue;
        const cJSON *v = field_lookup(it->obj, f);
        if (!cJSON_IsString(v))
            continue;
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= out[j] == v->valuestring;
        if (!dup)
            out[n++] = v->valuestring;
    }
    return n;
}

const cJSON *suite_item_schema(const struct suite *s, const struct item *it)
{
    if (s->response.schema)
        return s->response.schema;
    if (s->response.schema_field) {
        const cJSON *v = field_lookup(it->obj, s->response.schema_field);
        return cJSON_IsObject(v) ? v : NULL;
    }
    return NULL;
}

size_t suite_tag_names(const struct suite *s, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->dspec.ntags && n < max; i++)
        out[n++] = s->dspec.tags[i].name;
    for (size_t i = 0; i < s->dspec.nlength_tags && n < max; i++)
        out[n++] = s->dspec.length_tags[i].name;
    return n;
}

const struct scorer_spec *suite_scorer(const struct suite *s, const char *name)
{
    for (size_t i = 0; i < s->nscorers; i++)
        if (s->scorers[i].name && strcmp(s->scorers[i].name, name) == 0)
            return &s->scorers[i];
    return NULL;
}
