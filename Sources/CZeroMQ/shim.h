#ifndef MPP_CZEROMQ_SHIM_H
#define MPP_CZEROMQ_SHIM_H
#include <zmq.h>
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* ZMQ_ZAP_ENFORCE_DOMAIN sits behind the draft-API macro but Debian's build honours it.
   Without it, a server with no ZAP handler lets every CURVE key in. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

static inline int mpp_zmq_errno(void) { return zmq_errno(); }

#include <sys/prctl.h>
/* Names the calling thread (at most 15 characters), as ps and gdb show it. */
static inline void mpp_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
#endif
