/* cmd_score.c -- `assay score`: corpus (or per-segment) scores of a
 * hypothesis file against reference files, the way a sacreBLEU user
 * expects them.
 *
 * Input: --hyp FILE with one --ref FILE per reference (one segment per
 * line, split on LF only, each line right-stripped of Python whitespace as
 * the sacreBLEU command line does), or --jsonl FILE with {"hyp": ...,
 * "refs": [...]} per line (the layout of the metric vectors; strings are
 * used as they are, refs may vary in number, null = missing; SQuAD's
 * "prediction" and "answers" are accepted for them). "-" reads stdin.
 * Output: sacreBLEU's line per metric (signature included), or with
 * --format json one object per metric with every component; with
 * --sentence-level one line (or JSON object) per segment.
 *
 * Bad flags, unreadable files, invalid UTF-8, NUL bytes and files of
 * different lengths are input errors: a message naming the file and line,
 * exit 2. The numbers come from scorers/bleu.h, chrf.h, ter.h (sacreBLEU
 * 2.6.0), rouge.h (rouge-score; the corpus value is the mean over
 * segments, several references use score_multi) and squad.h (the official
 * evaluate.py; each reference is one gold answer). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/bleu.h"
#include "scorers/chrf.h"
#include "scorers/rouge.h"
#include "scorers/squad.h"
#include "scorers/ter.h"

#define MAX_REFS 64

static void usage(FILE *f)
{
    fprintf(f,
        "usage: assay score [--metric M[,M...]] --hyp FILE --ref FILE [--ref FILE ...] [options]\n"
        "       assay score [--metric M[,M...]] --jsonl FILE [options]\n"
        "\n"
        "Scores a system's output against references as the reference implementations\n"
        "do (sacreBLEU 2.6.0 for BLEU, chrF and TER). One segment per line; several\n"
        "--ref files give several references per segment. FILE may be - for stdin.\n"
        "\n"
        "input:\n"
        "  --hyp FILE              hypotheses, one per line\n"
        "  --ref FILE              references, one per line (repeat for more references)\n"
        "  --jsonl FILE            one JSON object per line: {\"hyp\": str, \"refs\": [str, ...]}\n"
        "                          ({\"prediction\": str, \"answers\": [str, ...]} works too)\n"
        "\n"
        "metrics and output:\n"
        "  --metric M              bleu (default), chrf, ter, rouge, squad; repeat or\n"
        "                          separate with commas for several\n"
        "  --sentence-level        one score per segment (BLEU then uses effective order)\n"
        "  --format text|json      sacreBLEU's line (default) or JSON with every component\n"
        "  --width N               decimals of printed scores (default 2)\n"
        "  --short                 short signature (#:1|c:mixed|...)\n"
        "  --score-only            print the number only\n"
        "\n"
        "BLEU:\n"
        "  --tokenize T            13a (default), intl, zh, char, none (no MeCab: use char\n"
        "                          for Japanese and Korean)\n"
        "  --smooth-method M       exp (default), floor, add-k, none\n"
        "  --smooth-value V        floor default 0.1, add-k default 1\n"
        "  --lowercase             lowercase before tokenizing\n"
        "  --effective-order       effective order for corpus BLEU (always on per sentence)\n"
        "chrF:\n"
        "  --chrf-char-order N     character n-gram order (default 6)\n"
        "  --chrf-word-order N     word n-gram order (default 0; 2 = chrF++)\n"
        "  --chrf-beta N           recall weight (default 2)\n"
        "  --chrf-whitespace       keep whitespace in character n-grams\n"
        "  --chrf-lowercase        lowercase first\n"
        "  --chrf-eps-smoothing    chrF++.py/NLTK/Moses epsilon smoothing\n"
        "TER:\n"
        "  --ter-case-sensitive    do not lowercase\n"
        "  --ter-normalized        tercom's tokenization and entity handling\n"
        "  --ter-no-punct          remove punctuation\n"
        "  --ter-asian-support     split CJK characters (with --ter-normalized)\n"
        "ROUGE (rouge-score, 0-1; corpus value = mean over segments):\n"
        "  --rouge-stemmer         Porter stemmer (rouge-score's use_stemmer)\n"
        "  --rouge-types LIST      default rouge1,rouge2,rougeL,rougeLsum (rouge1..rouge9)\n"
        "  --rouge-tokenizer T     default (rouge-score's: drops every non-ASCII letter, so\n"
        "                          Chinese or Russian score 0) or unicode (letters, digits\n"
        "                          and marks of any script; not comparable with published\n"
        "                          ROUGE)\n"
        "SQuAD (each reference is one gold answer):\n"
        "  --squad-version V       1.1 (default) or 2.0\n"
        "\n"
        "exit codes: 0 scored, 2 bad input (flag, file, line counts)\n"
        "\n"
        "examples:\n"
        "  assay score --hyp sys.txt --ref ref.txt\n"
        "  assay score --metric bleu,chrf,ter --hyp sys.de --ref ref1.de --ref ref2.de\n"
        "  assay score --metric chrf --chrf-word-order 2 --jsonl vectors.jsonl --format json\n"
        "  assay score --hyp sys.zh --ref ref.zh --tokenize zh --sentence-level\n");
}

/* ===== options ===== */

