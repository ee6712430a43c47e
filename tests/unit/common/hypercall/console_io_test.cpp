// console_io through its hypercall shell, against the host fakes (guest
// memory = fake_guest_memory(), guest-virtual == guest-physical; the log is
// fake_console()).
#include "abi/xen/xen.hpp"
#include "arch/console.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/console/console_input.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/softirq.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <string>

using namespace cxen;

namespace {

constexpr uint64_t buf_gva = 0x1000;

struct ConsoleIoTest : ::testing::Test {
    Domain d;
    Vcpu v;
    void SetUp() override {
        arch::fake_guest_memory().assign(buf_gva + console_io_write_max + 0x1000, 0);
        arch::fake_now_ns = 1'000'000'000;
        arch::fake_console().clear();
        d.domid = 1;
        v.domain = &d;
    }
    long write(uint64_t count, uint64_t gva = buf_gva) {
        return do_console_io(v, HypercallArgs{{CONSOLEIO_write, count, gva, 0, 0}});
    }
    void put(uint64_t gva, const std::string& s) {
        std::memcpy(arch::fake_guest_memory().data() + gva, s.data(), s.size());
    }
};

TEST_F(ConsoleIoTest, WritesLinesWithTheDomainPrefix) {
    put(buf_gva, "hello\nworld\n");
    EXPECT_EQ(write(12), 0);
    EXPECT_EQ(arch::fake_console(), "(d1) hello\n(d1) world\n");
    EXPECT_EQ(write(16, 0x7fff0000), -static_cast<long>(Errno::XEN_EFAULT));
    EXPECT_EQ(do_console_io(v, HypercallArgs{{99, 1, buf_gva, 0, 0}}), -static_cast<long>(Errno::XEN_ENOSYS));
}

// A count of up to 4 GiB - 1 (an unsigned int) reads only the first
// console_io_write_max bytes: the guest memory here ends 4 KiB after them,
// so reading on would fault (-EFAULT, as before the bound).
TEST_F(ConsoleIoTest, AHugeCountReadsOnlyTheBound) {
    put(buf_gva + console_io_write_max - 5, "last\nnot-read\n");
    EXPECT_EQ(write(0xffffffff), 0);
    EXPECT_EQ(write(0x80000000), 0); // XTF xsa-consoleio-write's count
    EXPECT_EQ(write(uint64_t{0x1'0000'0010}), 0); // the upper half is not the ABI's: 16 bytes
    EXPECT_EQ(arch::fake_console(), "(d1) last\n(d1) last\n");
    EXPECT_FALSE(v.hypercall_continues);
}

// With work pending on this pCPU, a write stops after its first chunk and
// continues in a re-executed hypercall with the count and buffer advanced,
// as Xen's guest_console_write.
TEST_F(ConsoleIoTest, ALongWriteContinuesWhenWorkIsPending) {
    put(buf_gva, std::string(300, 'a') + "\n");
    const SoftirqHandler timer = open_softirq(TIMER_SOFTIRQ, [] {});
    const SoftirqHandler sched = open_softirq(SCHEDULE_SOFTIRQ, [] {});
    raise_softirq(SCHEDULE_SOFTIRQ);
    EXPECT_EQ(write(0xffffffff), 0);
    process_pending_softirqs();
    open_softirq(TIMER_SOFTIRQ, timer);
    open_softirq(SCHEDULE_SOFTIRQ, sched);
    ASSERT_TRUE(v.hypercall_continues);
    EXPECT_EQ(v.continuation_nargs, 3u);
    EXPECT_EQ(v.continuation_args[0], uint64_t{CONSOLEIO_write});
    EXPECT_EQ(v.continuation_args[1], console_io_write_max - 128); // the bound holds across continuations
    EXPECT_EQ(v.continuation_args[2], buf_gva + 128);
    v.hypercall_continues = false;
    EXPECT_EQ(write(v.continuation_args[1], v.continuation_args[2]), 0);
    EXPECT_FALSE(v.hypercall_continues);
    EXPECT_EQ(arch::fake_console(), "(d1) " + std::string(254, 'a') + "\n(d1) " + std::string(46, 'a') + "\n");
}

} // namespace

namespace {

long read(Vcpu& v, uint64_t count, uint64_t gva = buf_gva) {
    return do_console_io(v, HypercallArgs{{CONSOLEIO_read, count, gva, 0, 0}});
}

void drain_input() {
    char c[ConsoleInput::size];
    with_console_input([&](ConsoleInput& in) {
        while (size_t n = in.peek(c, sizeof(c))) in.consume(n);
        return 0;
    });
}

void queue_input(const std::string& s) {
    with_console_input([&](ConsoleInput& in) {
        for (char c : s) EXPECT_TRUE(in.put(c));
        return 0;
    });
}

// The hardware domain's output is the console's as it is: no prefix, no
// line buffering (a shell prompt shows at once), as Xen's
// guest_console_write() for the hardware domain.
TEST_F(ConsoleIoTest, TheControlDomainWritesRawAndUnbuffered) {
    d.domid = 0;
    d.is_privileged = true;
    put(buf_gva, "# ls\nroot# ");
    EXPECT_EQ(write(11), 0);
    EXPECT_EQ(arch::fake_console(), "# ls\nroot# ");
}

// CONSOLEIO_read: the control domain gets the queued input, up to count,
// across the ring's wrap; what it read is gone; a domU gets -EPERM.
TEST_F(ConsoleIoTest, TheControlDomainReadsQueuedInputOthersGetEperm) {
    drain_input();
    EXPECT_EQ(read(v, 16), -static_cast<long>(Errno::XEN_EPERM)) << "a domU may not read the console";
    d.domid = 0;
    d.is_privileged = true;
    EXPECT_EQ(read(v, 16), 0) << "nothing queued";
    // Move the ring's indices near its end so the next bytes wrap.
    queue_input(std::string(ConsoleInput::size - 3, 'x'));
    EXPECT_EQ(read(v, ConsoleInput::size), static_cast<long>(ConsoleInput::size - 3));
    queue_input("echo hi\n");
    EXPECT_EQ(read(v, 5), 5);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(arch::fake_guest_memory().data() + buf_gva), 5), "echo ");
    EXPECT_EQ(read(v, 100), 3);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(arch::fake_guest_memory().data() + buf_gva), 3), "hi\n");
    EXPECT_EQ(read(v, 100), 0);
}

// A bad buffer is -EFAULT and the input stays queued for the next read
// (Xen advances the consumer only after the copy).
TEST_F(ConsoleIoTest, ABadReadBufferIsEfaultAndLosesNothing) {
    drain_input();
    d.domid = 0;
    d.is_privileged = true;
    queue_input("ab");
    EXPECT_EQ(read(v, 2, 0x7fff0000), -static_cast<long>(Errno::XEN_EFAULT));
    EXPECT_EQ(read(v, 2), 2);
}

TEST(ConsoleInput, AFullRingDropsFurtherBytes) {
    ConsoleInput in;
    for (uint32_t i = 0; i < ConsoleInput::size; ++i) EXPECT_TRUE(in.put('a'));
    EXPECT_FALSE(in.put('b'));
    EXPECT_EQ(in.queued(), ConsoleInput::size);
    char buf[ConsoleInput::size];
    EXPECT_EQ(in.peek(buf, 10), 10u);
    in.consume(10);
    EXPECT_TRUE(in.put('c'));
    EXPECT_EQ(in.queued(), ConsoleInput::size - 9);
}

} // namespace
