/* interrupt.c -- see interrupt.h. The handler touches only a
 * sig_atomic_t and write(2), the async-signal-safe minimum, and keeps
 * errno for the code it interrupted. */
#define _GNU_SOURCE
#include "interrupt.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupts;
static int wake_fd = -1;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    (void)sig;
    interrupts++;
    if (wake_fd >= 0) {
        int saved = errno;
        ssize_t w = write(wake_fd, "!", 1);
        (void)w;
        errno = saved;
    }
}

void interrupt_catch(int fd)
{
    interrupts = 0;
    wake_fd = fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
}

int interrupt_count(void)
{
    return interrupts;
}

void interrupt_release(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    wake_fd = -1;
}