enum metric { M_BLEU, M_CHRF, M_TER, M_ROUGE, M_SQUAD, M_COUNT };
static const char *const metric_names[M_COUNT] = { "bleu", "chrf", "ter", "rouge", "squad" };

struct score_args {
    int metrics[M_COUNT];        /* selected, in order of first mention */
    int order[M_COUNT], norder;
    const char *hyp, *jsonl;
    const char *refs[MAX_REFS];
    size_t nrefs;
    int sentence, json, width, short_sig, score_only;
    struct bleu_opts bleu;
    struct chrf_opts chrf;
    struct ter_opts ter;
    struct rouge_opts rouge;
    enum squad_version squad;
    int set_for[M_COUNT];        /* a metric-specific flag was given */
};

static int add_metrics(struct score_args *a, const char *list)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", list);
    for (char *save, *p = strtok_r(tmp, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        int m = -1;
        for (int i = 0; i < M_COUNT; i++)
            if (strcmp(p, metric_names[i]) == 0)
                m = i;
        if (m < 0)
            return cli_usage_error("score", "unknown metric '%s' (expected bleu, chrf, ter, rouge, squad)", p);
        if (!a->metrics[m]) {
            a->metrics[m] = 1;
            a->order[a->norder++] = m;
        }
    }
    return 0;
}

static int parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return cli_usage_error("score", "%s expects an integer from %ld to %ld, got '%s'", flag, lo, hi, s);
    *out = v;
    return 0;
}

static int parse_double(const char *flag, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0)
        return cli_usage_error("score", "%s expects a non-negative number, got '%s'", flag, s);
    *out = v;
    return 0;
}

static int parse_rouge_types(const char *list, unsigned *out)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", list);
    *out = 0;
    for (char *save, *p = strtok_r(tmp, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        unsigned bit = rouge_type_bit(p);
        if (!bit)
            return cli_usage_error("score", "--rouge-types: unknown type '%s' (expected rouge1..rouge9, "
                                   "rougeL, rougeLsum)", p);
        *out |= bit;
    }
    if (!*out)
        return cli_usage_error("score", "--rouge-types needs at least one type");
    return 0;
}

enum {
    O_HYP = 256, O_REF, O_JSONL, O_METRIC, O_SENT, O_FORMAT, O_WIDTH, O_SHORT, O_SCORE_ONLY,
    O_TOKENIZE, O_SMOOTH_METHOD, O_SMOOTH_VALUE, O_LOWERCASE, O_EFF,
    O_CHRF_CHAR, O_CHRF_WORD, O_CHRF_BETA, O_CHRF_WS, O_CHRF_LC, O_CHRF_EPS,
    O_TER_CASE, O_TER_NORM, O_TER_NOPUNCT, O_TER_ASIAN, O_ROUGE_STEM, O_ROUGE_TYPES,
    O_ROUGE_TOK, O_SQUAD_VERSION,
};

