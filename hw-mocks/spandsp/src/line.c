/*
 * line.c: the pty the host (faxline, efax) opens as its serial port. The master side belongs to the
 * peer; bytes the host writes reach the T.31 AT interpreter, the modem's answers are queued back.
 * Flow control towards the host is done by not reading (the kernel's pty buffer then blocks the
 * host's write()), which is how a serial modem's CTS looks to a driver that writes and waits.
 * No fd on the slave is kept open here, so the host closing its port shows as POLLHUP/EIO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "peer.h"

int line_open(line_t *l, const char *link)
{
    memset(l, 0, sizeof(*l));
    l->mfd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (l->mfd < 0 || grantpt(l->mfd) != 0 || unlockpt(l->mfd) != 0)
        return -1;
    const char *name = ptsname(l->mfd);
    if (name == NULL || strlen(name) >= sizeof(l->slave))
        return -1;
    strcpy(l->slave, name);
    /* Start the slave raw (no echo, no canonical mode, no XON/XOFF) until the host sets its own modes. */
    int sfd = open(l->slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (sfd >= 0) {
        struct termios t;
        if (tcgetattr(sfd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(sfd, TCSANOW, &t);
        }
        close(sfd);
    }
    if (link != NULL) {
        unlink(link);
        if (symlink(l->slave, link) != 0)
            return -1;
        l->link = link;
    }
    l->out_cap = 65536;
    l->out = malloc(l->out_cap);
    return l->out ? 0 : -1;
}

void line_queue(line_t *l, const uint8_t *buf, size_t len)
{
    if (l->out_len + len > l->out_cap) {
        size_t cap = l->out_cap;
        while (l->out_len + len > cap)
            cap *= 2;
        uint8_t *p = realloc(l->out, cap);
        if (p == NULL)
            return; /* drop: out of memory */
        l->out = p;
        l->out_cap = cap;
    }
    memcpy(l->out + l->out_len, buf, len);
    l->out_len += len;
    line_flush(l);
}

void line_flush(line_t *l)
{
    while (l->out_len > 0) {
        ssize_t n = write(l->mfd, l->out, l->out_len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return; /* EAGAIN: wait for POLLOUT; EIO: no host, keep it queued */
        }
        memmove(l->out, l->out + n, l->out_len - (size_t) n);
        l->out_len -= (size_t) n;
    }
}

int line_read(line_t *l, uint8_t *buf, size_t max)
{
    ssize_t n = read(l->mfd, buf, max);
    if (n > 0) {
        l->host_seen = 1;
        return (int) n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    /* EIO (or 0): no process has the slave open */
    if (l->host_seen)
        l->host_gone = 1;
    return -1;
}

void line_close(line_t *l)
{
    if (l->link)
        unlink(l->link);
    if (l->mfd >= 0)
        close(l->mfd);
    l->mfd = -1;
    free(l->out);
    l->out = NULL;
}
