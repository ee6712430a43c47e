// See domain_e820.hpp.
#include "common/mm/domain_e820.hpp"

#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/mm/xmalloc.hpp"
#include "lib/base/assert.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
// xmalloc_array(): room for n entries (at least one byte for n == 0, which
// Xen's set_memory_map accepts and which then reads as "no map").
Result<E820Entry*> alloc_map(unsigned n) {
    void* p = TRY(xmalloc_bytes(n ? n * sizeof(E820Entry) : 1, 8));
    return static_cast<E820Entry*>(p);
}
} // namespace

DomainE820::~DomainE820() { xfree(map_); }

void DomainE820::replace(E820Entry* map, unsigned n) {
    E820Entry* old;
    {
        SpinGuard g(lock_);
        old = map_;
        map_ = map;
        nr_ = n;
    }
    xfree(old);
}

Status DomainE820::set(const E820Entry* map, unsigned n) {
    if (n > e820_max_entries) return Err(Errno::XEN_EINVAL);
    E820Entry* m = TRY(alloc_map(n));
    memcpy(m, map, n * sizeof(E820Entry));
    replace(m, n);
    return ok_status();
}

Status DomainE820::set_from_guest(Vcpu& cur, uint64_t buffer, unsigned n) {
    if (n > e820_max_entries) return Err(Errno::XEN_EINVAL);
    E820Entry* m = TRY(alloc_map(n));
    if (n && !arch::copy_from_guest(cur, buffer, m, n * sizeof(E820Entry))) {
        xfree(m);
        return Err(Errno::XEN_EFAULT);
    }
    replace(m, n);
    return ok_status();
}

Status DomainE820::copy_to(Vcpu& cur, uint64_t buffer, unsigned& n) {
    SpinGuard g(lock_); // held across the copies, as Xen's e820_lock: the map cannot go meanwhile
    if (nr_ == 0 || map_ == nullptr) return Err(Errno::XEN_ENOSYS);
    if (n > nr_) n = nr_;
    if (n && !arch::copy_to_guest(cur, buffer, map_, n * sizeof(E820Entry))) return Err(Errno::XEN_EFAULT);
    return ok_status();
}

unsigned DomainE820::size() const {
    SpinGuard g(lock_);
    return nr_;
}

E820Entry DomainE820::entry(unsigned i) const {
    SpinGuard g(lock_);
    ASSERT(i < nr_);
    return map_[i];
}

} // namespace cxen
