// Xen's errno values (x86 Linux numbering), taken from the installed public
// header so that they cannot drift. Source: Xen public/errno.h (libxen-dev).
//
// The enumerators keep the header's own spelling, XEN_EINVAL and so on: the
// bare names (EINVAL) are libc macros wherever <errno.h> is reachable (and
// <atomic> reaches it), so they cannot name enumerators.
#pragma once

namespace cxen {

/// A negative value of this enum is what a hypercall returns on failure.
/// EINTR and ERESTART are hypervisor-internal (__XEN__ in the header): they
/// drive continuations and never reach a guest.
enum class Errno : int {
    OK = 0,
#define XEN_ERRNO(name, value) XEN_##name = value,
#ifdef __XEN__
#include <xen/errno.h>
#else
#define __XEN__
#include <xen/errno.h>
#undef __XEN__
#endif
};

static_assert(static_cast<int>(Errno::XEN_EPERM) == 1);
static_assert(static_cast<int>(Errno::XEN_EFAULT) == 14);
static_assert(static_cast<int>(Errno::XEN_EINVAL) == 22);
static_assert(static_cast<int>(Errno::XEN_ENOSYS) == 38);

/// Short name of an errno ("EINVAL"), for logs. Unknown values give "E?".
const char* errno_name(Errno e);

} // namespace cxen
