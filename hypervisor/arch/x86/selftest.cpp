// Built-in self-tests: what unit tests on the host cannot show, checked on
// the real (or emulated) machine: every usable page reachable through the
// direct map and handed out once, IPIs reaching every CPU, the spinlock
// excluding under real contention, timers firing on time on every CPU, and
// the fatal-fault path (register dump, symbolized backtrace, panic).
#include "arch/selftest.hpp"

#include <atomic>

#include "arch/layout.hpp"
#include "arch/memory.hpp"
#include "arch/paging.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/boot/dom0less.hpp"
#include "common/console/printk.hpp"
#include "common/lib/bitops.hpp"
#include "lib/base/format.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/string.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "common/host_info.hpp"
#include "arch/x86/hvm/svm/svm.hpp"
#include "common/domain.hpp"

namespace cxen::arch {

namespace {

bool report(const char* name, bool ok, const char* detail) {
    printk("selftest %s: %s %s\n", name, ok ? "PASS" : "FAIL", detail);
    return ok;
}

// Wait with interrupts on until done() or timeout, running softirqs.
template <typename F> bool wait_until(F done, uint64_t timeout_ms) {
    const uint64_t deadline = now_ns() + timeout_ms * 1000000;
    Timer guard;
    init_timer(guard, [](void*) {}, nullptr, this_cpu().cpu_id);
    (void)set_timer(guard, deadline);
    bool ok;
    for (;;) {
        if ((ok = done()) || now_ns() >= deadline) break;
        irq_disable();
        if (softirq_pending(this_cpu().cpu_id)) {
            irq_enable();
            process_pending_softirqs();
        } else {
            x86::safe_halt();
        }
    }
    stop_timer(guard);
    return ok;
}

// Every free page, allocated in the largest blocks available, carries a
// marker naming its own mfn; all are read back before being freed.
bool test_memory() {
    PageAllocator& pa = page_allocator();
    const uint64_t free_before = pa.free_pages();
    struct Block {
        Block* next;
        uint64_t order;
    };
    Block* head = nullptr;
    uint64_t pages = 0, blocks = 0, highest = 0;
    for (int order = PageAllocator::max_order; order >= 0;) {
        auto m = pa.alloc(static_cast<unsigned>(order));
        if (!m) {
            --order;
            continue;
        }
        const uint64_t n = uint64_t{1} << order;
        for (uint64_t i = 0; i < n; ++i)
            *static_cast<uint64_t*>(mfn_to_virt(m.value() + i)) = raw(m.value()) + i;
        auto* b = static_cast<Block*>(mfn_to_virt(m.value()));
        b->next = head;
        b->order = static_cast<uint64_t>(order);
        head = b;
        pages += n;
        ++blocks;
        if (raw(m.value()) + n - 1 > highest) highest = raw(m.value()) + n - 1;
    }
    bool markers_ok = true;
    uint64_t checked = 0;
    for (Block* b = head; b;) {
        Block* next = b->next;
        const unsigned order = static_cast<unsigned>(b->order);
        const Mfn first = virt_to_mfn(b);
        for (uint64_t i = 1; i < (uint64_t{1} << order); ++i, ++checked)
            markers_ok &= *static_cast<uint64_t*>(mfn_to_virt(first + i)) == raw(first) + i;
        pa.free(first, order);
        b = next;
    }
    char detail[160];
    snprintf(detail, sizeof(detail), "(%lu pages = %lu MiB in %lu blocks, highest mfn %#lx, %lu markers)",
             pages, pages >> 8, blocks, highest, checked);
    const bool ok = markers_ok && pages == free_before && pa.free_pages() == free_before;
    return report("memory", ok, detail);
}

bool test_heap() {
    static constexpr size_t sizes[] = {1, 16, 24, 100, 512, 2048, 3000, 4096, 20000, 100000};
    void* ptrs[array_size(sizes)];
    bool ok = true;
    for (size_t i = 0; i < array_size(sizes); ++i) {
        auto p = xmalloc_bytes(sizes[i]);
        ok &= p.ok();
        ptrs[i] = p.ok() ? p.value() : nullptr;
        if (ptrs[i]) memset(ptrs[i], static_cast<int>(i + 1), sizes[i]);
    }
    for (size_t i = 0; i < array_size(sizes); ++i) {
        if (!ptrs[i]) continue;
        auto* bytes = static_cast<unsigned char*>(ptrs[i]);
        for (size_t j = 0; j < sizes[i]; ++j) ok &= bytes[j] == i + 1;
        xfree(ptrs[i]);
    }
    return report("heap", ok, "(10 sizes, 1 B to 100 KB)");
}

std::atomic<uint64_t> ipi_seen;
bool test_ipi() {
    ipi_seen = 0;
    const uint64_t others = cpu_online_mask() & ~(1ull << this_cpu().cpu_id);
    on_selected_cpus(others, [](void*) { ipi_seen.fetch_or(1ull << this_cpu().cpu_id); }, nullptr, true);
    char detail[96];
    snprintf(detail, sizeof(detail), "(expected mask %#lx, got %#lx)", others, ipi_seen.load());
    return report("ipi", ipi_seen.load() == others, detail);
}

SpinLock contended;
uint64_t contended_counter; // deliberately not atomic: only the lock protects it
std::atomic<unsigned> spin_done;
constexpr unsigned spin_iterations = 20000;
void spin_worker(void*) {
    for (unsigned i = 0; i < spin_iterations; ++i) {
        SpinGuard g(contended);
        contended_counter = contended_counter + 1;
    }
    spin_done.fetch_add(1);
}
bool test_spinlock() {
    contended_counter = 0;
    spin_done = 0;
    const uint64_t others = cpu_online_mask() & ~(1ull << this_cpu().cpu_id);
    const unsigned cpus = static_cast<unsigned>(popcount64(others)) + 1;
    on_selected_cpus(others, spin_worker, nullptr, false);
    spin_worker(nullptr);
    wait_until([&] { return spin_done.load() == cpus; }, 60000);
    char detail[96];
    snprintf(detail, sizeof(detail), "(%u CPUs x %u: counter %lu)", cpus, spin_iterations, contended_counter);
    return report("spinlock", contended_counter == uint64_t{cpus} * spin_iterations, detail);
}

// Timers on every CPU at several delays: none may fire early; lateness is
// reported and bounded (emulated CPUs are slow and share host cores).
constexpr unsigned delays_ms[] = {1, 5, 10, 20, 50};
constexpr uint64_t max_late_ns = 100'000'000;
struct TimerProbe {
    Timer t;
    uint64_t due;
    std::atomic<uint64_t> fired_at;
    std::atomic<int> fired_on;
};
TimerProbe probes[max_cpus][array_size(delays_ms)];

bool test_timer() {
    const uint64_t online = cpu_online_mask();
    unsigned armed = 0;
    const uint64_t start = now_ns();
    for (unsigned c = 0; c < max_cpus; ++c) {
        if (!(online & (1ull << c))) continue;
        for (unsigned i = 0; i < array_size(delays_ms); ++i) {
            TimerProbe& p = probes[c][i];
            p.fired_at = 0;
            p.fired_on = -1;
            init_timer(p.t, [](void* d) {
                auto* probe = static_cast<TimerProbe*>(d);
                probe->fired_at = now_ns();
                probe->fired_on = static_cast<int>(this_cpu().cpu_id);
            }, &p, c);
            p.due = start + delays_ms[i] * 1000000ull;
            if (set_timer(p.t, p.due)) ++armed;
        }
    }
    wait_until([&] {
        for (unsigned c = 0; c < max_cpus; ++c)
            if (online & (1ull << c))
                for (auto& p : probes[c])
                    if (!p.fired_at) return false;
        return true;
    }, 10000);
    bool ok = armed > 0;
    uint64_t worst_late = 0, total_late = 0, fired = 0;
    for (unsigned c = 0; c < max_cpus; ++c) {
        if (!(online & (1ull << c))) continue;
        for (auto& p : probes[c]) {
            const uint64_t at = p.fired_at.load();
            if (!at) {
                ok = false;
                continue;
            }
            ++fired;
            if (at < p.due || p.fired_on.load() != static_cast<int>(c)) ok = false;
            const uint64_t late = at > p.due ? at - p.due : 0;
            total_late += late;
            if (late > worst_late) worst_late = late;
        }
    }
    ok &= fired == armed && worst_late <= max_late_ns;
    char detail[160];
    snprintf(detail, sizeof(detail), "(%lu/%u timers on time, none early; lateness mean %lu us, max %lu us)",
             fired, armed, fired ? total_late / fired / 1000 : 0, worst_late / 1000);
    bool timers_ok = report("timer", ok, detail);

    // The TSC against the reference it was calibrated with, over 200 ms.
    const uint64_t tsc = measure_tsc_against_reference(200);
    const uint64_t expect = tsc_khz() * 200;
    const uint64_t diff = tsc > expect ? tsc - expect : expect - tsc;
    const uint64_t ppm = diff * 1000000 / expect;
    snprintf(detail, sizeof(detail), "(200 ms of %s = %lu TSC ticks, expected %lu: %lu ppm off)",
             calibration_source(), tsc, expect, ppm);
    return report("tsc", ppm < 1000, detail) && timers_ok;
}

// A tiny guest in 32-bit protected mode (the PVH entry state): prints "OK"
// on the 0xE9 debug console, checks CPUID 0x40000000 says "XenV" and prints
// "X" if so, then halts with interrupts off, which powers the domain off.
bool test_svm() {
    if (!svm::svm_info().available) return report("svm", false, "(SVM with NPT not available)");
    static constexpr uint8_t program[] = {
        0xb0, 'O', 0xe6, 0xe9, 0xb0, 'K', 0xe6, 0xe9, 0xb0, '\n', 0xe6, 0xe9, // "OK\n"
        0xb8, 0x00, 0x00, 0x00, 0x40, 0x0f, 0xa2,                              // cpuid(0x40000000)
        0x81, 0xfb, 0x58, 0x65, 0x6e, 0x56, 0x75, 0x04,                        // cmp ebx,"XenV"; jne
        0xb0, 'X', 0xe6, 0xe9, 0xb0, '\n', 0xe6, 0xe9,                        // "X\n"
        0xf4,                                                                  // hlt (IF=0)
    };
    auto d = domain_create(0x7000, "svm-selftest", 1);
    if (!d) return report("svm", false, "(no domain)");
    Domain& dom = *d.value();
    dom.on_shutdown = dom0less_reap_on_shutdown; // destroyed once it shut down
    auto ram = page_allocator().alloc(9);
    bool ok = ram.ok() && dom.p2m.set_entry(Gfn{0}, ram.value(), 9, P2mType::ram_rw).ok() &&
              copy_to_gpa(dom, 0x1000, program, sizeof(program)).ok();
    auto v = ok ? vcpu_create(dom, 0, this_cpu().cpu_id) : Result<Vcpu*>(Err(Errno::XEN_ENOMEM));
    ok = v.ok() && vcpu_arch_init(*v.value(), 0x1000, 0).ok();
    if (!ok) {
        domain_shutdown(dom, ShutdownReason::crash);
        return report("svm", false, "(could not build the guest)");
    }
    v.value()->state.store(VcpuState::running);
    const uint64_t deadline = now_ns() + 5'000'000'000ull;
    while (!dom.is_shutdown.load() && now_ns() < deadline) {
        vcpu_run(*v.value());
        process_pending_softirqs();
    }
    const bool powered_off = dom.is_shutdown.load() && dom.shutdown_reason == ShutdownReason::poweroff;
    v.value()->state.store(VcpuState::offline); // hand it to the reaper
    return report("svm", powered_off, "(guest ran, halted with IF=0 and powered off)");
}

// The nested p2m itself (host tests use a fake of it): gfns beyond its
// reach are refused instead of aliasing a lower one; a table a larger
// mapping replaces is handed back intact, to be freed after the flush, as
// are tables a removal empties; the pool's cap gives -ENOMEM to this p2m
// alone.
bool test_p2m() {
    P2m p;
    p.set_table_limit(5); // root, L3, L2, two L1s
    const Mfn frame{0x1234}; // never touched: the entries are only written
    bool ok = p.init().ok() && p.tables() == 1;
    // Reach: 2^36 gfns (48-bit guest-physical addresses).
    ok = ok && p.set_entry(Gfn{5}, frame, 0, P2mType::xen_page).ok();
    ok = ok && p.lookup(Gfn{5}).mfn == frame && p.lookup(Gfn{p2m_max_gfn + 1 + 5}).type == P2mType::invalid;
    ok = ok && p.set_entry(Gfn{p2m_max_gfn + 1}, frame, 0, P2mType::xen_page).error() == Errno::XEN_ENOENT;
    ok = ok && p.set_entry(Gfn{p2m_max_gfn - 1}, frame, 9, P2mType::ram_rw).error() == Errno::XEN_ENOENT;
    ok = ok && p.lookup(Gfn{0}).type == P2mType::invalid && p.tables() == 4;
    // Detach: 2 MiB over the 4 KiB table at gfn 0..511.
    P2mDetached gone;
    ok = ok && p.set_entry(Gfn{0}, Mfn{0x200}, 9, P2mType::xen_page, &gone).ok();
    ok = ok && gone.table != 0 && gone.level == 1 && p.tables() == 4;
    ok = ok && gone.table && (maddr_to_ptr<uint64_t>(gone.table)[5] >> 12 & 0xffffffffff) == raw(frame); // intact
    p.free_detached(gone);
    ok = ok && p.tables() == 3 && p.lookup(Gfn{5}).mfn == Mfn{0x205};
    // Pool: a new L1 at gfn 512 fits, the next region does not.
    ok = ok && p.set_entry(Gfn{512}, frame, 0, P2mType::xen_page).ok() && p.tables() == 4;
    ok = ok && p.set_entry(Gfn{1024}, frame, 0, P2mType::xen_page).ok() && p.tables() == 5;
    ok = ok && p.set_entry(Gfn{1536}, frame, 0, P2mType::xen_page).error() == Errno::XEN_ENOMEM;
    ok = ok && p.set_entry(Gfn{1u << 27}, frame, 0, P2mType::xen_page).error() == Errno::XEN_ENOMEM && p.tables() == 5;
    // Collapse: removing gfn 1024, the only entry of its L1, detaches that
    // L1 alone (gfn 512 keeps the L2); a removal where nothing is mapped
    // makes no table. Then gfn 512's removal, the last below the L3,
    // detaches the L2 with what is under it, and gfn 0's the L3.
    P2mDetached empty;
    ok = ok && p.set_entry(Gfn{1024}, Mfn{0}, 0, P2mType::invalid, &empty).ok() && empty.level == 1;
    ok = ok && empty.table && (maddr_to_ptr<uint64_t>(empty.table)[0] & 1) == 0 && p.tables() == 5;
    p.free_detached(empty);
    ok = ok && p.tables() == 4 && p.lookup(Gfn{512}).mfn == frame && p.lookup(Gfn{1024}).type == P2mType::invalid;
    empty = {};
    ok = ok && p.set_entry(Gfn{1u << 27}, Mfn{0}, 0, P2mType::invalid, &empty).ok() && !empty.table && p.tables() == 4;
    ok = ok && p.set_entry(Gfn{0}, Mfn{0}, 9, P2mType::invalid, &empty).ok() && !empty.table;
    ok = ok && p.set_entry(Gfn{512}, Mfn{0}, 0, P2mType::invalid, &empty).ok() && empty.level == 3;
    p.free_detached(empty);
    ok = ok && p.tables() == 1 && p.lookup(Gfn{512}).type == P2mType::invalid;
    p.teardown(nullptr, nullptr);
    ok = ok && p.tables() == 0;
    return report("p2m", ok, "(gfns beyond 2^36 refused, replaced and emptied tables detached intact, pool cap -ENOMEM)");
}

// What the control domain's physinfo and get_cpuinfo would report, checked
// against the hardware's own view: each pCPU's APIC ID, distinct ACPI IDs
// and topology IDs, the counts, the boot CPU's leaf 1 in hw_cap.
bool test_hostinfo() {
    bool ok = arch::host_cpus_present() == nr_cpus_online();
    for (unsigned c = 0; c < arch::host_cpus_present(); ++c) {
        const arch::HostCpu h = arch::host_cpu(c);
        ok = ok && h.online && h.apic_id == per_cpu(c).apic_id;
        for (unsigned o = 0; o < c; ++o) {
            const arch::HostCpu g = arch::host_cpu(o);
            ok = ok && g.acpi_id != h.acpi_id && (g.core != h.core || g.socket != h.socket || g.apic_id != h.apic_id);
        }
    }
    xen_sysctl_physinfo pi;
    host_physinfo(pi);
    const PageAllocator& pa = page_allocator();
    ok = ok && pi.nr_cpus == nr_cpus_online() && pi.max_cpu_id + 1 == pi.nr_cpus;
    ok = ok && pi.threads_per_core >= 1 && pi.cores_per_socket >= 1 &&
         pi.threads_per_core * pi.cores_per_socket <= pi.nr_cpus;
    ok = ok && pi.cpu_khz == tsc_khz() && pi.max_mfn + 1 == pa.nr_frames() && pi.free_pages <= pi.total_pages &&
         pi.total_pages > 0;
    ok = ok && pi.hw_cap[0] == x86::cpuid(1).edx && pi.hw_cap[1] == x86::cpuid(1).ecx;
    char detail[160];
    snprintf(detail, sizeof(detail), "(%u pCPUs, %u thread(s)/core, %u core(s)/socket, %u MHz, %lu of %lu pages free)",
             pi.nr_cpus, pi.threads_per_core, pi.cores_per_socket, pi.cpu_khz / 1000,
             static_cast<unsigned long>(pi.free_pages), static_cast<unsigned long>(pi.total_pages));
    return report("hostinfo", ok, detail);
}

[[gnu::noinline]] void selftest_page_fault() {
    printk("selftest pagefault: reading an unmapped address; a fatal page fault follows\n");
    auto* p = reinterpret_cast<volatile uint64_t*>(0x0000400000000000ull);
    (void)*p;
    printk("selftest pagefault: FAIL (the read did not fault)\n");
}

struct SelfTest {
    const char* name;
    bool (*run)();
    bool in_all;
};
constexpr SelfTest tests[] = {
    {"memory", test_memory, true},
    {"heap", test_heap, true},
    {"ipi", test_ipi, true},
    {"spinlock", test_spinlock, true},
    {"timer", test_timer, true},
    {"svm", test_svm, true},
    {"p2m", test_p2m, true},
    {"hostinfo", test_hostinfo, true},
    {"pagefault", [] { selftest_page_fault(); return false; }, false},
};

bool listed(const char* list, const char* name) {
    const size_t n = strlen(name);
    for (const char* p = list; *p;) {
        const char* end = p;
        while (*end && *end != ',') ++end;
        if (static_cast<size_t>(end - p) == n && strncmp(p, name, n) == 0) return true;
        p = *end ? end + 1 : end;
    }
    return false;
}
} // namespace

bool run_selftests(const char* list) {
    if (!*list) return true;
    const bool all = listed(list, "all");
    unsigned failed = 0, ran = 0;
    for (const SelfTest& t : tests) {
        if (!(all && t.in_all) && !listed(list, t.name)) continue;
        ++ran;
        if (!t.run()) ++failed;
    }
    // Names that match no test are mistakes worth failing for.
    for (const char* p = list; *p;) {
        const char* end = p;
        while (*end && *end != ',') ++end;
        bool known = (end - p == 3 && strncmp(p, "all", 3) == 0);
        for (const SelfTest& t : tests)
            known |= strlen(t.name) == static_cast<size_t>(end - p) && strncmp(p, t.name, end - p) == 0;
        if (!known) {
            printk("selftest: unknown test '%.*s'\n", static_cast<int>(end - p), p);
            ++failed;
        }
        p = *end ? end + 1 : end;
    }
    printk("selftest: %u run, %u failed\n", ran, failed);
    return failed == 0;
}

} // namespace cxen::arch
