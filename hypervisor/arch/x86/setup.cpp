// The boot CPU's path from head.S to a running machine: console, memory,
// ACPI, interrupts and time, the other CPUs, then the work the command line
// asks for.
#include "arch/apic.hpp"
#include "arch/debug_exit.hpp"
#include "arch/dom_build.hpp"
#include "arch/layout.hpp"
#include "arch/memory.hpp"
#include "arch/paging.hpp"
#include "arch/percpu.hpp"
#include "arch/selftest.hpp"
#include "arch/serial.hpp"
#include "arch/smp.hpp"
#include "arch/time.hpp"
#include "arch/traps.hpp"
#include "arch/x86.hpp"
#include "common/acpi/acpi.hpp"
#include "common/boot/boot_info.hpp"
#include "common/boot/multiboot.hpp"
#include "common/boot/phys_reader.hpp"
#include "common/cmdline/cmdline.hpp"
#include "common/cmdline/saved_cmdline.hpp"
#include "common/console/guest_log.hpp"
#include "common/console/printk.hpp"
#include "common/lib/panic.hpp"
#include "lib/base/string.hpp"
#include "common/domain.hpp"
#include "common/host_power.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/sched/sched.hpp"
#include "common/time/timer.hpp"
#include "arch/x86/hvm/hvm_ops.hpp"

