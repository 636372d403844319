/* cost.c -- see cost.h. */
#include "cost.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pricing_parse(const cJSON *obj, const char *file, const char *path, struct pricing *p,
                  struct diag *d)
{
    static const char *const keys[] = { "input_per_mtok", "cached_input_per_mtok",
                                        "output_per_mtok", "per_request", "per_hour",
                                        "as_of", "note", NULL };
    memset(p, 0, sizeof(*p));
    p->cached_input_per_mtok = -1;
    if (!cJSON_IsObject(obj)) {
        char got[64];
        json_brief(obj, got, sizeof(got));
        return diag_fail_at(d, file, 0, path, "expected an object of prices, got %s", got);
    }
    int rc = jv_known_keys(obj, keys, file, path, d);
    rc |= jv_number(obj, "input_per_mtok", file, path, 0, 0, DBL_MAX, &p->input_per_mtok, d);
    rc |= jv_number(obj, "cached_input_per_mtok", file, path, 0, 0, DBL_MAX,
                    &p->cached_input_per_mtok, d);
    rc |= jv_number(obj, "output_per_mtok", file, path, 0, 0, DBL_MAX, &p->output_per_mtok, d);
    rc |= jv_number(obj, "per_request", file, path, 0, 0, DBL_MAX, &p->per_request, d);
    rc |= jv_number(obj, "per_hour", file, path, 0, 0, DBL_MAX, &p->per_hour, d);
    const char *as_of = NULL;
    rc |= jv_string(obj, "as_of", file, path, 0, &as_of, d);
    if (as_of)
        snprintf(p->as_of, sizeof(p->as_of), "%s", as_of);
    p->set = obj->child != NULL;
    return rc ? -1 : 0;
}

struct pricing_file {
    cJSON *root;
    char *path;
};

struct pricing_file *pricing_file_load(const char *path, struct diag *d)
{
    cJSON *root = json_load_file(path, d);
    if (!root)
        return NULL;
    static const char *const keys[] = { "schema", "as_of", "source", "note", "currency",
                                        "prices", NULL };
    const cJSON *prices = NULL;
    const char *currency = NULL;
    int rc = 0;
    if (!cJSON_IsObject(root))
        rc = diag_fail_at(d, path, 0, NULL, "expected a JSON object with \"prices\"");
    else {
        rc |= jv_known_keys(root, keys, path, "", d);
        rc |= jv_object(root, "prices", path, "", 1, &prices, d);
        rc |= jv_string(root, "currency", path, "", 0, &currency, d);
        if (currency && strcmp(currency, "USD") != 0)
            rc = diag_fail_at(d, path, 0, "currency", "only USD prices are supported, got \"%s\"",
                              currency);
    }
    /* Validate every entry now, so a typo fails before a report is built. */
    const cJSON *it;
    if (prices)
        cJSON_ArrayForEach(it, prices) {
            char p[256];
            jpath_key(p, sizeof(p), "prices", it->string);
            struct pricing tmp;
            rc |= pricing_parse(it, path, p, &tmp, d);
        }
    if (rc) {
        cJSON_Delete(root);
        return NULL;
    }
    struct pricing_file *f = xcalloc(1, sizeof(*f));
    f->root = root;
    f->path = xstrdup(path);
    return f;
}

int pricing_file_get(const struct pricing_file *f, const char *name, struct pricing *p,
                     struct diag *d)
{
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(f->root, "prices"), name);
    if (!entry) {
        memset(p, 0, sizeof(*p));
        p->cached_input_per_mtok = -1;
        return 0;
    }
    char path[256];
    jpath_key(path, sizeof(path), "prices", name);
    if (pricing_parse(entry, f->path, path, p, d) < 0)
        return -1;
    if (!p->as_of[0]) {
        const cJSON *as_of = cJSON_GetObjectItemCaseSensitive(f->root, "as_of");
        if (cJSON_IsString(as_of))
            snprintf(p->as_of, sizeof(p->as_of), "%s", as_of->valuestring);
    }
    return 0;
}

const char *pricing_file_as_of(const struct pricing_file *f)
{
    const cJSON *as_of = cJSON_GetObjectItemCaseSensitive(f->root, "as_of");
    return cJSON_IsString(as_of) ? as_of->valuestring : "";
}

void pricing_file_free(struct pricing_file *f)
{
    if (!f)
        return;
    cJSON_Delete(f->root);
    free(f->path);
    free(f);
}

struct cost cost_of_request(const struct pricing *p, long in, long cached_in, long out)
{
    struct cost c = { 0, 0, 0, 0, 0, "none" };
    if (!p || !p->set)
        return c;
    if (in < 0)
        in = 0;
    if (cached_in < 0)
        cached_in = 0;
    if (cached_in > in)
        cached_in = in;
    if (out < 0)
        out = 0;
    double cached_rate = p->cached_input_per_mtok >= 0 ? p->cached_input_per_mtok
                                                       : p->input_per_mtok;
    c.input_usd = (double)(in - cached_in) * p->input_per_mtok / 1e6;
    c.cached_input_usd = (double)cached_in * cached_rate / 1e6;
    c.output_usd = (double)out * p->output_per_mtok / 1e6;
    c.request_usd = p->per_request;
    c.usd = c.input_usd + c.cached_input_usd + c.output_usd + c.request_usd;
    if (p->per_hour > 0)
        c.basis = "per_hour";
    else if (p->input_per_mtok > 0 || p->output_per_mtok > 0 || cached_rate > 0)
        c.basis = "per_token";
    else if (p->per_request > 0)
        c.basis = "per_request";
    return c;
}

double cost_hourly_per_request(double per_hour, double req_per_s, double utilisation)
{
    if (!(req_per_s > 0) || !(utilisation > 0))
        return NAN;
    return per_hour / (3600.0 * req_per_s * utilisation);
}