static const struct option longopts[] = {
    { "hyp", required_argument, NULL, O_HYP },
    { "ref", required_argument, NULL, O_REF },
    { "jsonl", required_argument, NULL, O_JSONL },
    { "metric", required_argument, NULL, O_METRIC },
    { "metrics", required_argument, NULL, O_METRIC },
    { "sentence-level", no_argument, NULL, O_SENT },
    { "format", required_argument, NULL, O_FORMAT },
    { "width", required_argument, NULL, O_WIDTH },
    { "short", no_argument, NULL, O_SHORT },
    { "score-only", no_argument, NULL, O_SCORE_ONLY },
    { "tokenize", required_argument, NULL, O_TOKENIZE },
    { "smooth-method", required_argument, NULL, O_SMOOTH_METHOD },
    { "smooth-value", required_argument, NULL, O_SMOOTH_VALUE },
    { "lowercase", no_argument, NULL, O_LOWERCASE },
    { "effective-order", no_argument, NULL, O_EFF },
    { "chrf-char-order", required_argument, NULL, O_CHRF_CHAR },
    { "chrf-word-order", required_argument, NULL, O_CHRF_WORD },
    { "chrf-beta", required_argument, NULL, O_CHRF_BETA },
    { "chrf-whitespace", no_argument, NULL, O_CHRF_WS },
    { "chrf-lowercase", no_argument, NULL, O_CHRF_LC },
    { "chrf-eps-smoothing", no_argument, NULL, O_CHRF_EPS },
    { "ter-case-sensitive", no_argument, NULL, O_TER_CASE },
    { "ter-normalized", no_argument, NULL, O_TER_NORM },
    { "ter-no-punct", no_argument, NULL, O_TER_NOPUNCT },
    { "ter-asian-support", no_argument, NULL, O_TER_ASIAN },
    { "rouge-stemmer", no_argument, NULL, O_ROUGE_STEM },
    { "rouge-types", required_argument, NULL, O_ROUGE_TYPES },
    { "rouge-tokenizer", required_argument, NULL, O_ROUGE_TOK },
    { "squad-version", required_argument, NULL, O_SQUAD_VERSION },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv, struct score_args *a)
{
    memset(a, 0, sizeof(*a));
    bleu_opts_init(&a->bleu);
    chrf_opts_init(&a->chrf);
    a->width = 2;
    int c;
    long v;
    while ((c = cli_getopt(argc, argv, "score", "h", longopts)) != -1) {
        switch (c) {
        case -2:
            return EXIT_BAD_INPUT;
        case 'h':
            usage(stdout);
            return -1;
        case O_HYP: a->hyp = optarg; break;
        case O_REF:
            if (a->nrefs == MAX_REFS)
                return cli_usage_error("score", "at most %d --ref files", MAX_REFS);
            a->refs[a->nrefs++] = optarg;
            break;
        case O_JSONL: a->jsonl = optarg; break;
        case O_METRIC:
            if (add_metrics(a, optarg))
                return EXIT_BAD_INPUT;
            break;
        case O_SENT: a->sentence = 1; break;
        case O_FORMAT:
            if (strcmp(optarg, "json") == 0)
                a->json = 1;
            else if (strcmp(optarg, "text") != 0)
                return cli_usage_error("score", "--format expects text or json, got '%s'", optarg);
            break;
        case O_WIDTH:
            if (parse_long("--width", optarg, 0, 17, &v))
                return EXIT_BAD_INPUT;
            a->width = (int)v;
            break;
        case O_SHORT: a->short_sig = 1; break;
        case O_SCORE_ONLY: a->score_only = 1; break;
        case O_TOKENIZE:
            if (bleu_tokenizer_from_name(optarg, &a->bleu.tokenize) < 0)
                return cli_usage_error("score", "--tokenize expects one of %s, got '%s'%s",
                                       bleu_tokenizer_names, optarg,
                                       strncmp(optarg, "ja", 2) == 0 || strncmp(optarg, "ko", 2) == 0
                                           ? " (MeCab is not available: use char for Japanese and Korean)"
                                           : "");
            a->set_for[M_BLEU] = 1;
            break;
        case O_SMOOTH_METHOD:
            if (bleu_smooth_from_name(optarg, &a->bleu.smooth) < 0)
                return cli_usage_error("score", "--smooth-method expects one of %s, got '%s'",
                                       bleu_smooth_names, optarg);
            a->set_for[M_BLEU] = 1;
            break;
        case O_SMOOTH_VALUE:
            if (parse_double("--smooth-value", optarg, &a->bleu.smooth_value))
                return EXIT_BAD_INPUT;
            a->bleu.smooth_value_set = 1;
            a->set_for[M_BLEU] = 1;
            break;
        case O_LOWERCASE: a->bleu.lowercase = 1; a->set_for[M_BLEU] = 1; break;
        case O_EFF: a->bleu.effective_order = 1; a->set_for[M_BLEU] = 1; break;
        case O_CHRF_CHAR:
            if (parse_long("--chrf-char-order", optarg, 0, CHRF_MAX_ORDERS, &v))
                return EXIT_BAD_INPUT;
            a->chrf.char_order = (int)v;
            a->set_for[M_CHRF] = 1;
            break;
        case O_CHRF_WORD:
            if (parse_long("--chrf-word-order", optarg, 0, CHRF_MAX_ORDERS, &v))
                return EXIT_BAD_INPUT;
            a->chrf.word_order = (int)v;
            a->set_for[M_CHRF] = 1;
            break;
        case O_CHRF_BETA:
            if (parse_long("--chrf-beta", optarg, 0, 1000, &v))
                return EXIT_BAD_INPUT;
            a->chrf.beta = (int)v;
            a->set_for[M_CHRF] = 1;
            break;
        case O_CHRF_WS: a->chrf.whitespace = 1; a->set_for[M_CHRF] = 1; break;
        case O_CHRF_LC: a->chrf.lowercase = 1; a->set_for[M_CHRF] = 1; break;
        case O_CHRF_EPS: a->chrf.eps_smoothing = 1; a->set_for[M_CHRF] = 1; break;
        case O_TER_CASE: a->ter.case_sensitive = 1; a->set_for[M_TER] = 1; break;
        case O_TER_NORM: a->ter.normalized = 1; a->set_for[M_TER] = 1; break;
        case O_TER_NOPUNCT: a->ter.no_punct = 1; a->set_for[M_TER] = 1; break;
        case O_TER_ASIAN: a->ter.asian_support = 1; a->set_for[M_TER] = 1; break;
        case O_ROUGE_STEM: a->rouge.use_stemmer = 1; a->set_for[M_ROUGE] = 1; break;
        case O_ROUGE_TYPES:
            if (parse_rouge_types(optarg, &a->rouge.types))
                return EXIT_BAD_INPUT;
            a->set_for[M_ROUGE] = 1;
            break;
        case O_ROUGE_TOK:
            if (strcmp(optarg, "default") == 0)
                a->rouge.tokenizer = ROUGE_TOK_DEFAULT;
            else if (strcmp(optarg, "unicode") == 0)
                a->rouge.tokenizer = ROUGE_TOK_UNICODE;
            else
                return cli_usage_error("score", "--rouge-tokenizer expects default or unicode, got '%s'", optarg);
            a->set_for[M_ROUGE] = 1;
            break;
        case O_SQUAD_VERSION:
            if (strcmp(optarg, "1.1") == 0 || strcmp(optarg, "v1.1") == 0)
                a->squad = SQUAD_V11;
            else if (strcmp(optarg, "2.0") == 0 || strcmp(optarg, "v2.0") == 0)
                a->squad = SQUAD_V20;
            else
                return cli_usage_error("score", "--squad-version expects 1.1 or 2.0, got '%s'", optarg);
            a->set_for[M_SQUAD] = 1;
            break;
        default:
            return cli_usage_error("score", "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error("score", "unexpected argument '%s' (files go with --hyp, --ref or --jsonl)",
                               argv[optind]);
    if (!a->norder)
        add_metrics(a, "bleu");
    if (a->jsonl && (a->hyp || a->nrefs))
        return cli_usage_error("score", "give either --jsonl or --hyp with --ref, not both");
    if (!a->jsonl && !a->hyp)
        return cli_usage_error("score", "nothing to score: give --hyp FILE --ref FILE or --jsonl FILE");
    if (a->hyp && !a->nrefs)
        return cli_usage_error("score", "--hyp needs at least one --ref FILE");
    const char *why = chrf_opts_check(&a->chrf);
    if (why)
        return cli_usage_error("score", "chrF options: %s", why);
    for (int m = 0; m < M_COUNT; m++)
        if (a->set_for[m] && !a->metrics[m])
            fprintf(stderr, "assay score: warning: %s options given but --metric does not include %s\n",
                    metric_names[m], metric_names[m]);
    return 0;
}

/* ===== input ===== */

/* Segments: hyp[i] and refs[i * max_refs + k] (NULL = missing). Owned. */
struct corpus {
    char **hyp;
    char **refs;
    size_t n, cap, max_refs;
    int nrefs_sig;   /* references per segment, -1 if it varies */
};

static void corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->hyp[i]);
        for (size_t k = 0; k < c->max_refs; k++)
            free(c->refs[i * c->max_refs + k]);
    }
    free(c->hyp);
    free(c->refs);
}

