// See foreign_maps.hpp.
#include "common/mm/foreign_maps.hpp"

#include "common/mm/xmalloc.hpp"
#include "lib/base/assert.hpp"

namespace cxen {

ForeignMaps::~ForeignMaps() {
    ASSERT(used_ == 0); // p2m teardown released every holder
    xfree(slots_);
}

uint32_t ForeignMaps::home(uint64_t gfn) const {
    // Fibonacci hashing: gfns come in runs (Linux's unpopulated ranges).
    return static_cast<uint32_t>((gfn * 0x9E3779B97F4A7C15ull) >> 32) & (cap_ - 1);
}

Status ForeignMaps::grow() {
    const uint32_t ncap = cap_ ? cap_ * 2 : 64;
    if (ncap < cap_) return Err(Errno::XEN_ENOMEM); // 2^32 records: no more
    void* mem = TRY(xmalloc_bytes(sizeof(Slot) * ncap, alignof(Slot)));
    Slot* old = slots_;
    const uint32_t ocap = cap_;
    slots_ = static_cast<Slot*>(mem);
    cap_ = ncap;
    for (uint32_t i = 0; i < cap_; ++i) slots_[i] = Slot{empty_gfn, {}};
    used_ = 0;
    for (uint32_t i = 0; i < ocap; ++i)
        if (old[i].gfn != empty_gfn) insert(old[i].gfn, old[i].h);
    xfree(old);
    return ok_status();
}

Status ForeignMaps::reserve_one() {
    // At most half full: probes stay short.
    if (uint64_t{used_ + 1} * 2 > cap_) TRY(grow());
    return ok_status();
}

void ForeignMaps::insert(uint64_t gfn, ForeignHolder h) {
    ASSERT(uint64_t{used_ + 1} * 2 <= cap_);
    uint32_t i = home(gfn);
    while (slots_[i].gfn != empty_gfn) {
        ASSERT(slots_[i].gfn != gfn);
        i = (i + 1) & (cap_ - 1);
    }
    slots_[i] = Slot{gfn, h};
    ++used_;
}

ForeignHolder ForeignMaps::take(uint64_t gfn) {
    if (!cap_) return {};
    uint32_t i = home(gfn);
    while (slots_[i].gfn != gfn) {
        if (slots_[i].gfn == empty_gfn) return {};
        i = (i + 1) & (cap_ - 1);
    }
    const ForeignHolder h = slots_[i].h;
    // Backward shift: move later members of the probe run into the hole
    // when their home does not lie cyclically in (hole, their slot].
    uint32_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & (cap_ - 1);
        if (slots_[j].gfn == empty_gfn) break;
        const uint32_t k = home(slots_[j].gfn);
        const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (stays) continue;
        slots_[hole] = slots_[j];
        hole = j;
    }
    slots_[hole] = Slot{empty_gfn, {}};
    --used_;
    return h;
}

void ForeignMaps::take_all(void (*fn)(ForeignHolder h, void* ctx), void* ctx) {
    for (uint32_t i = 0; i < cap_; ++i) {
        if (slots_[i].gfn == empty_gfn) continue;
        const ForeignHolder h = slots_[i].h;
        slots_[i] = Slot{empty_gfn, {}};
        fn(h, ctx);
    }
    used_ = 0;
}

} // namespace cxen
