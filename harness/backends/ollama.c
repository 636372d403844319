/* ollama.c -- Ollama's native chat API (protocols.md 3.3.2): POST
 * {base}/api/chat, sampling under "options" (num_predict, temperature,
 * top_p, seed, stop), "format" for a JSON schema; the stream is NDJSON
 * (one object per line, the last has "done": true with done_reason and
 * the counts; zero-valued counts are omitted, so an absent
 * prompt_eval_count means "not reported", not 0). message.thinking is
 * reasoning. A line {"error": "..."} mid-stream (HTTP 200) is a failure. */
#include "openai_family.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void headers(const struct backend_conf *b, void (*add)(void *ud, const char *line),
                    void *ud)
{
    oai_bearer_header(b, add, ud);   /* ollama.com; local servers need none */
}

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "model", b->model);
    prompt_add_messages(body, p, 1);
    cJSON_AddBoolToObject(body, "stream", b->stream);
    if (prompt_schema(p))
        cJSON_AddItemToObject(body, "format", cJSON_Duplicate(prompt_schema(p), 1));
    else if (p->response == RESPONSE_JSON_OBJECT)
        cJSON_AddStringToObject(body, "format", "json");
    cJSON *opt = cJSON_AddObjectToObject(body, "options");
    const struct gen_params *g = &p->gen;
    if (gen_has_max_tokens(g))
        cJSON_AddNumberToObject(opt, "num_predict", (double)g->max_tokens);
    if (gen_has_temperature(g))
        cJSON_AddNumberToObject(opt, "temperature", g->temperature);
    if (gen_has_top_p(g))
        cJSON_AddNumberToObject(opt, "top_p", g->top_p);
    if (g->has_seed)
        cJSON_AddNumberToObject(opt, "seed", (double)g->seed);
    if (gen_has_stop(g)) {
        cJSON *stop = cJSON_AddArrayToObject(opt, "stop");
        for (size_t i = 0; i < g->nstop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(g->stop[i]));
    }
    request_finish(body, b, p, xasprintf("%s/api/chat", b->base_url), out);
    (void)d;
    return 0;
}

/* One object of the stream, or the whole answer. 1 when it is the last. */
static int read_object(struct reply *r, const cJSON *root, struct diag *d)
{
    if (!cJSON_IsObject(root))
        return diag_fail(d, "answer line is not a JSON object");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(err)) {
        reply_fail(r, ST_HTTP_ERROR, 1, "in-stream error: %s", err->valuestring);
        return 1;
    }
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    if (cJSON_IsObject(msg)) {
        const cJSON *th = cJSON_GetObjectItemCaseSensitive(msg, "thinking");
        if (cJSON_IsString(th))
            reply_reasoning(r, strlen(th->valuestring));
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(msg, "content");
        if (cJSON_IsString(c))
            reply_text(r, c->valuestring, strlen(c->valuestring));
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "done")))
        return 0;
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(root, "done_reason");
    if (cJSON_IsString(dr))
        reply_finish(r, dr->valuestring);
    r->usage_seen = 1;
    r->usage.input = json_member_long(root, "prompt_eval_count", -1);
    r->usage.output = json_member_long(root, "eval_count", -1);
    r->done = 1;
    return 1;
}

static int parse_body(struct reply *r, const struct http_resp *resp, struct diag *d)
{
    cJSON *root = event_json(resp->body, resp->body_len, "response body", d);
    if (!root)
        return -1;
    int rc = read_object(r, root, d);
    cJSON_Delete(root);
    return rc < 0 ? -1 : 0;
}

static int on_line(struct reply *r, const char *type, const char *data, size_t n,
                   struct diag *d)
{
    cJSON *root = event_json(data, n, "stream line", d);
    if (!root)
        return -1;
    int rc = read_object(r, root, d);
    cJSON_Delete(root);
    (void)type;
    return rc;
}

const struct backend_ops backend_ollama = {
    .type = "ollama",
    .framing = FRAMING_NDJSON,
    .default_base_url = "http://localhost:11434",
    .default_key_env = NULL,
    .headers = headers,
    .build = build,
    .parse_body = parse_body,
    .on_event = on_line,
};
