/* progress.c -- see progress.h. The ETA is the remaining count over this
 * process's request rate (requests resumed from disk do not inflate it). */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#define BAR_EVERY_NS 100000000LL      /* 10 redraws a second at most */
#define LINE_EVERY_NS 5000000000LL    /* a plain line every 5 s */
#define BAR_WIDTH 24

void progress_init(struct progress *p, FILE *f, enum progress_mode mode, long total,
                   long already_done)
{
    p->f = f;
    if (mode == PROGRESS_OFF)
        p->bar = -1;
    else if (mode == PROGRESS_BAR)
        p->bar = 1;
    else if (mode == PROGRESS_LINES)
        p->bar = 0;
    else
        p->bar = isatty(fileno(f)) ? 1 : 0;
    p->total = total;
    p->done = already_done;
    p->done_at_start = already_done;
    p->ok = p->failed = p->retrying = p->cached = 0;
    p->start = clock_mono_ns();
    p->last_draw = p->bar == 0 ? p->start : 0;
    p->drawn = 0;
}

static void eta_text(const struct progress *p, double elapsed_s, char *out, size_t n)
{
    long fresh = p->done - p->done_at_start;
    long left = p->total - p->done;
    if (fresh <= 0 || elapsed_s <= 0 || left <= 0) {
        snprintf(out, n, left <= 0 ? "0s" : "?");
        return;
    }
    double s = (double)left / ((double)fresh / elapsed_s);
    if (s >= 3600)
        snprintf(out, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else if (s >= 60)
        snprintf(out, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(out, n, "%.0fs", s);
}

void progress_tick(struct progress *p, int force)
{
    if (p->bar < 0)
        return;
    mono_ns now = clock_mono_ns();
    if (!force && now - p->last_draw < (p->bar ? BAR_EVERY_NS : LINE_EVERY_NS))
        return;
    p->last_draw = now;
    double elapsed = (double)(now - p->start) / 1e9;
    double rate = elapsed > 0 ? (double)(p->done - p->done_at_start) / elapsed : 0;
    char eta[32];
    eta_text(p, elapsed, eta, sizeof(eta));
    if (p->bar) {
        int fill = p->total ? (int)((double)p->done * BAR_WIDTH / (double)p->total) : BAR_WIDTH;
        char bar[BAR_WIDTH + 1];
        for (int i = 0; i < BAR_WIDTH; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[BAR_WIDTH] = '\0';
        fprintf(p->f, "\r\033[K[%s] %ld/%ld  ok %ld  failed %ld  retrying %ld  %.1f req/s  ETA %s",
                bar, p->done, p->total, p->ok, p->failed, p->retrying, rate, eta);
        p->drawn = 1;
    } else {
        fprintf(p->f, "assay: %ld/%ld done, %ld ok, %ld failed, %ld retrying, %.1f req/s, ETA %s\n",
                p->done, p->total, p->ok, p->failed, p->retrying, rate, eta);
    }
    fflush(p->f);
}

void progress_end(struct progress *p)
{
    if (p->bar == 1 && p->drawn) {
        progress_tick(p, 1);
        fputc('\n', p->f);
        fflush(p->f);
        p->drawn = 0;
    }
}
