/* cmd_suites.c -- `assay suites`: list the suites of a folder with their
 * items, scorers and tags, or render one item's prompt exactly as a
 * backend would be sent it (after that backend's overrides).
 *
 * The folder is --dir, else $ASSAY_SUITES_DIR, else the source tree's
 * suites/ (suites_default_dir). Every suite is loaded in full, dataset and
 * scorer options included, so `assay suites` doubles as the check a suite
 * author runs: any error is printed with its file and line or JSON path
 * and the exit code is 2. */
#include "cli.h"

#include "harness/backends/backend.h"
#include "harness/config.h"
#include "harness/suite.h"
#include "harness/util/buf.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: assay suites [--dir DIR] [--verbose]\n"
            "       assay suites show NAME|FILE.json [--item ID] [--backend NAME]\n"
            "                         [--backend-type TYPE] [--config FILE] [--json] [--dir DIR]\n"
            "\n"
            "Lists the suites in DIR (task, items, primary metric, scorers, tags), or\n"
            "shows one item's prompt as it would be sent: system text, few-shot turns,\n"
            "user text, raw input (task pipelines), generation parameters, response\n"
            "format and backend parameters, after the overrides for that backend.\n"
            "When the backend's type is known (--backend-type, or --config with\n"
            "--backend), also the HTTP request its adapter builds: URL and JSON body\n"
            "(headers are not shown: they carry credentials).\n"
            "Every suite is fully checked; any error exits 2 naming file and line.\n"
            "\n"
            "options:\n"
            "  --dir DIR            suites folder (default: $ASSAY_SUITES_DIR, else the\n"
            "                       source tree's suites/: %s)\n"
            "  -v, --verbose        list: also descriptions and tag value counts\n"
            "  --item ID            show: this item (default: the first)\n"
            "  --backend NAME       show: apply overrides for this backend name\n"
            "  --backend-type TYPE  show: apply overrides for this type (hf-inference, ...)\n"
            "  --config FILE        show: take --backend from this run config (its type,\n"
            "                       model, base URL, default parameters, extra body)\n"
            "  --json               show: the prompt as one JSON object\n"
            "\n"
            "examples:\n"
            "  assay suites\n"
            "  assay suites show extraction --item ext-invoice-003\n"
            "  assay suites show summarization --backend-type hf-inference\n"
            "  assay suites show ./my-suite.json --json\n"
            "  assay suites show multilingual --config examples/demo.json --backend strong\n",
            suites_default_dir());
}

/* === list === */

struct tag_count {
    const char *name;
    char **values;
    size_t *counts;
    size_t n, cap;
};

#define MAX_TAGS 64

static void count_tags(const struct suite *s, struct tag_count *tc, size_t ntags)
{
    const char *names[MAX_TAGS];
    suite_tag_names(s, names, MAX_TAGS);
    for (size_t t = 0; t < ntags; t++) {
        tc[t].name = names[t];
        for (size_t i = 0; i < s->data.n; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->data.items[i].tags, tc[t].name);
            if (!cJSON_IsString(v))
                continue;
            size_t k = 0;
            while (k < tc[t].n && strcmp(tc[t].values[k], v->valuestring) != 0)
                k++;
            if (k == tc[t].n) {
                size_t cap = tc[t].cap;
                XGROW(tc[t].values, cap, k + 1);
                tc[t].counts = xrealloc(tc[t].counts, cap * sizeof(size_t));
                tc[t].cap = cap;
                tc[t].values[k] = v->valuestring;
                tc[t].counts[k] = 0;
                tc[t].n++;
            }
            tc[t].counts[k]++;
        }
    }
}

struct row {
    const struct suite *s;
    char *cols[6];   /* suite, task, items, primary metric, scorers, tags */
};

