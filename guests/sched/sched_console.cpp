// sched_op and console_io, good and bad arguments (public/sched.h,
// public/xen.h CONSOLEIO_*). SCHEDOP_poll is covered in event/poll.cpp and
// SCHEDOP_shutdown(poweroff) ends every test kernel.
#include "guest.hpp"

using namespace cxen::guest;

TEST_CASE("console_io.write") {
    SKIP_UNLESS_XEN();
    static const char line[] = "console_io.write: this line came through CONSOLEIO_write\n";
    CHECK_OK(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(line) - 1, const_cast<char*>(line)));
    CHECK_OK(HYPERVISOR_console_io(CONSOLEIO_write, 0, nullptr)); // nothing to copy
}

TEST_CASE("console_io.bad_arguments") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 16, unmapped_pointer<char>()), EFAULT);
    CHECK_ERRNO(HYPERVISOR_console_io(99, 1, const_cast<char*>("x")), ENOSYS);
    // Only the hardware domain reads the console (Xen's xsm_console_io).
    char buf[8];
    CHECK_ERRNO(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), EPERM);
}

TEST_CASE("sched_op.yield_and_block") {
    SKIP_UNLESS_XEN();
    CHECK_OK(HYPERVISOR_sched_op(SCHEDOP_yield, nullptr));
}

TEST_CASE("sched_op.shutdown_bad_arguments") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_shutdown, unmapped_pointer()), EFAULT);
    sched_shutdown s{};
    s.reason = 99;
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_shutdown, &s), EINVAL);
    CHECK_ERRNO(HYPERVISOR_sched_op(99, nullptr), ENOSYS);
}

TEST_CASE("sched_op.shutdown_code") {
    SKIP_UNLESS_XEN();
    sched_shutdown s{};
    // Poweroff: as in Xen, the first code set is the reason this domain's
    // later shutdown reports (the run ends with the kernel's poweroff).
    s.reason = SHUTDOWN_poweroff;
    CHECK_OK(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &s));
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, unmapped_pointer()), EFAULT);
}

TEST_CASE("sched_op.remote_shutdown_needs_privilege") {
    SKIP_UNLESS_XEN();
    sched_remote_shutdown rs{};
    rs.domain_id = 0x7000; // no such domain
    rs.reason = SHUTDOWN_poweroff;
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), ESRCH);
    rs.domain_id = static_cast<domid_t>(x86::cpuid(xen().cpuid_base + 4).ecx); // itself: still not privileged
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), EPERM);
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, unmapped_pointer()), EFAULT);
}
