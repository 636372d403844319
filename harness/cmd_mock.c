/* cmd_mock.c -- `assay mock`: the built-in mock provider on loopback.
 * Parses flags, loads profiles and the corpus, prints the one listening
 * line on stdout and serves until SIGTERM/SIGINT (exit 0). Everything else
 * is in harness/mock/; the behaviour is documented in docs/mock.md. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/mock/corpus.h"
#include "harness/mock/mock.h"
#include "harness/mock/profile.h"
#include "harness/mock/suites_corpus.h"
#include "harness/util/fileio.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: assay mock [--port P] [--host ADDR] [--profile FILE|NAME]... [--seed N]\n"
            "                  [--suites DIR] [--datasets DIR] [--corpus FILE]... [--no-corpus]\n"
            "                  [--log FILE] [--zero-delay] [--verbose]\n"
            "                  [--tls [--cert FILE --key FILE] [--cert-out FILE]]\n"
            "       assay mock --print-profile [NAME]\n"
            "       assay mock --check [options]\n"
            "\n"
            "A mock LLM provider on loopback that speaks OpenAI, Azure OpenAI, Anthropic,\n"
            "TGI, Hugging Face task pipelines and Ollama, serving the simulated models of a\n"
            "profile (quality, latency, capacity, faults). Once listening it prints one\n"
            "line, \"assay mock: listening on http://HOST:PORT\", and nothing more on stdout.\n"
            "\n"
            "options:\n"
            "  --port P          port to listen on (0 = any free port; default 8400)\n"
            "  --host ADDR       address to bind (default 127.0.0.1)\n"
            "  --profile SPEC    a profile file, or a built-in profile name (default: the\n"
            "                    built-in \"default\"); repeat to load several\n"
            "  --seed N          seed of every simulated draw (default 1)\n"
            "  --suites DIR      suites whose items the mock knows (default: $ASSAY_SUITES_DIR\n"
            "                    or the bundled suites/ of the source tree)\n"
            "  --datasets DIR    look the suites' dataset files up here (default:\n"
            "                    $ASSAY_DATASETS_DIR, else each suite's own path)\n"
            "  --corpus FILE     extra items in the mock's JSONL format (docs/mock.md)\n"
            "  --no-corpus       answer every prompt generically (no suites loaded)\n"
            "  --log FILE        ground truth: one JSON line per request (docs/mock.md)\n"
            "  --zero-delay      every latency 0 (benchmarks)\n"
            "  --tls             serve HTTPS with a self-signed certificate made at start\n"
            "  --cert, --key     serve HTTPS with this certificate and key (PEM)\n"
            "  --cert-out FILE   write the generated certificate (the CA to trust) here;\n"
            "                    implies --tls\n"
            "  --print-profile   print a built-in profile (default \"default\") and exit\n"
            "  --check           load everything, print a summary to stdout, and exit\n"
            "  -v, --verbose     one line per request on stderr\n"
            "\n"
            "routes: POST /v1/chat/completions, GET /v1/models, POST /v1/messages,\n"
            "  POST /openai/deployments/{model}/chat/completions?api-version=...,\n"
            "  POST /openai/v1/chat/completions, POST /generate, /generate_stream,\n"
            "  GET /info, /health (also under /tgi/{model}/), POST /models/{model},\n"
            "  /hf-inference/models/{model}, POST /api/chat, GET /api/tags\n"
            "\n"
            "examples:\n"
            "  assay mock --port 8400 &\n"
            "  curl -s localhost:8400/v1/chat/completions -H 'Authorization: Bearer x' \\\n"
            "       -d '{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}'\n"
            "  assay mock --port 0 --zero-delay --log truth.jsonl\n");
}

static void on_listen(const char *url, void *ud)
{
    (void)ud;
    printf("assay mock: listening on %s\n", url);
    fflush(stdout);
}

int cmd_mock(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "host", required_argument, NULL, 'H' },
        { "profile", required_argument, NULL, 'P' },
        { "seed", required_argument, NULL, 's' },
        { "suites", required_argument, NULL, 'S' },
        { "datasets", required_argument, NULL, 'D' },
        { "corpus", required_argument, NULL, 'c' },
        { "no-corpus", no_argument, NULL, 'n' },
        { "log", required_argument, NULL, 'l' },
        { "zero-delay", no_argument, NULL, 'z' },
        { "tls", no_argument, NULL, 't' },
        { "cert", required_argument, NULL, 'C' },
        { "key", required_argument, NULL, 'K' },
        { "cert-out", required_argument, NULL, 'O' },
        { "print-profile", optional_argument, NULL, 'R' },
        { "check", no_argument, NULL, 'k' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct mock_opts o = { .host = "127.0.0.1", .port = 8400, .seed = 1 };
    const char *profiles[32], *corpora[32];
    size_t n_profiles = 0, n_corpora = 0;
    const char *suites = NULL, *datasets = NULL;
    int zero = 0, check = 0, no_corpus = 0;
    const char *print = NULL;
    int c;
    while ((c = cli_getopt(argc, argv, "mock", "hv", longopts)) != -1) {
        char *end;
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 65535)
                return cli_usage_error("mock", "--port: expected 0 to 65535, got '%s'", optarg);
            o.port = (int)v;
            break;
        }
        case 'H': o.host = optarg; break;
        case 'P':
            if (n_profiles == 32)
                return cli_usage_error("mock", "--profile: at most 32");
            profiles[n_profiles++] = optarg;
            break;
        case 's':
            errno = 0;
            o.seed = strtoull(optarg, &end, 10);
            if (*end || end == optarg || errno || optarg[0] == '-')
                return cli_usage_error("mock", "--seed: expected a non-negative integer, got '%s'",
                                       optarg);
            break;
        case 'S': suites = optarg; break;
        case 'D': datasets = optarg; break;
        case 'c':
            if (n_corpora == 32)
                return cli_usage_error("mock", "--corpus: at most 32");
            corpora[n_corpora++] = optarg;
            break;
        case 'n': no_corpus = 1; break;
        case 'l': o.log_path = optarg; break;
        case 'z': zero = 1; break;
        case 't': o.tls = 1; break;
        case 'C': o.cert = optarg; o.tls = 1; break;
        case 'K': o.key = optarg; o.tls = 1; break;
        case 'O': o.cert_out = optarg; o.tls = 1; break;
        case 'R': print = optarg ? optarg : "default"; break;
        case 'k': check = 1; break;
        case 'v': o.verbose = 1; break;
        default:
            return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc)
        return cli_usage_error("mock", "unexpected argument '%s'", argv[optind]);
    if (print) {
        const char *text = profile_builtin(print);
        if (!text)
            return cli_usage_error("mock", "--print-profile: no built-in profile '%s' (built-in: default)",
                                   print);
        fputs(text, stdout);
        return EXIT_OK;
    }
    if ((o.cert == NULL) != (o.key == NULL))
        return cli_usage_error("mock", "--cert and --key go together");

    struct diag d;
    diag_init(&d);
    struct mock_profile prof;
    profile_init(&prof);
    struct corpus *corpus = corpus_new();
    int rc = EXIT_BAD_INPUT;
    if (!n_profiles)
        profiles[n_profiles++] = "default";
    for (size_t i = 0; i < n_profiles; i++)
        if (profile_load(&prof, profiles[i], &d) < 0)
            goto out;
    if (zero)
        profile_zero_delay(&prof);
    if (!no_corpus && suites_corpus_load(corpus, suites, datasets, &d) < 0)
        goto out;
    for (size_t i = 0; i < n_corpora; i++)
        if (corpus_load_jsonl(corpus, corpora[i], &d) < 0)
            goto out;
    if (check) {
        printf("assay mock: %zu models, %zu corpus items\n", prof.n, corpus_count(corpus));
        for (size_t i = 0; i < prof.n; i++)
            printf("  %s\n", prof.models[i].name);
        rc = EXIT_OK;
        goto out;
    }
    signal(SIGPIPE, SIG_IGN);
    file_raise_open_limit();
    if (mock_serve(&o, &prof, corpus, on_listen, NULL, &d) < 0)
        goto out;
    rc = EXIT_OK;
out:
    if (d.set)
        diag_print(&d, stderr);
    corpus_free(corpus);
    profile_release(&prof);
    return rc;
}