static void list_suites(const struct suite_set *set, int verbose)
{
    static const char *const head[6] = { "suite", "task", "items", "primary metric", "scorers",
                                         "tags (distinct values)" };
    struct row *rows = xcalloc(set->n ? set->n : 1, sizeof(*rows));
    size_t width[6];
    for (int c = 0; c < 6; c++)
        width[c] = strlen(head[c]);
    for (size_t i = 0; i < set->n; i++) {
        const struct suite *s = &set->v[i];
        struct buf sc, tags;
        buf_init(&sc, 0);
        buf_init(&tags, 0);
        for (size_t k = 0; k < s->nscorers; k++) {
            if (strcmp(s->scorers[k].name, s->scorers[k].type) == 0)
                buf_addf(&sc, "%s%s", k ? ", " : "", s->scorers[k].name);
            else
                buf_addf(&sc, "%s%s=%s", k ? ", " : "", s->scorers[k].name, s->scorers[k].type);
        }
        const char *names[MAX_TAGS];
        size_t ntags = suite_tag_names(s, names, MAX_TAGS);
        struct tag_count *tc = xcalloc(ntags ? ntags : 1, sizeof(*tc));
        count_tags(s, tc, ntags);
        for (size_t t = 0; t < ntags; t++)
            buf_addf(&tags, "%s%s(%zu)", t ? ", " : "", tc[t].name, tc[t].n);
        rows[i].s = s;
        rows[i].cols[0] = xstrdup(s->name);
        rows[i].cols[1] = xstrdup(s->task);
        rows[i].cols[2] = xasprintf("%zu", s->data.n);
        rows[i].cols[3] = s->primary_metric
                              ? xasprintf("%s %s", s->primary_metric,
                                          s->higher_is_better ? "(higher)" : "(lower)")
                              : xstrdup("-");
        rows[i].cols[4] = xstrdup(sc.len ? sc.ptr : "-");
        rows[i].cols[5] = xstrdup(tags.len ? tags.ptr : "-");
        for (int c = 0; c < 6; c++)
            if (strlen(rows[i].cols[c]) > width[c])
                width[c] = strlen(rows[i].cols[c]);
        for (size_t t = 0; t < ntags; t++) {
            free(tc[t].values);
            free(tc[t].counts);
        }
        free(tc);
        buf_release(&sc);
        buf_release(&tags);
    }
    printf("%-*s  %-*s  %*s  %-*s  %-*s  %s\n", (int)width[0], head[0], (int)width[1], head[1],
           (int)width[2], head[2], (int)width[3], head[3], (int)width[4], head[4], head[5]);
    for (size_t i = 0; i < set->n; i++) {
        char **c = rows[i].cols;
        printf("%-*s  %-*s  %*s  %-*s  %-*s  %s\n", (int)width[0], c[0], (int)width[1], c[1],
               (int)width[2], c[2], (int)width[3], c[3], (int)width[4], c[4], c[5]);
        const struct suite *s = rows[i].s;
        if (verbose) {
            printf("    file: %s\n    dataset: %s\n", s->file, s->dataset_file);
            if (*s->description)
                printf("    %s\n", s->description);
            const char *names[MAX_TAGS];
            size_t ntags = suite_tag_names(s, names, MAX_TAGS);
            struct tag_count *tc = xcalloc(ntags ? ntags : 1, sizeof(*tc));
            count_tags(s, tc, ntags);
            for (size_t t = 0; t < ntags; t++) {
                printf("    %s:", tc[t].name);
                for (size_t k = 0; k < tc[t].n; k++)
                    printf(" %s=%zu", tc[t].values[k], tc[t].counts[k]);
                printf("\n");
                free(tc[t].values);
                free(tc[t].counts);
            }
            free(tc);
        }
        for (int k = 0; k < 6; k++)
            free(c[k]);
    }
    free(rows);
}

/* === show === */

static void print_gen(const struct gen_params *g)
{
    printf("generation:");
    int any = 0;
    if (g->max_tokens >= 0)
        any = printf(" max_tokens=%ld", g->max_tokens);
    if (!isnan(g->temperature))
        any = printf(" temperature=%g", g->temperature);
    if (!isnan(g->top_p))
        any = printf(" top_p=%g", g->top_p);
    if (g->has_seed)
        any = printf(" seed=%lld", g->seed);
    if (g->nstop) {
        cJSON *arr = cJSON_CreateStringArray((const char *const *)g->stop, (int)g->nstop);
        char *s = cJSON_PrintUnformatted(arr);
        any = printf(" stop=%s", s);
        cJSON_free(s);
        cJSON_Delete(arr);
    }
    printf("%s\n", any ? "" : " (backend defaults)");
}

static const char *response_name(enum response_kind k)
{
    return k == RESPONSE_JSON_SCHEMA ? "json_schema" : k == RESPONSE_JSON_OBJECT ? "json_object" : "text";
}