static const char *display(const char *path)
{
    return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

/* Checks one line: valid UTF-8, no NUL. */
static int check_line(const char *path, long lineno, const char *s, size_t n, struct diag *d)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (c == 0)
            return diag_fail_pos(d, display(path), lineno, (long)i + 1, NULL, "NUL byte in the text");
        int ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = (p[i + k] & 0xC0) == 0x80;
        if (ok && len == 3)
            ok = !(c == 0xE0 && p[i + 1] < 0xA0) && !(c == 0xED && p[i + 1] >= 0xA0);
        if (ok && len == 4)
            ok = !(c == 0xF0 && p[i + 1] < 0x90) && !(c == 0xF4 && p[i + 1] >= 0x90);
        if (!ok)
            return diag_fail_pos(d, display(path), lineno, (long)i + 1, NULL,
                                 "invalid UTF-8 (byte 0x%02X); the file must be UTF-8", c);
        i += len;
    }
    return 0;
}

/* Python's str.rstrip() of a UTF-8 line: the length without trailing
 * Python whitespace. */
static size_t rstrip_len(const char *s, size_t n)
{
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, s, n);
    size_t end = u.len;
    while (end > 0 && py_isspace(u.cp[end - 1]))
        end--;
    size_t bytes = 0;
    for (size_t i = 0; i < end; i++) {
        int32_t c = u.cp[i];
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    ustr_release(&u);
    return bytes;
}

/* Reads a text file into lines (owned, right-stripped). */
static int read_lines(const char *path, char ***out, size_t *n_out, struct diag *d)
{
    struct buf b = BUF_INIT;
    if (file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &b, 0, d) < 0) {
        buf_release(&b);
        return -1;
    }
    char **lines = NULL;
    size_t n = 0, cap = 0;
    long lineno = 0;
    for (size_t at = 0; at < b.len;) {
        const char *s = b.ptr + at;
        const char *nl = memchr(s, '\n', b.len - at);
        size_t len = nl ? (size_t)(nl - s) : b.len - at;
        lineno++;
        if (check_line(path, lineno, s, len, d) < 0) {
            for (size_t i = 0; i < n; i++)
                free(lines[i]);
            free(lines);
            buf_release(&b);
            return -1;
        }
        XGROW(lines, cap, n + 1);
        lines[n++] = xstrndup(s, rstrip_len(s, len));
        at += len + (nl ? 1 : 0);
    }
    buf_release(&b);
    *out = lines;
    *n_out = n;
    return 0;
}

