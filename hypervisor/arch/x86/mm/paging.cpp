// Hypervisor page tables. Locking: ioremap_lock protects the ioremap window
// and table creation below it; the rest is written once at boot on the BSP.
#include "arch/paging.hpp"

#include "arch/layout.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/lib/panic.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/string.hpp"

namespace cxen::arch {

namespace {
constexpr uint64_t PTE_P = 1, PTE_RW = 2, PTE_PWT = 8, PTE_PCD = 0x10, PTE_PS = 0x80,
                   PTE_G = 0x100;
constexpr uint64_t PTE_ADDR = 0x000ffffffffff000ull;

PtAllocator pt_alloc;
paddr_t root_pa;
uint64_t nx_bit;
uint64_t dmap_limit;
SpinLock ioremap_lock;
uint64_t ioremap_next = ioremap_base;

uint64_t* table(paddr_t pa) { return maddr_to_ptr<uint64_t>(pa); }

unsigned index_of(uint64_t va, unsigned level) { // level 4 = PML4 ... 1 = PT
    return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

// Return the table at `level - 1` under entry `idx` of `t`, creating it.
Result<uint64_t*> next_table(uint64_t* t, unsigned idx) {
    if (!(t[idx] & PTE_P)) {
        paddr_t pa = TRY(pt_alloc());
        memset(table(pa), 0, page_size);
        t[idx] = pa | PTE_P | PTE_RW;
    }
    return table(t[idx] & PTE_ADDR);
}

// Map one page of size 4K << (9 * (level - 1)) at va.
Status map_one(uint64_t va, paddr_t pa, unsigned level, uint64_t flags) {
    uint64_t* t = table(root_pa);
    for (unsigned l = 4; l > level; --l) t = TRY(next_table(t, index_of(va, l)));
    t[index_of(va, level)] = pa | flags | (level > 1 ? PTE_PS : 0);
    return ok_status();
}

bool cpu_has_1g_pages() {
    return x86::cpuid_max_ext() >= 0x80000001 && (x86::cpuid(0x80000001).edx & (1u << 26));
}
} // namespace

void set_pt_allocator(PtAllocator alloc) { pt_alloc = alloc; }
uint64_t directmap_limit() { return dmap_limit; }

void paging_init(paddr_t top_of_ram) {
    nx_bit = (x86::rdmsr(x86::MSR_EFER) & x86::EFER_NXE) ? (1ull << 63) : 0;
    auto root = pt_alloc();
    if (!root) panic("paging: no memory for the page-table root");
    root_pa = root.value();
    memset(table(root_pa), 0, page_size);

    // The image: the first GiB at kernel_vma, 2 MiB pages.
    for (uint64_t off = 0; off < GiB(1); off += MiB(2))
        if (!map_one(kernel_vma + off, off, 2, PTE_P | PTE_RW | PTE_G))
            panic("paging: cannot map the image");

    // The direct map: everything up to the top of RAM, at least the 4 GiB
    // that hold the firmware tables and device registers.
    dmap_limit = align_up(top_of_ram > GiB(4) ? top_of_ram : GiB(4), GiB(1));
    const bool big = cpu_has_1g_pages();
    const uint64_t step = big ? GiB(1) : MiB(2);
    for (uint64_t pa = 0; pa < dmap_limit; pa += step)
        if (!map_one(directmap_base + pa, pa, big ? 3 : 2, PTE_P | PTE_RW | PTE_G | nx_bit))
            panic("paging: cannot build the direct map");

    x86::write_cr4(x86::read_cr4() | x86::CR4_PGE);
    paging_load();
    log(LogLevel::info, "Direct map: %lu GiB with %s pages\n", dmap_limit >> 30, big ? "1 GiB" : "2 MiB");
}

void paging_load() {
    x86::write_cr4(x86::read_cr4() | x86::CR4_PGE);
    x86::write_cr3(root_pa);
    // Toggle PGE to drop global entries of the boot tables.
    uint64_t cr4 = x86::read_cr4();
    x86::write_cr4(cr4 & ~x86::CR4_PGE);
    x86::write_cr4(cr4);
}

Result<void*> ioremap(paddr_t pa, size_t len) {
    IrqSpinGuard guard(ioremap_lock);
    const paddr_t first = align_down(pa, page_size);
    const uint64_t size = align_up(pa + len, page_size) - first;
    if (ioremap_next + size > ioremap_base + ioremap_size) return Err(Errno::XEN_ENOMEM);
    const uint64_t va = ioremap_next;
    for (uint64_t off = 0; off < size; off += page_size)
        TRY(map_one(va + off, first + off, 1, PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_G | nx_bit));
    ioremap_next += size + page_size; // leave an unmapped guard page
    return reinterpret_cast<void*>(va + (pa - first));
}

bool va_is_mapped(uint64_t va) {
    uint64_t* t = table(x86::read_cr3() & PTE_ADDR);
    for (unsigned l = 4; l >= 1; --l) {
        uint64_t e = t[index_of(va, l)];
        if (!(e & PTE_P)) return false;
        if (l == 1 || (e & PTE_PS)) return true;
        t = table(e & PTE_ADDR);
    }
    return false;
}

} // namespace cxen::arch