static cJSON *prompt_json(const struct suite *s, const struct item *it, const struct prompt *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "suite", s->name);
    cJSON_AddStringToObject(o, "item", it->id);
    cJSON *msgs = cJSON_AddArrayToObject(o, "messages");
    if (p->system) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", p->system);
        cJSON_AddItemToArray(msgs, m);
    }
    for (size_t i = 0; i < p->nmsgs; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", p->msgs[i].role);
        cJSON_AddStringToObject(m, "content", p->msgs[i].content);
        cJSON_AddItemToArray(msgs, m);
    }
    if (p->raw)
        cJSON_AddStringToObject(o, "raw", p->raw);
    cJSON *g = cJSON_AddObjectToObject(o, "generation");
    if (p->gen.max_tokens >= 0)
        cJSON_AddNumberToObject(g, "max_tokens", (double)p->gen.max_tokens);
    if (!isnan(p->gen.temperature))
        cJSON_AddNumberToObject(g, "temperature", p->gen.temperature);
    if (!isnan(p->gen.top_p))
        cJSON_AddNumberToObject(g, "top_p", p->gen.top_p);
    if (p->gen.has_seed)
        cJSON_AddNumberToObject(g, "seed", (double)p->gen.seed);
    if (p->gen.nstop)
        cJSON_AddItemToObject(g, "stop", cJSON_CreateStringArray((const char *const *)p->gen.stop,
                                                                 (int)p->gen.nstop));
    cJSON *rf = cJSON_AddObjectToObject(o, "response_format");
    cJSON_AddStringToObject(rf, "type", response_name(p->response));
    if (p->response_name)
        cJSON_AddStringToObject(rf, "name", p->response_name);
    if (p->schema) {
        cJSON_AddItemToObject(rf, "schema", cJSON_Duplicate(p->schema, 1));
        cJSON_AddBoolToObject(rf, "strict", p->strict);
    }
    if (p->backend_params)
        cJSON_AddItemToObject(o, "backend_params", cJSON_Duplicate(p->backend_params, 1));
    cJSON_AddNumberToObject(o, "few_shot", (double)p->nshots);
    return o;
}

static void print_block(const char *title, const char *text)
{
    printf("--- %s ---\n%s\n", title, text);
}

static void show_prompt(const struct suite *s, const struct item *it, const struct prompt *p,
                        const char *bname, const char *btype)
{
    printf("suite: %s (%s)\n", s->name, s->file);
    printf("item: %s (%s:%ld)\n", it->id, s->dataset_file, it->line);
    printf("backend: %s, type %s; overrides applied: ", bname ? bname : "(any)",
           btype ? btype : "(any)");
    if (!p->napplied)
        printf("none");
    for (size_t i = 0; i < p->napplied; i++)
        printf("%soverrides[%zu]", i ? ", " : "", (size_t)(p->applied[i] - s->overrides));
    printf("\n");
    print_gen(&p->gen);
    printf("response format: %s", response_name(p->response));
    if (p->response_name)
        printf(" \"%s\"", p->response_name);
    if (p->schema)
        printf("%s", p->strict ? " (strict)" : " (not strict)");
    printf("\n");
    if (p->system)
        print_block("system", p->system);
    for (size_t i = 0; i + 1 < p->nmsgs; i++) {
        char title[64];
        snprintf(title, sizeof(title), "%s (example %zu of %zu)", p->msgs[i].role, i / 2 + 1, p->nshots);
        print_block(title, p->msgs[i].content);
    }
    print_block("user", p->user);
    if (p->raw)
        print_block("raw input (task-pipeline backends)", p->raw);
    if (p->schema) {
        char *js = cJSON_Print(p->schema);
        print_block("response schema", js);
        cJSON_free(js);
    }
    if (p->backend_params) {
        char *js = cJSON_Print(p->backend_params);
        print_block("backend parameters", js);
        cJSON_free(js);
    }
}

static int show_loaded(const char *dir, const char *name, const char *item_id, const char *bname,
                       const char *btype, const struct backend_conf *backend, int placeholder,
                       int as_json);

/* A stand-in backend for a type given without a config: placeholders for
 * what only a config knows. */
static void placeholder_backend(struct backend_conf *b, const struct backend_ops *ops,
                                const char *name)
{
    memset(b, 0, sizeof(*b));
    b->name = (char *)(name ? name : ops->type);
    b->type = (char *)ops->type;
    b->ops = ops;
    b->model = "MODEL";
    b->base_url = (char *)(ops->default_base_url ? ops->default_base_url : "http://BASE_URL");
    b->params.max_tokens = -1;
    b->params.temperature = NAN;
    b->params.top_p = NAN;
    b->stream = ops->framing != FRAMING_NONE;
}

