/* test_backend_ollama.c -- native /api/chat: options, NDJSON stream with
 * the done:true metrics (omitted zero counts stay "not reported"),
 * thinking, mid-stream {"error"} lines, whole bodies. */
#include "backend_canned.h"
#include "check.h"

#include <stdlib.h>

static const char *stream =
    "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-26T17:15:24.097767Z\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n"
    "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-26T17:15:24.109172Z\",\"message\":{\"role\":\"assistant\",\"content\":\" sky\"},\"done\":false}\n"
    "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-26T17:15:24.166576Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282,\"eval_duration\":4535599000}\n";

int main(void)
{
    const struct backend_ops *ops = backend_find("ollama");
    size_t n = strlen(stream);
    for (size_t step = 1; step <= n; step += step < 30 ? 1 : 53) {
        struct reply r;
        reply_init(&r);
        struct diag d;
        diag_init(&d);
        CHECK_INT_EQ(canned_stream(ops, stream, step, &r, &d), 1);
        CHECK_STR_EQ(r.text.ptr, "The sky");
        CHECK_STR_EQ(r.finish, "stop");
        CHECK_INT_EQ(r.usage.input, 26);
        CHECK_INT_EQ(r.usage.output, 282);
        CHECK_INT_EQ(r.text_events, 2);
        reply_release(&r);
    }
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    canned_stream(ops, "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}\n"
                       "{\"message\":{\"content\":\"Blue\"},\"done\":false}\n"
                       "{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"eval_count\":5}\n", 0, &r, &d);
    CHECK(r.t_first_any && r.t_first_any <= r.t_first_text);
    CHECK_INT_EQ(r.usage.input, -1);   /* omitted: not reported */
    CHECK_STR_EQ(r.finish, "length");
    reply_reset(&r);
    CHECK_INT_EQ(canned_stream(ops, "{\"message\":{\"content\":\"a\"},\"done\":false}\n"
                                    "{\"error\":\"an error was encountered while running the model\"}\n", 0, &r, &d), 1);
    CHECK_INT_EQ(r.failed, 1);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_STR_EQ(r.error, "in-stream error: an error was encountered while running the model");
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":1}", NULL, &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, "Hi");
    CHECK_INT_EQ(r.usage.output, 1);
    reply_reset(&r);
    canned_error(404, "{\"error\":\"model \\\"x\\\" not found, try pulling it first\"}", NULL, &r);
    CHECK_STR_EQ(r.error, "HTTP 404: model \"x\" not found, try pulling it first");
    CHECK_INT_EQ(r.retryable, 0);
    reply_reset(&r);
    canned_error(503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 1);
    reply_release(&r);

    struct backend_conf b = canned_backend("ollama", "http://localhost:11434");
    struct message msgs[] = { { "user", (char *)"why is the sky blue?" } };
    struct prompt p = canned_prompt("terse", msgs, 1);
    p.gen.max_tokens = 128;
    p.gen.temperature = 0;
    p.gen.has_seed = 1;
    p.gen.seed = 42;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    CHECK_INT_EQ(ops->build(&b, &p, &req, &d), 0);
    CHECK_STR_EQ(req.url, "http://localhost:11434/api/chat");
    CHECK_STR_EQ(req.body.ptr, "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"terse\"},"
                               "{\"role\":\"user\",\"content\":\"why is the sky blue?\"}],\"stream\":true,"
                               "\"options\":{\"num_predict\":128,\"temperature\":0,\"seed\":42}}");
    free(req.url);
    buf_release(&req.body);
    return check_done();
}
