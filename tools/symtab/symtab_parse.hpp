// Building the hypervisor's embedded symbol table from `nm -n -C` output, for
// tools/symtab/symtab_gen.cpp and its unit test. Header-only so that the
// tool needs no library. The table's layout is hypervisor/common/lib/
// symbols.hpp (SymbolTable); symbol_lookup() relies on what build_table()
// guarantees: ascending distinct addresses, ending with the `_etext` marker.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace cxen::symtab {

/// One line of `nm -n -C`: "<hex address> <type letter> <name>". The name is
/// the rest of the line and may contain spaces (demangled C++).
struct NmSymbol {
    uint64_t addr = 0;
    char type = 0;
    std::string name;
};

/// How a line of nm output parsed.
enum class LineKind {
    symbol,    ///< `sym` holds it
    skip,      ///< blank line, or a symbol without address (undefined: U, w, v)
    malformed, ///< `error` says why
};

struct LineResult {
    LineKind kind = LineKind::skip;
    NmSymbol sym;
    std::string error;
};

/// Parse one line of `nm -n -C` output (without its newline; a trailing CR
/// is ignored).
inline LineResult parse_nm_line(std::string_view line) {
    LineResult r;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(' ') == std::string_view::npos) return r; // blank

    auto malformed = [&r](std::string msg) {
        r.kind = LineKind::malformed;
        r.error = std::move(msg);
        return r;
    };

    // Undefined symbols have spaces where the address would be.
    if (line.front() == ' ') {
        size_t t = line.find_first_not_of(' ');
        if (t + 1 < line.size() && line[t + 1] == ' ' && t + 2 < line.size() &&
            std::string_view("Uwv").find(line[t]) != std::string_view::npos)
            return r;
        return malformed("expected \"<address> <type> <name>\"");
    }

    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp > 16)
        return malformed("expected a hexadecimal address of at most 16 digits");
    uint64_t addr = 0;
    for (char c : line.substr(0, sp)) {
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            return malformed("bad address \"" + std::string(line.substr(0, sp)) + "\"");
        addr = addr << 4 | d;
    }
    // "<type> <name>": a letter-like type character, a space, a non-empty name.
    if (line.size() < sp + 4 || line[sp + 1] == ' ' || line[sp + 2] != ' ')
        return malformed("expected \"<address> <type> <name>\"");
    r.kind = LineKind::symbol;
    r.sym.addr = addr;
    r.sym.type = line[sp + 1];
    r.sym.name = std::string(line.substr(sp + 3));
    return r;
}

/// nm types kept in the table: text (t, T) and weak (w, W) symbols.
inline bool is_text_type(char type) {
    return type == 't' || type == 'T' || type == 'w' || type == 'W';
}
/// nm's lower-case letters are local symbols.
inline bool is_global_type(char type) { return type >= 'A' && type <= 'Z'; }

/// One row of the embedded table.
struct Entry {
    uint64_t addr = 0;
    std::string name;
};

/// The end marker: the linker script defines it at the end of .text.
inline constexpr std::string_view end_marker = "_etext";

struct BuildResult {
    std::vector<Entry> entries; ///< ascending distinct addresses, end marker last
    std::string error;          ///< empty on success
    size_t error_line = 0;      ///< 1-based input line of the error, 0 if none
    bool ok() const { return error.empty(); }
};

