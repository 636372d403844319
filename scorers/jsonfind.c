/* jsonfind.c -- locate JSON in a model reply: bare, fenced, embedded.
 *
 * Each candidate span is handed to the strict located parser
 * (json_parse_located), so a reply that "almost" holds JSON gets a reason
 * with line and column rather than a silent guess.
 *
 * Embedded search: from each '{' / '[' (in order of position) the span is
 * balanced with a stack of expected closers; inside a string only '\\'
 * escapes and the closing quote matter. A mismatched closer ends the
 * candidate. The first span that parses wins, so a broken outer object
 * can still yield a well-formed inner one, as a reader would see it.
 * Trying every opener can be quadratic on hostile input, so the total
 * number of bytes balanced is capped (SCAN_BUDGET); past it the search
 * stops and says so. */
#include "jsonfind.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "harness/util/diag.h"
#include "harness/util/jsonv.h"

#define SCAN_BUDGET(n) ((size_t)4 * (n) + ((size_t)1 << 20))
#define MAX_DEPTH 1000   /* cJSON's own nesting limit */

const char *jsonfind_how_name(enum jsonfind_how how)
{
    switch (how) {
    case JSONFIND_BARE: return "bare";
    case JSONFIND_FENCED: return "fenced";
    case JSONFIND_EMBEDDED: return "embedded";
    case JSONFIND_NONE: break;
    }
    return "none";
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void set_reason(struct jsonfind *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_reason(struct jsonfind *out, const char *fmt, ...)
{
    if (out->reason[0])
        return;                      /* the first problem is the telling one */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
    va_end(ap);
}

/* Parses s[a..b) (trimmed); on failure returns NULL and writes the located
 * error ("line 2, column 7: ...") into why. */
static cJSON *try_parse(const char *s, size_t a, size_t b, char *why, size_t why_n)
{
    while (a < b && is_ws(s[a]))
        a++;
    while (b > a && is_ws(s[b - 1]))
        b--;
    if (a == b) {
        snprintf(why, why_n, "it is empty");
        return NULL;
    }
    struct diag d;
    diag_init(&d);
    cJSON *v = json_parse_located(s + a, b - a, "", 1, &d);
    if (!v)
        snprintf(why, why_n, "line %ld, column %ld: %.180s", d.line, d.col, d.msg);
    return v;
}

static int found(struct jsonfind *out, cJSON *v, enum jsonfind_how how, size_t a, size_t b)
{
    out->value = v;
    out->how = how;
    out->start = a;
    out->end = b;
    out->reason[0] = '\0';
    return 0;
}

/* ---- fences -------------------------------------------------------------- */

struct fence {
    size_t body, body_end;   /* the code between the fences */
    size_t lang, lang_n;     /* info word right after the opening marker */
    int closed;
};

/* Finds the next fence opening at or after *pos (``` or ~~~); returns 0
 * when there is none. */
static int next_fence(const char *s, size_t n, size_t *pos, struct fence *f)
{
    for (size_t i = *pos; i + 3 <= n; i++) {
        char m = s[i];
        if ((m != '`' && m != '~') || s[i + 1] != m || s[i + 2] != m)
            continue;
        size_t j = i + 3;
        while (j < n && s[j] == m)               /* longer markers are allowed */
            j++;
        size_t marker = j - i;
        f->lang = j;
        while (j < n && s[j] != '\n' && !is_ws(s[j]) && s[j] != '{' && s[j] != '['
               && s[j] != m)
            j++;
        f->lang_n = j - f->lang;
        /* The body starts on the next line, or right after the info word
         * when the JSON follows on the same line (```json {"a": 1}```). */
        size_t k = j;
        while (k < n && s[k] != '\n' && is_ws(s[k]))
            k++;
        f->body = k < n && s[k] == '\n' ? k + 1 : k;
        /* closing marker: the same character, at least as long */
        f->closed = 0;
        f->body_end = n;
        for (size_t c = f->body; c + marker <= n; c++) {
            size_t run = 0;
            while (c + run < n && s[c + run] == m)
                run++;
            if (run >= marker) {
                f->body_end = c;
                f->closed = 1;
                break;
            }
            c += run;
        }
        *pos = f->closed ? f->body_end + marker : n;
        return 1;
    }
    return 0;
}

static int lang_is_json(const char *s, const struct fence *f)
{
    static const char *const names[] = { "json", "jsonc", "json5", "javascript", "js", NULL };
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == f->lang_n && strncasecmp(s + f->lang, names[i], f->lang_n) == 0)
            return 1;
    return 0;
}

static int find_fenced(const char *s, size_t n, struct jsonfind *out)
{
    /* pass 0: fences labelled as JSON; pass 1: fences without a language */
    for (int pass = 0; pass < 2; pass++) {
        size_t pos = 0;
        struct fence f;
        while (next_fence(s, n, &pos, &f)) {
            if (pass == 0 ? !lang_is_json(s, &f) : f.lang_n != 0)
                continue;
            char why[256];
            cJSON *v = try_parse(s, f.body, f.body_end, why, sizeof(why));
            if (v)
                return found(out, v, JSONFIND_FENCED, f.body, f.body_end);
            set_reason(out, "the %s%.*s%s code block does not parse: %s%s",
                       f.lang_n ? "```" : "", (int)f.lang_n, s + f.lang,
                       f.lang_n ? "" : "unlabelled", why,
                       f.closed ? "" : " (the block is never closed: reply cut off?)");
        }
    }
    return -1;
}

/* ---- embedded ------------------------------------------------------------------ */

/* Balances from the opener at s[a]; returns the index one past its closer,
 * or 0 when it never closes: *bad is then the index of a mismatched closer,
 * or n (end of input, or nested too deep). *spent counts the bytes looked
 * at. */
static size_t balance(const char *s, size_t n, size_t a, size_t *spent, size_t *bad)
{
    char stack[MAX_DEPTH];
    size_t depth = 0;
    int in_string = 0;
    *bad = n;
    for (size_t i = a; i < n; i++) {
        (*spent)++;
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;                          /* skip the escaped byte */
            else if (c == '"')
                in_string = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_string = 1;
            break;
        case '{':
        case '[':
            if (depth == MAX_DEPTH)
                return 0;                     /* cJSON would refuse it anyway */
            stack[depth++] = c == '{' ? '}' : ']';
            break;
        case '}':
        case ']':
            if (stack[depth - 1] != c) {
                *bad = i;                     /* "{]": not a JSON span */
                return 0;
            }
            if (--depth == 0)
                return i + 1;
            break;
        default:
            break;
        }
    }
    return 0;
}

