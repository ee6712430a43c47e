// NPT-backed p2m. Entries use the x86-64 long-mode format (AMD APM Vol. 2,
// 15.25); the p2m type sits in the software-available bits 9-11. Guest
// accesses through nested tables are user accesses, so U/S is always set.
// Locking: none here; the one writer (common/mm/p2m.cpp) serialises every
// change under the domain's p2m_lock, and frees what a change detached
// only after the domain's nested TLBs are flushed.
#include "arch/p2m.hpp"

#include "arch/layout.hpp"
#include "lib/base/string.hpp"
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

/// Does table t map nothing but (perhaps) entry `skip`?
bool only_entry(const uint64_t* t, unsigned skip) {
    for (unsigned i = 0; i < 512; ++i)
        if (i != skip && (t[i] & P)) return false;
    return true;
}

} // namespace

void clear_frames(Mfn mfn, unsigned order) { memset(mfn_to_virt(mfn), 0, page_size << order); }
void* map_domain_frame(Mfn mfn) { return mfn_to_virt(mfn); }

Result<paddr_t> P2m::new_table() {
    if (tables_ >= table_limit_) return Err(Errno::XEN_ENOMEM); // the domain's pool is used up
    void* p = TRY(alloc_xenheap_pages(0));
    memset(p, 0, page_size);
    ++tables_;
    return virt_to_maddr(p);
}

// Replace a superpage entry at `level` (2 or 3) with a table of the
// next-smaller pages covering the same range.
Status P2m::split(uint64_t& entry, unsigned level) {
    paddr_t t = TRY(new_table());
    const uint64_t base = entry & ADDR;
    const P2mType type = static_cast<P2mType>((entry & TYPE_MASK) >> type_shift);
    const uint64_t step = page_size << (9 * (level - 2));
    for (unsigned i = 0; i < 512; ++i)
        table(t)[i] = make_leaf(paddr_to_mfn(base + i * step), level - 1, type);
    entry = t | P | RW | US;
    return ok_status();
}

void P2m::free_tables(paddr_t t, unsigned level, void (*release)(Mfn, unsigned, P2mType, void*), void* ctx) {
    for (unsigned i = 0; i < 512; ++i) {
        const uint64_t e = table(t)[i];
        if (!(e & P)) continue;
        if (level > 1 && !(e & PS)) {
            free_tables(e & ADDR, level - 1, release, ctx);
            continue;
        }
        const auto type = static_cast<P2mType>((e & TYPE_MASK) >> type_shift);
        if (release) release(paddr_to_mfn(e & ADDR), 9 * (level - 1), type, ctx);
    }
    free_xenheap_pages(maddr_to_virt(t), 0);
    --tables_;
}

Status P2m::init() {
    root_ = TRY(new_table());
    return ok_status();
}

Status P2m::set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type, P2mDetached* detached) {
    if (raw(gfn) > p2m_max_gfn || (uint64_t{1} << order) - 1 > p2m_max_gfn - raw(gfn)) return Err(Errno::XEN_ENOENT);
    const unsigned target = order / 9 + 1; // level of the leaf
    const bool clearing = type == P2mType::invalid;
    uint64_t* path[5] = {}; // path[level]: the table walked at that level
    uint64_t* t = table(root_);
    for (unsigned level = 4; level > target; --level) {
        path[level] = t;
        uint64_t& e = t[idx(raw(gfn), level)];
        if (!(e & P)) {
            if (clearing) return ok_status(); // nothing mapped there: no table made to say so
            paddr_t n = TRY(new_table());
            e = n | P | RW | US;
        } else if (e & PS) {
            TRY(split(e, level));
        }
        t = table(e & ADDR);
    }
    path[target] = t;
    uint64_t& leaf = t[idx(raw(gfn), target)];
    const P2mEntry old = lookup(gfn);
    P2mDetached gone;
    if (target > 1 && (leaf & P) && !(leaf & PS)) gone = {leaf & ADDR, target - 1}; // a table of smaller mappings
    if (old.type == P2mType::ram_rw || old.type == P2mType::ram_ro) ram_pages_ -= 1ull << old.order;
    leaf = clearing ? 0 : make_leaf(mfn, target, type);
    if (type == P2mType::ram_rw || type == P2mType::ram_ro) ram_pages_ += 1ull << order;
    const uint64_t last = raw(gfn) + (1ull << order) - 1;
    if (!clearing && last > max_mapped_gfn_) max_mapped_gfn_ = last;
    if (clearing && detached && !gone.table) {
        // Tables this removal left empty go too (Xen keeps them in the
        // domain's pool; here they are the host's, so free memory comes back
        // once a range is unmapped): the highest one on the path that maps
        // nothing else is unhooked, its subtree freed by the caller after
        // the flush. The root stays.
        unsigned top = 0;
        for (unsigned level = target; level < 4 && only_entry(path[level], idx(raw(gfn), level)); ++level) top = level;
        if (top) {
            uint64_t& link = path[top + 1][idx(raw(gfn), top + 1)];
            *detached = {link & ADDR, top};
            link = 0;
            return ok_status();
        }
    }
    if (gone.table) {
        // The caller (the writer) emptied the range first, so only tables are
        // left in it; they go after the flush, or now if nothing ever ran.
        if (detached) *detached = gone;
        else free_detached(gone);
    }
    return ok_status();
}

Status P2m::clear_entry(Gfn gfn) { return set_entry(gfn, Mfn{0}, 0, P2mType::invalid); }

P2mEntry P2m::lookup(Gfn gfn) const {
    if (!root_ || raw(gfn) > p2m_max_gfn) return {Mfn{0}, P2mType::invalid, 0};
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

void P2m::free_detached(const P2mDetached& t) {
    if (t.table) free_tables(t.table, t.level, nullptr, nullptr);
}

void P2m::teardown(void (*release)(Mfn, unsigned, P2mType, void*), void* ctx) {
    if (!root_) return;
    free_tables(root_, 4, release, ctx);
    root_ = 0;
    ram_pages_ = 0;
}

} // namespace cxen::arch