static int load_text(const struct score_args *a, struct corpus *c, struct diag *d)
{
    size_t n;
    if (read_lines(a->hyp, &c->hyp, &n, d) < 0)
        return -1;
    c->n = n;
    c->max_refs = a->nrefs;
    c->nrefs_sig = (int)a->nrefs;
    c->refs = xcalloc(n * a->nrefs + 1, sizeof(*c->refs));
    for (size_t k = 0; k < a->nrefs; k++) {
        char **lines;
        size_t m;
        if (read_lines(a->refs[k], &lines, &m, d) < 0)
            return -1;
        if (m != n) {
            for (size_t i = 0; i < m; i++)
                free(lines[i]);
            free(lines);
            return diag_fail_at(d, display(a->refs[k]), 0, NULL,
                                "has %zu lines but the hypotheses (%s) have %zu: every reference "
                                "file needs one line per segment", m, display(a->hyp), n);
        }
        for (size_t i = 0; i < n; i++)
            c->refs[i * a->nrefs + k] = lines[i];
        free(lines);
    }
    if (n == 0)
        return diag_fail_at(d, display(a->hyp), 0, NULL, "no segments to score (empty file)");
    return 0;
}

struct jsonl_ctx {
    struct corpus *c;
    const char *path;
};

static int jsonl_item(cJSON *obj, long line, void *ud, struct diag *d)
{
    struct jsonl_ctx *j = ud;
    struct corpus *c = j->c;
    const char *hyp;
    const cJSON *refs;
    int rc = -1;
    diag_at(d, display(j->path), line, "");
    if (!cJSON_IsObject(obj)) {
        diag_fail(d, "expected a JSON object per line");
        goto out;
    }
    /* The vectors' names, or SQuAD's. */
    const char *hyp_key = cJSON_GetObjectItemCaseSensitive(obj, "hyp") ||
                          !cJSON_GetObjectItemCaseSensitive(obj, "prediction") ? "hyp" : "prediction";
    const char *refs_key = cJSON_GetObjectItemCaseSensitive(obj, "refs") ||
                           !cJSON_GetObjectItemCaseSensitive(obj, "answers") ? "refs" : "answers";
    if (jv_string(obj, hyp_key, display(j->path), "", 1, &hyp, d) < 0 ||
        jv_array(obj, refs_key, display(j->path), "", 1, &refs, d) < 0)
        goto out;
    size_t k = (size_t)cJSON_GetArraySize(refs);
    if (k > MAX_REFS) {
        diag_fail_at(d, display(j->path), line, refs_key, "at most %d references per segment", MAX_REFS);
        goto out;
    }
    /* Widen the reference rows if this item has more references. */
    if (k > c->max_refs) {
        char **wide = xcalloc(c->cap * k + 1, sizeof(*wide));
        for (size_t i = 0; i < c->n; i++)
            for (size_t r = 0; r < c->max_refs; r++)
                wide[i * k + r] = c->refs[i * c->max_refs + r];
        free(c->refs);
        c->refs = wide;
        c->max_refs = k;
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        c->hyp = xrealloc(c->hyp, ncap * sizeof(*c->hyp));
        c->refs = xrealloc(c->refs, (ncap * c->max_refs + 1) * sizeof(*c->refs));
        c->cap = ncap;
    }
    char **row = c->refs + c->n * c->max_refs;
    memset(row, 0, c->max_refs * sizeof(*row));
    int present = 0;
    for (size_t r = 0; r < k; r++) {
        const cJSON *v = cJSON_GetArrayItem(refs, (int)r);
        if (cJSON_IsNull(v))
            continue;
        if (!cJSON_IsString(v)) {
            char p[64];
            snprintf(p, sizeof(p), "%s[%zu]", refs_key, r);
            diag_fail_at(d, display(j->path), line, p, "expected a string or null");
            for (size_t q = 0; q < r; q++)
                free(row[q]);
            goto out;
        }
        row[r] = xstrdup(v->valuestring);
        present++;
    }
    c->hyp[c->n++] = xstrdup(hyp);
    if (c->n == 1)
        c->nrefs_sig = present;
    else if (c->nrefs_sig != present)
        c->nrefs_sig = -1;
    rc = 0;
out:
    if (rc && d->line == 0)
        d->line = line;   /* the jv_* getters know the path, not the line */
    cJSON_Delete(obj);
    return rc;
}

static int load_jsonl(const struct score_args *a, struct corpus *c, struct diag *d)
{
    struct jsonl_ctx j = { c, a->jsonl };
    if (jsonl_read(strcmp(a->jsonl, "-") == 0 ? "/dev/stdin" : a->jsonl, jsonl_item, &j, d) < 0)
        return -1;
    if (c->n == 0)
        return diag_fail_at(d, display(a->jsonl), 0, NULL, "no segments to score (no JSON lines)");
    return 0;
}

/* ===== metrics ===== */

static const char *const *refs_of(const struct corpus *c, size_t i)
{
    return (const char *const *)c->refs + i * c->max_refs;
}

/* Diag of segment i, located at its line (or item) number. */
static int segment_error(const struct score_args *a, size_t i, struct diag *d)
{
    char msg[sizeof(d->msg)];
    snprintf(msg, sizeof(msg), "%s", d->msg);
    diag_clear(d);
    return diag_fail_at(d, display(a->jsonl ? a->jsonl : a->hyp), (long)i + 1, NULL, "%s", msg);
}

