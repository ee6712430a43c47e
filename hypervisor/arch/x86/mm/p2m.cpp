// NPT-backed p2m. Entries use the x86-64 long-mode format (AMD APM Vol. 2,
// 15.25); the p2m type sits in the software-available bits 9-11. Guest
// accesses through nested tables are user accesses, so U/S is always set.
// Locking: callers serialise updates per domain (domain build, or the
// domain's p2m lock once hypercalls change the p2m).
#include "arch/p2m.hpp"

#include "arch/layout.hpp"
#include "common/lib/string.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen::arch {

namespace {
constexpr uint64_t P = 1, RW = 2, US = 4, PS = 0x80;
constexpr uint64_t ADDR = 0x000ffffffffff000ull;
constexpr unsigned type_shift = 9;
constexpr uint64_t TYPE_MASK = 7ull << type_shift;

uint64_t* table(paddr_t pa) { return maddr_to_ptr<uint64_t>(pa); }
unsigned idx(uint64_t gfn, unsigned level) { return (gfn >> (9 * (level - 1))) & 0x1ff; }

uint64_t make_leaf(Mfn mfn, unsigned level, P2mType type) {
    uint64_t e = mfn_to_paddr(mfn) | P | US | (uint64_t{static_cast<uint8_t>(type)} << type_shift);
    if (type != P2mType::ram_ro && type != P2mType::grant_map_ro) e |= RW;
    if (level > 1) e |= PS;
    return e;
}

Result<paddr_t> new_table() {
    void* p = TRY(alloc_xenheap_pages(0));
    memset(p, 0, page_size);
    return virt_to_maddr(p);
}

// Replace a superpage entry at `level` (2 or 3) with a table of the
// next-smaller pages covering the same range.
Status split(uint64_t& entry, unsigned level) {
    paddr_t t = TRY(new_table());
    const uint64_t base = entry & ADDR;
    const P2mType type = static_cast<P2mType>((entry & TYPE_MASK) >> type_shift);
    const uint64_t step = page_size << (9 * (level - 2));
    for (unsigned i = 0; i < 512; ++i)
        table(t)[i] = make_leaf(paddr_to_mfn(base + i * step), level - 1, type);
    entry = t | P | RW | US;
    return ok_status();
}

void free_tables(paddr_t t, unsigned level, void (*free_ram)(Mfn, unsigned)) {
    for (unsigned i = 0; i < 512; ++i) {
        const uint64_t e = table(t)[i];
        if (!(e & P)) continue;
        if (level > 1 && !(e & PS)) {
            free_tables(e & ADDR, level - 1, free_ram);
            continue;
        }
        const auto type = static_cast<P2mType>((e & TYPE_MASK) >> type_shift);
        if (free_ram && (type == P2mType::ram_rw || type == P2mType::ram_ro))
            free_ram(paddr_to_mfn(e & ADDR), 9 * (level - 1));
    }
    free_xenheap_pages(maddr_to_virt(t), 0);
}
} // namespace

void clear_frames(Mfn mfn, unsigned order) { memset(mfn_to_virt(mfn), 0, page_size << order); }
void* map_domain_frame(Mfn mfn) { return mfn_to_virt(mfn); }

Status P2m::init() {
    root_ = TRY(new_table());
    return ok_status();
}

Status P2m::set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type) {
    const unsigned target = order / 9 + 1; // level of the leaf
    uint64_t* t = table(root_);
    for (unsigned level = 4; level > target; --level) {
        uint64_t& e = t[idx(raw(gfn), level)];
        if (!(e & P)) {
            paddr_t n = TRY(new_table());
            e = n | P | RW | US;
        } else if (e & PS) {
            TRY(split(e, level));
        }
        t = table(e & ADDR);
    }
    uint64_t& leaf = t[idx(raw(gfn), target)];
    const P2mEntry old = lookup(gfn);
    if (target > 1 && (leaf & P) && !(leaf & PS)) {
        // A table of smaller mappings is being replaced: account and free it.
        free_tables(leaf & ADDR, target - 1, nullptr);
    }
    if (old.type == P2mType::ram_rw || old.type == P2mType::ram_ro) ram_pages_ -= 1ull << old.order;
    leaf = type == P2mType::invalid ? 0 : make_leaf(mfn, target, type);
    if (type == P2mType::ram_rw || type == P2mType::ram_ro) ram_pages_ += 1ull << order;
    return ok_status();
}

Status P2m::clear_entry(Gfn gfn) { return set_entry(gfn, Mfn{0}, 0, P2mType::invalid); }

P2mEntry P2m::lookup(Gfn gfn) const {
    if (!root_) return {Mfn{0}, P2mType::invalid, 0};
    const uint64_t* t = table(root_);
    for (unsigned level = 4; level >= 1; --level) {
        const uint64_t e = t[idx(raw(gfn), level)];
        if (!(e & P)) return {Mfn{0}, P2mType::invalid, 0};
        if (level == 1 || (e & PS)) {
            const unsigned order = 9 * (level - 1);
            const uint64_t offset = raw(gfn) & ((1ull << order) - 1);
            return {paddr_to_mfn(e & ADDR) + offset,
                    static_cast<P2mType>((e & TYPE_MASK) >> type_shift), order};
        }
        t = table(e & ADDR);
    }
    return {Mfn{0}, P2mType::invalid, 0};
}

void P2m::teardown(void (*free_ram)(Mfn, unsigned)) {
    if (!root_) return;
    free_tables(root_, 4, free_ram);
    root_ = 0;
    ram_pages_ = 0;
}

} // namespace cxen::arch