static int find_embedded(const char *s, size_t n, enum jsonfind_want want,
                         struct jsonfind *out)
{
    size_t spent = 0, budget = SCAN_BUDGET(n);
    int seen = 0;
    for (size_t a = 0; a < n; a++) {
        char c = s[a];
        if (!((c == '{' && want != JSONFIND_ARRAY) || (c == '[' && want != JSONFIND_OBJECT)))
            continue;
        seen = 1;
        if (spent > budget) {
            set_reason(out, "gave up after balancing %zu bytes of brackets", spent);
            return -1;
        }
        size_t bad;
        size_t b = balance(s, n, a, &spent, &bad);
        if (!b) {
            if (bad < n)
                set_reason(out, "the '%c' at byte %zu is closed by a '%c' at byte %zu", c, a,
                           s[bad], bad);
            else
                set_reason(out, "the '%c' at byte %zu is never closed (reply cut off?)", c, a);
            continue;
        }
        char why[256];
        cJSON *v = try_parse(s, a, b, why, sizeof(why));
        if (v)
            return found(out, v, JSONFIND_EMBEDDED, a, b);
        set_reason(out, "the %s at byte %zu does not parse: %s",
                   c == '{' ? "{...}" : "[...]", a, why);
    }
    if (!seen)
        set_reason(out, "no JSON %s in the reply",
                   want == JSONFIND_OBJECT ? "object" : want == JSONFIND_ARRAY ? "array"
                                                                               : "object or array");
    return -1;
}

/* ---- entry ------------------------------------------------------------------------ */

int jsonfind(const char *reply, size_t n, enum jsonfind_want want, struct jsonfind *out)
{
    memset(out, 0, sizeof(*out));
    out->how = JSONFIND_NONE;
    size_t a = 0, b = n;
    if (b >= 3 && memcmp(reply, "\xEF\xBB\xBF", 3) == 0)   /* a BOM is not content */
        a = 3;
    while (a < b && is_ws(reply[a]))
        a++;
    while (b > a && is_ws(reply[b - 1]))
        b--;
    if (a == b) {
        snprintf(out->reason, sizeof(out->reason), "the reply is empty");
        return -1;
    }

    char why[256];
    cJSON *v = try_parse(reply, a, b, why, sizeof(why));
    if (v)
        return found(out, v, JSONFIND_BARE, a, b);
    if (reply[a] == '{' || reply[a] == '[')
        set_reason(out, "the reply looks like JSON but does not parse: %s", why);

    if (find_fenced(reply, n, out) == 0)
        return 0;
    if (find_embedded(reply, n, want, out) == 0)
        return 0;
    return -1;
}
