#ifndef MPP_CEPOLL_SHIM_H
#define MPP_CEPOLL_SHIM_H
/* What Glibc's Swift module leaves out: epoll, eventfd, accept4, thread names, heap statistics. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <malloc.h>

/* Declared by <sys/socket.h> only under _GNU_SOURCE, which the Glibc module is built without. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/* Names the calling thread (at most 15 characters), as ps and gdb show it. */
static inline void cepoll_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }

/* Bytes of heap in use (for measuring the memory a connection costs). */
static inline size_t cepoll_heap_in_use(void) { return mallinfo2().uordblks; }
#endif