/* JSON numbers in their shortest form that reads back to the same double
 * (Python's repr), not cJSON's 15 digits: the output is meant to be
 * compared with the reference to the last bit. */
static cJSON *exact_number(double x)
{
    char b[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, sizeof(b), "%.*g", prec, x);
        if (strtod(b, NULL) == x)
            break;
    }
    return cJSON_CreateRaw(b);
}

static void add_num(cJSON *o, const char *key, double x)
{
    cJSON_AddItemToObject(o, key, exact_number(x));
}

static cJSON *num_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, exact_number(v[i]));
    return a;
}

/* Prints one result: the text line (or the bare score with --score-only),
 * or with --format json the object {metric, name, signature, formatted,
 * [segment], ...fill()..., [segments]}. The JSON is only built when asked
 * for: per-sentence output stays cheap. */
typedef void fill_fn(cJSON *obj, const void *ud);

struct result {
    const char *metric, *name, *sig;
    const char *line, *only;   /* text line and bare score */
    size_t segment;            /* 1-based, 0 for a corpus result */
    size_t segments;           /* corpus results: how many segments */
};

static void emit(const struct score_args *a, const struct result *r, fill_fn *fill, const void *ud)
{
    if (!a->json) {
        puts(a->score_only ? r->only : r->line);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "metric", r->metric);
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddStringToObject(o, "signature", r->sig);
    cJSON_AddStringToObject(o, "formatted", r->line);
    if (r->segment)
        add_num(o, "segment", (double)r->segment);
    fill(o, ud);
    if (!r->segment)
        add_num(o, "segments", (double)r->segments);
    char *text = cJSON_PrintUnformatted(o);
    puts(text);
    free(text);
    cJSON_Delete(o);
}

/* The references of segment i that are present (NULLs dropped). */
static size_t present_refs(const struct corpus *c, size_t i, const char **out)
{
    size_t k = 0;
    for (size_t r = 0; r < c->max_refs; r++)
        if (refs_of(c, i)[r])
            out[k++] = refs_of(c, i)[r];
    return k;
}

/* ----- BLEU ----- */

static void bleu_fill(cJSON *o, const void *ud)
{
    const struct bleu_score *sc = ud;
    add_num(o, "score", sc->score);
    cJSON_AddItemToObject(o, "counts", num_array(sc->counts, BLEU_MAX_ORDER));
    cJSON_AddItemToObject(o, "totals", num_array(sc->totals, BLEU_MAX_ORDER));
    cJSON_AddItemToObject(o, "precisions", num_array(sc->precisions, BLEU_MAX_ORDER));
    add_num(o, "bp", sc->bp);
    add_num(o, "ratio", sc->ratio);
    add_num(o, "sys_len", (double)sc->sys_len);
    add_num(o, "ref_len", (double)sc->ref_len);
}

static void bleu_emit(const struct score_args *a, const struct bleu_opts *o, const char *sig,
                      const struct bleu_stats *s, size_t segment, size_t segments)
{
    struct bleu_score sc;
    bleu_score(o, s, &sc);
    struct buf line = BUF_INIT, only = BUF_INIT;
    bleu_format(&sc, sig, a->width, &line);
    buf_addf(&only, "%.*f", a->width, sc.score);
    struct result r = { "bleu", "BLEU", sig, line.ptr, only.ptr, segment, segments };
    emit(a, &r, bleu_fill, &sc);
    buf_release(&line);
    buf_release(&only);
}

static int run_bleu(const struct score_args *a, const struct corpus *c, struct diag *d)
{
    struct bleu_opts o = a->bleu;
    if (a->sentence)
        o.effective_order = 1;   /* sacreBLEU's --sentence-level does the same */
    struct bleu *b = bleu_new(&o);
    struct buf sig = BUF_INIT;
    bleu_signature(&o, c->nrefs_sig, a->short_sig, &sig);
    struct bleu_stats sum = { 0 }, s;
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (bleu_segment(b, c->hyp[i], refs_of(c, i), c->max_refs, &s, d) < 0) {
            rc = segment_error(a, i, d);
            break;
        }
        bleu_stats_add(&sum, &s);
        if (a->sentence)
            bleu_emit(a, &o, sig.ptr, &s, i + 1, 0);
    }
    if (rc == 0 && !a->sentence)
        bleu_emit(a, &o, sig.ptr, &sum, 0, c->n);
    bleu_free(b);
    buf_release(&sig);
    return rc;
}

/* ----- chrF ----- */

struct chrf_result {
    const struct chrf_opts *o;
    const struct chrf_stats *s;
    double score;
};

static void chrf_fill(cJSON *obj, const void *ud)
{
    const struct chrf_result *r = ud;
    add_num(obj, "score", r->score);
    cJSON *stats = cJSON_AddArrayToObject(obj, "stats");
    for (int k = 0; k < r->o->char_order + r->o->word_order; k++) {
        double row[3] = { (double)r->s->v[k][0], (double)r->s->v[k][1], (double)r->s->v[k][2] };
        cJSON_AddItemToArray(stats, num_array(row, 3));
    }
    add_num(obj, "char_order", r->o->char_order);
    add_num(obj, "word_order", r->o->word_order);
    add_num(obj, "beta", r->o->beta);
}