/* The request the backend's adapter builds for p (URL and body; never the
 * headers). Returns an owned {"url", "stream", "body"} object, or NULL. */
static cJSON *build_request(const struct backend_conf *b, const struct prompt *p, struct diag *d)
{
    /* The adapter sees the backend's defaults under the suite's values;
     * q borrows them, p keeps owning its own. */
    struct prompt q = *p;
    gen_fill_defaults(&q.gen, &b->params);
    struct http_req req;
    memset(&req, 0, sizeof(req));
    buf_init(&req.body, 0);
    cJSON *out = NULL;
    if (b->ops->build(b, &q, &req, d) == 0) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "url", req.url ? req.url : "");
        cJSON_AddBoolToObject(out, "stream", req.stream);
        cJSON *body = cJSON_ParseWithLength(req.body.ptr, req.body.len);
        cJSON_AddItemToObject(out, "body", body ? body : cJSON_CreateString(req.body.ptr));
    }
    free(req.url);
    buf_release(&req.body);
    return out;
}

/* show sends nothing, so a backend's API key is not needed: the variables
 * the config names for keys get a stand-in value in this process when they
 * are unset (the key would only go into headers, which show never prints). */
static void stand_in_keys(const char *config_file)
{
    cJSON *root = json_load_file(config_file, NULL);
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(root, "backends")) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(b, "api_key_env");
        const char *name = cJSON_GetStringValue(env);
        if (!env) {
            const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "type"));
            const struct backend_ops *ops = type ? backend_find(type) : NULL;
            name = ops ? ops->default_key_env : NULL;
        }
        if (name && *name && !(getenv(name) && *getenv(name)))
            setenv(name, "not-needed-to-show", 1);
    }
    cJSON_Delete(root);
}

static int is_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int show(const char *dir, const char *name, const char *item_id, const char *bname,
                const char *btype, const char *config_file, int as_json)
{
    struct config conf;
    const struct backend_conf *backend = NULL;
    struct backend_conf placeholder;
    int have_conf = 0;
    if (config_file) {
        struct diag cd;
        diag_init(&cd);
        cd.echo = stderr;
        stand_in_keys(config_file);
        if (config_load(config_file, &conf, &cd) < 0)
            return EXIT_BAD_INPUT;
        have_conf = 1;
        backend = config_backend(&conf, bname);
        if (!backend) {
            fprintf(stderr, "assay: error: %s: no backend named \"%s\"", config_file, bname);
            for (size_t i = 0; i < conf.nbackends; i++)
                fprintf(stderr, "%s%s", i ? ", " : " (there are: ", conf.backends[i].name);
            fprintf(stderr, "%s\n", conf.nbackends ? ")" : "");
            config_release(&conf);
            return EXIT_BAD_INPUT;
        }
        if (btype && strcmp(btype, backend->type) != 0) {
            fprintf(stderr, "assay: error: --backend-type %s, but backend \"%s\" in %s is of type %s\n",
                    btype, bname, config_file, backend->type);
            config_release(&conf);
            return EXIT_BAD_INPUT;
        }
        btype = backend->type;
    } else if (btype && backend_find(btype)) {
        placeholder_backend(&placeholder, backend_find(btype), bname);
        backend = &placeholder;
    }
    int rc = show_loaded(dir, name, item_id, bname, btype, backend, backend == &placeholder, as_json);
    if (have_conf)
        config_release(&conf);
    return rc;
}