/// Build the table from the whole of `nm -n -C` output: keep text and weak
/// symbols below `_etext`, sort them by address, keep one name per address
/// (the first global one, else the first), and append `_etext` as the end
/// marker. Fails on a malformed line, or if `_etext` is missing.
inline BuildResult build_table(std::string_view nm_output) {
    BuildResult out;
    std::vector<NmSymbol> text;
    bool have_end = false;
    uint64_t end_addr = 0;

    size_t line_no = 0;
    while (!nm_output.empty()) {
        ++line_no;
        size_t nl = nm_output.find('\n');
        std::string_view line = nm_output.substr(0, nl);
        nm_output.remove_prefix(nl == std::string_view::npos ? nm_output.size() : nl + 1);

        LineResult r = parse_nm_line(line);
        if (r.kind == LineKind::malformed) {
            out.error = r.error;
            out.error_line = line_no;
            return out;
        }
        if (r.kind != LineKind::symbol) continue;
        if (r.sym.name == end_marker) {
            if (!have_end) end_addr = r.sym.addr;
            have_end = true;
            continue;
        }
        if (is_text_type(r.sym.type)) text.push_back(std::move(r.sym));
    }
    if (!have_end) {
        out.error = "no '" + std::string(end_marker) + "' symbol (the end of .text)";
        return out;
    }

    // nm -n already sorts; a stable sort keeps nm's order among equal
    // addresses, which decides "first" below.
    std::stable_sort(text.begin(), text.end(),
                     [](const NmSymbol& a, const NmSymbol& b) { return a.addr < b.addr; });
    for (size_t i = 0; i < text.size();) {
        size_t j = i;
        size_t pick = i;
        bool global = false;
        for (; j < text.size() && text[j].addr == text[i].addr; ++j) {
            if (!global && is_global_type(text[j].type)) {
                pick = j;
                global = true;
            }
        }
        if (text[pick].addr < end_addr) out.entries.push_back({text[pick].addr, text[pick].name});
        i = j;
    }
    out.entries.push_back({end_addr, std::string(end_marker)});
    return out;
}

/// `s` as the inside of a GNU as string literal: backslash and double quote
/// escaped, bytes outside printable ASCII as three-digit octal escapes.
inline std::string asm_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            out += '\\';
            out += static_cast<char>('0' + (c >> 6));
            out += static_cast<char>('0' + ((c >> 3) & 7));
            out += static_cast<char>('0' + (c & 7));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

/// GNU as (AT&T) source defining cxen_symtab_count, cxen_symtab_addrs,
/// cxen_symtab_name_offsets and cxen_symtab_strings in section .cxen_symtab,
/// as arch/x86/boot/symtab_empty.S does for the empty table. Returns false
/// if the names do not fit the 32-bit offsets.
inline bool emit_asm(const std::vector<Entry>& entries, std::string& out) {
    out.clear();
    out += "/* Generated by cxen-symtab-gen from `nm -n -C` of link pass 1. Do not edit. */\n"
           "    .section .cxen_symtab, \"a\"\n"
           "    .balign 8\n"
           "    .globl cxen_symtab_count\n"
           "    .type cxen_symtab_count, @object\n"
           "cxen_symtab_count:\n";
    out += "    .quad " + std::to_string(entries.size()) + "\n";
    out += "    .size cxen_symtab_count, . - cxen_symtab_count\n"
           "\n"
           "    .globl cxen_symtab_addrs\n"
           "    .type cxen_symtab_addrs, @object\n"
           "cxen_symtab_addrs:\n";
    char buf[32];
    for (const Entry& e : entries) {
        std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(e.addr));
        out += "    .quad ";
        out += buf;
        out += "\n";
    }
    out += "    .size cxen_symtab_addrs, . - cxen_symtab_addrs\n"
           "\n"
           "    .balign 4\n"
           "    .globl cxen_symtab_name_offsets\n"
           "    .type cxen_symtab_name_offsets, @object\n"
           "cxen_symtab_name_offsets:\n";
    uint64_t offset = 0;
    for (const Entry& e : entries) {
        if (offset > UINT32_MAX) return false;
        out += "    .long " + std::to_string(offset) + "\n";
        offset += e.name.size() + 1;
    }
    out += "    .size cxen_symtab_name_offsets, . - cxen_symtab_name_offsets\n"
           "\n"
           "    .globl cxen_symtab_strings\n"
           "    .type cxen_symtab_strings, @object\n"
           "cxen_symtab_strings:\n";
    for (const Entry& e : entries) out += "    .asciz \"" + asm_escape(e.name) + "\"\n";
    if (entries.empty()) out += "    .byte 0\n";
    out += "    .size cxen_symtab_strings, . - cxen_symtab_strings\n"
           "\n"
           "    .section .note.GNU-stack, \"\", @progbits\n";
    return true;
}

} // namespace cxen::symtab