static void chrf_emit(const struct score_args *a, const char *name, const char *sig,
                      const struct chrf_stats *s, size_t segment, size_t segments)
{
    struct chrf_result cr = { &a->chrf, s, chrf_score(&a->chrf, s) };
    struct buf line = BUF_INIT, only = BUF_INIT;
    chrf_format(&a->chrf, cr.score, sig, a->width, &line);
    buf_addf(&only, "%.*f", a->width, cr.score);
    struct result r = { "chrf", name, sig, line.ptr, only.ptr, segment, segments };
    emit(a, &r, chrf_fill, &cr);
    buf_release(&line);
    buf_release(&only);
}

static int run_chrf(const struct score_args *a, const struct corpus *c, struct diag *d)
{
    struct chrf *ch = chrf_new(&a->chrf);
    struct buf name = BUF_INIT, sig = BUF_INIT;
    chrf_name(&a->chrf, &name);
    chrf_signature(&a->chrf, c->nrefs_sig, a->short_sig, &sig);
    struct chrf_stats sum, s;
    memset(&sum, 0, sizeof(sum));
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (chrf_segment(ch, c->hyp[i], refs_of(c, i), c->max_refs, &s, d) < 0) {
            rc = segment_error(a, i, d);
            break;
        }
        chrf_stats_add(&a->chrf, &sum, &s);
        if (a->sentence)
            chrf_emit(a, name.ptr, sig.ptr, &s, i + 1, 0);
    }
    if (rc == 0 && !a->sentence)
        chrf_emit(a, name.ptr, sig.ptr, &sum, 0, c->n);
    chrf_free(ch);
    buf_release(&name);
    buf_release(&sig);
    return rc;
}

/* ----- TER ----- */

static void ter_fill(cJSON *o, const void *ud)
{
    const struct ter_stats *x = ud;
    add_num(o, "score", ter_score(x));
    add_num(o, "num_edits", (double)x->num_edits);
    add_num(o, "ref_length", x->ref_length);
}

static void ter_emit(const struct score_args *a, const char *sig, const struct ter_stats *x,
                     size_t segment, size_t segments)
{
    struct buf line = BUF_INIT, only = BUF_INIT;
    double score = ter_score(x);
    ter_format(score, sig, a->width, &line);
    buf_addf(&only, "%.*f", a->width, score);
    struct result r = { "ter", "TER", sig, line.ptr, only.ptr, segment, segments };
    emit(a, &r, ter_fill, x);
    buf_release(&line);
    buf_release(&only);
}

static int run_ter(const struct score_args *a, const struct corpus *c, struct diag *d)
{
    struct ter *t = ter_new(&a->ter);
    struct buf sig = BUF_INIT;
    ter_signature(&a->ter, c->nrefs_sig, a->short_sig, &sig);
    struct ter_stats sum = { 0, 0.0 }, s;
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (ter_segment(t, c->hyp[i], refs_of(c, i), c->max_refs, &s, d) < 0) {
            rc = segment_error(a, i, d);
            break;
        }
        ter_stats_add(&sum, &s);
        if (a->sentence)
            ter_emit(a, sig.ptr, &s, i + 1, 0);
    }
    if (rc == 0 && !a->sentence)
        ter_emit(a, sig.ptr, &sum, 0, c->n);
    ter_free(t);
    buf_release(&sig);
    return rc;
}

/* ----- ROUGE ----- */

/* ROUGE's signature: assay's own (rouge-score has none), in sacreBLEU's shape. */
static void rouge_signature(const struct score_args *a, int nrefs, struct buf *out)
{
    if (nrefs < 0)
        buf_adds(out, "nrefs:var");
    else
        buf_addf(out, "nrefs:%d", nrefs);
    buf_addf(out, "|stem:%s|tok:%s|agg:mean|impl:rouge-score",
             a->rouge.use_stemmer ? "yes" : "no",
             a->rouge.tokenizer == ROUGE_TOK_UNICODE ? "unicode" : "default");
}

static unsigned rouge_types(const struct score_args *a)
{
    return a->rouge.types ? a->rouge.types : ROUGE_DEFAULT_TYPES;
}

struct rouge_result {
    unsigned types;
    const struct rouge_scores *s;
};

static void rouge_fill(cJSON *obj, const void *ud)
{
    const struct rouge_result *r = ud;
    for (int k = 0; k < ROUGE_NTYPES; k++) {
        if (!(r->types & (1u << k)))
            continue;
        cJSON *o = cJSON_AddObjectToObject(obj, rouge_type_name(k));
        add_num(o, "precision", r->s->v[k].precision);
        add_num(o, "recall", r->s->v[k].recall);
        add_num(o, "fmeasure", r->s->v[k].fmeasure);
    }
}

