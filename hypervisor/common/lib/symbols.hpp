// Address -> function name lookup for symbolized backtraces.
//
// The table is built at link time: pass 1 of the hypervisor link embeds an
// empty table (arch/x86/boot/symtab_empty.S), tools/symtab/symtab_gen turns
// `nm -n -C` of that image into assembly, and pass 2 embeds the result in
// section .cxen_symtab (see hypervisor/CMakeLists.txt).
#pragma once

#include <cstdint>

namespace cxen {

/// A sorted table of text symbols. Entry i names the code in
/// [addrs[i], addrs[i+1]); the last entry is an end marker (the linker's
/// `_etext`) that names nothing. count includes the marker, so a table with
/// fewer than 2 entries resolves no address.
struct SymbolTable {
    uint64_t count;               ///< entries, including the end marker
    const uint64_t* addrs;        ///< ascending start addresses, count entries
    const uint32_t* name_offsets; ///< byte offset of entry i's name in strings
    const char* strings;          ///< NUL-terminated names, back to back
};

/// What symbol_lookup() found for an address.
struct SymbolHit {
    const char* name; ///< demangled, e.g. "cxen::printk(char const*, ...)"
    uint64_t offset;  ///< bytes from the symbol's start to the address
    uint64_t size;    ///< bytes to the next symbol (or to the end marker)
};

/// Find the symbol containing `addr`: the last entry whose start is <= addr.
/// Returns false, leaving `out` untouched, if addr is before the first entry
/// or at/after the end marker. O(log count); takes no locks, allocates
/// nothing, so it is safe on the panic path.
bool symbol_lookup(const SymbolTable& t, uint64_t addr, SymbolHit& out);

/// The table embedded in the running hypervisor image (empty in link pass 1).
/// Defined in arch/x86/boot/symbols_image.cpp: host builds have no image.
const SymbolTable& hypervisor_symbols();

} // namespace cxen
