/* hf_tasks.c -- Hugging Face task pipelines, /models/{id} and
 * /hf-inference/models/{id} (protocols.md §5.2).
 *
 * Body {"inputs": "...", "parameters": {...}}; the reply is a JSON list:
 * [{"summary_text"}], [{"translation_text"}] or [{"generated_text"}]. The
 * task is the model's "pipeline" from the profile, or (auto) the task family
 * of the item the prompt is about: translation -> translation,
 * summarization -> summarization, anything else -> text-generation; for an
 * unknown prompt, translation when src_lang/tgt_lang are given, else
 * summarization. A model with cold_start_s answers 503
 * {"error":"Model ... is currently loading","estimated_time":s} until it is
 * loaded, unless the request says x-wait-for-model: true (then it waits).
 * No reply is ever cached, so x-use-cache: false holds trivially. No
 * streaming and no usage: these APIs report none. */
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

static int parse_task(struct exchange *x)
{
    const cJSON *b = x->body;
    if (!cJSON_IsObject(b))
        return mock_reject(x, MERR_BAD_REQUEST, "Input should be a valid dictionary");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(b, "inputs");
    if (cJSON_IsArray(in))
        in = in->child;   /* a batch: the first input answers for all */
    if (!cJSON_IsString(in) || !*in->valuestring)
        return mock_reject(x, MERR_BAD_REQUEST, "inputs: Field required");
    mock_add_content(x, in);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "parameters");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(p, "src_lang");
    const cJSON *tgt = cJSON_GetObjectItemCaseSensitive(p, "tgt_lang");
    /* The languages join the matching text (not the token count): items
     * that share a source sentence differ by target language. */
    if (cJSON_IsString(src) || cJSON_IsString(tgt)) {
        x->ask.task = "translation";
        if (cJSON_IsString(src))
            buf_addf(&x->ask.prompt, "\n%s", src->valuestring);
        if (cJSON_IsString(tgt))
            buf_addf(&x->ask.prompt, "\n%s", tgt->valuestring);
    } else {
        x->ask.task = "summarization";
    }
    const cJSON *gp = cJSON_GetObjectItemCaseSensitive(p, "generate_parameters");
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(gp, "max_new_tokens");
    if (!cJSON_IsNumber(mt))
        mt = cJSON_GetObjectItemCaseSensitive(p, "max_new_tokens");
    if (!cJSON_IsNumber(mt))
        mt = cJSON_GetObjectItemCaseSensitive(p, "max_length");
    if (cJSON_IsNumber(mt) && mt->valuedouble >= 1)
        x->ask.max_tokens = json_long_or(mt, -1);
    return 0;
}

static const char *task_key(const struct exchange *x)
{
    const char *task = x->model ? x->model->pipeline : "auto";
    if (strcmp(task, "auto") == 0) {
        const char *fam = x->gen.item ? x->gen.item->family : NULL;
        if (!fam)
            task = x->ask.task ? x->ask.task : "summarization";
        else if (strstr(fam, "translat") || strcmp(fam, "multilingual") == 0)
            task = "translation";
        else if (strstr(fam, "summar"))
            task = "summarization";
        else
            task = "text-generation";
    }
    return strcmp(task, "translation") == 0     ? "translation_text"
         : strcmp(task, "summarization") == 0   ? "summary_text"
                                                : "generated_text";
}

static void simple_error(struct buf *out, const char *msg)
{
    buf_adds(out, "{\"error\":");
    mock_json_str(out, msg, (size_t)-1);
    buf_adds(out, "}");
}

static void task_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                       struct buf *out, const char **ctype)
{
    char text[400];
    *ctype = "application/json";
    switch (kind) {
    case MERR_AUTH:
        *status = 401;
        simple_error(out, "Invalid credentials in Authorization header");
        return;
    case MERR_NOT_FOUND:
        *status = 404;
        snprintf(text, sizeof(text), "Model %s does not exist", x->url_model ? x->url_model : "");
        simple_error(out, text);
        return;
    case MERR_LOADING:
        *status = 503;
        buf_adds(out, "{\"error\":");
        mock_json_str(out, msg, (size_t)-1);
        buf_addf(out, ",\"estimated_time\":%.1f}", x->gen.load_ms / 1e3);
        return;
    case MERR_RATE_LIMIT:
    case MERR_QUEUE_FULL:
        *status = 429;
        simple_error(out, "Rate limit reached. Please retry later.");
        return;
    case MERR_SERVER:
        *status = 500;
        simple_error(out, "Internal Server Error");
        return;
    case MERR_UNAVAILABLE:
        *status = 503;
        simple_error(out, "Service Unavailable");
        return;
    default:
        *status = 400;
        simple_error(out, msg);
        return;
    }
}

static void task_headers(struct exchange *x, struct evkeyvalq *h)
{
    char v[64];
    evhttp_add_header(h, "x-request-id", x->request_id);
    evhttp_add_header(h, "x-compute-type", "cpu");
    snprintf(v, sizeof(v), "%zu", x->ask.prompt.len);
    evhttp_add_header(h, "x-compute-characters", v);
    if (x->t_admit) {
        double total = x->gen.n_pieces ? x->gen.pieces[x->gen.n_pieces - 1].at_ms : x->gen.ttft_ms;
        snprintf(v, sizeof(v), "%.3f", total / 1e3);
        evhttp_add_header(h, "x-compute-time", v);
    }
}

static void task_body(struct exchange *x, struct buf *b)
{
    buf_addf(b, "[{\"%s\":", task_key(x));
    mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
    buf_adds(b, "}]");
}

const struct mock_proto mock_proto_hf_task = {
    .name = "hf-inference", .stream_ctype = "application/json", .frame_end = "",
    .id_prefix = "", .request_id_prefix = "Root=1-", .reasoning = 0,
    .parse = parse_task, .error = task_error, .headers = task_headers, .body = task_body,
};