static void rouge_emit(const struct score_args *a, const char *sig, const struct rouge_scores *s,
                       size_t segment, size_t segments)
{
    struct rouge_result rr = { rouge_types(a), s };
    int w = a->width + 2;   /* 0-1 scale: two more decimals than sacreBLEU's 0-100 */
    struct buf line = BUF_INIT, only = BUF_INIT;
    for (int k = 0; k < ROUGE_NTYPES; k++) {
        if (!(rr.types & (1u << k)))
            continue;
        const struct rouge_prf *v = &s->v[k];
        buf_addf(&line, "%s%s|%s = %.*f (P = %.*f R = %.*f)", line.len ? "\n" : "", rouge_type_name(k),
                 sig, w, v->fmeasure, w, v->precision, w, v->recall);
        buf_addf(&only, "%s%.*f", only.len ? "\n" : "", w, v->fmeasure);
    }
    struct result r = { "rouge", "ROUGE", sig, line.ptr, only.ptr, segment, segments };
    emit(a, &r, rouge_fill, &rr);
    buf_release(&line);
    buf_release(&only);
}

static int run_rouge(const struct score_args *a, const struct corpus *c, struct diag *d)
{
    struct buf sig = BUF_INIT;
    rouge_signature(a, c->nrefs_sig, &sig);
    struct rouge_mean mean;
    rouge_mean_init(&mean);
    const char **refs = xcalloc(c->max_refs + 1, sizeof(*refs));
    struct rouge_scores r;
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = present_refs(c, i, refs);
        if (k == 0) {
            diag_fail(d, "no reference for this segment");
            rc = segment_error(a, i, d);
            break;
        }
        rouge_score_multi(&a->rouge, refs, k, c->hyp[i], &r);
        rouge_mean_add(&mean, &r);
        if (a->sentence)
            rouge_emit(a, sig.ptr, &r, i + 1, 0);
    }
    if (rc == 0 && !a->sentence) {
        rouge_mean_get(&mean, &r);
        rouge_emit(a, sig.ptr, &r, 0, c->n);
    }
    free(refs);
    buf_release(&sig);
    return rc;
}

/* ----- SQuAD ----- */

static void squad_fill(cJSON *o, const void *ud)
{
    const double *v = ud;
    add_num(o, "exact_match", v[0]);
    add_num(o, "f1", v[1]);
}

static void squad_emit(const struct score_args *a, const char *sig, double em, double f1,
                       size_t segment, size_t segments)
{
    /* per question 0/1 and 0-1, totals 0-100: the script's own scales */
    int w = segment ? a->width + 2 : a->width;
    struct buf line = BUF_INIT, only = BUF_INIT;
    buf_addf(&line, "SQuAD|%s = EM %.*f F1 %.*f", sig, w, em, w, f1);
    buf_addf(&only, "%.*f %.*f", w, em, w, f1);
    double v[2] = { em, f1 };
    struct result r = { "squad", "SQuAD", sig, line.ptr, only.ptr, segment, segments };
    emit(a, &r, squad_fill, v);
    buf_release(&line);
    buf_release(&only);
}

static int run_squad(const struct score_args *a, const struct corpus *c, struct diag *d)
{
    const char *sig = a->squad == SQUAD_V20 ? "version:2.0|impl:evaluate-v2.0"
                                            : "version:1.1|impl:evaluate-v1.1";
    struct squad_total total;
    squad_total_init(&total);
    const char **golds = xcalloc(c->max_refs + 1, sizeof(*golds));
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = present_refs(c, i, golds);
        struct squad_result r;
        if (squad_score(a->squad, c->hyp[i], golds, k, &r) < 0) {
            diag_fail(d, "no gold answer for this question");
            rc = segment_error(a, i, d);
            break;
        }
        squad_total_add(&total, &r);
        if (a->sentence)
            squad_emit(a, sig, r.exact_match, r.f1, i + 1, 0);
    }
    if (rc == 0 && !a->sentence) {
        double em, f1;
        squad_total_get(&total, &em, &f1);
        squad_emit(a, sig, em, f1, 0, c->n);
    }
    free(golds);
    return rc;
}

int cmd_score(int argc, char **argv)
{
    struct score_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        return EXIT_OK;   /* --help */
    if (rc)
        return rc;
    struct diag d;
    diag_init(&d);
    struct corpus c;
    memset(&c, 0, sizeof(c));
    int bad = a.jsonl ? load_jsonl(&a, &c, &d) : load_text(&a, &c, &d);
    for (int i = 0; !bad && i < a.norder; i++) {
        switch (a.order[i]) {
        case M_BLEU: bad = run_bleu(&a, &c, &d); break;
        case M_CHRF: bad = run_chrf(&a, &c, &d); break;
        case M_TER:  bad = run_ter(&a, &c, &d); break;
        case M_ROUGE: bad = run_rouge(&a, &c, &d); break;
        case M_SQUAD: bad = run_squad(&a, &c, &d); break;
        default: break;
        }
    }
    corpus_free(&c);
    if (bad) {
        diag_print(&d, stderr);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}
