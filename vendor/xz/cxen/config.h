/* cxen's configuration of liblzma (instead of the one configure writes):
 * the decoders of .xz (LZMA2 with the x86 BCJ filter, as Linux's bzImage
 * uses) and of legacy .lzma, CRC32 and CRC64 checks, no threads. */
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86 1
#define HAVE_CHECK_CRC32 1
#define HAVE_CHECK_CRC64 1
#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define HAVE_STDINT_H 1
#define HAVE___BUILTIN_BSWAPXX 1
#define HAVE___BUILTIN_ASSUME_ALIGNED 1
#define SIZEOF_SIZE_T 8
#define TUKLIB_SYMBOL_PREFIX lzma_
#define TUKLIB_FAST_UNALIGNED_ACCESS 1
#define ASSUME_RAM 128
#define PACKAGE_NAME "XZ Utils"
#define PACKAGE_URL "https://tukaani.org/xz/"