extern "C" char boot_stack_bottom[], boot_stack_top[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace cxen::arch {

namespace {
BootInfo boot_info;
AcpiInfo acpi_info;

// Options, with Xen's names where Xen has the option (docs/misc/xen-command-line).
char opt_console[32] = "com1";
char opt_com1[64] = "115200,8n1";
char opt_loglvl[32] = "info";
char opt_guest_loglvl[32] = "none/all";
char opt_console_timestamps[16] = "none";
char opt_selftest[128] = "";
uint64_t opt_qemu_debug_exit = 0;
uint64_t opt_maxcpus = max_cpus;
bool opt_nosmp = false;
char opt_sched[16] = "rr"; // Xen's default is credit2: not yet cxen's (docs/scheduling.md)

const Param options[] = {
    {"console", ParamType::string, opt_console, sizeof(opt_console), nullptr},
    {"com1", ParamType::string, opt_com1, sizeof(opt_com1), nullptr},
    {"loglvl", ParamType::string, opt_loglvl, sizeof(opt_loglvl), nullptr},
    {"guest_loglvl", ParamType::string, opt_guest_loglvl, sizeof(opt_guest_loglvl), nullptr},
    {"console_timestamps", ParamType::string, opt_console_timestamps, sizeof(opt_console_timestamps), nullptr},
    {"maxcpus", ParamType::integer, &opt_maxcpus, 0, nullptr},
    {"nosmp", ParamType::boolean, &opt_nosmp, 0, nullptr},
    {"sched", ParamType::string, opt_sched, sizeof(opt_sched), nullptr},
    {"dom0", ParamType::custom, nullptr, 0, dom0_option},
    {"dom0_mem", ParamType::custom, nullptr, 0, dom0_mem_option},
    {"dom0_max_vcpus", ParamType::custom, nullptr, 0, dom0_max_vcpus_option},
    // cxen's own: the isa-debug-exit port QEMU gives us, and built-in self-tests.
    {"qemu_debug_exit", ParamType::integer, &opt_qemu_debug_exit, 0, nullptr},
    {"selftest", ParamType::string, opt_selftest, sizeof(opt_selftest), nullptr},
};

// Reads physical memory through the direct map, within what it maps: the
// boot tables' 4 GiB until paging_init, all of RAM after.
class DirectMapReader final : public PhysReader {
  public:
    bool read(paddr_t pa, void* dst, size_t len) const override {
        const uint64_t limit = directmap_limit() ? directmap_limit() : GiB(4);
        if (pa >= limit || len > limit - pa) return false;
        memcpy(dst, maddr_to_virt(pa), len);
        return true;
    }
};
DirectMapReader phys;

const char* mem_type_name(uint32_t type) {
    switch (type) {
    case 1: return "usable";
    case 2: return "reserved";
    case 3: return "ACPI data";
    case 4: return "ACPI NVS";
    case 5: return "unusable";
    default: return "unknown";
    }
}

void mask_legacy_pic() {
    // Remap the 8259s away from the exception vectors (ICW1-4), then mask all.
    x86::outb(0x20, 0x11);
    x86::outb(0xa0, 0x11);
    x86::outb(0x21, 0x20);
    x86::outb(0xa1, 0x28);
    x86::outb(0x21, 0x04);
    x86::outb(0xa1, 0x02);
    x86::outb(0x21, 0x01);
    x86::outb(0xa1, 0x01);
    x86::outb(0x21, 0xff);
    x86::outb(0xa1, 0xff);
}

void timer_interrupt(TrapFrame&) { timer_softirq_raise(); }

bool selftests_ok = true;
bool some_domain_failed = false;
uint64_t free_pages_before_domains;

// The end of a boot-module run: pass only if every domain powered off.
void all_domains_gone(bool all_powered_off) {
    // Every page a domain had must be back: a leak shows here.
    const uint64_t free_now = page_allocator().free_pages();
    printk("Free memory: %lu pages before the domains, %lu after%s\n", free_pages_before_domains, free_now,
           free_now == free_pages_before_domains ? "" : " (LEAK)");
    const bool ok = all_powered_off && selftests_ok && !some_domain_failed &&
                    free_now == free_pages_before_domains;
    printk("All domains have shut down%s; %s.\n", all_powered_off ? " cleanly" : ", not all by powering off",
           ok ? "pass" : "fail");
    debug_exit(ok ? Verdict::pass : Verdict::fail);
}

// Xen's hwdom_shutdown(): the hardware domain's shutdown is the machine's.
// Powering dom0 off ends the run (pass, unless a self-test or a boot-built
// domain failed); every other reason, where Xen reboots the machine, ends
// it with fail, so that a test run reports a crashed or rebooting dom0
// instead of looping.
void hardware_domain_shutdown(Domain& d) {
    switch (d.shutdown_reason) {
    case ShutdownReason::poweroff:
        printk("Hardware Dom%u halted: halting machine\n", d.domid);
        debug_exit(selftests_ok && !some_domain_failed ? Verdict::pass : Verdict::fail);
    case ShutdownReason::crash:
        printk("Hardware Dom%u crashed: stopping the machine\n", d.domid);
        break;
    case ShutdownReason::reboot:
        printk("Hardware Dom%u shutdown: rebooting machine (cxen stops instead)\n", d.domid);
        break;
    default:
        printk("Hardware Dom%u shutdown (%s): stopping the machine\n", d.domid,
               shutdown_reason_name(d.shutdown_reason));
        break;
    }
    debug_exit(Verdict::fail);
}

// XENPF_enter_acpi_sleep S5 from dom0: the host powers off, which for cxen
// is dom0's poweroff (one path to the end of the run).
void hardware_domain_power_off() {
    if (Domain* d = get_control_domain()) {
        domain_shutdown(*d, ShutdownReason::poweroff);
        put_domain(*d);
    }
}

void console_setup() {
    LogLevel level;
    bool none;
    if (parse_log_level(opt_loglvl, level, none)) set_log_threshold(none ? LogLevel::error : level);
    GuestLogThresholds guest;
    if (parse_guest_log_level(opt_guest_loglvl, guest)) set_guest_log_thresholds(guest);
    else log(LogLevel::warning, "Bad guest_loglvl= '%s', using none/all\n", opt_guest_loglvl);
    if (strcmp(opt_console, "none") == 0) {
        serial_disable();
        return;
    }
    ComOptions com;
    if (!parse_com_options(opt_com1, com))
        log(LogLevel::warning, "Bad com1= options '%s', using 115200,8n1\n", opt_com1);
    serial_init(com);
    if (strcmp(opt_console, "com1") != 0)
        log(LogLevel::warning, "console=%s is not supported, using com1\n", opt_console);
}

void acpi_setup() {
    Status st = boot_info.has_rsdp_copy
                    ? acpi_parse_rsdp_bytes(phys, boot_info.rsdp_copy, sizeof(boot_info.rsdp_copy), acpi_info)
                    : [] {
                          auto rsdp = acpi_find_rsdp(phys);
                          if (!rsdp) return Status(Err(rsdp.error()));
                          return acpi_parse(phys, rsdp.value(), acpi_info);
                      }();
    if (!st) panic("ACPI: no usable tables (%s); cxen needs the MADT to find CPUs", errno_name(st.error()));
    printk("ACPI: revision %u, OEM '%s', %zu CPU(s), %zu IO-APIC(s), HPET %s, FADT %s\n",
           acpi_info.revision, acpi_info.oem_id, acpi_info.nr_cpus, acpi_info.nr_ioapics,
           acpi_info.hpet.present ? "yes" : "no", acpi_info.fadt.present ? "yes" : "no");
    for (size_t i = 0; i < acpi_info.nr_cpus; ++i)
        log(LogLevel::debug, "ACPI: CPU UID %u APIC ID %u %s\n", acpi_info.cpus[i].acpi_uid,
            acpi_info.cpus[i].apic_id, acpi_info.cpus[i].enabled ? "enabled" : "disabled");
}
} // namespace

} // namespace cxen::arch

using namespace cxen;
using namespace cxen::arch;

extern "C" [[noreturn]] void cxen_start(uint32_t magic, uint32_t info_pa) {
    // Constructors of static objects (no libc start-up code does it for us).
    for (auto* ctor = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
    cpu_init_percpu(0, reinterpret_cast<uint64_t>(boot_stack_bottom),
                    reinterpret_cast<uint64_t>(boot_stack_top));

    Status parsed = magic == MULTIBOOT_BOOTLOADER_MAGIC   ? parse_multiboot1(phys, info_pa, boot_info)
                    : magic == MULTIBOOT2_BOOTLOADER_MAGIC ? parse_multiboot2(phys, info_pa, boot_info)
                                                           : Status(Err(Errno::XEN_EINVAL));
    const char* cmdline = cook_cmdline(boot_info.cmdline, boot_info.loader_name);
    const int bad_options = parse_cmdline(cmdline, options, array_size(options));
    save_cmdline(cmdline); // XENVER_commandline
    console_setup();
    set_debug_exit_port(static_cast<uint16_t>(opt_qemu_debug_exit));

    printk("cxen: a Xen-compatible hypervisor (x86-64), interface Xen 4.17\n");
    if (!parsed) panic("Boot loader data unusable (magic %#x): %s", magic, errno_name(parsed.error()));
    sanitize_memory_map(boot_info);
    printk("Bootloader: %s\n", boot_info.loader_name[0] ? boot_info.loader_name : "unknown");
    printk("Command line: %s\n", cmdline);
    if (bad_options) log(LogLevel::warning, "%d command line option(s) ignored\n", bad_options);
    printk("Xen-e820 RAM map:\n");
    for (size_t i = 0; i < boot_info.nr_mem; ++i) {
        const MemRegion& m = boot_info.mem[i];
        printk(" [%016lx, %016lx] (%s)\n", m.base, m.base + m.len - 1, mem_type_name(m.type));
    }
    for (size_t i = 0; i < boot_info.nr_mods; ++i)
        printk("Module %zu: [%#lx, %#lx) '%s'\n", i, boot_info.mods[i].start, boot_info.mods[i].end,
               cook_cmdline(boot_info.mods[i].cmdline, boot_info.loader_name));

    memory_init(boot_info);
    acpi_setup();

    mask_legacy_pic();
    lapic_init();
    for (size_t i = 0; i < acpi_info.nr_cpus; ++i) // the boot CPU's ACPI ID (the APs': smp_boot_cpus)
        if (acpi_info.cpus[i].apic_id == per_cpu(0).apic_id) per_cpu(0).acpi_id = acpi_info.cpus[i].acpi_uid;
    smp_call_init();
    set_irq_handler(vector_timer, timer_interrupt);
    time_init(acpi_info.hpet.present ? acpi_info.hpet.address : 0);
    // Xen's console_timestamps: cxen has "none" and "boot" (time since boot).
    if (strcmp(opt_console_timestamps, "boot") == 0)
        set_console_timestamps(true);
    else if (strcmp(opt_console_timestamps, "none") != 0)
        log(LogLevel::warning, "console_timestamps=%s not supported (none, boot); using none\n", opt_console_timestamps);
    timer_cpu_init();
    timers_init_cpu(0);
    per_cpu(0).online = true;
    irq_enable();

    if (auto st = arch::hvm::hvm_enable(); !st)
        log(LogLevel::warning, "SVM with nested paging unavailable (%s): no guests can run\n",
            errno_name(st.error()));
    else if (auto st2 = arch::hvm::hvm_cpu_up(); !st2)
        panic("%s: cannot enable on CPU0 (%s)", arch::hvm::hvm_funcs.name, errno_name(st2.error()));
    (void)sched_select(opt_sched); // warns and keeps the default if unknown
    sched_init_cpu(0);

    unsigned online = 1;
    if (!opt_nosmp && opt_maxcpus > 1) online = smp_boot_cpus(acpi_info, static_cast<unsigned>(opt_maxcpus));
    printk("Brought up %u CPU(s):", online);
    for (unsigned c = 0; c < max_cpus; ++c)
        if (per_cpu(c).online) printk(" CPU%u(APIC %u)", c, per_cpu(c).apic_id);
    printk("\n");

    selftests_ok = run_selftests(opt_selftest);

    unsigned groups = 0;
    set_all_domains_gone_hook(all_domains_gone);
    free_pages_before_domains = page_allocator().free_pages();
    // What physinfo (xl info total_memory) reports: the heap's pages.
    printk("Memory for domains: %lu MiB (%lu pages, %lu free)\n", page_allocator().total_pages() >> 8,
           page_allocator().total_pages(), free_pages_before_domains);
    const unsigned started = build_boot_domains(boot_info, groups);
    // Dom0 comes last: its default memory is what the domUs left.
    const bool want_dom0 = boot_modules_have_dom0(boot_info);
    if (want_dom0) {
        set_host_power_off_handler(hardware_domain_power_off);
        if (!build_dom0(boot_info, hardware_domain_shutdown)) {
            printk("Dom0 did not start; stopping.\n");
            debug_exit(Verdict::fail);
        }
        printk("Started dom0 and %u of %u boot-built domain(s) in %lu ms\n", started, groups,
               now_ns() / 1000000);
        if (started < groups) some_domain_failed = true;
        sched_loop();
    }
    if (groups == 0) {
        printk("Boot complete in %lu ms; nothing left to run.\n", now_ns() / 1000000);
        debug_exit(selftests_ok ? Verdict::pass : Verdict::fail);
    }
    printk("Started %u of %u domain(s) in %lu ms\n", started, groups, now_ns() / 1000000);
    if (started == 0) debug_exit(Verdict::fail);
    if (started < groups) some_domain_failed = true;
    sched_loop();
}
