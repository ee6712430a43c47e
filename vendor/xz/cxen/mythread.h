/* cxen's stand-in for XZ Utils' src/common/mythread.h (found first on the
 * include path): liblzma single-threaded, as the stock header's
 * no-threads branch, minus mythread_sigmask(), which needs <signal.h> and
 * which only xz's command-line tool calls. */
#ifndef MYTHREAD_H
#define MYTHREAD_H

#include "sysdefs.h"

#define mythread_once(func) \
	do { \
		static bool once_ = false; \
		if (!once_) { \
			func(); \
			once_ = true; \
		} \
	} while (0)

#endif