static int show_loaded(const char *dir, const char *name, const char *item_id, const char *bname,
                       const char *btype, const struct backend_conf *backend, int placeholder,
                       int as_json)
{
    struct diag d;
    diag_init(&d);
    d.echo = stderr;
    struct suite one;
    struct suite_set set = { NULL, 0 };
    const struct suite *s = NULL;
    int rc = EXIT_OK;
    if (is_path(name)) {
        if (suite_load(name, 0, &one, &d) < 0)
            return EXIT_BAD_INPUT;
        s = &one;
    } else {
        /* A broken neighbour does not stop showing a good suite, but it is
         * still reported and still exits 2. */
        if (suites_load_dir(dir, 0, &set, &d) < 0)
            rc = EXIT_BAD_INPUT;
        s = suite_set_find(&set, name);
        if (!s) {
            fprintf(stderr, "assay: error: no suite named \"%s\" in %s", name, dir);
            for (size_t i = 0; i < set.n; i++)
                fprintf(stderr, "%s%s", i ? ", " : " (there are: ", set.v[i].name);
            fprintf(stderr, "%s\n", set.n ? ")" : "");
            suite_set_release(&set);
            return EXIT_BAD_INPUT;
        }
    }
    const struct item *it = item_id ? dataset_find(&s->data, item_id) : &s->data.items[0];
    if (!it) {
        fprintf(stderr, "assay: error: %s: no item \"%s\" in %s\n", s->file, item_id, s->dataset_file);
        rc = EXIT_BAD_INPUT;
    } else {
        struct prompt p;
        if (suite_render(s, it, bname, btype, &p, &d) < 0) {
            diag_print(&d, stderr);
            rc = EXIT_BAD_INPUT;
        } else {
            cJSON *request = NULL;
            if (backend && !(request = build_request(backend, &p, &d))) {
                diag_print(&d, stderr);
                rc = EXIT_BAD_INPUT;
            }
            if (as_json) {
                cJSON *o = prompt_json(s, it, &p);
                if (request)
                    cJSON_AddItemToObject(o, "request", cJSON_Duplicate(request, 1));
                char *js = cJSON_Print(o);
                printf("%s\n", js);
                cJSON_free(js);
                cJSON_Delete(o);
            } else {
                show_prompt(s, it, &p, bname, btype);
                if (request) {
                    char title[512];
                    const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(request, "url"));
                    snprintf(title, sizeof(title), "request: POST %s%s%s", url,
                             cJSON_IsTrue(cJSON_GetObjectItem(request, "stream")) ? " (streaming)" : "",
                             !placeholder ? ""
                             : strstr(url, "BASE_URL") ? " (MODEL and BASE_URL are placeholders: give --config)"
                                                       : " (MODEL is a placeholder: give --config)");
                    char *js = cJSON_Print(cJSON_GetObjectItem(request, "body"));
                    print_block(title, js);
                    cJSON_free(js);
                }
            }
            cJSON_Delete(request);
            prompt_release(&p);
        }
    }
    if (s == &one)
        suite_release(&one);
    suite_set_release(&set);
    return rc;
}

int cmd_suites(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dir", required_argument, NULL, 'd' },
        { "verbose", no_argument, NULL, 'v' },
        { "item", required_argument, NULL, 'i' },
        { "backend", required_argument, NULL, 'b' },
        { "backend-type", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'j' },
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *item = NULL, *bname = NULL, *btype = NULL, *config = NULL;
    int verbose = 0, as_json = 0, c;
    optind = 0;
    while ((c = cli_getopt(argc, argv, "suites", "hv", opts)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'v': verbose = 1; break;
        case 'i': item = optarg; break;
        case 'b': bname = optarg; break;
        case 't': btype = optarg; break;
        case 'j': as_json = 1; break;
        case 'c': config = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_BAD_INPUT;
        }
    }
    if (!dir)
        dir = suites_default_dir();
    int npos = argc - optind;
    char **pos = argv + optind;

    if (npos >= 1 && strcmp(pos[0], "show") == 0) {
        if (npos != 2)
            return cli_usage_error("suites", npos < 2 ? "show needs a suite name"
                                                      : "show takes one suite name, got '%s' too", pos[2]);
        if (verbose)
            return cli_usage_error("suites", "--verbose goes with the list, not with show");
        if (config && !bname)
            return cli_usage_error("suites", "--config needs --backend NAME (which of its backends)");
        return show(dir, pos[1], item, bname, btype, config, as_json);
    }
    if (npos >= 1)
        return cli_usage_error("suites", "unknown argument '%s' (expected show NAME)", pos[0]);
    if (item || bname || btype || as_json || config)
        return cli_usage_error("suites", "--item, --backend, --backend-type, --config and --json go with show NAME");

    struct diag d;
    diag_init(&d);
    d.echo = stderr;
    struct suite_set set;
    int rc = suites_load_dir(dir, 0, &set, &d) < 0 ? EXIT_BAD_INPUT : EXIT_OK;
    if (set.n)
        list_suites(&set, verbose);
    if (rc != EXIT_OK)
        fprintf(stderr, "assay: %d error%s in %s\n", d.count, d.count == 1 ? "" : "s", dir);
    suite_set_release(&set);
    return rc;
}
