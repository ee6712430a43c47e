// The maptrack table of a mapping domain (Xen's grant_mapping frames and
// get/put_maptrack_handle): handle -> (granting table, ref, flags). Chunks
// of gnttab_maptrack_per_frame handles are added on demand up to
// max_maptrack_frames.
//
// Locking: GrantTable::maptrack_lock guards the free list and growth; it is
// taken alone (the xenheap/heap locks nest inside). A chunk pointer is
// published before maptrack_limit (release), so a reader that checks a
// handle against the limit (acquire) may read its chunk without the lock.
//
// As in Xen, one free handle always stays on the free list (Xen keeps it as
// the tail sentinel of a vCPU's list), so a table of N frames gives out at
// most N * 256 - 1 handles at once. Xen keeps one list per vCPU; cxen keeps
// one per domain, so handle values can differ from Xen's when several vCPUs
// map (guests treat handles as opaque).
#include "common/grant/grant_table_impl.hpp"
#include "common/mm/xmalloc.hpp"

namespace cxen {

Status maptrack_init(GrantTable& gt) {
    void* p = TRY(xmalloc_bytes(sizeof(MaptrackEntry*) * (gt.max_maptrack_frames ? gt.max_maptrack_frames : 1)));
    gt.maptrack = static_cast<MaptrackEntry**>(p);
    for (uint32_t i = 0; i < gt.max_maptrack_frames; ++i) gt.maptrack[i] = nullptr;
    return ok_status();
}

void maptrack_free(GrantTable& gt) {
    if (!gt.maptrack) return;
    const uint32_t chunks = gt.maptrack_limit.load() / gnttab_maptrack_per_frame;
    for (uint32_t i = 0; i < chunks; ++i) {
        for (uint32_t j = 0; j < gnttab_maptrack_per_frame; ++j) gt.maptrack[i][j].~MaptrackEntry();
        xfree(gt.maptrack[i]);
    }
    xfree(gt.maptrack);
    gt.maptrack = nullptr;
}

MaptrackEntry& maptrack_entry(GrantTable& lgt, uint32_t handle) {
    return lgt.maptrack[handle / gnttab_maptrack_per_frame][handle % gnttab_maptrack_per_frame];
}

uint32_t maptrack_get_handle(GrantTable& lgt) {
    SpinGuard g(lgt.maptrack_lock);
    if (lgt.maptrack_head != maptrack_none) {
        const uint32_t next = maptrack_entry(lgt, lgt.maptrack_head).ref;
        if (next != maptrack_none) { // never the last one: it is the tail
            const uint32_t h = lgt.maptrack_head;
            lgt.maptrack_head = next;
            return h;
        }
    }
    const uint32_t limit = lgt.maptrack_limit.load(std::memory_order_relaxed);
    const uint32_t chunk = limit / gnttab_maptrack_per_frame;
    if (chunk >= lgt.max_maptrack_frames) return maptrack_none;
    auto mem = xmalloc_bytes(sizeof(MaptrackEntry) * gnttab_maptrack_per_frame, alignof(MaptrackEntry));
    if (!mem) return maptrack_none; // Xen: out of memory is "no space" too
    auto* entries = static_cast<MaptrackEntry*>(mem.value());
    // The first new handle is returned; the rest go in front of the list.
    for (uint32_t i = 0; i < gnttab_maptrack_per_frame; ++i) {
        new (&entries[i]) MaptrackEntry();
        entries[i].ref = limit + i + 1;
    }
    entries[gnttab_maptrack_per_frame - 1].ref = lgt.maptrack_head;
    if (lgt.maptrack_tail == maptrack_none) lgt.maptrack_tail = limit + gnttab_maptrack_per_frame - 1;
    lgt.maptrack[chunk] = entries;
    lgt.maptrack_limit.store(limit + gnttab_maptrack_per_frame, std::memory_order_release);
    lgt.maptrack_head = limit + 1;
    return limit;
}

void maptrack_put_handle(GrantTable& lgt, uint32_t handle) {
    maptrack_entry(lgt, handle).ref = maptrack_none;
    SpinGuard g(lgt.maptrack_lock);
    // FIFO: freed handles join the tail, as Xen's put_maptrack_handle().
    maptrack_entry(lgt, lgt.maptrack_tail).ref = handle;
    lgt.maptrack_tail = handle;
}

} // namespace cxen
