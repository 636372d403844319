/* test_backend_hf_tgi.c -- TGI: native /generate(_stream) request rules
 * (temperature 0 = greedy with sampling fields left out, top_p only inside
 * (0, 1), details on, grammar), the 4.3 stream without [DONE], special
 * tokens, in-band errors with HTTP 200, token counts in headers; and the
 * chat route with TGI's response_format shape. */
#include "backend_canned.h"
#include "check.h"

#include <stdlib.h>

static const char *stream =
    "data: {\"index\":1,\"token\":{\"id\":18682,\"text\":\" Deep\",\"logprob\":-0.84,\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
    ":\n\n"
    "data:{\"index\":2,\"token\":{\"id\":6509,\"text\":\" learning\",\"logprob\":-0.03,\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
    "data: {\"index\":3,\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.02,\"special\":true},\"generated_text\":\" Deep learning\",\"details\":{\"finish_reason\":\"eos_token\",\"generated_tokens\":3,\"seed\":42,\"input_length\":6}}\n\n";

int main(void)
{
    const struct backend_ops *ops = backend_find("hf-tgi");
    size_t n = strlen(stream);
    for (size_t step = 1; step <= n; step += step < 30 ? 1 : 71) {
        struct reply r;
        reply_init(&r);
        struct diag d;
        diag_init(&d);
        CHECK_INT_EQ(canned_stream(ops, stream, step, &r, &d), 1);
        CHECK_STR_EQ(r.text.ptr, " Deep learning");
        CHECK_STR_EQ(r.finish, "stop");
        CHECK_INT_EQ(r.usage.output, 3);
        CHECK_INT_EQ(r.usage.input, 6);
        CHECK_INT_EQ(r.text_events, 2);   /* the special token is not text */
        reply_release(&r);
    }
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    /* In-band errors with HTTP 200. */
    CHECK_INT_EQ(canned_stream(ops, "data: {\"error\":\"Input validation error: `temperature` must be strictly positive\",\"error_type\":\"validation\"}\n\n", 0, &r, &d), 1);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_STR_EQ(r.error, "in-stream error validation: Input validation error: `temperature` must be strictly positive");
    reply_reset(&r);
    canned_stream(ops, "data: {\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.retryable, 1);
    /* Chat route in-stream error: http_status_code 422 is final. */
    reply_reset(&r);
    canned_stream(ops, "data: {\"error\":{\"message\":\"Input validation error: top_p\",\"http_status_code\":422}}\n\ndata: [DONE]\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_INT_EQ(r.fail_http, 422);
    /* Chat stream: first chunk already carries text; finish stop_sequence. */
    reply_reset(&r);
    canned_stream(ops,
        "data: {\"object\":\"chat.completion.chunk\",\"id\":\"\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"OK\"},\"finish_reason\":null}],\"usage\":null}\n\n"
        "data: {\"object\":\"chat.completion.chunk\",\"id\":\"\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop_sequence\"}],\"usage\":null}\n\n"
        "data: {\"object\":\"chat.completion.chunk\",\"id\":\"\",\"choices\":[],\"usage\":{\"prompt_tokens\":39,\"completion_tokens\":3,\"total_tokens\":42}}\n\n"
        "data: [DONE]\n\n", 0, &r, &d);
    CHECK_STR_EQ(r.text.ptr, "OK");
    CHECK_STR_EQ(r.finish, "stop_sequence");
    CHECK_INT_EQ(r.usage.input, 39);
    /* /generate body with counts in headers. */
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops, "{\"generated_text\":\" Deep learning is\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":8,\"seed\":42,\"prefill\":[],\"tokens\":[]}}",
                             "x-prompt-tokens: 6\r\nx-generated-tokens: 8\r\n", &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, " Deep learning is");
    CHECK_STR_EQ(r.finish, "length");
    CHECK_INT_EQ(r.usage.input, 6);
    CHECK_INT_EQ(r.usage.output, 8);
    reply_release(&r);

    /* Requests. */
    struct backend_conf b = canned_backend("hf-tgi", "http://tgi:8080");
    struct message msgs[] = { { "user", (char *)"What is Deep Learning?" } };
    cJSON *schema = cJSON_Parse("{\"properties\":{\"answer\":{\"type\":\"string\"}}}");
    struct prompt p = canned_prompt(NULL, msgs, 1);
    p.response = RESPONSE_JSON_SCHEMA;
    p.schema = schema;
    p.gen.temperature = 0;
    p.gen.top_p = 1.0;
    p.gen.max_tokens = 20;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    CHECK_INT_EQ(ops->build(&b, &p, &req, &d), 0);
    CHECK_STR_EQ(req.url, "http://tgi:8080/generate_stream");
    CHECK_STR_EQ(req.body.ptr,
                 "{\"inputs\":\"What is Deep Learning?\",\"parameters\":{\"max_new_tokens\":20,"
                 "\"details\":true,\"return_full_text\":false,\"grammar\":{\"type\":\"json\",\"value\":"
                 "{\"properties\":{\"answer\":{\"type\":\"string\"}}}}}}");
    free(req.url);
    buf_release(&req.body);
    /* Sampling: temperature > 0 and top_p < 1 are sent. */
    p.gen.temperature = 0.7;
    p.gen.top_p = 0.9;
    b.stream = 0;
    buf_init(&req.body, 0);
    ops->build(&b, &p, &req, &d);
    CHECK_STR_EQ(req.url, "http://tgi:8080/generate");
    CHECK_CONTAINS(req.body.ptr, "\"temperature\":0.7,\"do_sample\":true,\"top_p\":0.9");
    free(req.url);
    buf_release(&req.body);
    /* Chat route: TGI's response_format, top_p 1.0 left out. */
    b.api = (char *)"chat";
    b.stream = 1;
    p.gen.top_p = 1.0;
    buf_init(&req.body, 0);
    ops->build(&b, &p, &req, &d);
    CHECK_STR_EQ(req.url, "http://tgi:8080/v1/chat/completions");
    CHECK(strstr(req.body.ptr, "top_p") == NULL);
    CHECK_CONTAINS(req.body.ptr, "\"max_tokens\":20");
    CHECK_CONTAINS(req.body.ptr, "\"response_format\":{\"type\":\"json\",\"value\":{\"properties\"");
    free(req.url);
    buf_release(&req.body);
    cJSON_Delete(schema);
    return check_done();
}
